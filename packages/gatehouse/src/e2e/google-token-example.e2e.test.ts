/**
 * `examples/google-token` (seed 003) in Chromium: Gatehouse with "google" pointed at the example's dev
 * OpenID provider, the example's `npm start` (dev provider + app), a user who signs in with "Continue
 * with Google" through the provider's own login and consent pages, and the app's server route that
 * calls the Google-style API with the token from `getUserOauthAccessToken`.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RunningServer, removeDir, startServer } from '../testing/server.js';
import { chromiumAvailable, launchBrowser, newContext, shot } from './browser.js';
import { EXAMPLES_DIR, type RunningExample, startProcess } from './example-apps.js';

const hasChromium = chromiumAvailable();
const STEP = 45_000;

describe.skipIf(!hasChromium)('examples/google-token in Chromium', () => {
  let browser: Browser;
  let gatehouse: RunningServer;
  let example: RunningExample;
  let appUrl: string;

  beforeAll(async () => {
    const providerPort = await freePort();
    const appPort = await freePort();
    appUrl = `http://127.0.0.1:${appPort}`;
    // The README's root command, on free ports.
    gatehouse = await startServer({
      env: {
        GATEHOUSE_OAUTH_GOOGLE_ISSUER: `http://127.0.0.1:${providerPort}`,
        GATEHOUSE_OAUTH_GOOGLE_CLIENT_ID: 'google-token-example',
        GATEHOUSE_OAUTH_GOOGLE_CLIENT_SECRET: 'dev-only-secret-not-for-production-use',
      },
    });
    // The README's second command: `npm start` with what `gatehouse env --shell` exports.
    example = await startProcess(process.execPath, ['start.js'], {
      cwd: path.join(EXAMPLES_DIR, 'google-token'),
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...gatehouse.env.env,
        PORT: String(appPort),
        DEV_PROVIDER_PORT: String(providerPort),
      },
      ready: /google-token example on/,
      url: appUrl,
    });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await example?.stop();
    await gatehouse?.stop();
    if (gatehouse) removeDir(gatehouse.dataDir);
  });

  it('signs in with "Google" and the server reads the calendar with the token Gatehouse hands it', async () => {
    const { context, log } = await newContext(browser, 'google-token');
    const page = await context.newPage();
    try {
      await page.goto(appUrl);
      await page.getByRole('link', { name: 'Sign in with Google' }).click();
      await page
        .getByRole('button', { name: /Google/ })
        .first()
        .click({ timeout: STEP });
      // The dev provider's own pages (oidc-provider's development interactions): any login, then consent.
      await page.locator('input[name=login]').fill('ada', { timeout: STEP });
      await page.locator('input[name=password]').fill('anything');
      await page.locator('button[type=submit]').click();
      await page.locator('button[type=submit]').click({ timeout: STEP });
      await page.waitForURL((url) => url.origin === appUrl, { timeout: STEP });
      await page.getByText('Signed in').waitFor({ timeout: STEP });
      await page.goto(`${appUrl}/api/calendar`);
      const body = JSON.parse((await page.locator('body').textContent()) ?? '');
      await shot(page, 'google-token-calendar');
      expect(body.calendar.summary).toBe('ada@example.com');
      expect(body.calendar.items.map((i: { summary: string }) => i.summary)).toEqual(['Standup', 'Design review']);
      expect(body.scopes).toEqual(expect.arrayContaining(['openid', 'email', 'profile']));
    } catch (error) {
      await shot(page, 'google-token-failed');
      throw new Error(`${(error as Error).message}\n${example.output()}\n${log.lines.join('\n')}`);
    } finally {
      await context.close();
    }
  }, 180_000);
});
