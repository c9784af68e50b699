import { verifyDigest } from '../crypto/imported-hashes.js';
import { hashPassword, needsRehash } from '../crypto/password-hash.js';
import type { Store } from '../store/index.js';
import type { UserRow } from '../store/schema.js';
import type { Clock } from './clock.js';

// A real argon2id digest of a random password: checking it costs what a real check costs, so a
// missing user or password is not told apart by timing.
let decoy: Promise<string> | undefined;

/**
 * Checks a user's password. Imported digests (bcrypt, scrypt, pbkdf2, argon2i) and argon2id at old
 * parameters are replaced by a fresh argon2id hash after a successful check.
 */
export function createPasswordVerifier(store: Store, clock: Clock) {
  return async function verifyUserPassword(user: UserRow | undefined, password: string): Promise<boolean> {
    if (!user?.password_digest || !user.password_hasher) {
      decoy ??= hashPassword(`decoy-${Math.random()}`);
      await verifyDigest('argon2id', await decoy, password);
      return false;
    }
    const ok = await verifyDigest(user.password_hasher, user.password_digest, password);
    if (ok && needsRehash(user.password_hasher, user.password_digest)) {
      const digest = await hashPassword(password);
      await store.users.update(user.id, { password_digest: digest, password_hasher: 'argon2id', updated_at: clock() });
    }
    return ok;
  };
}

export type PasswordVerifier = ReturnType<typeof createPasswordVerifier>;
