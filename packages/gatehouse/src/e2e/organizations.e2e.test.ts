/**
 * Organizations in Chromium with the official components, behind `@clerk/express`: A creates an
 * organization with `<CreateOrganization/>` (the app's server sees orgId and orgRole), invites B from
 * `<OrganizationProfile/>`; B follows the link in the caught mail, signs up on `<SignUp/>` and lands as
 * a member; A gives B the custom role from the config file and B's next token passes
 * `has({ permission })` on the server; B cannot remove A; restricted sign-up refuses a stranger.
 */
import { describe, expect, it } from 'vitest';
import type { MailCatcher } from '../testing/mail-catcher.js';
import { chromiumAvailable, shot } from './browser.js';
import { apiMe, appReady, inPage, inPages, type OpenPage, STEP, signInWithPassword, stackSuite, uniqueEmail } from './harness.js';

const hasChromium = chromiumAvailable();
const PASSWORD = 'organization e2e passphrase';

const CONFIG = {
  organizations: {
    permissions: [{ key: 'org:invoices:create', name: 'Create invoices' }],
    roles: [{ key: 'org:billing', name: 'Billing', permissions: ['org:invoices:create', 'org:sys_memberships:read'] }],
  },
};

/** What these pages use of clerk-js beyond the shared `PageClerk` type. */
interface OrgClerk {
  organization: {
    id: string;
    updateMember(params: { userId: string; role: string }): Promise<unknown>;
    removeMember(userId: string): Promise<unknown>;
  } | null;
  setActive(params: { organization: string | null }): Promise<void>;
  client: { signUp: { create(params: Record<string, unknown>): Promise<unknown> } } | null;
}

