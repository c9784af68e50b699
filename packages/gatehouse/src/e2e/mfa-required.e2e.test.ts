/**
 * The instance requires MFA (`factors.mfaRequired`): in Chromium, a user without a second factor
 * signs in on the hosted page with the prebuilt <SignIn/>, which — the session being `pending` with
 * Clerk's `setup-mfa` task — shows its "Set up two-step verification" task screen. The test reads the
 * key off that screen, types the authenticator's code, sees the backup codes, finishes, and the
 * session is then active (the app's server, through `@clerk/backend`, sees the user only then).
 * With phone numbers on too, the screen offers both; the user picks SMS, adds a number, types the
 * code texted to it (read from the dev outbox), and the success screen shows the ten backup codes
 * that come with a first second factor by phone.
 */
import { Secret, TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, shot } from './browser.js';
import {
  activeSession,
  appSees,
  chromiumSuite,
  inPage,
  leftSignIn,
  outboxMessage,
  pageSession,
  pageToken,
  STEP,
  signInWithPassword,
  typeOtp,
} from './harness.js';

const hasChromium = chromiumAvailable();
const PASSWORD = 'mfa required passphrase';

const totpCode = (secret: string, timestamp = Date.now()) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp });

/** Signs in with the password on the hosted <SignIn/>, which goes on to its `setup-mfa` task route. */
async function signInToTask(page: Page, baseUrl: string, email: string): Promise<void> {
  await signInWithPassword(page, `${baseUrl}/sign-in`, { identifier: email, password: PASSWORD });
  await page.waitForURL((url) => url.pathname.includes('/tasks/setup-mfa') || url.hash.includes('setup-mfa'), { timeout: STEP });
}

