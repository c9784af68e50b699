/**
 * Social sign-in in Chromium with the official components on the hosted pages, against an OpenID
 * provider (`oidc-provider`) playing Google and a plain OAuth 2.0 server playing GitHub, both on
 * 127.0.0.1: a new user signs up with "Google" from `<SignIn/>`, an existing e-mail user connects
 * Google from `<UserProfile/>`, and "GitHub" signs in; the app's server then reads the Google token
 * with `@clerk/backend` and calls the provider's protected resource with it.
 */
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { startGithubProvider, startOidcProvider, type TestGithub, type TestOidcProvider } from '../testing/oauth-providers.js';
import { freePort } from '../testing/server.js';
import { chromiumAvailable, shot } from './browser.js';
import { chromiumSuite, inPage, leftSignIn, signInWithPassword } from './harness.js';

const hasChromium = chromiumAvailable();
const STEP = 45_000;

async function signedInUser(page: Page): Promise<{ id: string; externalAccounts: { provider: string }[] } | null> {
  await page.waitForFunction(() => Boolean(window.Clerk?.loaded && window.Clerk.user), null, { timeout: STEP });
  return page.evaluate(() => {
    const user = window.Clerk.user as unknown as { id: string; externalAccounts: { provider: string }[] } | null;
    return user ? { id: user.id, externalAccounts: user.externalAccounts.map((a) => ({ provider: a.provider })) } : null;
  });
}

/** The provider's button on the hosted <SignIn/>, through the provider and back to Gatehouse signed in. */
async function signInWithProvider(page: Page, baseUrl: string, provider: RegExp) {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByRole('button', { name: provider }).first().click({ timeout: STEP });
  await page.waitForURL((url) => url.origin === baseUrl && !url.pathname.startsWith('/sign-in') && !url.pathname.startsWith('/sign-up'), {
    timeout: STEP,
  });
  return signedInUser(page);
}

describe.skipIf(!hasChromium)('social sign-in in Chromium', () => {
  let google: TestOidcProvider;
  let github: TestGithub;
  // Registered before the suite's: the providers close after Gatehouse has stopped.
  afterAll(async () => {
    await google?.close();
    await github?.close();
  });
  const suite = chromiumSuite(async () => {
    const port = await freePort();
    const callback = `http://127.0.0.1:${port}/v1/oauth_callback`;
    google = await startOidcProvider({ redirectUri: callback });
    github = await startGithubProvider({ redirectUri: callback });
    return {
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
    };
  });

  it('prints the callback URL to register at start', () => {
    const { gatehouse } = suite;
    expect(gatehouse.output()).toContain(`OAuth callback  ${gatehouse.url}/v1/oauth_callback (register it with: google, github)`);
  });

  it('signs a new user up with Google from <SignIn/>, and the server gets a token the provider accepts', async () => {
    const { gatehouse, clerk } = suite;
    google.user = { sub: 'e2e-google-1', email: 'e2e-google@example.com', emailVerified: true, givenName: 'Gia', familyName: 'Oogle' };
    await inPage(suite.browser, 'social-google', async ({ page }) => {
      const user = await signInWithProvider(page, gatehouse.url, /Google/);
      await shot(page, 'social-01-google-signed-up');
      expect(user?.externalAccounts).toEqual([{ provider: 'google' }]);

      const { data } = await clerk.users.getUserOauthAccessToken(user?.id ?? '', 'google');
      const res = await fetch(`${google.issuer}/api/calendar`, { headers: { authorization: `Bearer ${data[0]?.token}` } });
      expect(res.status).toBe(200);
      expect((await res.json()).owner).toBe('e2e-google-1');
      // Nothing token-like in Gatehouse's log, which has the callback's request (without its query).
      expect(gatehouse.output()).toMatch(/"url":"\/v1\/oauth_callback"/);
      expect(gatehouse.output()).not.toMatch(/oauth_callback\?/);
      expect(gatehouse.output()).not.toContain(data[0]?.token ?? 'no token');
    });
  }, 180_000);

  it('signs in with GitHub from <SignIn/>', async () => {
    await inPage(suite.browser, 'social-github', async ({ page }) => {
      const user = await signInWithProvider(page, suite.gatehouse.url, /GitHub/);
      await shot(page, 'social-02-github-signed-in');
      expect(user?.externalAccounts).toEqual([{ provider: 'github' }]);
    });
  }, 180_000);

  it('connects Google to an existing e-mail user from <UserProfile/>', async () => {
    const { gatehouse, clerk } = suite;
    const email = `e2e-connect-${Date.now()}@example.com`;
    const created = await clerk.users.createUser({ emailAddress: [email], password: 'connect passphrase here' });
    google.user = { sub: 'e2e-google-connect', email: 'someone-else@example.com', emailVerified: true };
    await inPage(suite.browser, 'social-connect', async ({ page }) => {
      await signInWithPassword(page, `${gatehouse.url}/sign-in`, { identifier: email, password: 'connect passphrase here' });
      await leftSignIn(page);
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
    });
  }, 180_000);
});
