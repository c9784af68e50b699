/**
 * Seed 002 ("Clerk 로그인 화면을 나의 앱에 도입하기") end to end: `examples/vue-onboarding` started with
 * its own `npm start` (start.mjs: session-token template, Python venv, vite build, uvicorn) against a
 * Gatehouse on 127.0.0.1, driven by Chromium. The seed's router guard sends a new user to
 * /onboarding; the seed's FastAPI endpoint writes public_metadata through the Backend API; after
 * `user.reload()` the session token carries `metadata.onboardingComplete` and the guard lets the user
 * into /dashboard.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { freePort } from '../testing/server.js';
import { chromiumAvailable, newContext, shot, signOutInPage, signUpWithEmailCode } from './browser.js';
import { type RunningExample, startVueOnboardingExample } from './example-apps.js';
import { chromiumSuite } from './harness.js';

const hasChromium = chromiumAvailable();
const STEP = 30_000;
const PASSWORD = 'onboarding passphrase';
/** Short tokens: the expired-token check waits them out, and clerk-js must refresh them meanwhile. */
const TOKEN_LIFETIME_S = 8;
/** The backend allows 5 s of clock skew, as Clerk's SDKs do. */
const EXPIRED_AFTER_MS = (TOKEN_LIFETIME_S + 7) * 1000;

