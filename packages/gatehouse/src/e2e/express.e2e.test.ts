/**
 * End to end in a real Chromium: the official clerk-js and its prebuilt components (served by
 * Gatehouse) sign people up and in against Gatehouse, and `@clerk/express` in a separate app process
 * sees them on full page loads (the handshake) and on API calls (a bearer token).
 *
 * Screenshots of every step land in `<repo>/artifacts/e2e/`. `GATEHOUSE_E2E_VERBOSE=1` prints each
 * document and Frontend API request.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MailCatcher, startMailCatcher } from '../testing/mail-catcher.js';
import { ARTIFACTS_DIR, type BrowserLog, chromiumAvailable, launchBrowser, newContext, shot, signOutInPage } from './browser.js';
import { type Stack, startStack } from './stack.js';

const TEST_TIMEOUT = 180_000;
const STEP_TIMEOUT = 30_000;
const WRONG_PASSWORD_TEXT = 'Password is incorrect. Try again, or use another method.';

const hasChromium = chromiumAvailable();

function uniqueEmail(tag: string): string {
  return `e2e-${tag}-${Date.now()}-${randomBytes(3).toString('hex')}@example.com`;
}

/** Runs one named step, screenshots the page after it, and records how long it took. */
function stepper(page: Page, prefix: string) {
  const timings: string[] = [];
  return {
    timings,
    async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
      const started = Date.now();
      try {
        const result = await fn();
        timings.push(`${name}: ${Date.now() - started} ms`);
        await shot(page, `${prefix}-${String(timings.length).padStart(2, '0')}-${name}`);
        return result;
      } catch (error) {
        await shot(page, `${prefix}-FAILED-${name}`).catch(() => {});
        throw error;
      }
    },
  };
}

/** Waits until the app page has loaded Clerk and mounted its component. */
async function ready(page: Page): Promise<void> {
  await page.waitForFunction(() => window.__appReady === true || window.__appError !== undefined, null, { timeout: STEP_TIMEOUT });
  const error = await page.evaluate(() => window.__appError);
  if (error) throw new Error(`the page failed to load Clerk: ${error}`);
}

async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await ready(page);
}

async function pageUserId(page: Page): Promise<string | null> {
  return page.evaluate(() => window.Clerk.user?.id ?? null);
}

/** A full page load of the app's server-rendered `/protected`. */
async function loadProtected(page: Page, appUrl: string) {
  const response = await page.goto(`${appUrl}/protected`);
  const url = new URL(page.url());
  if (url.pathname !== '/protected') return { status: response?.status(), pathname: url.pathname, userId: null, firstName: null };
  return {
    status: response?.status(),
    pathname: url.pathname,
    userId: await page.locator('#user-id').textContent(),
    firstName: await page.locator('#first-name').textContent(),
  };
}

/** Calls the app's `/api/me` from the page with the session token clerk-js holds. */
async function apiMe(page: Page) {
  return page.evaluate(async () => {
    const token = await window.Clerk.session?.getToken();
    const res = await fetch('/api/me', { headers: token ? { Authorization: `Bearer ${token}` } : {} });
    return { status: res.status, body: (await res.json()) as { userId?: string; sessionId?: string; error?: string } };
  });
}

async function signUp(page: Page, appUrl: string, mail: MailCatcher, email: string, password: string, prefix: string): Promise<string> {
  await open(page, `${appUrl}/sign-up`);
  await page.locator('input[name=emailAddress]').fill(email);
  await page.locator('input[name=password]').fill(password);
  const before = mail.count();
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.waitForURL(/\/sign-up\/verify-email-address/, { timeout: STEP_TIMEOUT });
  await ready(page);
  await page.getByText('Verify your email').waitFor({ timeout: STEP_TIMEOUT });
  await shot(page, `${prefix}-00-sign-up-code-form`);
  const { code } = await mail.waitForCode(email, { after: before, subject: /verification code/ });
  // The code input is six boxes that take typed digits one by one.
  await page.locator('input[autocomplete="one-time-code"], input[inputmode="numeric"]').first().click();
  await page.keyboard.type(code);
  await page.waitForURL((url) => url.pathname === '/', { timeout: STEP_TIMEOUT });
  await ready(page);
  const userId = await pageUserId(page);
  if (!userId) throw new Error('signed up, but clerk-js has no user on the home page');
  return userId;
}

