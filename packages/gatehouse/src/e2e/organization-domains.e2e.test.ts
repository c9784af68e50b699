/**
 * Verified domains in Chromium with the official components, behind `@clerk/express`: A adds a
 * domain in `<OrganizationProfile/>`, verifies it with the code from the caught mail and sets its
 * enrollment mode to automatic suggestions; C, whose address is at the domain, sees the suggestion in
 * `<OrganizationList/>` and asks to join; A approves the request in the profile's Requests tab and C
 * is a member, which the app's server sees once C makes the organization active.
 */
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, shot } from './browser.js';
import { apiMe, appReady, inPages, type OpenPage, STEP, signInWithPassword, stackSuite } from './harness.js';

const hasChromium = chromiumAvailable();
const PASSWORD = 'domains e2e passphrase';
const DOMAIN = `rockets-${randomBytes(3).toString('hex')}.test`;

const CONFIG = {
  organizations: { domainsEnabled: true, domainsEnrollmentModes: ['manual_invitation', 'automatic_invitation', 'automatic_suggestion'] },
};

interface OrgClerk {
  organization: { id: string } | null;
  setActive(params: { organization: string | null }): Promise<void>;
}

async function signIn(page: Page, appUrl: string, email: string): Promise<void> {
  await signInWithPassword(page, `${appUrl}/sign-in`, { identifier: email, password: PASSWORD }, appReady);
  await page.waitForURL((url) => url.pathname === '/', { timeout: STEP });
  await appReady(page);
}

describe.skipIf(!hasChromium)('verified domains in Chromium', () => {
  const suite = stackSuite({ config: CONFIG });

  it('adds and verifies a domain, sets automatic suggestions; a suggestion is accepted and the request approved', async () => {
    const { gatehouse, app } = suite.stack;
    const { clerk, mail } = suite;
    const aEmail = `ada@${DOMAIN}`;
    const cEmail = `cy@${DOMAIN}`;
    const alice = await clerk.users.createUser({ emailAddress: [aEmail], password: PASSWORD, firstName: 'Ada' });
    const org = await clerk.organizations.createOrganization({ name: 'Rocket Works', createdBy: alice.id });

    await inPages(
      suite.browser,
      ['domains-a', 'domains-c'],
      async ([a, c]) => {
        const pageA = (a as OpenPage).page;
        const pageC = (c as OpenPage).page;
        await signIn(pageA, app.url, aEmail);
        await pageA.evaluate((id) => (window.Clerk as unknown as OrgClerk).setActive({ organization: id }), org.id);

        // <OrganizationProfile/> → General → Verified domains → Add domain.
        await pageA.goto(`${app.url}/org-profile`);
        await appReady(pageA);
        await pageA.getByRole('button', { name: 'Add domain' }).click({ timeout: STEP });
        await pageA.locator('input[name=name]').fill(DOMAIN, { timeout: STEP });
        await shot(pageA, 'domains-01-add');
        await pageA.getByRole('button', { name: 'Save', exact: true }).click();

        // Verify: an address at the domain gets a code, typed from the caught mail.
        const affiliation = pageA.locator('input[name=affiliationEmailAddress]');
        await affiliation.fill('it', { timeout: STEP });
        await shot(pageA, 'domains-02-affiliation');
        await affiliation.press('Enter');
        const { code } = await mail.waitForCode(`it@${DOMAIN}`);
        await pageA.locator('input[autocomplete="one-time-code"]').first().waitFor({ timeout: STEP });
        await shot(pageA, 'domains-03-code');
        await pageA.keyboard.type(code);
        // @clerk/ui 1.34 closes the panel after the code (its fetch cache holds the domain as it was
        // before verification), so the enrollment mode is set through the verified domain's Manage.
        await pageA.goto(`${app.url}/org-profile`);
        await appReady(pageA);
        await pageA.locator('.cl-menuButtonEllipsis').first().click({ timeout: STEP });
        await pageA.getByRole('menuitem', { name: 'Manage' }).click({ timeout: STEP });
        // The enrollment page: automatic suggestions.
        await pageA.getByText('Automatic suggestions').first().click({ timeout: STEP });
        await shot(pageA, 'domains-04-enrollment');
        await pageA.getByRole('button', { name: /^(save|continue|finish)$/i }).click();
        await pageA.getByText(DOMAIN).first().waitFor({ timeout: STEP });
        await shot(pageA, 'domains-05-verified');
        const domains = await clerk.organizations.getOrganizationDomainList({ organizationId: org.id });
        expect(domains.data).toMatchObject([
          { name: DOMAIN, enrollment_mode: 'automatic_suggestion', verification: { status: 'verified' } },
        ]);

        // C signs up with an address at the domain (Backend API) and sees the suggestion in <OrganizationList/>.
        const cy = await clerk.users.createUser({ emailAddress: [cEmail], password: PASSWORD, firstName: 'Cy' });
        await signIn(pageC, app.url, cEmail);
        await pageC.goto(`${app.url}/org-list`);
        await appReady(pageC);
        await pageC.getByText('Rocket Works').first().waitFor({ timeout: STEP });
        await shot(pageC, 'domains-06-suggestion');
        await pageC.getByRole('button', { name: 'Request to join' }).click({ timeout: STEP });
        await pageC.getByText('Pending approval').first().waitFor({ timeout: STEP });
        await shot(pageC, 'domains-07-requested');

        // A approves it in Members → Requests.
        await pageA.goto(`${app.url}/org-profile`);
        await appReady(pageA);
        await pageA.locator('.cl-navbarButton__members').click({ timeout: STEP });
        await pageA.getByRole('tab', { name: /requests/i }).click({ timeout: STEP });
        await pageA.getByText(cEmail).first().waitFor({ timeout: STEP });
        await shot(pageA, 'domains-08-request');
        await pageA.getByRole('button', { name: 'Approve' }).click({ timeout: STEP });
        await pageA.getByText('No requests to display').first().waitFor({ timeout: STEP });

        const members = await clerk.organizations.getOrganizationMembershipList({ organizationId: org.id });
        expect(members.data.map((m) => [m.publicUserData?.userId, m.role]).sort()).toEqual(
          [
            [alice.id, 'org:admin'],
            [cy.id, 'org:member'],
          ].sort(),
        );

        // C makes it active; the app's server sees the organization.
        await pageC.goto(`${app.url}/`);
        await appReady(pageC);
        await pageC.evaluate((id) => (window.Clerk as unknown as OrgClerk).setActive({ organization: id }), org.id);
        const me = await apiMe(pageC);
        expect(me).toMatchObject({ userId: cy.id, orgId: org.id, orgRole: 'org:member' });
        await shot(pageC, 'domains-09-member');
      },
      { server: gatehouse },
    );
  }, 300_000);
});
