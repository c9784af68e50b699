/**
 * Social sign-in in Chromium with the official components on the hosted pages, against an OpenID
 * provider (`oidc-provider`) playing Google and a plain OAuth 2.0 server playing GitHub, both on
 * 127.0.0.1: a new user signs up with "Google" from `<SignIn/>`, an existing e-mail user connects
 * Google from `<UserProfile/>`, and "GitHub" signs in; the app's server then reads the Google token
 * with `@clerk/backend` and calls the provider's protected resource with it.
 */
import { createClerkClient } from '@clerk/backend';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGithubProvider, startOidcProvider, type TestGithub, type TestOidcProvider } from '../testing/oauth-providers.js';
import { freePort, type RunningServer, removeDir, startServer } from '../testing/server.js';
import { chromiumAvailable, launchBrowser, newContext, shot } from './browser.js';

const hasChromium = chromiumAvailable();
const STEP = 45_000;

async function signedInUser(page: Page): Promise<{ id: string; externalAccounts: { provider: string }[] } | null> {
  await page.waitForFunction(() => Boolean(window.Clerk?.loaded && window.Clerk.user), null, { timeout: STEP });
  return page.evaluate(() => {
    const user = window.Clerk.user as unknown as { id: string; externalAccounts: { provider: string }[] } | null;
    return user ? { id: user.id, externalAccounts: user.externalAccounts.map((a) => ({ provider: a.provider })) } : null;
  });
}