function uniqueEmail(tag: string): string {
  return `seed002-${tag}-${Date.now()}-${randomBytes(3).toString('hex')}@example.com`;
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A well-formed RS256 session token signed by a key that is not the instance's. */
function foreignToken(sub: string): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = Math.floor(Date.now() / 1000);
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${part({ alg: 'RS256', typ: 'JWT', kid: 'ins_foreign' })}.${part({ sub, sid: 'sess_foreign', iat: now, nbf: now, exp: now + 60 })}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

async function pageToken(page: Page): Promise<string> {
  await page.waitForFunction(() => Boolean(window.Clerk?.session), null, { timeout: STEP });
  const token = await page.evaluate(() => window.Clerk.session?.getToken({ skipCache: true }));
  if (!token) throw new Error('no session token in the page');
  return token;
}

describe.skipIf(!hasChromium)('seed 002: examples/vue-onboarding in Chromium', () => {
  const suite = chromiumSuite({ mail: true, config: { sessionToken: { lifetimeSeconds: TOKEN_LIFETIME_S } } });

  it('guard → /onboarding → backend writes public_metadata → reload → token claims → /dashboard; sign-in and back; 401/422', async () => {
    const { browser, mail, gatehouse, clerk } = suite;
    const bapi = (method: string, url: string, body?: unknown) =>
      fetch(`${gatehouse.env.apiUrl}${url}`, {
        method,
        headers: { authorization: `Bearer ${gatehouse.env.secretKey}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    // Before the example's set-up: no custom claims.
    expect(((await (await bapi('GET', '/v1/instance/session_token')).json()) as { claims: unknown }).claims).toEqual({});

    const app: RunningExample = await startVueOnboardingExample(gatehouse.env.env, await freePort());
    const { context, log } = await newContext(browser, 'vue-onboarding');
    const page = await context.newPage();
    try {
      // start.mjs applied the seed's "Customize session token" step.
      const template = (await (await bapi('GET', '/v1/instance/session_token')).json()) as { claims: unknown };
      expect(template.claims).toEqual({ metadata: '{{user.public_metadata}}' });

      // Signed out, /dashboard (requiresAuth) goes to /sign-in?redirect_url=/dashboard.
      await page.goto(`${app.url}/dashboard`);
      await page.waitForURL((url) => url.pathname === '/sign-in' && url.searchParams.get('redirect_url') === '/dashboard', {
        timeout: STEP,
      });
      await page.locator('input[name=identifier]').waitFor({ timeout: STEP });
      await shot(page, 'vue-onboarding-01-signed-out-dashboard');

      // Sign up in the app; the guard sends the new user (no onboardingComplete claim) to /onboarding.
      const email = uniqueEmail('signup');
      await page.goto(`${app.url}/sign-up`);
      await signUpWithEmailCode(page, mail, { email, password: PASSWORD }, STEP);
      await page.waitForURL((url) => url.pathname === '/onboarding', { timeout: STEP });
      await page.getByText('환영합니다!').waitFor({ timeout: STEP });
      await shot(page, 'vue-onboarding-02-onboarding');
      const [user] = (await clerk.users.getUserList({ emailAddress: [email] })).data;
      if (!user) throw new Error('the signed-up user is missing');
      expect(claimsOf(await pageToken(page))).toMatchObject({ sub: user.id, metadata: {} });

      // The guard keeps a user who has not onboarded away from /dashboard.
      await page.goto(`${app.url}/dashboard`);
      await page.waitForURL((url) => url.pathname === '/onboarding', { timeout: STEP });

      // Submit the seed's form: the FastAPI endpoint writes public_metadata, Onboarding.vue reloads
      // the user and pushes /dashboard, which the guard now allows.
      await page.locator('input[name=applicationName]').fill('Gatehouse Demo', { timeout: STEP });
      await page.locator('input[name=applicationType]').fill('web');
      await page.getByRole('button', { name: '제출' }).click();
      await page.waitForURL((url) => url.pathname === '/dashboard', { timeout: STEP });
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor({ timeout: STEP });
      expect(await page.locator('#application-name').textContent()).toBe('Gatehouse Demo');
      const metadata = { onboardingComplete: true, applicationName: 'Gatehouse Demo', applicationType: 'web' };
      expect((await clerk.users.getUser(user.id)).publicMetadata).toEqual(metadata);
      expect(claimsOf(await pageToken(page)).metadata).toEqual(metadata);
      // GET /api/onboarding-status, called by the dashboard with the page's token.
      await page.waitForFunction(() => document.querySelector('#onboarding-status')?.textContent?.startsWith('{'), null, { timeout: STEP });
      expect(JSON.parse((await page.locator('#onboarding-status').textContent()) ?? '{}')).toEqual(metadata);
      await shot(page, 'vue-onboarding-03-dashboard');

      // Onboarded: /onboarding redirects to /dashboard (a full page load, so the guard reads a fresh token).
      await page.goto(`${app.url}/onboarding`);
      await page.waitForURL((url) => url.pathname === '/dashboard', { timeout: STEP });
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor({ timeout: STEP });

      // Signed out, /dashboard goes to sign-in, and signing in comes back to /dashboard.
      await signOutInPage(page);
      await page.goto(`${app.url}/dashboard`);
      await page.waitForURL((url) => url.pathname === '/sign-in', { timeout: STEP });
      await page.locator('input[name=identifier]').fill(email, { timeout: STEP });
      await page.getByRole('button', { name: 'Continue', exact: true }).click();
      await page.locator('input[name=password]').fill(PASSWORD, { timeout: STEP });
      await page.getByRole('button', { name: 'Continue', exact: true }).click();
      await page.waitForURL((url) => url.pathname === '/dashboard', { timeout: STEP });
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor({ timeout: STEP });
      expect(await page.locator('#application-name').textContent()).toBe('Gatehouse Demo');
      await shot(page, 'vue-onboarding-04-signed-in-again');

      // The backend: 401 without a token, with a malformed one, one signed by another key, an expired
      // one; 422 for bodies outside the seed's model (1–100 and 1–50 characters) with a good token.
      const api = (method: string, url: string, token?: string, body?: unknown) =>
        fetch(`${app.url}${url}`, {
          method,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      const good = { applicationName: 'Second', applicationType: 'cli' };
      expect((await api('POST', '/api/complete-onboarding', undefined, good)).status).toBe(401);
      expect((await api('GET', '/api/onboarding-status')).status).toBe(401);
      expect((await api('GET', '/api/onboarding-status', 'not-a-jwt')).status).toBe(401);
      const foreign = await api('POST', '/api/complete-onboarding', foreignToken(user.id), good);
      expect(foreign.status).toBe(401);
      expect(await foreign.json()).toEqual({ detail: 'Unauthorized' });
      const raw = await fetch(`${app.url}/api/onboarding-status`, { headers: { authorization: 'Basic abc' } });
      expect(raw.status).toBe(401);

      const token = await pageToken(page);
      const status = await api('GET', '/api/onboarding-status', token);
      expect(status.status).toBe(200);
      expect(await status.json()).toEqual(metadata);
      for (const body of [
        {},
        { applicationName: '', applicationType: 'web' },
        { applicationName: 'x'.repeat(101), applicationType: 'web' },
        { applicationName: 'ok', applicationType: 'y'.repeat(51) },
        { applicationName: 'ok' },
        { applicationName: 7, applicationType: 'web' },
      ]) {
        const res = await api('POST', '/api/complete-onboarding', token, body);
        expect(res.status, JSON.stringify(body)).toBe(422);
      }
      const edge = await api('POST', '/api/complete-onboarding', token, {
        applicationName: 'x'.repeat(100),
        applicationType: 'y'.repeat(50),
      });
      expect(edge.status).toBe(200);
      expect(await edge.json()).toEqual({ message: 'User metadata updated successfully', success: true });
      expect((await clerk.users.getUser(user.id)).publicMetadata).toMatchObject({ applicationName: 'x'.repeat(100) });

      await new Promise((r) => setTimeout(r, EXPIRED_AFTER_MS));
      const expired = await api('POST', '/api/complete-onboarding', token, good);
      expect(expired.status).toBe(401);
      expect((await clerk.users.getUser(user.id)).publicMetadata).toMatchObject({ applicationName: 'x'.repeat(100) });

      expect(log.matching(/CORS|HTTP 5\d\d|page error/)).toEqual([]);
    } catch (error) {
      await shot(page, 'vue-onboarding-FAILED').catch(() => {});
      throw new Error(`${(error as Error).message}\n--- app ---\n${app.output().slice(-3000)}\n--- browser ---\n${log.lines.join('\n')}`);
    } finally {
      await context.close();
      await app.stop();
    }
  }, 420_000);
});
