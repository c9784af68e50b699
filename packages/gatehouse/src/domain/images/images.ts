import { createHash } from 'node:crypto';
import { errors } from '../../errors.js';
import type { Store } from '../../store/index.js';
import type { Caller } from '../caller.js';
import type { Clock } from '../clock.js';
import { raiseUserUpdated } from '../users.js';
import type { EventService } from '../webhooks/events.js';
import { parseDefaultAvatarFileName, renderDefaultAvatar } from './default-avatar.js';
import { contentTypeOfExtension, IMAGE_TYPES, MAX_IMAGE_BYTES, sniffImageType } from './image-type.js';
import { createImageLinks, IMAGES_PATH } from './links.js';

/** Clerk's `image` object: what `POST /v1/me/profile_image` answers. */
export interface UploadedImage {
  id: string;
  name: string;
  publicUrl: string;
}

/** An image as served: bytes and the type they were checked to be. */
export interface ServedImage {
  contentType: string;
  body: Buffer | string;
}

const UPLOAD_NAME = /^([0-9a-f]{64})\.(png|jpg|gif|webp)$/;

/** The stored path of an upload (what `image_url` holds) and back. */
function uploadPath(id: string, extension: string): string {
  return `${IMAGES_PATH}/${id}.${extension}`;
}
function uploadIdOfPath(path: string | null): string | undefined {
  if (!path?.startsWith(`${IMAGES_PATH}/`)) return undefined;
  return UPLOAD_NAME.exec(path.slice(IMAGES_PATH.length + 1))?.[1];
}

/** Avatars and organization logos: checked, stored once per content, served under the public URL. */
export function createImageService(store: Store, clock: Clock, publicUrl: string, events: EventService) {
  const links = createImageLinks(publicUrl);

  /** Checks an upload and stores it (unless the same bytes are already stored); returns its path. */
  async function save(bytes: Buffer): Promise<{ id: string; path: string }> {
    if (bytes.length === 0) throw errors.imageMissing();
    if (bytes.length > MAX_IMAGE_BYTES) throw errors.imageTooLarge(MAX_IMAGE_BYTES / (1024 * 1024));
    const contentType = sniffImageType(bytes);
    if (!contentType) throw errors.imageTypeUnsupported();
    const id = createHash('sha256').update(bytes).digest('hex');
    await store.images.insertIfAbsent({ id, contentType, size: bytes.length, bytes, createdAt: clock() });
    return { id, path: uploadPath(id, IMAGE_TYPES[contentType]) };
  }

  /** Drops the image a user or organization no longer shows, unless someone else still does. */
  async function release(previousPath: string | null): Promise<void> {
    const id = uploadIdOfPath(previousPath);
    if (id && previousPath) await store.images.deleteIfUnused(id, previousPath);
  }

  async function loadUser(userId: string) {
    const user = await store.users.findById(userId);
    if (!user) throw errors.notFound('user');
    return user;
  }

  async function loadOrganization(idOrSlug: string) {
    const organization = idOrSlug.startsWith('org_')
      ? await store.organizations.findById(idOrSlug)
      : await store.organizations.findBySlug(idOrSlug.toLowerCase());
    if (!organization) throw errors.notFound('organization');
    return organization;
  }

  const uploaded = (id: string, path: string): UploadedImage => ({
    id: `img_${id}`,
    name: path.slice(IMAGES_PATH.length + 1),
    publicUrl: links.absolute(path),
  });

  return {
    links,

    /** A user's new profile image; `has_image` becomes true. */
    async setUserImage(userId: string, bytes: Buffer, caller: Caller): Promise<UploadedImage> {
      const user = await loadUser(userId);
      const { id, path } = await save(bytes);
      await store.transaction(async (tx) => {
        await tx.users.update(user.id, { imageUrl: path, updatedAt: clock() });
        await raiseUserUpdated(events, tx, user.id, caller);
      });
      if (user.imageUrl !== path) await release(user.imageUrl);
      return uploaded(id, path);
    },

    /** Back to the default avatar. */
    async deleteUserImage(userId: string, caller: Caller): Promise<void> {
      const user = await loadUser(userId);
      if (user.imageUrl === null) return;
      await store.transaction(async (tx) => {
        await tx.users.update(user.id, { imageUrl: null, updatedAt: clock() });
        await raiseUserUpdated(events, tx, user.id, caller);
      });
      await release(user.imageUrl);
    },

    /** An organization's new logo; returns the organization's id. */
    async setOrganizationLogo(idOrSlug: string, bytes: Buffer, caller: Caller): Promise<string> {
      const organization = await loadOrganization(idOrSlug);
      const { path } = await save(bytes);
      await store.transaction(async (tx) => {
        const updatedAt = clock();
        await tx.organizations.update(organization.id, { imageUrl: path, updatedAt });
        await events.raise(tx, 'organization.updated', { ...organization, imageUrl: path, updatedAt }, caller);
      });
      if (organization.imageUrl !== path) await release(organization.imageUrl);
      return organization.id;
    },

    async deleteOrganizationLogo(idOrSlug: string, caller: Caller): Promise<string> {
      const organization = await loadOrganization(idOrSlug);
      if (organization.imageUrl !== null) {
        await store.transaction(async (tx) => {
          const updatedAt = clock();
          await tx.organizations.update(organization.id, { imageUrl: null, updatedAt });
          await events.raise(tx, 'organization.updated', { ...organization, imageUrl: null, updatedAt }, caller);
        });
        await release(organization.imageUrl);
      }
      return organization.id;
    },

    /**
     * The application's logo (`display_config.logo_image_url`): checked and stored like any upload;
     * returns its path, which the caller keeps in the instance settings.
     */
    async saveApplicationLogo(bytes: Buffer): Promise<string> {
      return (await save(bytes)).path;
    },

    /** The image served under `/v1/images/<name>`: an upload, or a generated default avatar. */
    async serve(name: string): Promise<ServedImage | undefined> {
      const upload = UPLOAD_NAME.exec(name);
      if (upload?.[1] && upload[2]) {
        const image = await store.images.findById(upload[1]);
        // The extension must match what was stored: one content, one URL.
        if (!image || contentTypeOfExtension(upload[2]) !== image.contentType) return undefined;
        return { contentType: image.contentType, body: image.bytes };
      }
      const avatar = name.startsWith('avatars/') ? parseDefaultAvatarFileName(name.slice('avatars/'.length)) : undefined;
      return avatar ? { contentType: 'image/svg+xml', body: renderDefaultAvatar(avatar) } : undefined;
    },
  };
}

export type ImageService = ReturnType<typeof createImageService>;
