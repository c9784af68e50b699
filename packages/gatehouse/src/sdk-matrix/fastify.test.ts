import { clerkPlugin, getAuth } from '@clerk/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectRouteSeesTokenUser, type MatrixGatehouse, startMatrixGatehouse } from './harness.js';

/**
 * SDK matrix, `@clerk/fastify`: a Fastify server whose route is protected by the official plugin,
 * configured only with the keys and Backend API URL Gatehouse prints, accepts a session token
 * Gatehouse minted, refuses a request without one, and after sign-out (the session revoked) no new
 * token can be had for it.
 */
describe('@clerk/fastify against Gatehouse', () => {
  let gatehouse: MatrixGatehouse;
  let app: FastifyInstance;
  let appUrl: string;

  beforeAll(async () => {
    gatehouse = await startMatrixGatehouse();
    app = Fastify();
    await app.register(clerkPlugin, {
      secretKey: gatehouse.app.secretKey,
      publishableKey: gatehouse.app.domain.publishableKey(),
      apiUrl: `${gatehouse.publicUrl}/api`,
      proxyUrl: gatehouse.publicUrl,
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
    await gatehouse?.app.close();
  });

  it('protects a route: signed in with a token, refused without, no new token after sign-out', async () => {
    await expectRouteSeesTokenUser(gatehouse, appUrl, 'fastify@example.com');
  });
});
