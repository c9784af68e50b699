/// <reference types="@clerk/astro/env" />
import type { Server } from 'node:http';
import { clerkMiddleware } from '@clerk/astro/server';
import type { APIContext } from 'astro';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { closeServer, expectRouteSeesTokenUser, type MatrixGatehouse, serveWebHandler, startMatrixGatehouse } from './harness.js';

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
  let gatehouse: MatrixGatehouse;
  let server: Server;
  let appUrl: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    gatehouse = await startMatrixGatehouse();
    Object.assign(process.env, {
      PUBLIC_CLERK_PUBLISHABLE_KEY: gatehouse.app.domain.publishableKey(),
      CLERK_SECRET_KEY: gatehouse.app.secretKey,
      CLERK_API_URL: `${gatehouse.publicUrl}/api`,
      PUBLIC_CLERK_PROXY_URL: gatehouse.publicUrl,
      PUBLIC_CLERK_TELEMETRY_DISABLED: '1',
    });

    // What Astro's Node adapter does for `GET /api/me` with `export const onRequest = clerkMiddleware()`.
    const onRequest = clerkMiddleware();
    ({ url: appUrl, server } = await serveWebHandler(async (request) => {
      const context = {
        request,
        url: new URL(request.url),
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
      return response;
    }));
  });

  afterAll(async () => {
    process.env = saved;
    await closeServer(server);
    await gatehouse?.app.close();
  });

  it('a route behind clerkMiddleware sees the token’s user, nobody without one', async () => {
    await expectRouteSeesTokenUser(gatehouse, appUrl, 'astro@example.com');
  });
});
