import { createHmac, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A random base62 string; rejection sampling keeps every character equally likely. */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += ALPHABET[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/**
 * An id of `newId`'s shape derived from `input` under `key` (HMAC-SHA256 in counter mode, base62 by
 * rejection sampling): the same input always gives the same id, and nobody without the key can tell
 * it from a random one. Unknown accounts get such ids, so they look like real ones.
 */
export function keyedId(prefix: string, key: string, input: string): string {
  let out = '';
  for (let block = 0; out.length < 27; block++) {
    for (const byte of createHmac('sha256', key).update(`${block}:${input}`).digest()) {
      if (byte < 248) out += ALPHABET[byte % 62];
      if (out.length === 27) break;
    }
  }
  return `${prefix}_${out}`;
}

/** Clerk-shaped ids: a type prefix and 27 base62 characters, e.g. `user_2Nq…`. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBase62(27)}`;
}
