import { availableParallelism } from 'node:os';
import type { Algorithm } from '@node-rs/argon2';
import { createHasherPool } from './hasher-pool.js';

/**
 * OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. `Algorithm` is a const enum of a native addon
 * that only the hasher threads load: importing its value would load the addon into every process at
 * start (~10 to 20 ms here) for the number 2.
 */
const ARGON2ID: Algorithm.Argon2id = 2;
export const ARGON2ID_PARAMS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * One hash per core, shared between the workers: two workers on two cores each running several
 * memory-hard hashes would only thrash the caches (measured in bench/). The hashes run on low-priority
 * threads (see hasher-pool.ts), so a sign-in storm does not hold up the event loops serving token refreshes.
 */
const pool = createHasherPool(availableParallelism());

export function setHashConcurrency(workers: number): void {
  pool.resize(Math.floor(availableParallelism() / Math.max(1, workers)));
}

/** Hashes with argon2id, off the event loop. */
export function hashPassword(password: string): Promise<string> {
  return pool.run<string>({ op: 'hash', args: [password, ARGON2ID_PARAMS] });
}

/** Verifies argon2id and argon2i PHC strings (both imported and our own). */
export async function verifyArgon2(digest: string, password: string): Promise<boolean> {
  try {
    return await pool.run<boolean>({ op: 'verify', args: [digest, password] });
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
