import { verifyDigest } from '../crypto/imported-hashes.js';
import { hashPassword, needsRehash } from '../crypto/password-hash.js';
import type { User } from '../model/index.js';
import type { Store } from '../store/index.js';
import type { Clock } from './clock.js';

// A real argon2id digest of a random password: checking it costs what a real check costs, so a
// missing user or password is not told apart by timing.
let decoy: Promise<string> | undefined;

/**
 * Checks a user's password. Imported digests (bcrypt, scrypt, pbkdf2, argon2i) and argon2id at old
 * parameters are replaced by a fresh argon2id hash after a successful check.
 */
export function createPasswordVerifier(store: Store, clock: Clock) {
  return async function verifyUserPassword(user: User | undefined, password: string): Promise<boolean> {
    if (!user?.passwordDigest || !user.passwordHasher) {
      decoy ??= hashPassword(`decoy-${Math.random()}`);
      await verifyDigest('argon2id', await decoy, password);
      return false;
    }
    const ok = await verifyDigest(user.passwordHasher, user.passwordDigest, password);
    if (ok && needsRehash(user.passwordHasher, user.passwordDigest)) {
      const digest = await hashPassword(password);
      await store.users.update(user.id, { passwordDigest: digest, passwordHasher: 'argon2id', updatedAt: clock() });
    }
    return ok;
  };
}

export type PasswordVerifier = ReturnType<typeof createPasswordVerifier>;