/** `<SignIn/>`: identifier, then (after a full page navigation) the password on factor-one. */
async function enterIdentifier(page: Page, appUrl: string, email: string): Promise<void> {
  await open(page, `${appUrl}/sign-in`);
  await page.locator('input[name=identifier]').fill(email);
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.waitForURL(/\/sign-in\/factor-one/, { timeout: STEP_TIMEOUT });
  await ready(page);
  await page.locator('input[name=password]').waitFor({ timeout: STEP_TIMEOUT });
}

async function submitPassword(page: Page, password: string): Promise<void> {
  await page.locator('input[name=password]').fill(password);
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
}

async function signIn(page: Page, appUrl: string, email: string, password: string): Promise<string> {
  await enterIdentifier(page, appUrl, email);
  await submitPassword(page, password);
  await page.waitForURL((url) => url.pathname === '/', { timeout: STEP_TIMEOUT });
  await ready(page);
  const userId = await pageUserId(page);
  if (!userId) throw new Error('signed in, but clerk-js has no user on the home page');
  return userId;
}

/** `Clerk.signOut()`, which navigates to the after-sign-out URL (`/`). */
async function signOut(page: Page): Promise<void> {
  await signOutInPage(page, STEP_TIMEOUT);
  await ready(page);
  expect(await pageUserId(page)).toBeNull();
}

/** The inline error under the password field, rendered from the error's `long_message`. */
function passwordError(page: Page) {
  return page.locator('#error-password', { hasText: WRONG_PASSWORD_TEXT });
}

