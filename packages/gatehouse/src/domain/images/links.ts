import { defaultAvatarFileName, hueOf, initialsOf } from './default-avatar.js';

/** Where images are served, under the public URL. Stored `image_url`s of uploads are paths under it. */
export const IMAGES_PATH = '/v1/images';

/** The wire fields of a picture: Clerk always gives a URL, and `has_image` says whether it was uploaded. */
export interface ImageFields {
  image_url: string;
  has_image: boolean;
}

export interface UserImageSource {
  id: string;
  /** The stored `image_url`: an upload's path under the public URL, an absolute URL, or null. */
  image: string | null;
  firstName: string | null;
  lastName: string | null;
}

export interface OrganizationImageSource {
  id: string;
  image: string | null;
  name: string;
}

/**
 * Turns stored image references into the absolute URLs the SDKs put in `<img src>`, and gives
 * everyone without an upload a generated default avatar served by Gatehouse itself (no CDN).
 * Computed when serialized, so a changed public URL or name shows at once.
 */
export function createImageLinks(publicUrl: string) {
  const base = publicUrl.replace(/\/+$/, '');
  const absolute = (stored: string) => (stored.startsWith('/') ? base + stored : stored);
  const defaultUrl = (kind: 'user' | 'organization', id: string, initials: string) =>
    `${base}${IMAGES_PATH}/avatars/${defaultAvatarFileName({ kind, hue: hueOf(id), initials })}`;
  return {
    user(source: UserImageSource): ImageFields {
      if (source.image) return { image_url: absolute(source.image), has_image: true };
      return { image_url: defaultUrl('user', source.id, initialsOf(source.firstName, source.lastName)), has_image: false };
    },
    organization(source: OrganizationImageSource): ImageFields {
      if (source.image) return { image_url: absolute(source.image), has_image: true };
      return { image_url: defaultUrl('organization', source.id, initialsOf(source.name)), has_image: false };
    },
    /** The absolute URL of an upload's stored path. */
    absolute,
  };
}

export type ImageLinks = ReturnType<typeof createImageLinks>;
