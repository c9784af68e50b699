/**
 * The instance requires MFA (`factors.mfaRequired`): in Chromium, a user without a second factor
 * signs in on the hosted page with the prebuilt <SignIn/>, which — the session being `pending` with
 * Clerk's `setup-mfa` task — shows its "Set up two-step verification" task screen. The test reads the
 * key off that screen, types the authenticator's code, sees the backup codes, finishes, and the
 * session is then active (the app's server, through `@clerk/backend`, sees the user only then).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClerkClient } from '@clerk/backend';
import { Secret, TOTP } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, removeDir, startServer } from '../testing/server.js';
import { chromiumAvailable, launchBrowser, newContext, shot } from './browser.js';

const hasChromium = chromiumAvailable();
const STEP = 30_000;
const PASSWORD = 'mfa required passphrase';

const totpCode = (secret: string, timestamp = Date.now()) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp });

/** The page's session as clerk-js holds it (status and current task). */
type TaskSession = { id: string; status: string; currentTask?: { key: string }; getToken(): Promise<string | null> };
const pageSession = (page: Page) =>
  page.evaluate(() => {
    const session = (window.Clerk as unknown as { session: TaskSession | null }).session;
    return session ? { id: session.id, status: session.status, task: session.currentTask?.key ?? null } : null;
  });

describe.skipIf(!hasChromium)('the setup-mfa session task in Chromium (MFA required)', () => {
  let browser: Browser;
  let gatehouse: RunningServer;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-mfa-task-e2e-'));
    writeFileSync(path.join(dataDir, 'gatehouse.config.json'), JSON.stringify({ factors: { mfaRequired: true } }));
    gatehouse = await startServer({ dataDir });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await gatehouse?.stop();
    removeDir(dataDir);
  });

  it('signs in to the task screen, sets up an authenticator app there, and leaves with an active session', async () => {
    const clerk = createClerkClient({
      secretKey: gatehouse.env.secretKey,
      apiUrl: gatehouse.env.apiUrl,
      publishableKey: gatehouse.env.publishableKey,
      telemetry: { disabled: true },
    });
    const email = `task-${Date.now()}@example.com`;
    const user = await clerk.users.createUser({ emailAddress: [email], password: PASSWORD, firstName: 'Tara' });
    const appSees = async (jwt: string) =>
      (await clerk.authenticateRequest(new Request('http://127.0.0.1:3000/x', { headers: { authorization: `Bearer ${jwt}` } }))).toAuth();

    const { context, log } = await newContext(browser, 'mfa-task');
    const page = await context.newPage();
    try {
      await page.goto(`${gatehouse.url}/sign-in`);
      await page.locator('input[name=identifier]').fill(email, { timeout: STEP });
      await page.getByRole('button', { name: 'Continue', exact: true }).click();
      await page.locator('input[name=password]').fill(PASSWORD, { timeout: STEP });
      await page.getByRole('button', { name: 'Continue', exact: true }).click();

      // <SignIn/> goes on to its task route with the authenticator-app step (the only factor on).
      await page.waitForURL((url) => url.pathname.includes('/tasks/setup-mfa') || url.hash.includes('setup-mfa'), { timeout: STEP });
      await page.locator('[data-localization-key="taskSetupMfa.totpCode.title"]').waitFor({ timeout: STEP });
      await shot(page, 'mfa-task-01-screen');
      const pending = await pageSession(page);
      expect(pending).toMatchObject({ status: 'pending', task: 'setup-mfa' });
      // The page's token is a pending session's: the app's server treats it as signed out.
      const pendingJwt = await page.evaluate(() => (window.Clerk as unknown as { session: TaskSession }).session.getToken());
      expect(await appSees(pendingJwt ?? '')).toMatchObject({ userId: null, sessionStatus: 'pending' });

      await page.locator('[data-localization-key="taskSetupMfa.totpCode.addAuthenticatorApp.buttonUnableToScan__nonPrimary"]').click({
        timeout: STEP,
      });
      const secret = await page.locator('input[readonly]').first().inputValue({ timeout: STEP });
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      await page.locator('[data-localization-key="taskSetupMfa.totpCode.addAuthenticatorApp.formButtonPrimary"]').click();

      const verified = page.waitForResponse((r) => r.url().includes('/v1/me/totp/attempt_verification'));
      await page.locator('input[autocomplete="one-time-code"], input[inputmode="numeric"]').first().click({ timeout: STEP });
      await page.keyboard.type(totpCode(secret));
      const verifiedBody = await (await verified).json();
      expect(verifiedBody.response.backup_codes).toHaveLength(10);
      expect(verifiedBody.client.sessions[0]).toMatchObject({ id: pending?.id, status: 'active', tasks: null });
      await page.locator('[data-localization-key="taskSetupMfa.totpCode.success.title"]').waitFor({ timeout: STEP });
      await page.getByText(verifiedBody.response.backup_codes[0]).first().waitFor({ timeout: STEP });
      await shot(page, 'mfa-task-02-backup-codes');
      await page.locator('[data-localization-key="taskSetupMfa.totpCode.success.finishButton"]').click();

      await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'), { timeout: STEP });
      await page.waitForFunction(() => (window.Clerk as unknown as { session: TaskSession | null }).session?.status === 'active', null, {
        timeout: STEP,
      });
      await shot(page, 'mfa-task-03-signed-in');
      const activeJwt = await page.evaluate(() => (window.Clerk as unknown as { session: TaskSession }).session.getToken());
      expect(await appSees(activeJwt ?? '')).toMatchObject({ userId: user.id, sessionStatus: 'active' });
      expect((await clerk.users.getUser(user.id)).twoFactorEnabled).toBe(true);
      expect((await clerk.sessions.getSession(pending?.id ?? '')).status).toBe('active');
      expect(log.matching(/(HTTP [45]\d\d|request failed).*\/v1\//)).toEqual([]);
    } catch (error) {
      await shot(page, 'mfa-task-FAILED').catch(() => {});
      throw new Error(
        `${(error as Error).message}\n--- browser ---\n${log.lines.join('\n')}\n--- server ---\n${gatehouse.output().slice(-2000)}`,
      );
    } finally {
      await context.close();
    }
  }, 240_000);
});
