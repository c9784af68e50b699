import type { AddressInfo } from 'node:net';
import { type ClerkClient, createClerkClient, verifyToken } from '@clerk/backend';
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/app.js';

/**
 * A JWT-template token (for Supabase, Hasura, …; lifetimes up to years) must never pass as a
 * session: `@clerk/backend`'s `authenticateRequest` refuses it by its `cat` header, also once the
 * session it was minted for is revoked. The real SDK, against a real listening server.
 */
describe('JWT-template tokens are not session tokens', () => {
  let t: TestApp;
  let clerk: ClerkClient;
  let apiUrl: string;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    apiUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/api`;
    clerk = createClerkClient({ secretKey: t.secretKey, publishableKey: t.domain.publishableKey(), apiUrl, telemetry: { disabled: true } });
  });
  afterAll(() => t.close());

  const signedIn = async (jwt: string) =>
    (await clerk.authenticateRequest(new Request('http://127.0.0.1:3000/api/hello', { headers: { authorization: `Bearer ${jwt}` } })))
      .isSignedIn;

  it('stamps template tokens with the template category and authenticateRequest refuses them', async () => {
    await clerk.jwtTemplates.create({ name: 'hasura', claims: { role: 'user' }, lifetime: 315_360_000 });
    await clerk.jwtTemplates.create({
      name: 'supabase-hs',
      claims: { role: 'authenticated' },
      customSigningKey: true,
      signingAlgorithm: 'HS256',
      signingKey: 'a-shared-secret-of-enough-length-0123456789',
    });
    const user = await clerk.users.createUser({ emailAddress: ['tpl-cat@example.com'] });
    const session = await clerk.sessions.createSession({ userId: user.id });
    const { jwt: sessionToken } = await clerk.sessions.getToken(session.id);
    const { jwt: templateToken } = await clerk.sessions.getToken(session.id, 'hasura');
    const { jwt: customKeyToken } = await clerk.sessions.getToken(session.id, 'supabase-hs');

    expect(decodeProtectedHeader(sessionToken).cat).toBe('cl_B7d4PD111AAA');
    expect(decodeProtectedHeader(templateToken).cat).toBe('cl_B7d4PD222AAA');
    expect(decodeProtectedHeader(customKeyToken).cat).toBe('cl_B7d4PD222AAA');

    // The session token signs in; the template token, signed by the same key, does not.
    expect(await signedIn(sessionToken)).toBe(true);
    const state = await clerk.authenticateRequest(
      new Request('http://127.0.0.1:3000/api/hello', { headers: { authorization: `Bearer ${templateToken}` } }),
    );
    expect(state.isSignedIn).toBe(false);
    expect(state.reason).toBe('token-type-mismatch');
    // It is still a valid JWT for the services it is made for (they check the signature, not the category).
    expect((await verifyToken(templateToken, { secretKey: t.secretKey, apiUrl })).sub).toBe(user.id);

    await clerk.sessions.revokeSession(session.id);
    expect(await signedIn(templateToken)).toBe(false);
  });
});
