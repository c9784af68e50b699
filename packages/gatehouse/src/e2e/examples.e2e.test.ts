/**
 * Seed 000 ("Clerk hello world") end to end: the Next.js and Express examples in `examples/`, built
 * and run unchanged but for configuration, against a Gatehouse started here, driven by Chromium.
 * In a full run the Next.js app is the README-commands test's build (example-builds.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClerkClient } from '@clerk/backend';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MailCatcher, startMailCatcher } from '../testing/mail-catcher.js';
import { freePort, type RunningServer, removeDir, startServer } from '../testing/server.js';
import { chromiumAvailable, launchBrowser, newContext, shot, signUpWithEmailCode } from './browser.js';
import { buildNextExample, type RunningExample, startExpressExample, startNextExample } from './example-apps.js';
import { checkedBuild, sharedBuild } from './example-builds.js';

const hasChromium = chromiumAvailable();
const STEP = 30_000;
/** Short tokens, so the seed's "expired token" rows can be checked in seconds. */
const TOKEN_LIFETIME_S = 8;
/** @clerk/backend allows 5 s of clock skew. */
const EXPIRED_AFTER_MS = (TOKEN_LIFETIME_S + 6) * 1000;

function uniqueEmail(tag: string): string {
  return `seed000-${tag}-${Date.now()}-${randomBytes(3).toString('hex')}@example.com`;
}

async function startGatehouse(mail: MailCatcher, port?: number): Promise<RunningServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-seed000-'));
  writeFileSync(
    path.join(dataDir, 'gatehouse.config.json'),
    JSON.stringify({ sessionToken: { lifetimeSeconds: TOKEN_LIFETIME_S }, frontend: { firstName: 'optional', lastName: 'optional' } }),
  );
  return startServer({ dataDir, ...(port ? { port } : {}), extraArgs: ['--smtp', mail.url] });
}

/** Prebuilt `<SignUp/>` (the app's, or Gatehouse's hosted page): e-mail + password, then the code from the real SMTP catcher. */
async function signUpWithComponent(page: Page, signUpUrl: string, mail: MailCatcher, email: string, password: string): Promise<void> {
  await page.goto(signUpUrl);
  await signUpWithEmailCode(page, mail, { email, password }, STEP);
}

/**
 * For a test's `catch`: a screenshot of the page as `<name>-FAILED`, then the error again with the
 * tail of the app's output and the browser's log, which is where the cause usually shows.
 */
async function failWithOutput(
  error: unknown,
  page: Page,
  name: string,
  app: { label: string; output: string },
  log: { lines: string[] },
): Promise<never> {
  await shot(page, `${name}-FAILED`).catch(() => {});
  throw new Error(`${(error as Error).message}\n--- ${app.label} ---\n${app.output}\n--- browser ---\n${log.lines.join('\n')}`);
}

