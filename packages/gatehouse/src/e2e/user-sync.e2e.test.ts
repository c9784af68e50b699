/**
 * Seed 001 ("Clerk 認証と User テーブルの連携") end to end: `examples/user-sync` built and started with
 * its own scripts (Prisma migrations on a PostgreSQL database of this run's own, NestJS API, Next.js
 * front end, webhook endpoint registered with Gatehouse), against a Gatehouse on 127.0.0.1, driven by
 * Chromium. The User row appears on sign-up (the seed's sync, and the user.created webhook), follows a
 * name change made in <UserProfile/> (user.updated), survives redelivery of every event unchanged, and
 * goes with the user (user.deleted); a sync naming another user's id is refused. In a full run the
 * app is the README-commands test's build (example-builds.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClerkClient } from '@clerk/backend';
import type { Browser, Page } from 'playwright-core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MailCatcher, startMailCatcher } from '../testing/mail-catcher.js';
import { freePort, type RunningServer, removeDir, startServer } from '../testing/server.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../testing/services.js';
import { chromiumAvailable, launchBrowser, newContext, shot, signUpWithEmailCode } from './browser.js';
import { buildUserSyncExample, type RunningExample, startUserSyncExample } from './example-apps.js';
import { checkedBuild, sharedBuild } from './example-builds.js';

const hasChromium = chromiumAvailable();
const hasPostgres = await postgresAvailable();
const STEP = 30_000;
/** Webhooks are delivered by a worker after the change commits: wait for the table to follow. */
const WEBHOOK_WAIT_MS = 30_000;
const PASSWORD = 'user sync passphrase';

