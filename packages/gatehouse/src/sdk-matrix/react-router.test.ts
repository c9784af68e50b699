import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClerkClient } from '@clerk/backend';
import { clerkMiddleware, getAuth } from '@clerk/react-router/server';
import { type LoaderFunctionArgs, RouterContextProvider } from 'react-router';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.js';
import { freePort } from '../testing/server.js';

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
  let gatehouse: TestApp;
  let server: Server;
  let publicUrl: string;
  let appUrl: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    gatehouse = await createTestApp({ flags: { 'public-url': publicUrl, port: String(port) } });
    await gatehouse.app.listen({ port, host: '127.0.0.1' });
    Object.assign(process.env, {
      CLERK_SECRET_KEY: gatehouse.secretKey,
      CLERK_PUBLISHABLE_KEY: gatehouse.domain.publishableKey(),
      CLERK_API_URL: `${publicUrl}/api`,
      CLERK_PROXY_URL: publicUrl,
      CLERK_TELEMETRY_DISABLED: '1',
    });

    // What `react-router-serve` does for `GET /api/me` with `export const middleware = [clerkMiddleware()]`.
    const middleware = clerkMiddleware();
    server = createServer(async (req, res) => {
      const request = new Request(`http://127.0.0.1${req.url}`, { headers: req.headers as Record<string, string> });
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
      res.writeHead(response.status, { 'content-type': 'application/json' });
      res.end(await response.text());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    process.env = saved;
    await new Promise((resolve) => server?.close(resolve));
    await gatehouse?.close();
  });

  it('a loader behind clerkMiddleware sees the token’s user, nobody without one', async () => {
    const clerk = createClerkClient({ secretKey: gatehouse.secretKey, apiUrl: `${publicUrl}/api`, telemetry: { disabled: true } });
    const user = await clerk.users.createUser({ emailAddress: ['react-router@example.com'], password: 'react router passphrase' });
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
