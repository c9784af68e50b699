/**
 * Membership required (`GATEHOUSE_FORCE_ORGANIZATION_SELECTION=1`): in Chromium, a new user signs up
 * on the hosted page with the prebuilt <SignUp/>, whose session is `pending` with Clerk's
 * `choose-organization` task, so <SignUp/> goes on to its "create an organization" task screen. The
 * user creates one there; the session is then active in it, and the app's server (through
 * `@clerk/backend`) sees the user and the organization only then.
 */
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, shot, signUpWithEmailCode } from './browser.js';
import { activeSession, appSees, chromiumSuite, inPage, pageSession, pageToken, STEP } from './harness.js';

const hasChromium = chromiumAvailable();
const PASSWORD = 'choose organization passphrase';

describe.skipIf(!hasChromium)('the choose-organization session task in Chromium (membership required)', () => {
  const suite = chromiumSuite({ mail: true, env: { GATEHOUSE_FORCE_ORGANIZATION_SELECTION: '1' } });

  it('signs up to the task screen, creates an organization there, and the app sees the user in it', async () => {
    const { gatehouse, clerk } = suite;
    const email = `chooser-${Date.now()}@example.com`;

    await inPage(
      suite.browser,
      'choose-org',
      async ({ page, log }) => {
        await page.goto(`${gatehouse.url}/sign-up`);
        await signUpWithEmailCode(page, suite.mail, { email, password: PASSWORD }, STEP);

        // No organization, invitation or suggestion yet: the task opens on "create an organization".
        await page.waitForURL((url) => url.pathname.includes('/tasks/choose-organization') || url.hash.includes('choose-organization'), {
          timeout: STEP,
        });
        await page.locator('[data-localization-key="taskChooseOrganization.createOrganization.title"]').waitFor({ timeout: STEP });
        const pending = await pageSession(page);
        expect(pending).toMatchObject({ status: 'pending', task: 'choose-organization', orgId: null });
        expect(await appSees(clerk, await pageToken(page))).toMatchObject({ userId: null, sessionStatus: 'pending' });
        await page.locator('input[name=name]').fill('Chooser Labs', { timeout: STEP });
        await shot(page, 'choose-org-01-task-screen');

        // The screen creates the organization, then makes it active (setActive: touch), which completes the task.
        await page.locator('[data-localization-key="taskChooseOrganization.createOrganization.formButtonSubmit"]').click();
        await page.waitForURL((url) => !url.pathname.startsWith('/sign-up'), { timeout: STEP });
        await activeSession(page);
        await shot(page, 'choose-org-02-signed-in');
        const auth = await appSees(clerk, await pageToken(page));
        expect(auth).toMatchObject({ sessionId: pending?.id, sessionStatus: 'active', orgRole: 'org:admin', orgSlug: 'chooser-labs' });
        const userId = auth?.userId ?? '';
        const [membership] = (await clerk.users.getOrganizationMembershipList({ userId })).data;
        expect(membership?.organization).toMatchObject({ name: 'Chooser Labs', slug: 'chooser-labs' });
        expect(auth?.orgId).toBe(membership?.organization.id);
        expect(await pageSession(page)).toMatchObject({ id: pending?.id, status: 'active', task: null, orgId: auth?.orgId });
        expect(await clerk.sessions.getSession(pending?.id ?? '')).toMatchObject({
          status: 'active',
          lastActiveOrganizationId: auth?.orgId,
        });
        expect(log.matching(/(HTTP [45]\d\d|request failed).*\/v1\//)).toEqual([]);
      },
      { server: gatehouse },
    );
  }, 240_000);
});
