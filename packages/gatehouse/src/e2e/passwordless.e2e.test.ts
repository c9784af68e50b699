/**
 * Passwordless sign-in factors in Chromium with the official components on the hosted pages:
 * a user registers a passkey in <UserProfile/> (a Chrome DevTools Protocol virtual authenticator
 * stands in for the device) and signs in with it alone; a user signs in through an e-mail link
 * opened in another tab; a user adds a phone number in <UserProfile/> and signs in with an SMS code
 * read from the dev outbox.
 *
 * Two things make the browser one a person could use:
 * - the public URL is `http://gatehouse.localhost:<port>`: browsers refuse IP addresses as WebAuthn
 *   relying-party ids, and Chromium resolves `*.localhost` to the loopback address and treats it as a
 *   secure context (and the publishable key needs a host with a dot);
 * - `--disable-blink-features=AutomationControlled` keeps `navigator.webdriver` false, as in a browser
 *   a person drives: clerk-js does not offer passkeys to automated browsers.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { freePort } from '../testing/server.js';
import { type BrowserLog, chromiumAvailable, shot } from './browser.js';
import {
  backendClient,
  chromiumSuite,
  currentUserId,
  inPage,
  leftSignIn,
  outboxMessage,
  STEP,
  signInWithPassword,
  signOutAndWait,
  typeOtp,
} from './harness.js';

const hasChromium = chromiumAvailable();
const PASSWORD = 'passwordless passphrase';

describe.skipIf(!hasChromium)('passwordless sign-in factors in Chromium', () => {
  let publicUrl: string;
  const suite = chromiumSuite(async () => {
    const port = await freePort();
    publicUrl = `http://gatehouse.localhost:${port}`;
    return {
      config: { passwordless: { phoneNumber: 'optional', emailLink: true, passkeys: true } },
      port,
      extraArgs: ['--public-url', publicUrl],
      chromiumArgs: ['--disable-blink-features=AutomationControlled'],
    };
  });
  // The test process reaches the Backend API and the outbox over the loopback address itself.
  const clerk = () => backendClient(suite.gatehouse, `${suite.gatehouse.url}/api`);
  const sentTo = (to: string, since: number) => outboxMessage(suite.gatehouse.url, to, since);

  async function signInAs(page: Page, identifier: string): Promise<void> {
    await signInWithPassword(page, `${publicUrl}/sign-in`, { identifier, password: PASSWORD });
    await leftSignIn(page);
  }

  /** Runs a scenario in a fresh context; on failure, a screenshot and what the browser and server said. */
  async function scenario(label: string, run: (page: Page, log: BrowserLog) => Promise<void>): Promise<void> {
    await inPage(
      suite.browser,
      label,
      async ({ page, log }) => {
        await run(page, log);
        // Nothing failed on the Frontend API.
        expect(log.matching(/(HTTP 5\d\d|request failed).*\/v1\//)).toEqual([]);
      },
      { server: suite.gatehouse },
    );
  }

  it('registers a passkey in <UserProfile/> and signs in with it alone', async () => {
    const email = `passkey-${Date.now()}@example.com`;
    const user = await clerk().users.createUser({ emailAddress: [email], password: PASSWORD });
    await scenario('passkey', async (page) => {
      // A platform authenticator that holds discoverable credentials and verifies its user.
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('WebAuthn.enable');
      const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: {
          protocol: 'ctap2',
          transport: 'internal',
          hasResidentKey: true,
          hasUserVerification: true,
          isUserVerified: true,
          automaticPresenceSimulation: true,
        },
      });

      await signInAs(page, email);
      expect(await page.evaluate(() => navigator.webdriver)).toBe(false);

      // <UserProfile/> › Security › Passkeys › Add a passkey.
      await page.goto(`${publicUrl}/user`);
      await page.locator('.cl-navbarButton__security').click({ timeout: STEP });
      const registered = page.waitForResponse((r) => /\/v1\/me\/passkeys\/[^/]+\/attempt_verification/.test(r.url()), { timeout: STEP });
      await page.getByRole('button', { name: 'Add a passkey' }).click({ timeout: STEP });
      expect((await registered).status()).toBe(200);
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      expect(credentials).toHaveLength(1);
      expect(credentials[0]?.rpId).toBe('gatehouse.localhost');
      await page
        .locator('.cl-profileSectionContent__passkeys')
        .getByText(/Chrome|passkey/i)
        .first()
        .waitFor({ timeout: STEP });
      await shot(page, 'passwordless-01-passkey-registered');
      await signOutAndWait(page);

      // Signing in with the passkey alone: no identifier, no password. The sign-in page asks the browser
      // for a passkey as it loads (autofill: conditional mediation); the virtual authenticator, which
      // holds one credential for this site and approves at once, answers it.
      const started = page.waitForRequest((r) => r.method() === 'POST' && /\/v1\/client\/sign_ins(\?|$)/.test(r.url()), { timeout: STEP });
      const asserted = page.waitForResponse((r) => /\/v1\/client\/sign_ins\/[^/]+\/attempt_first_factor/.test(r.url()), { timeout: STEP });
      await page.goto(`${publicUrl}/sign-in`);
      expect(new URLSearchParams((await started).postData() ?? '').get('strategy')).toBe('passkey');
      expect((await asserted).status()).toBe(200);
      await leftSignIn(page);
      expect(await currentUserId(page)).toBe(user.id);
      await shot(page, 'passwordless-02-passkey-signed-in');
    });
  }, 120_000);

  it('signs in through an e-mail link opened in another tab', async () => {
    const email = `link-${Date.now()}@example.com`;
    const user = await clerk().users.createUser({ emailAddress: [email], skipPasswordRequirement: true });
    await scenario('email-link', async (page) => {
      await page.goto(`${publicUrl}/sign-in`);
      await page.locator('input[name=identifier]').fill(email, { timeout: STEP });
      const since = Date.now() - 1000;
      await page.getByRole('button', { name: 'Continue', exact: true }).click();
      // clerk-js starts with the e-mail code; the link is another method.
      await page.getByText('Use another method').click({ timeout: STEP });
      await page.getByRole('button', { name: /Email link to/i }).click({ timeout: STEP });
      await page.getByText('Use the verification link sent to your email').waitFor({ timeout: STEP });
      await shot(page, 'passwordless-03-email-link-sent');

      const mail = await sentTo(email, since);
      const link = mail.text.match(/https?:\/\/\S+\/v1\/verify\?token=\S+/)?.[0];
      expect(link?.startsWith(`${publicUrl}/v1/verify?token=`)).toBe(true);
      const tab = await page.context().newPage();
      await tab.goto(link as string);
      await tab.waitForURL((url) => url.searchParams.get('__clerk_status') === 'verified' || !url.pathname.includes('/v1/verify'), {
        timeout: STEP,
      });

      // The tab that asked for the link completes the sign-in.
      await leftSignIn(page);
      expect(await currentUserId(page)).toBe(user.id);
      await shot(page, 'passwordless-04-email-link-signed-in');
    });
  }, 120_000);

  it('adds a phone number in <UserProfile/> and signs in with an SMS code from the dev outbox', async () => {
    const email = `sms-${Date.now()}@example.com`;
    const user = await clerk().users.createUser({ emailAddress: [email], password: PASSWORD });
    // Not one of the test numbers (those take 424242 and send nothing): this SMS goes to the outbox.
    const phone = '+14155552671';
    await scenario('sms', async (page) => {
      await signInAs(page, email);
      await page.goto(`${publicUrl}/user`);
      await page.getByRole('button', { name: 'Add phone number' }).click({ timeout: STEP });
      await page.locator('input[name=phoneNumber]').fill('4155552671', { timeout: STEP });
      let since = Date.now() - 1000;
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      const added = await sentTo(phone, since);
      await typeOtp(page, added.text.match(/\b\d{6}\b/)?.[0] as string);
      await page.locator('.cl-profileSectionContent__phoneNumbers').getByText(/415/).first().waitFor({ timeout: STEP });
      await shot(page, 'passwordless-05-phone-added');
      expect((await clerk().users.getUser(user.id)).phoneNumbers.map((p) => [p.phoneNumber, p.verification?.status])).toEqual([
        [phone, 'verified'],
      ]);
      await signOutAndWait(page);

      // Sign in with the number and the code texted to it.
      await page.goto(`${publicUrl}/sign-in`);
      await page.getByRole('link', { name: /Use phone/i }).click({ timeout: STEP });
      await page.locator('input[name=identifier]').fill('4155552671', { timeout: STEP });
      await page.getByRole('button', { name: 'Continue', exact: true }).click();
      // clerk-js starts with the password (the account has one); the SMS code is another method.
      await page.getByText('Use another method').click({ timeout: STEP });
      since = Date.now() - 1000;
      await page.getByRole('button', { name: /Send SMS code to/i }).click({ timeout: STEP });
      const sms = await sentTo(phone, since);
      await typeOtp(page, sms.text.match(/\b\d{6}\b/)?.[0] as string);
      await leftSignIn(page);
      expect(await currentUserId(page)).toBe(user.id);
      await shot(page, 'passwordless-06-sms-signed-in');
    });
  }, 120_000);
});
