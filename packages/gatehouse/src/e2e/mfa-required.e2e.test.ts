/**
 * The instance requires MFA (`factors.mfaRequired`): in Chromium, a user without a second factor
 * signs in on the hosted page with the prebuilt <SignIn/>, which — the session being `pending` with
 * Clerk's `setup-mfa` task — shows its "Set up two-step verification" task screen. The test reads the
 * key off that screen, types the authenticator's code, sees the backup codes, finishes, and the
 * session is then active (the app's server, through `@clerk/backend`, sees the user only then).
 */
import { Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, shot } from './browser.js';
import {
  activeSession,
  appSees,
  chromiumSuite,
  inPage,
  leftSignIn,
  pageSession,
  pageToken,
  STEP,
  signInWithPassword,
  typeOtp,
} from './harness.js';

const hasChromium = chromiumAvailable();
const PASSWORD = 'mfa required passphrase';

const totpCode = (secret: string, timestamp = Date.now()) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp });

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
        await signInWithPassword(page, `${gatehouse.url}/sign-in`, { identifier: email, password: PASSWORD });

        // <SignIn/> goes on to its task route with the authenticator-app step (the only factor on).
        await page.waitForURL((url) => url.pathname.includes('/tasks/setup-mfa') || url.hash.includes('setup-mfa'), { timeout: STEP });
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