describe.skipIf(!hasChromium)('the setup-mfa session task in Chromium (MFA required)', () => {
  const suite = chromiumSuite({ config: { factors: { mfaRequired: true } } });

  it('signs in to the task screen, sets up an authenticator app there, and leaves with an active session', async () => {
    const { gatehouse, clerk } = suite;
    const email = `task-${Date.now()}@example.com`;
    const user = await clerk.users.createUser({ emailAddress: [email], password: PASSWORD, firstName: 'Tara' });

    await inPage(
      suite.browser,
      'mfa-task',
      async ({ page, log }) => {
        // <SignIn/> goes on to its task route with the authenticator-app step (the only factor on).
        await signInToTask(page, gatehouse.url, email);
        await page.locator('[data-localization-key="taskSetupMfa.totpCode.title"]').waitFor({ timeout: STEP });
        await shot(page, 'mfa-task-01-screen');
        const pending = await pageSession(page);
        expect(pending).toMatchObject({ status: 'pending', task: 'setup-mfa' });
        // The page's token is a pending session's: the app's server treats it as signed out.
        expect(await appSees(clerk, await pageToken(page))).toMatchObject({ userId: null, sessionStatus: 'pending' });

        await page.locator('[data-localization-key="taskSetupMfa.totpCode.addAuthenticatorApp.buttonUnableToScan__nonPrimary"]').click({
          timeout: STEP,
        });
        const secret = await page.locator('input[readonly]').first().inputValue({ timeout: STEP });
        expect(secret).toMatch(/^[A-Z2-7]{32}$/);
        await page.locator('[data-localization-key="taskSetupMfa.totpCode.addAuthenticatorApp.formButtonPrimary"]').click();

        const verified = page.waitForResponse((r) => r.url().includes('/v1/me/totp/attempt_verification'));
        await typeOtp(page, totpCode(secret));
        const verifiedBody = await (await verified).json();
        expect(verifiedBody.response.backup_codes).toHaveLength(10);
        expect(verifiedBody.client.sessions[0]).toMatchObject({ id: pending?.id, status: 'active', tasks: null });
        await page.locator('[data-localization-key="taskSetupMfa.totpCode.success.title"]').waitFor({ timeout: STEP });
        await page.getByText(verifiedBody.response.backup_codes[0]).first().waitFor({ timeout: STEP });
        await shot(page, 'mfa-task-02-backup-codes');
        await page.locator('[data-localization-key="taskSetupMfa.totpCode.success.finishButton"]').click();

        await leftSignIn(page);
        await activeSession(page);
        await shot(page, 'mfa-task-03-signed-in');
        expect(await appSees(clerk, await pageToken(page))).toMatchObject({ userId: user.id, sessionStatus: 'active' });
        expect((await clerk.users.getUser(user.id)).twoFactorEnabled).toBe(true);
        expect((await clerk.sessions.getSession(pending?.id ?? '')).status).toBe('active');
        expect(log.matching(/(HTTP [45]\d\d|request failed).*\/v1\//)).toEqual([]);
      },
      { server: gatehouse },
    );
  }, 240_000);
});

describe.skipIf(!hasChromium)('the setup-mfa session task by SMS in Chromium (MFA required, phone numbers on)', () => {
  const suite = chromiumSuite({ config: { factors: { mfaRequired: true }, passwordless: { phoneNumber: 'optional' } } });

  it('picks SMS on the task screen, adds and verifies a number, sees the backup codes, and leaves with an active session', async () => {
    const { gatehouse, clerk } = suite;
    const email = `sms-task-${Date.now()}@example.com`;
    const user = await clerk.users.createUser({ emailAddress: [email], password: PASSWORD, firstName: 'Sami' });
    // Not one of the test numbers (those take 424242 and send nothing): this SMS goes to the dev outbox.
    const phone = '+14155552672';

    await inPage(
      suite.browser,
      'mfa-task-sms',
      async ({ page, log }) => {
        // Two second factors on: the task opens on the choice between them.
        await signInToTask(page, gatehouse.url, email);
        await page.locator('[data-localization-key="taskSetupMfa.start.title"]').waitFor({ timeout: STEP });
        await page.locator('[data-localization-key="taskSetupMfa.start.methodSelection.totp"]').waitFor({ timeout: STEP });
        await shot(page, 'mfa-task-sms-01-choice');
        const pending = await pageSession(page);
        expect(pending).toMatchObject({ status: 'pending', task: 'setup-mfa' });
        await page.locator('[data-localization-key="taskSetupMfa.start.methodSelection.phoneCode"]').click({ timeout: STEP });

        // No number yet: the SMS branch asks for one, then texts it a code as the verification step opens.
        await page.locator('input[name=phoneNumber]').fill('4155552672', { timeout: STEP });
        const since = Date.now() - 1000;
        await page.locator('[data-localization-key="taskSetupMfa.smsCode.addPhone.formButtonPrimary"]').click();
        await page.locator('[data-localization-key="taskSetupMfa.smsCode.verifyPhone.title"]').waitFor({ timeout: STEP });
        const sms = await outboxMessage(gatehouse.url, phone, since);
        const code = sms.text.match(/\b\d{6}\b/)?.[0];
        expect(code).toMatch(/^\d{6}$/);
        await shot(page, 'mfa-task-sms-02-code');

        // The code verifies the number; the screen then reserves it for two-step verification, whose
        // answer carries the backup codes (once) and the session made active.
        // (clerk-js sends a PATCH as a POST with `_method=PATCH`.)
        const reserved = page.waitForResponse(
          (r) => {
            const url = new URL(r.url());
            const method = url.searchParams.get('_method') ?? r.request().method();
            return method === 'PATCH' && /^\/v1\/me\/phone_numbers\/[^/]+$/.test(url.pathname);
          },
          { timeout: STEP },
        );
        await typeOtp(page, code as string);
        const reservedBody = await (await reserved).json();
        expect(reservedBody.response).toMatchObject({ phone_number: phone, reserved_for_second_factor: true });
        const backupCodes = reservedBody.response.backup_codes as string[];
        expect(backupCodes).toHaveLength(10);
        expect(reservedBody.client.sessions[0]).toMatchObject({ id: pending?.id, status: 'active', tasks: null });

        // The success screen lists the ten codes (rendered twice, once for printing: leaf elements holding one code each).
        await page.locator('[data-localization-key="taskSetupMfa.smsCode.success.title"]').waitFor({ timeout: STEP });
        await page
          .getByText(backupCodes[0] as string)
          .first()
          .waitFor({ timeout: STEP });
        const shownCodes = await page.evaluate(() => [
          ...new Set(
            [...document.querySelectorAll('p, span')]
              .filter((el) => el.children.length === 0 && /^[a-z0-9]{8}$/.test(el.textContent?.trim() ?? ''))
              .map((el) => el.textContent?.trim() ?? ''),
          ),
        ]);
        expect(shownCodes).toEqual(backupCodes);
        await shot(page, 'mfa-task-sms-03-backup-codes');
        await page.locator('[data-localization-key="taskSetupMfa.smsCode.success.finishButton"]').click();

        await leftSignIn(page);
        await activeSession(page);
        await shot(page, 'mfa-task-sms-04-signed-in');
        expect(await appSees(clerk, await pageToken(page))).toMatchObject({ userId: user.id, sessionStatus: 'active' });
        const after = await clerk.users.getUser(user.id);
        expect(after).toMatchObject({ twoFactorEnabled: true, backupCodeEnabled: true, totpEnabled: false });
        expect(after.phoneNumbers.map((p) => [p.phoneNumber, p.verification?.status, p.reservedForSecondFactor])).toEqual([
          [phone, 'verified', true],
        ]);
        expect((await clerk.sessions.getSession(pending?.id ?? '')).status).toBe('active');
        expect(log.matching(/(HTTP [45]\d\d|request failed).*\/v1\//)).toEqual([]);
      },
      { server: gatehouse },
    );
  }, 240_000);
});
