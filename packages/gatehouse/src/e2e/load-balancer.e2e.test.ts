/**
 * Many nodes behind a real load balancer: nginx (Debian's package, run as this test's own process)
 * in front of three `gatehouse start` processes from the built dist, on one PostgreSQL database and
 * one Redis. Through nginx only: people sign in in Chromium (clerk-js and the prebuilt components,
 * with `@clerk/express` in an app process), their pages refresh session tokens without pause, and
 * `@clerk/backend` calls the Backend API, while one node is stopped with SIGTERM and started again.
 * Nothing may fail: no sign-in, no refresh, no BAPI call, no 5xx in nginx's access log. Then the
 * signing key is rotated through nginx while the app checks the page's tokens: none is refused.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ClerkClient, createClerkClient, verifyToken } from '@clerk/backend';
import { Redis } from 'ioredis';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RunningServer, removeDir, type ServerOptions, startServer } from '../testing/server.js';
import { createTestDatabase, postgresAvailable, redisAvailable, type TestDatabase } from '../testing/services.js';
import { chromiumAvailable, launchBrowser, newContext, shot } from './browser.js';
import { type Nginx, nginxAvailable, startNginx } from './nginx.js';
import { type ExpressApp, startExpressApp } from './stack.js';

const PACKAGE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const STEP_TIMEOUT = 30_000;
const NODES = 3;
const PASSWORD = 'a-long-and-unlisted-passphrase-42';

const ready = nginxAvailable() && chromiumAvailable() && (await postgresAvailable()) && (await redisAvailable());

/**
 * A Redis database of our own (1–14) for the run: claimed with SET NX, so concurrent runs on one
 * Redis never share rate-limit counters. Released when the run ends.
 */
async function claimRedisDatabase(): Promise<{ url: string; release(): Promise<void> }> {
  const claim = `gatehouse-test-claim:${process.pid}:${randomBytes(4).toString('hex')}`;
  for (let db = 1; db <= 14; db++) {
    const url = `redis://127.0.0.1:6379/${db}`;
    const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
    await redis.connect();
    const won = (await redis.set('gatehouse-test-claim', claim, 'PX', 600_000, 'NX')) === 'OK';
    if (won) {
      return {
        url,
        async release() {
          if ((await redis.get('gatehouse-test-claim')) === claim) await redis.del('gatehouse-test-claim');
          redis.disconnect();
        },
      };
    }
    redis.disconnect();
  }
  throw new Error('every Redis database 1–14 is claimed by another run');
}

async function waitForApp(page: Page): Promise<void> {
  await page.waitForFunction(() => window.__appReady === true || window.__appError !== undefined, null, { timeout: STEP_TIMEOUT });
  const error = await page.evaluate(() => window.__appError);
  if (error) throw new Error(`the page failed to load Clerk: ${error}`);
}

/** `<SignIn/>` in the app: identifier, then the password on factor-one; returns clerk-js's user id. */
async function signIn(page: Page, appUrl: string, email: string): Promise<string> {
  await page.goto(`${appUrl}/sign-in`);
  await waitForApp(page);
  await page.locator('input[name=identifier]').fill(email);
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.waitForURL(/\/sign-in\/factor-one/, { timeout: STEP_TIMEOUT });
  await waitForApp(page);
  await page.locator('input[name=password]').fill(PASSWORD);
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/', { timeout: STEP_TIMEOUT });
  await waitForApp(page);
  const userId = await page.evaluate(() => window.Clerk.user?.id ?? null);
  if (!userId) throw new Error('signed in, but clerk-js has no user on the home page');
  return userId;
}

/** The app's server-rendered `/protected` (the handshake and `getUser` through nginx). */
async function protectedUserId(page: Page, appUrl: string): Promise<string | null> {
  await page.goto(`${appUrl}/protected`);
  if (new URL(page.url()).pathname !== '/protected') return null;
  return page.locator('#user-id').textContent();
}

declare global {
  interface Window {
    __refreshes?: { ok: number; failed: string[]; stop: boolean };
  }
}

