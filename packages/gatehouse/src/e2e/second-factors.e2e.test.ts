/**
 * Second factors and username sign-in in Chromium with the official components on the hosted pages:
 * a user sets up an authenticator app in <UserProfile/> (the test computes codes from the secret it
 * reads off the page, as a person would type it into an app), keeps the backup codes shown, signs out,
 * signs in with password + TOTP, then with password + a backup code, and the same backup code is
 * refused the next time; a username (turned on in the config file) signs in with its password.
 */
import { Secret, TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, shot } from './browser.js';
import { chromiumSuite, currentUserId, inPage, leftSignIn, STEP, signInWithPassword, signOutAndWait, typeOtp } from './harness.js';

const hasChromium = chromiumAvailable();
const PASSWORD = 'two factor passphrase';

const totpCode = (secret: string, timestamp = Date.now()) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp });

/** Waits for the next 30-second TOTP step, so the next code is not the one already used (no replay). */
async function nextTotpStep(): Promise<void> {
  await new Promise((r) => setTimeout(r, 30_000 - (Date.now() % 30_000) + 250));
}

const signInAs = (page: Page, baseUrl: string, identifier: string) =>
  signInWithPassword(page, `${baseUrl}/sign-in`, { identifier, password: PASSWORD });

describe.skipIf(!hasChromium)('second factors and username sign-in in Chromium', () => {
  // The config file turns usernames on (and keeps both second factors on, as by default).
  const suite = chromiumSuite({ config: { frontend: { username: 'optional' }, factors: { totp: true, backupCode: true } } });

  it('sets up TOTP in <UserProfile/>, signs in with password + TOTP, then with a backup code once', async () => {
    const { gatehouse, clerk } = suite;
    const email = `mfa-${Date.now()}@example.com`;
    const user = await clerk.users.createUser({ emailAddress: [email], password: PASSWORD, firstName: 'Moe' });

    await inPage(
      suite.browser,
      'mfa',
      async ({ page, log }) => {
        await signInAs(page, gatehouse.url, email);
        await leftSignIn(page);

        // <UserProfile/> › Security › Two-step verification › Authenticator application.
        await page.goto(`${gatehouse.url}/user`);
        await page.locator('.cl-navbarButton__security').click({ timeout: STEP });
        await page.getByText('Two-step verification').first().waitFor({ timeout: STEP });
        await page.getByRole('button', { name: 'Add two-step verification' }).click();
        await page.getByText('Authenticator application', { exact: true }).click({ timeout: STEP });
        await page.getByRole('button', { name: /Can.t scan QR code\?/ }).click({ timeout: STEP });
        // The key as the component shows it for typing into an app (the first read-only input; the second is the URI).
        const secret = await page.locator('input[readonly]').first().inputValue({ timeout: STEP });
        expect(secret).toMatch(/^[A-Z2-7]{32}$/);
        await shot(page, 'mfa-01-secret');
        await page.getByRole('button', { name: 'Continue', exact: true }).click();

        const verified = page.waitForResponse((r) => r.url().includes('/v1/me/totp/attempt_verification'));
        await typeOtp(page, totpCode(secret));
        const verifiedBody = await (await verified).json();
        await page.getByText('Two-step verification is now enabled', { exact: false }).waitFor({ timeout: STEP });
        // The backup codes the page shows: leaf elements holding exactly one 8-character code (the list
        // is rendered twice, once for printing).
        const shownCodes = await page.evaluate(() => [
          ...new Set(
            [...document.querySelectorAll('p, span')]
              .filter((el) => el.children.length === 0 && /^[a-z0-9]{8}$/.test(el.textContent?.trim() ?? ''))
              .map((el) => el.textContent?.trim() ?? ''),
          ),
        ]);
        expect(shownCodes).toHaveLength(10);
        expect(shownCodes).toEqual(verifiedBody.response.backup_codes);
        await shot(page, 'mfa-02-backup-codes');
        await page.getByRole('button', { name: 'Finish' }).click();
        // The Security tab now lists the authenticator and the backup codes.
        await page.locator('[data-localization-key="userProfile.start.mfaSection.totp.headerTitle"]').waitFor({ timeout: STEP });
        await page.locator('[data-localization-key="userProfile.start.mfaSection.backupCodes.headerTitle"]').waitFor({ timeout: STEP });
        await shot(page, 'mfa-03-security-tab');
        expect((await clerk.users.getUser(user.id)).twoFactorEnabled).toBe(true);
        await signOutAndWait(page);

        // Password, then the authenticator's code of a later step.
        await nextTotpStep();
        await signInAs(page, gatehouse.url, email);
        await page.locator('[data-localization-key="signIn.totpMfa.subtitle"]').waitFor({ timeout: STEP });
        await shot(page, 'mfa-04-totp-prompt');
        await typeOtp(page, totpCode(secret));
        await leftSignIn(page);
        expect(await currentUserId(page)).toBe(user.id);
        await signOutAndWait(page);

        // Password, then a backup code instead.
        const backupCode = shownCodes[0] as string;
        const useBackupCode = async () => {
          await signInAs(page, gatehouse.url, email);
          // The second-factor card (the password card has a "Use another method" link too).
          await page.locator('[data-localization-key="signIn.totpMfa.subtitle"]').waitFor({ timeout: STEP });
          await page.getByText('Use another method').click({ timeout: STEP });
          await page.getByRole('button', { name: 'Use a backup code' }).click({ timeout: STEP });
          await page.locator('input[name=code]').fill(backupCode, { timeout: STEP });
          await page.getByRole('button', { name: 'Continue', exact: true }).click();
        };
        await useBackupCode();
        await leftSignIn(page);
        expect(await currentUserId(page)).toBe(user.id);
        await signOutAndWait(page);

        // The same backup code again: refused, and the form says so.
        await useBackupCode();
        await page
          .getByText(/incorrect/i)
          .first()
          .waitFor({ timeout: STEP });
        await shot(page, 'mfa-05-backup-code-reused');
        expect(new URL(page.url()).pathname.startsWith('/sign-in')).toBe(true);
        expect(log.matching(/HTTP 422: POST .*attempt_second_factor/)).toHaveLength(1);
        // Nothing else failed on the Frontend API (the reused code's 422 aside).
        expect(log.matching(/(HTTP 5\d\d|request failed).*\/v1\//)).toEqual([]);
      },
      { server: gatehouse },
    );
  }, 240_000);

  it('signs in with a username and password on the hosted page', async () => {
    const { gatehouse, clerk } = suite;
    const username = `user_${Date.now()}`;
    const user = await clerk.users.createUser({ emailAddress: [`${username}@example.com`], username, password: PASSWORD });
    await inPage(suite.browser, 'username', async ({ page }) => {
      await page.goto(`${gatehouse.url}/sign-in`);
      // The environment turns usernames on, so the identifier field asks for either.
      await page.getByText('Email address or username').waitFor({ timeout: STEP });
      await signInAs(page, gatehouse.url, username);
      await leftSignIn(page);
      expect(await currentUserId(page)).toBe(user.id);
      await shot(page, 'username-01-signed-in');
    });
  }, 120_000);
});
