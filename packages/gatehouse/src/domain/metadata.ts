import { errors } from '../errors.js';

import type { Metadata } from '../model/index.js';

export type { Metadata };
/** The metadata fields by their wire names, which errors name. */
export const METADATA_FIELDS = ['public_metadata', 'private_metadata', 'unsafe_metadata'] as const;
export type MetadataField = (typeof METADATA_FIELDS)[number];
/** Where each metadata field lives on a user (organizations and memberships use the same names). */
export const METADATA_KEYS = {
  public_metadata: 'publicMetadata',
  private_metadata: 'privateMetadata',
  unsafe_metadata: 'unsafeMetadata',
} as const satisfies Record<MetadataField, string>;

/** Clerk caps each metadata object at 8 KB. */
export const METADATA_LIMIT_BYTES = 8192;

function isPlainObject(value: unknown): value is Metadata {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Clerk's merge: nested objects merge key by key, any other value replaces, and a key set to null is
 * removed.
 */
export function mergeMetadata(current: Metadata, patch: Metadata): Metadata {
  const out: Metadata = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (isPlainObject(value) && isPlainObject(out[key])) out[key] = mergeMetadata(out[key] as Metadata, value);
    else out[key] = value;
  }
  return out;
}

/** `value` if its JSON fits Clerk's limit; throws naming `field` otherwise. */
export function sizedMetadata(field: MetadataField, value: Metadata): Metadata {
  if (Buffer.byteLength(JSON.stringify(value), 'utf8') > METADATA_LIMIT_BYTES) throw errors.metadataTooLarge(field, METADATA_LIMIT_BYTES);
  return value;
}