/** Starts refreshing the session token in the page every 100 ms, counting what fails. */
async function startRefreshing(page: Page): Promise<void> {
  await page.evaluate(() => {
    const state = { ok: 0, failed: [] as string[], stop: false };
    window.__refreshes = state;
    void (async () => {
      while (!state.stop) {
        try {
          const token = await window.Clerk.session?.getToken({ skipCache: true });
          if (token) state.ok++;
          else state.failed.push('no token');
        } catch (error) {
          state.failed.push(String(error));
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
  });
}

async function refreshes(page: Page): Promise<{ ok: number; failed: string[] }> {
  return page.evaluate(() => ({ ok: window.__refreshes?.ok ?? 0, failed: window.__refreshes?.failed ?? [] }));
}

/** `getUser` through nginx every 100 ms until stopped; failures are kept, not thrown. */
function startBackendCalls(clerk: ClerkClient, userId: string) {
  const state = { ok: 0, failed: [] as string[], stop: false };
  const done = (async () => {
    while (!state.stop) {
      try {
        const user = await clerk.users.getUser(userId);
        if (user.id === userId) state.ok++;
        else state.failed.push(`wrong user ${user.id}`);
      } catch (error) {
        state.failed.push(String((error as { status?: number }).status ?? error));
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    state,
    async stop() {
      state.stop = true;
      await done;
    },
  };
}

describe.skipIf(!ready)('three nodes behind nginx, one stopped and started again', () => {
  const started = Date.now();
  const dirs: string[] = [];
  let database: TestDatabase;
  let redis: Awaited<ReturnType<typeof claimRedisDatabase>>;
  let nginx: Nginx;
  let app: ExpressApp;
  let browser: Browser;
  const nodes: RunningServer[] = [];
  const nodeOptions: ServerOptions[] = [];
  const timings: string[] = [];

  const tempDir = (prefix: string) => {
    const dir = mkdtempSync(path.join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    // The nodes run the built CLI (dist/gatehouse.mjs), built into a temporary directory so the
    // checkout's dist is untouched; the externals resolve from the repository's node_modules.
    const buildRoot = tempDir('gatehouse-lb-build-');
    symlinkSync(path.join(PACKAGE, '../../node_modules'), path.join(buildRoot, 'node_modules'), 'dir');
    execFileSync(process.execPath, [path.join(PACKAGE, 'build.mjs'), path.join(buildRoot, 'dist')], { stdio: 'pipe' });
    const cli = [path.join(buildRoot, 'dist', 'gatehouse.mjs')];

    database = await createTestDatabase();
    redis = await claimRedisDatabase();
    const nginxPort = await freePort();
    const publicUrl = `http://127.0.0.1:${nginxPort}`;
    const env = {
      GATEHOUSE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      GATEHOUSE_REDIS_URL: redis.url,
      GATEHOUSE_PUBLIC_URL: publicUrl,
      // nginx is the only client of the nodes; its X-Forwarded-For is the visitor's address.
      GATEHOUSE_TRUSTED_PROXIES: '127.0.0.1/32',
    };
    for (let i = 0; i < NODES; i++) {
      nodeOptions.push({ cli, databaseUrl: database.url, dataDir: tempDir(`gatehouse-lb-node${i}-`), port: await freePort(), env });
    }
    // The first node migrates the database and creates the instance; the others find them.
    nodes.push(await startServer(nodeOptions[0]));
    nodes.push(...(await Promise.all(nodeOptions.slice(1).map((options) => startServer(options)))));
    nginx = await startNginx({ dir: tempDir('gatehouse-lb-nginx-'), port: nginxPort, upstreamPorts: nodeOptions.map((o) => o.port ?? 0) });
    const clerkEnv = nodes[0]?.env.env ?? {};
    expect(clerkEnv.CLERK_API_URL).toBe(`${publicUrl}/api`);
    app = await startExpressApp(clerkEnv);
    browser = await launchBrowser();
    timings.push(`set-up (build, 3 nodes, nginx, app, browser): ${Date.now() - started} ms`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await nginx?.stop();
    await Promise.all(nodes.map((node) => node.stop()));
    await database?.drop();
    await redis?.release();
    for (const dir of dirs) removeDir(dir);
    process.stderr.write(`load-balancer test: ${[...timings, `total: ${Date.now() - started} ms`].join('; ')}\n`);
  });

  it('keeps signing in, refreshing and answering the Backend API, and rotates keys without a failed request', async () => {
    const clerk = createClerkClient({ secretKey: nodes[0]?.env.secretKey, apiUrl: `${nginx.url}/api` });
    const emails = [0, 1, 2].map((i) => `lb-${i}-${randomBytes(3).toString('hex')}@example.com`);
    const users = [];
    for (const email of emails) users.push(await clerk.users.createUser({ emailAddress: [email], password: PASSWORD }));

    // Before any node stops: a sign-in through nginx, seen by the app's server side.
    const first = await newContext(browser, 'lb-first');
    const page = await first.context.newPage();
    expect(await signIn(page, app.url, emails[0] ?? '')).toBe(users[0]?.id);
    expect(await protectedUserId(page, app.url)).toBe(users[0]?.id);
    await page.goto(`${app.url}/`);
    await waitForApp(page);
    await shot(page, 'lb-01-signed-in');
    await startRefreshing(page);
    const backend = startBackendCalls(clerk, users[0]?.id ?? '');

    // One node drains and stops while the others carry on; a second person signs in meanwhile.
    const stopping = Date.now();
    const victim = 1;
    let exitedAt = 0;
    const exitCode = nodes[victim]?.stop().then((code) => {
      exitedAt = Date.now();
      return code;
    });
    const second = await newContext(browser, 'lb-second');
    const page2 = await second.context.newPage();
    expect(await signIn(page2, app.url, emails[1] ?? '')).toBe(users[1]?.id);
    expect(await exitCode).toBe(0);
    timings.push(`node stopped (SIGTERM to exit): ${exitedAt - stopping} ms`, `sign-in while it stopped: ${Date.now() - stopping} ms`);
    expect(await protectedUserId(page2, app.url)).toBe(users[1]?.id);
    await shot(page2, 'lb-02-signed-in-with-a-node-down');

    // Started again on the same port, it takes requests again; a third person signs in.
    const restarting = Date.now();
    const restarted = await startServer(nodeOptions[victim]);
    nodes[victim] = restarted;
    const backAt = Date.now();
    timings.push(`node started again: ${backAt - restarting} ms`);
    const third = await newContext(browser, 'lb-third');
    const page3 = await third.context.newPage();
    expect(await signIn(page3, app.url, emails[2] ?? '')).toBe(users[2]?.id);
    expect(await protectedUserId(page3, app.url)).toBe(users[2]?.id);
    // nginx's passive checks wait 2 s (fail_timeout) before trying the node again.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await backend.stop();
    await page.evaluate(() => {
      if (window.__refreshes) window.__refreshes.stop = true;
    });
    const refreshed = await refreshes(page);

    expect(refreshed.failed).toEqual([]);
    expect(refreshed.ok).toBeGreaterThan(20);
    expect(backend.state.failed).toEqual([]);
    expect(backend.state.ok).toBeGreaterThan(20);
    // A token minted through nginx verifies with the SDK through nginx's JWKS.
    const token = await page.evaluate(() => window.Clerk.session?.getToken({ skipCache: true }));
    expect((await verifyToken(token ?? '', { secretKey: nodes[0]?.env.secretKey, apiUrl: `${nginx.url}/api` })).sub).toBe(users[0]?.id);

    const log = nginx.accessLog();
    const victimAddress = `127.0.0.1:${nodeOptions[victim]?.port}`;
    const answeredBy = (line: string) => /upstream=(\S+)/.exec(line)?.[1] ?? '';
    // No visitor got a 5xx; nginx tried the stopped node and moved on (its "upstream" lists both).
    expect(log.filter((line) => / 5\d\d upstream=/.test(line))).toEqual([]);
    // Every node answered, and the restarted one answered again after it came back.
    for (const options of nodeOptions) expect(log.some((line) => answeredBy(line) === `127.0.0.1:${options.port}`)).toBe(true);
    const afterBack = log.filter((line) => Number(line.split(' ')[0]) * 1000 > backAt);
    expect(afterBack.some((line) => answeredBy(line).endsWith(victimAddress))).toBe(true);
    timings.push(
      `${refreshed.ok} token refreshes and ${backend.state.ok} BAPI calls, none failed; ${log.length} requests through nginx, ${
        log.filter((line) => answeredBy(line).includes(',')).length
      } passed on to a second node`,
    );

    // A signing-key rotation through nginx: every node publishes the new key before any node signs
    // with it, so the app (verifying bearer tokens through nginx's JWKS) accepts every token.
    const rotating = Date.now();
    const rotated = await fetch(`${nginx.url}/api/v1/instance/signing_keys/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${nodes[0]?.env.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ overlap_seconds: 10 }),
    });
    expect(rotated.status).toBe(200);
    const rotation = (await rotated.json()) as { kid: string; activates_at: number };
    const kids: string[] = [];
    const appFailures: string[] = [];
    while (Date.now() < rotation.activates_at + 3000) {
      const answer = await page.evaluate(async () => {
        const token = (await window.Clerk.session?.getToken({ skipCache: true })) ?? '';
        const res = await fetch('/api/me', { headers: { Authorization: `Bearer ${token}` } });
        return { status: res.status, token };
      });
      const kid = (JSON.parse(Buffer.from(answer.token.split('.')[0] ?? '', 'base64url').toString() || '{}') as { kid?: string }).kid ?? '';
      if (answer.status !== 200) appFailures.push(`${answer.status} with kid ${kid}`);
      if (kids.at(-1) !== kid) kids.push(kid);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(appFailures).toEqual([]);
    expect(kids).toHaveLength(2);
    expect(kids[1]).toBe(rotation.kid);
    for (const node of nodes) {
      const jwks = (await (await fetch(`${node.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
      expect(jwks.keys.map((key) => key.kid)).toEqual(kids);
    }
    timings.push(`signing-key rotation through nginx, 10 s overlap: ${Date.now() - rotating} ms`);

    for (const context of [first, second, third]) {
      expect(context.log.matching(/HTTP 5\d\d|request failed/)).toEqual([]);
      await context.context.close();
    }
  }, 180_000);
});