function jwtClaims(jwt: string): { exp: number; iat: number; sid: string; sub: string } {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

describe.skipIf(!hasChromium)('browser end to end: clerk-js + prebuilt components + @clerk/express against Gatehouse', () => {
  let browser: Browser;
  let mail: MailCatcher;
  const stacks: Stack[] = [];
  const contexts: { context: BrowserContext; log: BrowserLog; label: string }[] = [];

  beforeAll(async () => {
    rmSync(ARTIFACTS_DIR, { recursive: true, force: true });
    [browser, mail] = await Promise.all([launchBrowser(), startMailCatcher()]);
  });

  afterAll(async () => {
    for (const { context } of contexts) await context.close().catch(() => {});
    await browser?.close().catch(() => {});
    await Promise.all(stacks.map((s) => s.stop().catch(() => {})));
    await mail?.close().catch(() => {});
  });

  async function stack(options: Omit<Parameters<typeof startStack>[0], 'mail'>): Promise<Stack> {
    const started = await startStack({ mail, ...options });
    stacks.push(started);
    return started;
  }

  async function freshPage(label: string): Promise<{ page: Page; log: BrowserLog }> {
    const { context, log } = await newContext(browser, label);
    contexts.push({ context, log, label });
    return { page: await context.newPage(), log };
  }

  /** Fails with what the browser saw go wrong: CORS errors, failed requests, 5xx answers. */
  function expectNoBrowserFailures(label: string, log: BrowserLog): void {
    // Expected noise: clerk-js's development-keys warning, and the 4xx answers the tests provoke.
    const notable = log.lines.filter((l) => !/loaded with development keys/.test(l));
    if (notable.length) process.stderr.write(`[${label}] browser log:\n  ${notable.join('\n  ')}\n`);
    expect(log.matching(/CORS|request failed|HTTP 5\d\d|page error/)).toEqual([]);
  }

  it(
    'development instance (pk_test): sign-up with a mailed code, server-side auth, tokens, profile, sign-out, wrong and right password, reset',
    async () => {
      const { app } = await stack({ config: { frontend: { firstName: 'optional', lastName: 'optional' } } });
      const { page, log } = await freshPage('dev');
      const { step, timings } = stepper(page, 'dev');
      const email = uniqueEmail('dev');
      const password = `first passphrase ${randomBytes(4).toString('hex')}`;

      const userId = await step('sign-up', () => signUp(page, app.url, mail, email, password, 'dev'));
      expect(userId).toMatch(/^user_/);

      const server = await step('protected-signed-in', () => loadProtected(page, app.url));
      expect(server).toMatchObject({ status: 200, pathname: '/protected', userId });

      await step('home', () => open(page, `${app.url}/`));
      const me = await step('api-me', () => apiMe(page));
      expect(me.status).toBe(200);
      expect(me.body.userId).toBe(userId);
      expect(me.body.sessionId).toMatch(/^sess_/);

      await step('profile', async () => {
        await open(page, `${app.url}/profile`);
        await page.getByRole('button', { name: 'Update profile' }).click();
        await page.locator('input[name=firstName]').fill('Ada');
        await page.getByRole('button', { name: 'Save' }).click();
        // Saved: clerk-js holds the new name, and the form has closed back to the profile section.
        await page.waitForFunction(() => window.Clerk.user?.firstName === 'Ada', null, { timeout: STEP_TIMEOUT });
        await page.getByRole('button', { name: 'Update profile' }).waitFor({ timeout: STEP_TIMEOUT });
      });
      // The Security page lists this browser under "Active devices" (`GET /v1/me/sessions/active`).
      await step('profile-security', async () => {
        await page.locator('.cl-navbarButton__security').click();
        await page.waitForURL(/\/profile\/security/, { timeout: STEP_TIMEOUT });
        await page.locator('.cl-activeDeviceListItem__current').getByText('This device').waitFor({ timeout: STEP_TIMEOUT });
      });
      const renamed = await step('protected-renamed', () => loadProtected(page, app.url));
      expect(renamed).toMatchObject({ status: 200, userId, firstName: 'Ada' });

      await step('home-before-sign-out', () => open(page, `${app.url}/`));
      await step('sign-out', () => signOut(page));
      const signedOut = await step('protected-signed-out', () => loadProtected(page, app.url));
      expect(signedOut.pathname).toBe('/sign-in');
      await ready(page);
      expect((await apiMe(page)).status).toBe(401);

      await step('wrong-password', async () => {
        await enterIdentifier(page, app.url, email);
        await submitPassword(page, 'definitely not the password');
        await passwordError(page).waitFor({ timeout: STEP_TIMEOUT });
      });
      expect(await passwordError(page).isVisible()).toBe(true);
      expect(await pageUserId(page)).toBeNull();

      await step('right-password', async () => {
        await submitPassword(page, password);
        await page.waitForURL((url) => url.pathname === '/', { timeout: STEP_TIMEOUT });
        await ready(page);
      });
      expect(await pageUserId(page)).toBe(userId);
      expect((await loadProtected(page, app.url)).userId).toBe(userId);

      // Forgot password through <SignIn/>: "Forgot password?" mails a code, then a new-password form.
      await open(page, `${app.url}/`);
      await step('sign-out-before-reset', () => signOut(page));
      const newPassword = `second passphrase ${randomBytes(4).toString('hex')}`;
      await step('forgot-password', async () => {
        await enterIdentifier(page, app.url, email);
        const before = mail.count();
        // "Forgot password?" opens a card offering the reset next to the other first factors (e-mail
        // code); "Reset your password" sends `prepare_first_factor` with `reset_password_email_code`.
        await page.getByText('Forgot password?').click();
        await page.getByRole('button', { name: 'Reset your password' }).click();
        const { code } = await mail.waitForCode(email, { after: before, subject: /password reset/ });
        await page.locator('input[autocomplete="one-time-code"], input[inputmode="numeric"]').first().click();
        await page.keyboard.type(code);
        await page.waitForURL(/\/sign-in\/reset-password/, { timeout: STEP_TIMEOUT });
        await ready(page);
      });
      await step('new-password', async () => {
        await page.locator('input[name=password]').fill(newPassword);
        await page.locator('input[name=confirmPassword]').fill(newPassword);
        await page.getByRole('button', { name: /reset password/i }).click();
        await page.waitForURL((url) => url.pathname === '/', { timeout: STEP_TIMEOUT });
        await ready(page);
      });
      expect(await pageUserId(page)).toBe(userId);

      await step('sign-out-after-reset', () => signOut(page));
      await step('old-password-refused', async () => {
        await enterIdentifier(page, app.url, email);
        await submitPassword(page, password);
        await passwordError(page).waitFor({ timeout: STEP_TIMEOUT });
      });
      await step('new-password-works', async () => {
        await submitPassword(page, newPassword);
        await page.waitForURL((url) => url.pathname === '/', { timeout: STEP_TIMEOUT });
        await ready(page);
      });
      expect(await pageUserId(page)).toBe(userId);
      expect((await loadProtected(page, app.url)).userId).toBe(userId);

      expectNoBrowserFailures('dev', log);
      process.stderr.write(`dev instance steps:\n  ${timings.join('\n  ')}\n`);
    },
    TEST_TIMEOUT,
  );

  it(
    'production instance (pk_live): sign-up, server-side auth on a full load, sign-out, sign-in',
    async () => {
      const { app, gatehouse } = await stack({ production: true });
      expect(gatehouse.env.publishableKey).toMatch(/^pk_live_/);
      const { page, log } = await freshPage('prod');
      const { step, timings } = stepper(page, 'prod');
      const email = uniqueEmail('prod');
      const password = `prod passphrase ${randomBytes(4).toString('hex')}`;

      const userId = await step('sign-up', () => signUp(page, app.url, mail, email, password, 'prod'));
      const server = await step('protected-signed-in', () => loadProtected(page, app.url));
      expect(server).toMatchObject({ status: 200, pathname: '/protected', userId });

      await open(page, `${app.url}/`);
      const me = await step('api-me', () => apiMe(page));
      expect(me).toMatchObject({ status: 200, body: { userId } });

      await step('sign-out', () => signOut(page));
      const signedOut = await step('protected-signed-out', () => loadProtected(page, app.url));
      expect(signedOut.pathname).toBe('/sign-in');

      const again = await step('sign-in', () => signIn(page, app.url, email, password));
      expect(again).toBe(userId);
      const back = await step('protected-signed-in-again', () => loadProtected(page, app.url));
      expect(back).toMatchObject({ status: 200, userId });

      expectNoBrowserFailures('prod', log);
      process.stderr.write(`prod instance steps:\n  ${timings.join('\n  ')}\n`);
    },
    TEST_TIMEOUT,
  );

  it(
    'five-second session tokens: an open page keeps fresh tokens, and the app keeps seeing the user',
    async () => {
      const { app } = await stack({ config: { sessionToken: { lifetimeSeconds: 5 } } });
      const { page, log } = await freshPage('short');
      const { step, timings } = stepper(page, 'short');
      const email = uniqueEmail('short');
      const password = `short passphrase ${randomBytes(4).toString('hex')}`;

      const userId = await step('sign-up', () => signUp(page, app.url, mail, email, password, 'short'));
      await step('sign-out', () => signOut(page));
      expect(await step('sign-in', () => signIn(page, app.url, email, password))).toBe(userId);

      const tokens: { jwt: string; at: number }[] = [];
      const started = Date.now();
      while (Date.now() - started < 20_000) {
        const jwt = await page.evaluate(() => window.Clerk.session?.getToken() ?? null);
        if (!jwt) throw new Error('getToken() returned nothing');
        tokens.push({ jwt, at: Date.now() });
        await page.waitForTimeout(3_000);
      }
      await shot(page, 'short-after-20s');
      for (const { jwt, at } of tokens) {
        const claims = jwtClaims(jwt);
        expect(claims.sub).toBe(userId);
        expect(claims.exp - claims.iat).toBe(5);
        expect(claims.exp * 1000).toBeGreaterThan(at - 1000);
      }
      expect(new Set(tokens.map((t) => t.jwt)).size).toBeGreaterThan(3);
      const iats = tokens.map((t) => jwtClaims(t.jwt).iat);
      expect(iats.at(-1)).toBeGreaterThan(iats[0] ?? Number.POSITIVE_INFINITY);

      const me = await step('api-me-after-20s', () => apiMe(page));
      expect(me).toMatchObject({ status: 200, body: { userId } });
      const server = await step('protected-after-20s', () => loadProtected(page, app.url));
      expect(server).toMatchObject({ status: 200, pathname: '/protected', userId });

      // Once more with no page open for longer than a token lives plus @clerk/backend's 5 s clock
      // skew allowance: the stale cookie sends the app through the handshake, which mints a fresh token.
      await page.goto('about:blank');
      await page.waitForTimeout(12_000);
      const documents: string[] = [];
      const record = (response: { status(): number; url(): string; request(): { resourceType(): string } }) => {
        if (response.request().resourceType() === 'document') documents.push(`${response.status()} ${response.url()}`);
      };
      page.on('response', record);
      const stale = await step('protected-after-idle', () => loadProtected(page, app.url));
      page.off('response', record);
      expect(stale).toMatchObject({ status: 200, pathname: '/protected', userId });
      expect(documents.some((d) => d.startsWith('307 ') && d.includes('/v1/client/handshake'))).toBe(true);
      await open(page, `${app.url}/`);
      expect((await apiMe(page)).status).toBe(200);

      expectNoBrowserFailures('short', log);
      process.stderr.write(`short-token steps:\n  ${timings.join('\n  ')}\n`);
    },
    TEST_TIMEOUT,
  );
});
