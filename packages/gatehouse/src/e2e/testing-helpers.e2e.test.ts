/**
 * `@clerk/testing` against Gatehouse: `clerkSetup` gets a testing token from our Backend API, the
 * token lets automated runs past the Frontend API's rate limits, and the Playwright helpers sign
 * people in inside the page (password, and `+clerk_test` e-mails with the code 424242).
 */
import { randomBytes } from 'node:crypto';
import { clerk, clerkSetup, setupClerkTestingToken } from '@clerk/testing/playwright';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, shot } from './browser.js';
import { inPage, stackSuite } from './harness.js';

const hasChromium = chromiumAvailable();

/** `@clerk/testing` types its helpers with @playwright/test's Page; playwright-core's is the same object. */
type TestingPage = Parameters<typeof clerk.signIn>[0]['page'];
const asTestingPage = (page: Page) => page as unknown as TestingPage;

async function signInAttempt(url: string, origin: string, identifier: string): Promise<number> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ identifier }).toString(),
  });
  return res.status;
}

describe.skipIf(!hasChromium)('@clerk/testing against Gatehouse', () => {
  const suite = stackSuite();

  it('clerkSetup fetches a testing token that skips rate limits', async () => {
    const { gatehouse, app } = suite.stack;
    // clerkSetup reads the Backend API URL from CLERK_API_URL, like the other SDKs.
    process.env.CLERK_API_URL = gatehouse.env.apiUrl;
    await clerkSetup({ publishableKey: gatehouse.env.publishableKey, secretKey: gatehouse.env.secretKey, dotenv: false });
    const token = process.env.CLERK_TESTING_TOKEN;
    expect(token).toBeTruthy();
    expect(process.env.CLERK_FAPI).toBe(new URL(gatehouse.url).host);

    const origin = app.url;
    const identifier = `storm-${randomBytes(3).toString('hex')}@example.com`;
    // 20 attempts a minute per identifier: the 21st is refused, with Retry-After...
    const plain = [];
    for (let i = 0; i < 21; i++) plain.push(await signInAttempt(`${gatehouse.url}/v1/client/sign_ins`, origin, identifier));
    expect(plain.slice(0, 20).every((status) => status === 200)).toBe(true);
    expect(plain[20]).toBe(429);
    // ...unless the request carries the testing token.
    const withToken = await signInAttempt(
      `${gatehouse.url}/v1/client/sign_ins?__clerk_testing_token=${encodeURIComponent(token ?? '')}`,
      origin,
      identifier,
    );
    expect(withToken).toBe(200);
    const forged = await signInAttempt(`${gatehouse.url}/v1/client/sign_ins?__clerk_testing_token=forged`, origin, identifier);
    expect(forged).toBe(429);
  });

  it('signs in with clerk.signIn (password and +clerk_test e-mail code) and out with clerk.signOut', async () => {
    const { app } = suite.stack;
    const { clerk: backend, mail } = suite;
    const password = 'testing helpers passphrase';
    const passwordUser = await backend.users.createUser({ emailAddress: [`helper-${Date.now()}@example.com`], password });
    const testAddress = `jane-${Date.now()}+clerk_test@example.com`;
    const codeUser = await backend.users.createUser({ emailAddress: [testAddress] });

    await inPage(suite.browser, 'testing', async ({ page }) => {
      await setupClerkTestingToken({ page: asTestingPage(page) });
      await page.goto(`${app.url}/`);
      await clerk.loaded({ page: asTestingPage(page) });

      const identifier = passwordUser.emailAddresses[0]?.emailAddress ?? '';
      await clerk.signIn({ page: asTestingPage(page), signInParams: { strategy: 'password', identifier, password } });
      expect(await page.evaluate(() => window.Clerk.user?.id)).toBe(passwordUser.id);
      await shot(page, 'testing-01-password');

      await clerk.signOut({ page: asTestingPage(page) });
      // signOut may navigate (afterSignOutUrl): until the new page's clerk-js is up, window.Clerk is unset.
      await page.waitForFunction(() => window.Clerk?.loaded === true && !window.Clerk.user);

      const mailsBefore = mail.count();
      await clerk.signIn({ page: asTestingPage(page), signInParams: { strategy: 'email_code', identifier: testAddress } });
      expect(await page.evaluate(() => window.Clerk.user?.id)).toBe(codeUser.id);
      // Test addresses never get real mail.
      expect(mail.count()).toBe(mailsBefore);
      await shot(page, 'testing-02-email-code');
    });
  });
});
