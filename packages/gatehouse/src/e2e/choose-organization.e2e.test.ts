/**
 * Membership required (`GATEHOUSE_FORCE_ORGANIZATION_SELECTION=1`): in Chromium, a new user signs up
 * on the hosted page with the prebuilt <SignUp/>, whose session is `pending` with Clerk's
 * `choose-organization` task, so <SignUp/> goes on to its "create an organization" task screen. The
 * user creates one there; the session is then active in it, and the app's server (through
 * `@clerk/backend`) sees the user and the organization only then.
 */
import { createClerkClient } from '@clerk/backend';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MailCatcher, startMailCatcher } from '../testing/mail-catcher.js';
import { type RunningServer, removeDir, startServer } from '../testing/server.js';
import { chromiumAvailable, launchBrowser, newContext, shot, signUpWithEmailCode } from './browser.js';

const hasChromium = chromiumAvailable();
const STEP = 30_000;
const PASSWORD = 'choose organization passphrase';

/** The page's session as clerk-js holds it (status, current task, organization). */
type TaskSession = { id: string; status: string; currentTask?: { key: string }; getToken(): Promise<string | null> };
const pageSession = (page: Page) =>
  page.evaluate(() => {
    const clerk = window.Clerk as unknown as { session: TaskSession | null; organization: { id: string } | null };
    const session = clerk.session;
    return session
      ? { id: session.id, status: session.status, task: session.currentTask?.key ?? null, orgId: clerk.organization?.id ?? null }
      : null;
  });
const pageToken = (page: Page) => page.evaluate(() => (window.Clerk as unknown as { session: TaskSession }).session.getToken());

describe.skipIf(!hasChromium)('the choose-organization session task in Chromium (membership required)', () => {
  let browser: Browser;
  let mail: MailCatcher;
  let gatehouse: RunningServer;

  beforeAll(async () => {
    mail = await startMailCatcher();
    gatehouse = await startServer({ extraArgs: ['--smtp', mail.url], env: { GATEHOUSE_FORCE_ORGANIZATION_SELECTION: '1' } });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await gatehouse?.stop();
    if (gatehouse) removeDir(gatehouse.dataDir);
    await mail?.close();
  });

  it('signs up to the task screen, creates an organization there, and the app sees the user in it', async () => {
    const clerk = createClerkClient({
      secretKey: gatehouse.env.secretKey,
      apiUrl: gatehouse.env.apiUrl,
      publishableKey: gatehouse.env.publishableKey,
      telemetry: { disabled: true },
    });
    const appSees = async (jwt: string) =>
      (await clerk.authenticateRequest(new Request('http://127.0.0.1:3000/x', { headers: { authorization: `Bearer ${jwt}` } }))).toAuth();
    const email = `chooser-${Date.now()}@example.com`;

    const { context, log } = await newContext(browser, 'choose-org');
    const page = await context.newPage();
    try {
      await page.goto(`${gatehouse.url}/sign-up`);
      await signUpWithEmailCode(page, mail, { email, password: PASSWORD }, STEP);

      // No organization, invitation or suggestion yet: the task opens on "create an organization".
      await page.waitForURL((url) => url.pathname.includes('/tasks/choose-organization') || url.hash.includes('choose-organization'), {
        timeout: STEP,
      });
      await page.locator('[data-localization-key="taskChooseOrganization.createOrganization.title"]').waitFor({ timeout: STEP });
      const pending = await pageSession(page);
      expect(pending).toMatchObject({ status: 'pending', task: 'choose-organization', orgId: null });
      expect(await appSees((await pageToken(page)) ?? '')).toMatchObject({ userId: null, sessionStatus: 'pending' });
      await page.locator('input[name=name]').fill('Chooser Labs', { timeout: STEP });
      await shot(page, 'choose-org-01-task-screen');

      // The screen creates the organization, then makes it active (setActive: touch), which completes the task.
      await page.locator('[data-localization-key="taskChooseOrganization.createOrganization.formButtonSubmit"]').click();
      await page.waitForURL((url) => !url.pathname.startsWith('/sign-up'), { timeout: STEP });
      await page.waitForFunction(() => (window.Clerk as unknown as { session: TaskSession | null }).session?.status === 'active', null, {
        timeout: STEP,
      });
      await shot(page, 'choose-org-02-signed-in');
      const auth = await appSees((await pageToken(page)) ?? '');
      expect(auth).toMatchObject({ sessionId: pending?.id, sessionStatus: 'active', orgRole: 'org:admin', orgSlug: 'chooser-labs' });
      const userId = auth?.userId ?? '';
      const [membership] = (await clerk.users.getOrganizationMembershipList({ userId })).data;
      expect(membership?.organization).toMatchObject({ name: 'Chooser Labs', slug: 'chooser-labs' });
      expect(auth?.orgId).toBe(membership?.organization.id);
      expect(await pageSession(page)).toMatchObject({ id: pending?.id, status: 'active', task: null, orgId: auth?.orgId });
      expect(await clerk.sessions.getSession(pending?.id ?? '')).toMatchObject({ status: 'active', lastActiveOrganizationId: auth?.orgId });
      expect(log.matching(/(HTTP [45]\d\d|request failed).*\/v1\//)).toEqual([]);
    } catch (error) {
      await shot(page, 'choose-org-FAILED').catch(() => {});
      throw new Error(
        `${(error as Error).message}\n--- browser ---\n${log.lines.join('\n')}\n--- server ---\n${gatehouse.output().slice(-2000)}`,
      );
    } finally {
      await context.close();
    }
  }, 240_000);
});