/** The ticket link in the newest mail to `to` (quoted-printable undone). */
async function invitationLink(mail: MailCatcher, to: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const found = [...mail.mails].reverse().find((m) => m.to.includes(to.toLowerCase()) && /invited/i.test(m.subject));
    if (found) {
      const text = found.raw.replace(/=\r?\n/g, '').replace(/=3D/gi, '=');
      const link = text.match(/https?:\/\/[^\s"<>]+\/v1\/tickets\/accept\?ticket=[A-Za-z0-9_]+/)?.[0];
      if (link) return link;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no invitation mailed to ${to}`);
}

describe.skipIf(!hasChromium)('organizations in Chromium', () => {
  const suite = stackSuite({ config: CONFIG });

  it('creates, switches, invites by mail, joins with the ticket, and a custom role passes has()', async () => {
    const { gatehouse, app } = suite.stack;
    const { clerk, mail } = suite;
    const aEmail = uniqueEmail('org-a');
    const bEmail = uniqueEmail('org-b');
    const alice = await clerk.users.createUser({ emailAddress: [aEmail], password: PASSWORD, firstName: 'Alice' });

    await inPages(
      suite.browser,
      ['orgs-a', 'orgs-b'],
      async ([a, b]) => {
        const pageA = (a as OpenPage).page;
        const pageB = (b as OpenPage).page;
        // A signs in on the app's <SignIn/>.
        await signInWithPassword(pageA, `${app.url}/sign-in`, { identifier: aEmail, password: PASSWORD }, appReady);
        await pageA.waitForURL((url) => url.pathname === '/', { timeout: STEP });

        // <CreateOrganization/> creates it and makes it active; the server sees orgId and orgRole.
        await pageA.goto(`${app.url}/orgs`);
        await appReady(pageA);
        await pageA.locator('input[name=name]').fill('Rocket Works', { timeout: STEP });
        await pageA.getByRole('button', { name: /create organization/i }).click();
        await pageA.waitForURL((url) => url.pathname === '/', { timeout: STEP });
        await appReady(pageA);
        await pageA.waitForFunction(() => Boolean((window.Clerk as unknown as OrgClerk).organization?.id), null, { timeout: STEP });
        const orgId = await pageA.evaluate(() => (window.Clerk as unknown as OrgClerk).organization?.id ?? '');
        expect(orgId).toMatch(/^org_/);
        await shot(pageA, 'orgs-01-created');
        const afterCreate = await apiMe(pageA);
        expect(afterCreate).toMatchObject({ userId: alice.id, orgId, orgRole: 'org:admin' });

        // <OrganizationSwitcher/> shows it; switching to the personal account and back follows on the server.
        await pageA.goto(`${app.url}/orgs`);
        await appReady(pageA);
        await pageA.locator('#switcher').getByText('Rocket Works').first().waitFor({ timeout: STEP });
        await pageA.evaluate(() => (window.Clerk as unknown as OrgClerk).setActive({ organization: null }));
        expect((await apiMe(pageA)).orgId).toBeUndefined();
        await pageA.evaluate((id) => (window.Clerk as unknown as OrgClerk).setActive({ organization: id }), orgId);
        expect((await apiMe(pageA)).orgId).toBe(orgId);

        // <OrganizationProfile/> → Members → Invite.
        await pageA.goto(`${app.url}/org-profile`);
        await appReady(pageA);
        await pageA.locator('.cl-navbarButton__members').click({ timeout: STEP });
        await pageA.getByRole('button', { name: /^invite$/i }).click({ timeout: STEP });
        const emails = pageA.getByPlaceholder(/example@email\.com/);
        await emails.click({ timeout: STEP });
        await pageA.keyboard.type(`${bEmail},`);
        await shot(pageA, 'orgs-02-invite-form');
        await pageA.getByRole('button', { name: /send invitations?/i }).click({ timeout: STEP });
        const link = await invitationLink(mail, bEmail);
        await shot(pageA, 'orgs-03-invited');

        // B follows the link: the hosted sign-up with the ticket, a password, and B is a member.
        await pageB.goto(link);
        await pageB.locator('input[name=password]').fill(PASSWORD, { timeout: STEP });
        await shot(pageB, 'orgs-04-ticket-sign-up');
        await pageB.getByRole('button', { name: 'Continue', exact: true }).click();
        await pageB.waitForURL((url) => !url.pathname.startsWith('/sign-up'), { timeout: STEP });
        const [bUser] = (await clerk.users.getUserList({ emailAddress: [bEmail] })).data;
        if (!bUser) throw new Error('B was not created');
        const memberships = await clerk.organizations.getOrganizationMembershipList({ organizationId: orgId });
        expect(memberships.data.map((m) => [m.publicUserData?.userId, m.role]).sort()).toEqual(
          [
            [alice.id, 'org:admin'],
            [bUser.id, 'org:member'],
          ].sort(),
        );

        // A gives B the custom role; B's next token passes has() for its permission on the server.
        await pageA.evaluate(
          (userId) => (window.Clerk as unknown as OrgClerk).organization?.updateMember({ userId, role: 'org:billing' }),
          bUser.id,
        );
        await pageB.goto(`${app.url}/`);
        await appReady(pageB);
        await pageB.evaluate((id) => (window.Clerk as unknown as OrgClerk).setActive({ organization: id }), orgId);
        const bMe = await apiMe(pageB, 'org:invoices:create');
        expect(bMe).toMatchObject({ userId: bUser.id, orgId, orgRole: 'org:billing', has: true });
        expect((await apiMe(pageB, 'org:invoices:delete')).has).toBe(false);

        // B cannot remove A.
        const refused = await pageB.evaluate(async (userId) => {
          try {
            await (window.Clerk as unknown as OrgClerk).organization?.removeMember(userId);
            return 'removed';
          } catch (error) {
            return (error as { errors?: { code: string }[] }).errors?.[0]?.code ?? String(error);
          }
        }, alice.id);
        expect(refused).toBe('not_authorized_in_organization');
        await shot(pageB, 'orgs-05-member');
      },
      { server: gatehouse },
    );
  }, 300_000);

  it('restricted sign-up refuses an uninvited address in the browser', async () => {
    const { app } = suite.stack;
    const { clerk } = suite;
    await clerk.instance.updateRestrictions({ sign_up_mode: 'restricted' } as never);
    try {
      await inPage(suite.browser, 'orgs-restricted', async ({ page }) => {
        await page.goto(`${app.url}/sign-up`);
        await appReady(page);
        await shot(page, 'orgs-06-restricted');
        const code = await page.evaluate(async (email) => {
          try {
            await (window.Clerk as unknown as OrgClerk).client?.signUp.create({ emailAddress: email, password: 'a sturdy passphrase' });
            return 'created';
          } catch (error) {
            return (error as { errors?: { code: string }[] }).errors?.[0]?.code ?? String(error);
          }
        }, uniqueEmail('org-stranger'));
        expect(code).toBe('sign_up_mode_restricted');
      });
    } finally {
      await clerk.instance.updateRestrictions({ sign_up_mode: 'public' } as never);
    }
  }, 120_000);
});
