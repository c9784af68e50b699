import type { TestingTokenJSON } from '@clerk/backend';

/** A testing token, as `@clerk/testing` fetches it once per run. */
export function serializeTestingToken(token: string, expiresAt: number): TestingTokenJSON {
  return { object: 'testing_token', token, expires_at: expiresAt };
}
