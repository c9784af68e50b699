/// <reference types="@clerk/astro/env" />
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { clerkMiddleware } from '@clerk/astro/server';
import { createClerkClient } from '@clerk/backend';
import type { APIContext } from 'astro';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.js';
import { freePort } from '../testing/server.js';

/**
 * SDK matrix, `@clerk/astro` (`output: 'server'`): an API route behind the official
 * `clerkMiddleware()` (called as Astro calls `onRequest` from `src/middleware.ts`: the request's
 * context, and `next` rendering the route) reads `locals.auth()`. Configured only with what Gatehouse
 * prints, under the names the SDK reads at request time (`PUBLIC_CLERK_PUBLISHABLE_KEY`,
 * `CLERK_SECRET_KEY`, `CLERK_API_URL`, `PUBLIC_CLERK_PROXY_URL`), it sees the user of a Gatehouse
 * session token, nobody without one or with a bad one, and no token is had once the session is
 * revoked. No Astro build: the SDK's server module is transformed by Vite as Astro's build does.
 */
describe('@clerk/astro against Gatehouse', () => {
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
      PUBLIC_CLERK_PUBLISHABLE_KEY: gatehouse.domain.publishableKey(),
      CLERK_SECRET_KEY: gatehouse.secretKey,
      CLERK_API_URL: `${publicUrl}/api`,
      PUBLIC_CLERK_PROXY_URL: publicUrl,
      PUBLIC_CLERK_TELEMETRY_DISABLED: '1',
    });

    // What Astro's Node adapter does for `GET /api/me` with `export const onRequest = clerkMiddleware()`.
    const onRequest = clerkMiddleware();
    server = createServer(async (req, res) => {
      const request = new Request(`http://127.0.0.1${req.url}`, { headers: req.headers as Record<string, string> });
      const url = new URL(request.url);
      const context = {
        request,
        url,
        params: {},
        locals: {},
        isPrerendered: false,
        redirect: (location: string, status = 302) => new Response(null, { status, headers: { location } }),
      } as unknown as APIContext;
      const route = async () => {
        const { userId, sessionId } = context.locals.auth();
        return Response.json({ userId, sessionId }, { status: userId ? 200 : 401 });
      };
      const response = await onRequest(context, route);
      if (!(response instanceof Response)) throw new Error('clerkMiddleware answered nothing');
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

  it('a route behind clerkMiddleware sees the token’s user, nobody without one', async () => {
    const clerk = createClerkClient({ secretKey: gatehouse.secretKey, apiUrl: `${publicUrl}/api`, telemetry: { disabled: true } });
    const user = await clerk.users.createUser({ emailAddress: ['astro@example.com'], password: 'astro passphrase here' });
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
