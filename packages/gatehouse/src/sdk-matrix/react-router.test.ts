import type { Server } from 'node:http';
import { clerkMiddleware, getAuth } from '@clerk/react-router/server';
import { type LoaderFunctionArgs, RouterContextProvider } from 'react-router';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { closeServer, expectRouteSeesTokenUser, type MatrixGatehouse, serveWebHandler, startMatrixGatehouse } from './harness.js';

/**
 * SDK matrix, `@clerk/react-router` (framework mode with `future.v8_middleware`): a loader behind
 * the official `clerkMiddleware()` (run as React Router runs a root middleware: the request, a
 * `RouterContextProvider`, and `next` calling the loader) reads `getAuth(args)`. Configured only with
 * what Gatehouse prints (the SDK reads `CLERK_SECRET_KEY`, `CLERK_PUBLISHABLE_KEY`, `CLERK_API_URL`,
 * `CLERK_PROXY_URL` from the environment), it sees the user of a Gatehouse session token, nobody
 * without one or with a bad one, and nobody once the session is revoked and its token expired.
 * Served over real HTTP so the SDK's own Backend API calls (JWKS) go to Gatehouse on loopback.
 */
describe('@clerk/react-router against Gatehouse', () => {
  let gatehouse: MatrixGatehouse;
  let server: Server;
  let appUrl: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    gatehouse = await startMatrixGatehouse();
    Object.assign(process.env, {
      CLERK_SECRET_KEY: gatehouse.app.secretKey,
      CLERK_PUBLISHABLE_KEY: gatehouse.app.domain.publishableKey(),
      CLERK_API_URL: `${gatehouse.publicUrl}/api`,
      CLERK_PROXY_URL: gatehouse.publicUrl,
      CLERK_TELEMETRY_DISABLED: '1',
    });

    // What `react-router-serve` does for `GET /api/me` with `export const middleware = [clerkMiddleware()]`.
    const middleware = clerkMiddleware();
    ({ url: appUrl, server } = await serveWebHandler(async (request) => {
      const args: LoaderFunctionArgs = {
        request,
        url: new URL(request.url),
        pattern: '/api/me',
        params: {},
        context: new RouterContextProvider(),
      };
      const response = await middleware(args, async () => {
        const auth = await getAuth(args);
        const userId = 'userId' in auth ? auth.userId : null;
        const sessionId = 'sessionId' in auth ? auth.sessionId : null;
        return Response.json({ userId, sessionId }, { status: userId ? 200 : 401 });
      });
      if (!response) throw new Error('clerkMiddleware answered nothing');
      return response;
    }));
  });

  afterAll(async () => {
    process.env = saved;
    await closeServer(server);
    await gatehouse?.app.close();
  });

  it('a loader behind clerkMiddleware sees the token’s user, nobody without one', async () => {
    await expectRouteSeesTokenUser(gatehouse, appUrl, 'react-router@example.com');
  });
});
