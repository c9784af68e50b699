import { randomBytes } from 'node:crypto';
import { hashToken } from '../crypto/token-hash.js';
import { errors } from '../errors.js';
import type { Store } from '../store/index.js';
import type { Clock } from './clock.js';

const TESTING_TOKEN_TTL_MS = 60 * 60 * 1000;

/**
 * Testing tokens (`@clerk/testing`): a development instance hands one out per test run, and Frontend
 * API requests carrying it skip rate limits. Stored hashed; valid for an hour.
 */
export function createTestingTokenService(store: Store, clock: Clock, isDevelopment: () => boolean) {
  return {
    async issue(): Promise<{ token: string; expiresAt: number }> {
      if (!isDevelopment()) throw errors.paramValueInvalid('instance', 'testing tokens exist only on development instances');
      const now = clock();
      const token = `${now}-${randomBytes(24).toString('base64url')}`;
      const expiresAt = now + TESTING_TOKEN_TTL_MS;
      await store.testingTokens.insert(hashToken(token), expiresAt, now);
      return { token, expiresAt };
    },

    /** False on production instances, whatever the token. */
    async isValid(token: string): Promise<boolean> {
      if (!isDevelopment()) return false;
      return store.testingTokens.isValid(hashToken(token), clock());
    },
  };
}

export type TestingTokenService = ReturnType<typeof createTestingTokenService>;
