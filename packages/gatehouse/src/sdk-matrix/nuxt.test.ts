import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClerkClient } from '@clerk/backend';
import { type AuthFn, clerkMiddleware } from '@clerk/nuxt/server';
import { createApp, type EventHandler, eventHandler, setResponseStatus, toNodeListener } from 'h3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.js';
import { freePort } from '../testing/server.js';

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
      NUXT_PUBLIC_CLERK_PUBLISHABLE_KEY: gatehouse.domain.publishableKey(),
      NUXT_CLERK_SECRET_KEY: gatehouse.secretKey,
      NUXT_CLERK_API_URL: `${publicUrl}/api`,
      NUXT_PUBLIC_CLERK_PROXY_URL: publicUrl,
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
    server = createServer(toNodeListener(app));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    process.env = saved;
    await new Promise((resolve) => server?.close(resolve));
    await gatehouse?.close();
  });

  it('a server route behind clerkMiddleware sees the token’s user, nobody without one', async () => {
    const clerk = createClerkClient({ secretKey: gatehouse.secretKey, apiUrl: `${publicUrl}/api`, telemetry: { disabled: true } });
    const user = await clerk.users.createUser({ emailAddress: ['nuxt@example.com'], password: 'nuxt passphrase here' });
    const session = await clerk.sessions.createSession({ userId: user.id });
    const { jwt } = await clerk.sessions.getToken(session.id);

    const signedIn = await fetch(`${appUrl}/api/me`, { headers: { authorization: `Bearer ${jwt}` } });
    expect(signedIn.status).toBe(200);
    expect(await signedIn.json()).toEqual({ userId: user.id, sessionId: session.id });

    const anonymous = await fetch(`${appUrl}/api/me`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ userId: null, sessionId: null });
    expect((await fetch(`${appUrl}/api/me`, { headers: { authorization: 'Bearer not-a-token' } })).status).toBe(401);

    await clerk.sessions.revokeSession(session.id);
    const refused = await clerk.sessions.getToken(session.id).then(
      () => undefined,
      (error: { status?: number; errors?: { code: string }[] }) => ({ status: error.status, code: error.errors?.[0]?.code }),
    );
    expect(refused).toEqual({ status: 404, code: 'session_not_active' });
  });
});