describe.skipIf(!hasChromium)('seed 000 examples in Chromium', () => {
  let browser: Browser;
  let mail: MailCatcher;
  let gatehouse: RunningServer;

  /** The README test's `next build`, against a Gatehouse on the port this file's Gatehouse then takes. */
  const nextBuild = sharedBuild('nextjs-hello-world');

  beforeAll(async () => {
    mail = await startMailCatcher();
    gatehouse = await startGatehouse(mail, nextBuild?.gatehousePort);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await gatehouse?.stop();
    if (gatehouse) removeDir(gatehouse.dataDir);
    await mail?.close();
  });

  it('examples/nextjs-hello-world: sign up, dashboard, API route, server action, profile, sign out; the error table', async () => {
    const built = nextBuild && checkedBuild(nextBuild, gatehouse.env.env);
    if (!built) await buildNextExample(gatehouse.env.env);
    const next: RunningExample = await startNextExample(gatehouse.env.env, await freePort(), built?.dir);
    const clerk = createClerkClient({ secretKey: gatehouse.env.secretKey, apiUrl: gatehouse.env.apiUrl, telemetry: { disabled: true } });
    const { context, log } = await newContext(browser, 'next');
    const page = await context.newPage();
    try {
      // Signed out: the API route answers 401 JSON; the dashboard sends people to /sign-in.
      const anonymous = await fetch(`${next.url}/api/hello`);
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toEqual({ error: 'Unauthorized' });

      const email = uniqueEmail('next');
      await signUpWithComponent(page, `${next.url}/sign-up`, mail, email, 'hello world passphrase');
      await page.waitForURL(/\/dashboard$/, { timeout: STEP });
      await page.getByRole('heading', { name: 'Hello, User!' }).waitFor({ timeout: STEP });
      await shot(page, 'next-01-dashboard');
      const [user] = (await clerk.users.getUserList({ emailAddress: [email] })).data;
      if (!user) throw new Error('the signed-up user is missing');
      await page.getByText(`User ID: ${user.id}`).waitFor();
      await page.getByText(`Email: ${email}`).waitFor();
      await page.getByText(`Created: `).waitFor();

      // The client component calls /api/hello with getToken() as Bearer.
      await page.getByRole('button', { name: 'Test API' }).click();
      const apiText = await page.locator('#api-response').textContent({ timeout: STEP });
      expect(JSON.parse(apiText ?? '{}')).toMatchObject({ message: 'Hello from Clerk!', userId: user.id, orgId: null });
      await shot(page, 'next-02-api');

      // The server action.
      await page.getByRole('button', { name: 'Get Server Greeting' }).click();
      await page.getByText(`Hello user ${user.id}!`).waitFor({ timeout: STEP });
      await shot(page, 'next-03-server-action');

      // openUserProfile(): change the first name; the dashboard shows it after a reload.
      await page.getByRole('button', { name: 'Profile' }).click();
      await page.getByRole('button', { name: 'Update profile' }).click({ timeout: STEP });
      await page.locator('input[name=firstName]').fill('Grace');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.waitForFunction(
        () => (window as unknown as { Clerk: { user?: { firstName?: string } } }).Clerk.user?.firstName === 'Grace',
        null,
        {
          timeout: STEP,
        },
      );
      await shot(page, 'next-04-profile');
      await page.goto(`${next.url}/dashboard`);
      await page.getByRole('heading', { name: 'Hello, Grace!' }).waitFor({ timeout: STEP });
      await shot(page, 'next-05-renamed');

      // Error table: an expired token on an API call is a 401, not a redirect.
      await page.waitForFunction(() => Boolean((window as unknown as { Clerk?: { session?: unknown } }).Clerk?.session), null, {
        timeout: STEP,
      });
      const staleToken = await page.evaluate(() =>
        (window as unknown as { Clerk: { session: { getToken(): Promise<string> } } }).Clerk.session.getToken(),
      );
      await new Promise((r) => setTimeout(r, EXPIRED_AFTER_MS));
      const expired = await fetch(`${next.url}/api/hello`, { headers: { Authorization: `Bearer ${staleToken}` }, redirect: 'manual' });
      expect(expired.status).toBe(401);

      // ...and a page load with an expired session cookie is refreshed through the handshake, without a loop.
      const documents: string[] = [];
      page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame()) documents.push(frame.url());
      });
      await context.clearCookies({ name: '__client_uat' }).catch(() => {});
      await page.goto(`${next.url}/dashboard`);
      await page.getByRole('heading', { name: 'Hello, Grace!' }).waitFor({ timeout: STEP });
      expect(documents.length).toBeLessThanOrEqual(4);
      await shot(page, 'next-06-after-expiry');

      // Sign out from the client component; the dashboard then redirects to /sign-in.
      await page.getByRole('button', { name: 'Sign Out' }).click();
      await page.waitForURL((url) => url.pathname === '/', { timeout: STEP });
      await page.goto(`${next.url}/dashboard`);
      await page.waitForURL(/\/sign-in/, { timeout: STEP });
      await shot(page, 'next-07-signed-out');

      // Sign in again, then revoke the session from the Backend API: once its token lapses, the
      // server sees nobody (auth() is null, so currentUser() is null and the dashboard redirects).
      await page.locator('input[name=identifier]').fill(email, { timeout: STEP });
      await page.getByRole('button', { name: 'Continue', exact: true }).click();
      await page.locator('input[name=password]').fill('hello world passphrase', { timeout: STEP });
      await page.getByRole('button', { name: 'Continue', exact: true }).click();
      await page.waitForURL(/\/dashboard$/, { timeout: STEP });
      await page.getByRole('heading', { name: 'Hello, Grace!' }).waitFor({ timeout: STEP });
      const sessions = await clerk.sessions.getSessionList({ userId: user.id, status: 'active' });
      for (const session of sessions.data) await clerk.sessions.revokeSession(session.id);
      await new Promise((r) => setTimeout(r, EXPIRED_AFTER_MS));
      await page.goto(`${next.url}/dashboard`);
      await page.waitForURL(/\/sign-in/, { timeout: STEP });
      await shot(page, 'next-08-revoked');

      expect(log.matching(/CORS|status of 5\d\d|HTTP 5\d\d/)).toEqual([]);
    } catch (error) {
      await failWithOutput(error, page, 'next', { label: 'next output', output: next.output().slice(-3000) }, log);
    } finally {
      await context.close();
      await next.stop();
    }
  }, 300_000);

  it('examples/express-hello-world: anonymous and signed-in /api/hello, /api/me behind requireAuth', async () => {
    const app = await startExpressExample(gatehouse.env.env, await freePort());
    const { context, log } = await newContext(browser, 'express-example');
    const page = await context.newPage();
    try {
      expect(await (await fetch(`${app.url}/api/hello`)).json()).toEqual({ message: 'Hello anonymous!', authenticated: false });
      const me = await fetch(`${app.url}/api/me`, { redirect: 'manual' });
      expect(me.status).toBe(302);

      // Sign up on Gatehouse's hosted page, which sends the browser back to the app.
      const email = uniqueEmail('express');
      const target = `${app.url}/api/hello`;
      await signUpWithComponent(
        page,
        `${gatehouse.url}/sign-up?redirect_url=${encodeURIComponent(target)}`,
        mail,
        email,
        'express hello passphrase',
      );
      await page.waitForURL(target, { timeout: STEP });
      const hello = JSON.parse((await page.locator('body').textContent()) ?? '{}');
      expect(hello.authenticated).toBe(true);
      expect(hello.message).toMatch(/^Hello user user_/);
      await shot(page, 'express-01-hello');

      await page.goto(`${app.url}/api/me`);
      const mine = JSON.parse((await page.locator('body').textContent()) ?? '{}');
      expect(mine.userId).toBe(hello.message.replace('Hello user ', '').replace('!', ''));
      expect(mine.orgId ?? null).toBeNull();
      await shot(page, 'express-02-me');
      expect(log.matching(/CORS|HTTP 5\d\d/)).toEqual([]);
    } catch (error) {
      await failWithOutput(error, page, 'express', { label: 'app output', output: app.output().slice(-2000) }, log);
    } finally {
      await context.close();
      await app.stop();
    }
  }, 180_000);
});