describe.skipIf(!hasChromium)('social sign-in in Chromium', () => {
  let browser: Browser;
  let gatehouse: RunningServer;
  let google: TestOidcProvider;
  let github: TestGithub;

  beforeAll(async () => {
    const port = await freePort();
    const callback = `http://127.0.0.1:${port}/v1/oauth_callback`;
    google = await startOidcProvider({ redirectUri: callback });
    github = await startGithubProvider({ redirectUri: callback });
    gatehouse = await startServer({
      port,
      env: {
        // Every request logged, so the log check below has the callback's line to look at.
        GATEHOUSE_LOG_LEVEL: 'debug',
        GATEHOUSE_OAUTH_GOOGLE_CLIENT_ID: google.clientId,
        GATEHOUSE_OAUTH_GOOGLE_CLIENT_SECRET: google.clientSecret,
        GATEHOUSE_OAUTH_GOOGLE_ISSUER: google.issuer,
        GATEHOUSE_OAUTH_GITHUB_CLIENT_ID: github.clientId,
        GATEHOUSE_OAUTH_GITHUB_CLIENT_SECRET: github.clientSecret,
        GATEHOUSE_OAUTH_GITHUB_AUTHORIZATION_URL: `${github.url}/login/oauth/authorize`,
        GATEHOUSE_OAUTH_GITHUB_TOKEN_URL: `${github.url}/login/oauth/access_token`,
        GATEHOUSE_OAUTH_GITHUB_USERINFO_URL: `${github.url}/user`,
        GATEHOUSE_OAUTH_GITHUB_EMAILS_URL: `${github.url}/user/emails`,
      },
    });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await gatehouse?.stop();
    if (gatehouse) removeDir(gatehouse.dataDir);
    await google?.close();
    await github?.close();
  });

  it('prints the callback URL to register at start', () => {
    expect(gatehouse.output()).toContain(`OAuth callback  ${gatehouse.url}/v1/oauth_callback (register it with: google, github)`);
  });

  it('signs a new user up with Google from <SignIn/>, and the server gets a token the provider accepts', async () => {
    google.user = { sub: 'e2e-google-1', email: 'e2e-google@example.com', emailVerified: true, givenName: 'Gia', familyName: 'Oogle' };
    const { context, log } = await newContext(browser, 'social-google');
    const page = await context.newPage();
    try {
      await page.goto(`${gatehouse.url}/sign-in`);
      await page
        .getByRole('button', { name: /Google/ })
        .first()
        .click({ timeout: STEP });
      await page.waitForURL(
        (url) => url.origin === gatehouse.url && !url.pathname.startsWith('/sign-in') && !url.pathname.startsWith('/sign-up'),
        {
          timeout: STEP,
        },
      );
      const user = await signedInUser(page);
      await shot(page, 'social-01-google-signed-up');
      expect(user?.externalAccounts).toEqual([{ provider: 'google' }]);

      const clerk = createClerkClient({ secretKey: gatehouse.env.secretKey, apiUrl: gatehouse.env.apiUrl, telemetry: { disabled: true } });
      const { data } = await clerk.users.getUserOauthAccessToken(user?.id ?? '', 'google');
      const res = await fetch(`${google.issuer}/api/calendar`, { headers: { authorization: `Bearer ${data[0]?.token}` } });
      expect(res.status).toBe(200);
      expect((await res.json()).owner).toBe('e2e-google-1');
      // Nothing token-like in Gatehouse's log, which has the callback's request (without its query).
      expect(gatehouse.output()).toMatch(/"url":"\/v1\/oauth_callback"/);
      expect(gatehouse.output()).not.toMatch(/oauth_callback\?/);
      expect(gatehouse.output()).not.toContain(data[0]?.token ?? 'no token');
    } catch (error) {
      await shot(page, 'social-01-google-failed');
      throw new Error(`${(error as Error).message}\n${log.lines.join('\n')}`);
    } finally {
      await context.close();
    }
  }, 180_000);

  it('signs in with GitHub from <SignIn/>', async () => {
    const { context, log } = await newContext(browser, 'social-github');
    const page = await context.newPage();
    try {
      await page.goto(`${gatehouse.url}/sign-in`);
      await page
        .getByRole('button', { name: /GitHub/ })
        .first()
        .click({ timeout: STEP });
      await page.waitForURL(
        (url) => url.origin === gatehouse.url && !url.pathname.startsWith('/sign-in') && !url.pathname.startsWith('/sign-up'),
        {
          timeout: STEP,
        },
      );
      const user = await signedInUser(page);
      await shot(page, 'social-02-github-signed-in');
      expect(user?.externalAccounts).toEqual([{ provider: 'github' }]);
    } catch (error) {
      await shot(page, 'social-02-github-failed');
      throw new Error(`${(error as Error).message}\n${log.lines.join('\n')}`);
    } finally {
      await context.close();
    }
  }, 180_000);

  it('connects Google to an existing e-mail user from <UserProfile/>', async () => {
    const clerk = createClerkClient({ secretKey: gatehouse.env.secretKey, apiUrl: gatehouse.env.apiUrl, telemetry: { disabled: true } });
    const email = `e2e-connect-${Date.now()}@example.com`;
    const created = await clerk.users.createUser({ emailAddress: [email], password: 'connect passphrase here' });
    google.user = { sub: 'e2e-google-connect', email: 'someone-else@example.com', emailVerified: true };
    const { context, log } = await newContext(browser, 'social-connect');
    const page = await context.newPage();
    try {
      await page.goto(`${gatehouse.url}/sign-in`);
      await page.locator('input[name=identifier]').fill(email, { timeout: STEP });
      await page.getByRole('button', { name: 'Continue', exact: true }).click();
      await page.locator('input[name=password]').fill('connect passphrase here', { timeout: STEP });
      await page.getByRole('button', { name: 'Continue', exact: true }).click();
      await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'), { timeout: STEP });
      await page.goto(`${gatehouse.url}/user`);
      await page.getByRole('button', { name: /Connect account/ }).click({ timeout: STEP });
      await page
        .getByText(/Google/)
        .last()
        .click({ timeout: STEP });
      await page.waitForURL((url) => url.origin === gatehouse.url && url.pathname.startsWith('/user'), { timeout: STEP });
      await page.getByText('someone-else@example.com').first().waitFor({ timeout: STEP });
      await shot(page, 'social-03-connected');
      const user = await clerk.users.getUser(created.id);
      expect(user.externalAccounts.map((a) => a.provider)).toEqual(['oauth_google']);
    } catch (error) {
      await shot(page, 'social-03-connect-failed');
      throw new Error(`${(error as Error).message}\n${log.lines.join('\n')}`);
    } finally {
      await context.close();
    }
  }, 180_000);
});
