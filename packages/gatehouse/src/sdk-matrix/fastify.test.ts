import { createClerkClient } from '@clerk/backend';
import { clerkPlugin, getAuth } from '@clerk/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.js';
import { freePort } from '../testing/server.js';

/**
 * SDK matrix, `@clerk/fastify`: a Fastify server whose route is protected by the official plugin,
 * configured only with the keys and Backend API URL Gatehouse prints, accepts a session token
 * Gatehouse minted, refuses a request without one, and after sign-out (the session revoked) no new
 * token can be had for it.
 */
describe('@clerk/fastify against Gatehouse', () => {
  let gatehouse: TestApp;
  let app: FastifyInstance;
  let publicUrl: string;
  let appUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    gatehouse = await createTestApp({ flags: { 'public-url': publicUrl, port: String(port) } });
    await gatehouse.app.listen({ port, host: '127.0.0.1' });

    app = Fastify();
    await app.register(clerkPlugin, {
      secretKey: gatehouse.secretKey,
      publishableKey: gatehouse.domain.publishableKey(),
      apiUrl: `${publicUrl}/api`,
      proxyUrl: publicUrl,
    });
    app.get('/api/me', async (request, reply) => {
      const { userId, sessionId } = getAuth(request);
      if (!userId) return reply.code(401).send({ error: 'signed out' });
      return { userId, sessionId };
    });
    appUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await app?.close();
    await gatehouse?.close();
  });

  it('protects a route: signed in with a token, refused without, no new token after sign-out', async () => {
    const clerk = createClerkClient({ secretKey: gatehouse.secretKey, apiUrl: `${publicUrl}/api`, telemetry: { disabled: true } });
    const user = await clerk.users.createUser({ emailAddress: ['fastify@example.com'], password: 'fastify passphrase here' });
    const session = await clerk.sessions.createSession({ userId: user.id });
    const { jwt } = await clerk.sessions.getToken(session.id);

    const signedIn = await fetch(`${appUrl}/api/me`, { headers: { authorization: `Bearer ${jwt}` } });
    expect(signedIn.status).toBe(200);
    expect(await signedIn.json()).toEqual({ userId: user.id, sessionId: session.id });

    expect((await fetch(`${appUrl}/api/me`)).status).toBe(401);
    expect((await fetch(`${appUrl}/api/me`, { headers: { authorization: 'Bearer not-a-token' } })).status).toBe(401);

    await clerk.sessions.revokeSession(session.id);
    const refused = await clerk.sessions.getToken(session.id).then(
      () => undefined,
      (error: { status?: number; errors?: { code: string }[] }) => ({ status: error.status, code: error.errors?.[0]?.code }),
    );
    expect(refused).toEqual({ status: 404, code: 'session_not_active' });
  });
});
