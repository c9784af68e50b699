import { createHash } from 'node:crypto';

/**
 * The seeded population is a pure function of the index, so the load process can pick user #i
 * (its id and e-mail) without being handed a million ids.
 */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export const BENCH_PASSWORD = 'bench-Correct-Horse-7';

/** 27 base62 characters from a hash: spread over the key space like Gatehouse's random ids. */
function base62From(seed) {
  const bytes = createHash('sha512').update(seed).digest();
  let out = '';
  for (let i = 0; i < 27; i++) out += ALPHABET[bytes[i] % 62];
  return out;
}

export const benchUserId = (i) => `user_${base62From(`u${i}`)}`;
export const benchEmailId = (i) => `idn_${base62From(`e${i}`)}`;
export const benchEmail = (i) => `bench-${i}@bench.example`;
