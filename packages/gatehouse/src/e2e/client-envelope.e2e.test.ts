/**
 * The envelope details clerk-js relies on, in a real Chromium with the official clerk-js and
 * prebuilt components against Gatehouse (issue 23): the client after sign-out of all sessions,
 * `meta.client` on errors (two tabs), and when the sign-up code is sent.
 */
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type BrowserLog, chromiumAvailable, newContext, shot } from './browser.js';
import { appReady, STEP, stackSuite, uniqueEmail } from './harness.js';

const hasChromium = chromiumAvailable();

async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await appReady(page);
}

const sessionIdOf = (page: Page) => page.evaluate(() => window.Clerk.session?.id ?? null);

/** `<SignIn/>` with identifier, then password on factor-one; ends on `/` signed in. */
async function signInWithComponent(page: Page, email: string, password: string): Promise<void> {
  await page.locator('input[name=identifier]').fill(email);
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.locator('input[name=password]').waitFor({ timeout: STEP });
  await page.locator('input[name=password]').fill(password);
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/', { timeout: STEP });
  await appReady(page);
}

describe.skipIf(!hasChromium)('clerk-js envelope details against Gatehouse (Chromium, official components)', () => {
  const suite = stackSuite();

  async function context(label: string) {
    return newContext(suite.browser, label);
  }

  function expectNoFailures(log: BrowserLog): void {
    expect(log.matching(/CORS|request failed|HTTP 5\d\d|page error/)).toEqual([]);
  }

  async function createUser(tag: string) {
    const email = uniqueEmail(`envelope-${tag}`);
    const password = `envelope passphrase ${randomBytes(4).toString('hex')}`;
    const user = await suite.clerk.users.createUser({ emailAddress: [email], password });
    return { email, password, user };
  }

  it('two tabs: one signs in while the other already is; both end signed in with the same session', async () => {
    const { email, password, user } = await createUser('tabs');
    const { context: ctx, log } = await context('tabs');
    try {
      const first = await ctx.newPage();
      const second = await ctx.newPage();
      await open(first, `${suite.stack.app.url}/sign-in`);
      await open(second, `${suite.stack.app.url}/sign-in`);
      await signInWithComponent(first, email, password);
      const sessionId = await sessionIdOf(first);
      expect(sessionId).toMatch(/^sess_/);

      // The second tab still shows <SignIn/> from before: Gatehouse answers `session_exists`, with the
      // client in `meta.client`, and the component activates that session.
      const refusals: { code: string | undefined; metaClient: boolean }[] = [];
      second.on('response', async (response) => {
        if (response.request().method() !== 'POST' || !/\/v1\/client\/sign_ins(\?|$)/.test(response.url())) return;
        if (response.status() !== 400) return;
        const body = (await response.json().catch(() => ({}))) as { errors?: { code: string }[]; meta?: { client?: unknown } };
        refusals.push({ code: body.errors?.[0]?.code, metaClient: Boolean(body.meta?.client) });
      });
      await second.bringToFront();
      await second.locator('input[name=identifier]').fill(email);
      await second.getByRole('button', { name: 'Continue', exact: true }).click();
      await second.waitForFunction((id) => window.Clerk?.session?.id === id, sessionId, { timeout: STEP });
      await shot(second, 'envelope-tabs-second');
      expect(refusals).toEqual([{ code: 'session_exists', metaClient: true }]);
      expect(await second.evaluate(() => window.Clerk.user?.id)).toBe(user.id);
      await first.reload();
      await appReady(first);
      expect(await sessionIdOf(first)).toBe(sessionId);
      expectNoFailures(log);
    } finally {
      await ctx.close();
    }
  }, 120_000);

  it('sign out of all sessions: the client persists and a new sign-in works in the same tab', async () => {
    const { email, password, user } = await createUser('signout');
    const { context: ctx, log } = await context('signout');
    try {
      const page = await ctx.newPage();
      await open(page, `${suite.stack.app.url}/sign-in`);
      await signInWithComponent(page, email, password);
      const clientId = await page.evaluate(() => (window.Clerk as unknown as { client: { id: string } }).client.id);
      expect(clientId).toMatch(/^client_/);

      // signOut with a callback stays on the page: clerk-js keeps the client `DELETE /v1/client/sessions` answers.
      await page.evaluate(() => window.Clerk.signOut(() => {}));
      const after = await page.evaluate(() => {
        const clerk = window.Clerk as unknown as { client: { id: string; sessions: unknown[] }; user: unknown };
        return { id: clerk.client.id, sessions: clerk.client.sessions.length, signedIn: Boolean(clerk.user) };
      });
      expect(after).toEqual({ id: clientId, sessions: 0, signedIn: false });

      // A new sign-in with <SignIn/> mounted in the same page, without a reload.
      await page.evaluate(() => {
        const el = document.getElementById('mount');
        if (el) (window.Clerk as unknown as { mountSignIn(el: HTMLElement, p: object): void }).mountSignIn(el, { routing: 'virtual' });
      });
      await page.locator('input[name=identifier]').fill(email);
      await page.getByRole('button', { name: 'Continue', exact: true }).click();
      await page.locator('input[name=password]').fill(password);
      await page.getByRole('button', { name: 'Continue', exact: true }).click();
      await page.waitForFunction(() => Boolean(window.Clerk?.user), null, { timeout: STEP });
      expect(await page.evaluate(() => window.Clerk.user?.id)).toBe(user.id);
      expect(await page.evaluate(() => (window.Clerk as unknown as { client: { id: string } }).client.id)).toBe(clientId);
      await shot(page, 'envelope-signout-signed-in-again');
      expectNoFailures(log);
    } finally {
      await ctx.close();
    }
  }, 120_000);

  it('sends the sign-up code exactly once, on prepare_verification', async () => {
    const email = uniqueEmail('envelope-signup');
    const password = `sign-up passphrase ${randomBytes(4).toString('hex')}`;
    const { context: ctx, log } = await context('signup');
    try {
      const page = await ctx.newPage();
      const mailsTo = () => suite.mail.mails.filter((m) => m.to.includes(email));
      // <SignUp/> mounted with virtual routing: the whole flow stays in one document, so every
      // request it sends is seen (with the app's path routing, the prepare leaves from a page being unloaded).
      const calls: { path: string; sentAt: number; mailsBefore: number; mailsAfter?: number }[] = [];
      page.on('request', (request) => {
        const path = new URL(request.url()).pathname;
        if (request.method() === 'POST' && path.startsWith('/v1/client/sign_ups')) {
          calls.push({ path, sentAt: Date.now(), mailsBefore: mailsTo().length });
        }
      });
      page.on('requestfinished', (request) => {
        const path = new URL(request.url()).pathname;
        const call = calls.find((c) => c.path === path && c.mailsAfter === undefined);
        if (call) call.mailsAfter = mailsTo().length;
      });
      await open(page, `${suite.stack.app.url}/`);
      await page.evaluate(() => {
        const el = document.getElementById('mount');
        if (el) (window.Clerk as unknown as { mountSignUp(el: HTMLElement, p: object): void }).mountSignUp(el, { routing: 'virtual' });
      });
      await page.locator('input[name=emailAddress]').fill(email);
      await page.locator('input[name=password]').fill(password);
      await page.getByRole('button', { name: 'Continue', exact: true }).click();
      await page.getByText('Verify your email').waitFor({ timeout: STEP });
      const { code } = await suite.mail.waitForCode(email, { subject: /verification code/ });
      await page.locator('input[autocomplete="one-time-code"], input[inputmode="numeric"]').first().click();
      await page.keyboard.type(code);
      await page.waitForFunction(() => Boolean(window.Clerk?.user), null, { timeout: STEP });
      expect(await page.evaluate(() => window.Clerk.user?.id)).toMatch(/^user_/);
      await shot(page, 'envelope-signup-done');

      const create = calls.find((c) => c.path === '/v1/client/sign_ups');
      const prepares = calls.filter((c) => c.path.endsWith('/prepare_verification'));
      // Creating sends nothing; the one prepare sends the one code, after it was asked for.
      expect(create).toMatchObject({ mailsBefore: 0, mailsAfter: 0 });
      expect(prepares).toHaveLength(1);
      expect(prepares[0]?.mailsBefore).toBe(0);
      const mails = mailsTo();
      expect(mails).toHaveLength(1);
      expect(mails[0]?.at).toBeGreaterThanOrEqual(prepares[0]?.sentAt ?? Number.POSITIVE_INFINITY);
      expectNoFailures(log);
    } finally {
      await ctx.close();
    }
  }, 120_000);
});
