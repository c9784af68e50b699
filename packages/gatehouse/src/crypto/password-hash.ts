import { Algorithm, hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';

/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. */
export const ARGON2ID_PARAMS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * Hashes with argon2id. `@node-rs/argon2`'s async API runs on libuv's thread pool, so a sign-in storm
 * never blocks the event loop that serves token refreshes.
 */
export function hashPassword(password: string): Promise<string> {
  return argon2Hash(password, ARGON2ID_PARAMS);
}

/** Verifies argon2id and argon2i PHC strings (both imported and our own). */
export async function verifyArgon2(digest: string, password: string): Promise<boolean> {
  try {
    return await argon2Verify(digest, password);
  } catch {
    return false;
  }
}

/** True when a stored digest should be replaced by a fresh argon2id hash at our parameters. */
export function needsRehash(hasher: string, digest: string): boolean {
  if (hasher !== 'argon2id') return true;
  const { memoryCost, timeCost, parallelism } = ARGON2ID_PARAMS;
  // Delimited by `$` on both sides, so that p=10 (or p=12, …) is not mistaken for p=1.
  return !digest.includes(`$m=${memoryCost},t=${timeCost},p=${parallelism}$`);
}
