import { availableParallelism } from 'node:os';
import { Algorithm, hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';

/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. */
export const ARGON2ID_PARAMS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * How many hashes may run at once in this process. libuv's pool has 4 threads per process, so two
 * workers on two cores would run 8 memory-hard hashes together and starve the event loops that serve
 * token refreshes; one hash per core, shared between the workers, keeps both going (measured in bench/).
 */
let limit = Math.max(1, availableParallelism());
let running = 0;
const waiting: (() => void)[] = [];

export function setHashConcurrency(workers: number): void {
  limit = Math.max(1, Math.floor(availableParallelism() / Math.max(1, workers)));
}

async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  try {
    return await work();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

/**
 * Hashes with argon2id. `@node-rs/argon2`'s async API runs on libuv's thread pool, so a sign-in storm
 * never blocks the event loop that serves token refreshes.
 */
export function hashPassword(password: string): Promise<string> {
  return limited(() => argon2Hash(password, ARGON2ID_PARAMS));
}

/** Verifies argon2id and argon2i PHC strings (both imported and our own). */
export async function verifyArgon2(digest: string, password: string): Promise<boolean> {
  try {
    return await limited(() => argon2Verify(digest, password));
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
