import { errors } from '../errors.js';

export type Metadata = Record<string, unknown>;
export const METADATA_FIELDS = ['public_metadata', 'private_metadata', 'unsafe_metadata'] as const;
export type MetadataField = (typeof METADATA_FIELDS)[number];

/** Clerk caps each metadata object at 8 KB. */
export const METADATA_LIMIT_BYTES = 8192;

export function parseMetadata(text: string): Metadata {
  const value = JSON.parse(text) as unknown;
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Metadata) : {};
}

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

/** Serializes metadata for storage, refusing what is too large. */
export function serializeMetadata(field: MetadataField, value: Metadata): string {
  const text = JSON.stringify(value);
  if (Buffer.byteLength(text, 'utf8') > METADATA_LIMIT_BYTES) throw errors.metadataTooLarge(field, METADATA_LIMIT_BYTES);
  return text;
}