interface UserRow {
  id: string;
  name: string | null;
  mail_address: string;
  role: string;
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + WEBHOOK_WAIT_MS;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function pageToken(page: Page): Promise<string> {
  await page.waitForFunction(() => Boolean(window.Clerk?.session), null, { timeout: STEP });
  const token = await page.evaluate(() => window.Clerk.session?.getToken({ skipCache: true }));
  if (!token) throw new Error('no session token in the page');
  return token;
}

describe.skipIf(!hasChromium || !hasPostgres)('seed 001: examples/user-sync in Chromium, on PostgreSQL', () => {
  let browser: Browser;
  let mail: MailCatcher;
  let gatehouse: RunningServer;
  let database: TestDatabase;
  let sql: postgres.Sql;
  /** The README test's `npm run build`, against a Gatehouse on the port this file's Gatehouse then takes. */
  const userSyncBuild = sharedBuild('user-sync');

  beforeAll(async () => {
    mail = await startMailCatcher();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-seed001-'));
    // The seed stores the first name, so <SignUp/> must ask for it: names required (clerk-js hides
    // optional fields, and its profile form treats first and last name as one requirement).
    writeFileSync(
      path.join(dataDir, 'gatehouse.config.json'),
      JSON.stringify({ frontend: { firstName: 'required', lastName: 'required' } }),
    );
    gatehouse = await startServer({
      dataDir,
      ...(userSyncBuild ? { port: userSyncBuild.gatehousePort } : {}),
      extraArgs: ['--smtp', mail.url],
    });
    database = await createTestDatabase();
    sql = postgres(database.url, { max: 2, onnotice: () => {} });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await sql?.end({ timeout: 1 });
    await database?.drop();
    await gatehouse?.stop();
    if (gatehouse) removeDir(gatehouse.dataDir);
    await mail?.close();
  });

  it('sign up → row; favorites; rename in <UserProfile/> → row follows; redelivery changes nothing; delete → row gone; forged sync refused', async () => {
    const built = userSyncBuild && checkedBuild(userSyncBuild, gatehouse.env.env);
    // A shared build's front end forwards /api to the API_PORT it was built with.
    const ports = { PORT: String(await freePort()), API_PORT: built?.buildEnv.API_PORT ?? String(await freePort()) };
    const extra = { ...ports, DATABASE_URL: database.url };
    if (!built) await buildUserSyncExample(gatehouse.env.env, extra);
    const app: RunningExample = await startUserSyncExample(gatehouse.env.env, extra, built?.dir);
    // 127.0.0.1, as Gatehouse: the same site, so the browser sends Gatehouse’s cookie (see nextjs-hello-world).
    const appUrl = `http://127.0.0.1:${ports.PORT}`;
    const clerk = createClerkClient({ secretKey: gatehouse.env.secretKey, apiUrl: gatehouse.env.apiUrl, telemetry: { disabled: true } });
    const row = async (id: string) => (await sql<UserRow[]>`select id, name, mail_address, role from "User" where id = ${id}`)[0];
    const { context, log } = await newContext(browser, 'user-sync');
    const page = await context.newPage();
    try {
      // start.mjs registered the webhook endpoint for the user lifecycle events.
      const endpoints = (await (
        await fetch(`${gatehouse.env.apiUrl}/v1/webhook_endpoints`, { headers: { authorization: `Bearer ${gatehouse.env.secretKey}` } })
      ).json()) as { data: Array<{ id: string; url: string; events: string[] }> };
      const [endpoint] = endpoints.data;
      expect(endpoint).toMatchObject({
        url: `http://127.0.0.1:${ports.API_PORT}/api/webhooks/clerk`,
        events: ['user.created', 'user.updated', 'user.deleted'],
      });

      // Sign up with the app's <SignUp/>; the layout's useSyncUser posts /api/auth/sync.
      const email = `seed001-${Date.now()}-${randomBytes(3).toString('hex')}@example.com`;
      await page.goto(`${appUrl}/sign-up`);
      await signUpWithEmailCode(page, mail, { email, password: PASSWORD, fields: { firstName: 'Hana', lastName: 'Sato' } }, STEP);
      await page.waitForURL((url) => url.pathname === '/favorites', { timeout: STEP });
      const status = page.locator('#sync-status');
      await status.waitFor({ timeout: STEP });
      const [user] = (await clerk.users.getUserList({ emailAddress: [email] })).data;
      if (!user) throw new Error('the signed-up user is missing');
      expect(await status.getAttribute('data-user-id')).toBe(user.id);
      expect(await row(user.id)).toEqual({ id: user.id, name: 'Hana', mail_address: email, role: 'USER' });
      await shot(page, 'user-sync-01-signed-up');

      // A favorite, stored under the user's row.
      await page.locator('input[name=title]').fill('Green tea');
      await page.getByRole('button', { name: 'Add' }).click();
      await page.locator('#favorites li', { hasText: 'Green tea' }).waitFor({ timeout: STEP });
      expect(await sql`select title from "Favorite" where "userId" = ${user.id}`).toEqual([{ title: 'Green tea' }]);
      await page.reload();
      await page.locator('#favorites li', { hasText: 'Green tea' }).waitFor({ timeout: STEP });
      await shot(page, 'user-sync-02-favorites');

      // The seed's hole, closed: a sync naming another user is refused, with or without a token,
      // through the front end's /api rewrite and on the API directly; no row is made for that user.
      const other = await clerk.users.createUser({ emailAddress: [`other-${email}`], firstName: 'Mallory', password: PASSWORD });
      const token = await pageToken(page);
      const sync = (base: string, body: unknown, bearer?: string) =>
        fetch(`${base}/api/auth/sync`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
          body: JSON.stringify(body),
        });
      for (const base of [appUrl, `http://127.0.0.1:${ports.API_PORT}`]) {
        expect((await sync(base, { userId: other.id })).status).toBe(401);
        expect((await sync(base, { userId: other.id }, 'not-a-token')).status).toBe(401);
        expect((await sync(base, { userId: other.id }, token)).status).toBe(403);
        const own = await sync(base, { userId: user.id }, token);
        expect(own.status).toBe(201);
        expect(await own.json()).toMatchObject({ id: user.id, mail_address: email });
      }
      // (The user.created webhook of `other` does make its row: that is the webhook's job, signed by Gatehouse.)
      await eventually(
        () => row(other.id),
        (r) => r !== undefined,
        'the other user’s row from user.created',
      );
      await clerk.users.deleteUser(other.id);
      await eventually(
        () => row(other.id),
        (r) => r === undefined,
        'the other user’s row after user.deleted',
      );
      // A webhook with a bad signature changes nothing.
      const forged = await fetch(`http://127.0.0.1:${ports.API_PORT}/api/webhooks/clerk`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'svix-id': 'msg_forged',
          'svix-timestamp': String(Math.floor(Date.now() / 1000)),
          'svix-signature': 'v1,AAAA',
        },
        body: JSON.stringify({ type: 'user.deleted', object: 'event', data: { id: user.id, deleted: true, object: 'user' } }),
      });
      expect(forged.status).toBe(400);
      expect(await row(user.id)).toBeDefined();

      // Rename in <UserProfile/>: Gatehouse sends user.updated, the row follows.
      await page.goto(`${appUrl}/user`);
      await page.getByRole('button', { name: 'Update profile' }).click({ timeout: STEP });
      // Typed key by key: the form enables Save on input events after it has loaded the user.
      const firstName = page.locator('input[name=firstName]');
      await page.waitForFunction(
        () => (document.querySelector('input[name=firstName]') as HTMLInputElement | null)?.value === 'Hana',
        null,
        {
          timeout: STEP,
        },
      );
      await firstName.click();
      await firstName.press('ControlOrMeta+A');
      await firstName.pressSequentially('Hanako');
      await page.getByRole('button', { name: 'Save' }).click({ timeout: STEP });
      await page.waitForFunction(() => window.Clerk.user?.firstName === 'Hanako', null, { timeout: STEP });
      await shot(page, 'user-sync-03-renamed');
      await eventually(
        () => row(user.id),
        (r) => r?.name === 'Hanako',
        'the row’s name after the rename',
      );

      // Every event delivered again (Gatehouse's replay, as after a receiver outage): same table.
      const bapi = (method: string, url: string, body?: unknown) =>
        fetch(`${gatehouse.env.apiUrl}${url}`, {
          method,
          headers: { authorization: `Bearer ${gatehouse.env.secretKey}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      if (!endpoint) throw new Error('no endpoint');
      const replay = (await (await bapi('POST', `/v1/webhook_endpoints/${endpoint.id}/replay`, { since: 0 })).json()) as { queued: number };
      // At least: user.created and user.updated of this user, user.created and user.deleted of the other.
      expect(replay.queued).toBeGreaterThanOrEqual(4);
      await eventually(
        async () => {
          const page = (await (await bapi('GET', `/v1/webhook_endpoints/${endpoint.id}/deliveries?limit=100`)).json()) as {
            data: Array<{ status: string }>;
          };
          return page.data.filter((d) => d.status !== 'succeeded').length;
        },
        (pending) => pending === 0,
        'deliveries not yet succeeded',
      );
      expect(await row(user.id)).toEqual({ id: user.id, name: 'Hanako', mail_address: email, role: 'USER' });
      expect(await row(other.id)).toBeUndefined();
      expect(await sql`select title from "Favorite" where "userId" = ${user.id}`).toEqual([{ title: 'Green tea' }]);

      // Deleted through the Backend API: user.deleted removes the row, and its favorites with it.
      await clerk.users.deleteUser(user.id);
      await eventually(
        () => row(user.id),
        (r) => r === undefined,
        'the row after user.deleted',
      );
      expect(await sql`select id from "Favorite" where "userId" = ${user.id}`).toEqual([]);

      expect(log.matching(/CORS|HTTP 5\d\d|page error/)).toEqual([]);
    } catch (error) {
      await shot(page, 'user-sync-FAILED').catch(() => {});
      throw new Error(`${(error as Error).message}\n--- app ---\n${app.output().slice(-4000)}\n--- browser ---\n${log.lines.join('\n')}`);
    } finally {
      await context.close();
      await app.stop();
    }
  }, 900_000);
});
