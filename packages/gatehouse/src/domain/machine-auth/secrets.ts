import { timingSafeEqual } from 'node:crypto';
import { hashToken } from '../../crypto/token-hash.js';
import { errors } from '../../errors.js';
import { randomBase62 } from '../../ids.js';

/**
 * The bearer secrets of machine authentication. `@clerk/backend` tells the kinds apart by prefix:
 * `ak_` is an API key (verified at `/api_keys/verify`), `mt_` an M2M token (`/m2m_tokens/verify`).
 * Machine secret keys also start `ak_`, as Clerk's do; they live in another table and are only ever
 * sent to the Backend API, never to an app.
 */
export const API_KEY_PREFIX = 'ak_';
export const M2M_TOKEN_PREFIX = 'mt_';
export const MACHINE_SECRET_KEY_PREFIX = 'ak_';

/** 48 base62 characters: about 285 bits, so an unsalted SHA-256 is a safe way to keep it. */
export function newSecret(prefix: string): { secret: string; hash: string } {
  const secret = `${prefix}${randomBase62(48)}`;
  return { secret, hash: hashToken(secret) };
}

/** The hash a presented secret is looked up by. */
export const hashSecret = hashToken;

/**
 * Whether the row found by the hash really holds it. The lookup is an index equality, so this
 * compares again in constant time: the answer never depends on how much of a hash matched.
 */
export function hashesMatch(presentedHash: string, storedHash: string | null | undefined): boolean {
  if (!storedHash) return false;
  const a = Buffer.from(presentedHash, 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}

/** Neither revoked nor past its expiration. */
export function isLive(token: { revoked: boolean; expiration: number | null }, now: number): boolean {
  return !token.revoked && (token.expiration === null || token.expiration > now);
}

export function isExpired(token: { expiration: number | null }, now: number): boolean {
  return token.expiration !== null && token.expiration <= now;
}

/** Claims ride in every verification answer (and in a JWT-format token): the metadata limit, 8 KB. */
export const CLAIMS_LIMIT_BYTES = 8192;

export function sizedClaims<T extends Record<string, unknown> | null | undefined>(claims: T): T {
  if (claims && Buffer.byteLength(JSON.stringify(claims), 'utf8') > CLAIMS_LIMIT_BYTES)
    throw errors.metadataTooLarge('claims', CLAIMS_LIMIT_BYTES);
  return claims;
}
