import type { Server } from 'node:http';
import { type AuthFn, clerkMiddleware } from '@clerk/nuxt/server';
import { createApp, type EventHandler, eventHandler, setResponseStatus, toNodeListener } from 'h3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, expectRouteSeesTokenUser, listen, type MatrixGatehouse, startMatrixGatehouse } from './harness.js';

/**
 * SDK matrix, `@clerk/nuxt`: a server route behind the official `clerkMiddleware()` (the server
 * middleware `modules: ['@clerk/nuxt']` installs, run by h3 as Nitro runs it) reads
 * `event.context.auth()`. Configured only with what Gatehouse prints, under the runtime-config
 * variables Nuxt reads (`NUXT_PUBLIC_CLERK_PUBLISHABLE_KEY`, `NUXT_CLERK_SECRET_KEY`,
 * `NUXT_CLERK_API_URL`, `NUXT_PUBLIC_CLERK_PROXY_URL`), it sees the user of a Gatehouse session
 * token, nobody without one or with a bad one, and no token is had once the session is revoked.
 * No Nuxt build: `#imports` is h3 plus the module's runtime config (see `nuxt-imports.ts`).
 */
describe('@clerk/nuxt against Gatehouse', () => {
  let gatehouse: MatrixGatehouse;
  let server: Server;
  let appUrl: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    gatehouse = await startMatrixGatehouse();
    Object.assign(process.env, {
      NUXT_PUBLIC_CLERK_PUBLISHABLE_KEY: gatehouse.app.domain.publishableKey(),
      NUXT_CLERK_SECRET_KEY: gatehouse.app.secretKey,
      NUXT_CLERK_API_URL: `${gatehouse.publicUrl}/api`,
      NUXT_PUBLIC_CLERK_PROXY_URL: gatehouse.publicUrl,
    });

    const app = createApp();
    // The SDK's types come with their own copy of h3's, which TypeScript sees as another `EventHandler`.
    app.use(clerkMiddleware() as unknown as EventHandler);
    app.use(
      '/api/me',
      eventHandler((event) => {
        const { userId, sessionId } = (event.context.auth as AuthFn)();
        if (!userId) setResponseStatus(event, 401);
        return { userId, sessionId };
      }),
    );
    ({ url: appUrl, server } = await listen(toNodeListener(app)));
  });

  afterAll(async () => {
    process.env = saved;
    await closeServer(server);
    await gatehouse?.app.close();
  });

  it('a server route behind clerkMiddleware sees the token’s user, nobody without one', async () => {
    await expectRouteSeesTokenUser(gatehouse, appUrl, 'nuxt@example.com');
    const anonymous = await fetch(`${appUrl}/api/me`);
    expect(await anonymous.json()).toEqual({ userId: null, sessionId: null });
  });
});
