import type { ImageJSON } from '@clerk/shared/types';
import type { UploadedImage } from '../../domain/images/images.js';
import type { Amended } from './wire.js';

/** An uploaded picture (Clerk's `image`, @clerk/shared's `ImageJSON`), as clerk-js's `setProfileImage` reads it. */
export function serializeImage(image: UploadedImage): ImageJSON {
  return { object: 'image', id: image.id, name: image.name, public_url: image.publicUrl };
}

/** The answer to removing a picture: no image any more, and the default avatar that now shows in its place. */
export type RemovedImageWireJSON = Amended<ImageJSON, { id: null; name: null }>;

export function serializeRemovedImage(defaultAvatarUrl: string): RemovedImageWireJSON {
  return { object: 'image', id: null, name: null, public_url: defaultAvatarUrl };
}
