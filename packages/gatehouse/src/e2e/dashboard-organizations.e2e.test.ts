/**
 * The dashboard's organizations, roles, JWT-template signing keys and overview in Chromium against
 * a real `gatehouse start` delivering mail to a real SMTP catcher: a custom role created and given
 * to a member, seen through @clerk/backend; an invitation typed with the keyboard and caught in the
 * mail; a domain added and verified; a JWT template with its own HS256 key previewed and the token
 * verified with that key; an organization created with a creator found by e-mail, renamed, its bad
 * metadata JSON refused, and deleted after typing its slug; the creator and default roles chosen on the
 * Roles page, seen through @clerk/backend, the environment and a new organization, and read-only where
 * the config file sets them; the audit log. Screenshots: artifacts/e2e/dashboard-org-*.png.
 */
import { jwtVerify } from 'jose';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { removeDir } from '../testing/server.js';
import { chromiumAvailable, newContext, shot } from './browser.js';
import {
  backendClient,
  chromiumSuite,
  createFirstOperator,
  dashboardPage,
  inPage,
  STEP,
  setupLink,
  signInToDashboard,
  startGatehouse,
} from './harness.js';

const hasChromium = chromiumAvailable();
const OPERATOR = { email: 'org-operator@example.com', password: 'operator passphrase 2' };
const HMAC_SECRET = 'hasura-shared-secret-0123456789abcdef';

describe.skipIf(!hasChromium)('the dashboard’s organizations, roles, tokens and overview in Chromium', () => {
  const suite = chromiumSuite({ mail: true });
  let page: Page;
  let orgId = '';
  let memberId = '';
  const clerk = () => suite.clerk;
  const go = (path: string, heading: string) => dashboardPage(page, suite.gatehouse, path, heading);

  beforeAll(async () => {
    const { context } = await newContext(suite.browser, 'dashboard-organizations');
    page = await context.newPage();
    const owner = await clerk().users.createUser({ emailAddress: ['owner@rockets.test'], firstName: 'Olive', lastName: 'Owner' });
    const member = await clerk().users.createUser({ emailAddress: ['max@rockets.test'], firstName: 'Max', lastName: 'Member' });
    memberId = member.id;
    const org = await clerk().organizations.createOrganization({ name: 'Rockets Inc', createdBy: owner.id });
    orgId = org.id;
    await clerk().organizations.createOrganizationMembership({ organizationId: org.id, userId: member.id, role: 'org:member' });
    // Some sign-ins for the overview's charts (counted once a minute: before the first page load).
    for (const user of [owner, member]) await clerk().sessions.createSession({ userId: user.id });
    // The first operator, from the link the first start printed.
    await page.goto(setupLink(suite.gatehouse));
    await page.getByLabel('Your e-mail').fill(OPERATOR.email, { timeout: STEP });
    await page.getByLabel('Password (12 characters or more)').fill(OPERATOR.password);
    await page.getByLabel('Password again').fill(OPERATOR.password);
    await page.getByRole('button', { name: 'Save and continue to sign in' }).click();
    await page.getByRole('heading', { name: 'Sign in to the dashboard' }).waitFor({ timeout: STEP });
    await page.getByLabel('E-mail', { exact: true }).fill(OPERATOR.email);
    await page.getByLabel('Password', { exact: true }).fill(OPERATOR.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor({ timeout: STEP });
  }, 180_000);

  it('shows the overview: per-day charts counted by the server, and the health of the database, Redis, mail and webhooks', async () => {
    await go('/dashboard/overview', 'Overview');
    await page.getByText('2 users in total').waitFor({ timeout: STEP });
    for (const name of ['Sign-ups', 'Sign-ins', 'Active users']) {
      await page.getByRole('img', { name: new RegExp(`^${name} per day`) }).waitFor({ timeout: STEP });
    }
    await page.getByText('Webhook backlog').waitFor({ timeout: STEP });
    await page.getByText('nothing waiting').waitFor({ timeout: STEP });
    // The figures as a table, opened from the keyboard.
    await page.getByText('Show the figures as a table').focus();
    await page.keyboard.press('Enter');
    const today = new Date().toISOString().slice(0, 10);
    const row = page.getByRole('row', { name: new RegExp(`^${today}`) });
    await expect(row.getByRole('cell').allTextContents()).resolves.toEqual([today, '2', '2', '2']);
    await shot(page, 'dashboard-org-01-overview');
  }, 60_000);

  it('creates a custom permission and role, and gives the role to a member: @clerk/backend sees it', async () => {
    await go('/dashboard/roles', 'Roles & permissions');
    await page.getByRole('button', { name: 'New permission' }).click();
    await page.getByLabel('Permission key').fill('org:launches:approve');
    await page.getByLabel('Permission name').fill('Approve launches');
    await page.getByRole('button', { name: 'Save permission' }).click();
    await page.getByText('Permission org:launches:approve saved.').waitFor({ timeout: STEP });

    await page.getByRole('button', { name: 'New role' }).click();
    await page.getByLabel('Key', { exact: true }).fill('org:flight_director');
    await page.getByLabel('Name', { exact: true }).fill('Flight director');
    await page.getByLabel('Description', { exact: true }).fill('Says go or no-go');
    await page.getByLabel('org:launches:approve', { exact: true }).check();
    await page.getByLabel('org:sys_memberships:read', { exact: true }).check();
    await page.getByRole('button', { name: 'Save role' }).click();
    await page.getByText('Role org:flight_director saved.').waitFor({ timeout: STEP });
    await shot(page, 'dashboard-org-02-roles');

    await go(`/dashboard/organizations/${orgId}`, 'Rockets Inc');
    await page.getByLabel('Role of max@rockets.test').selectOption('org:flight_director');
    await page.getByText('max@rockets.test is now org:flight_director.').waitFor({ timeout: STEP });
    const memberships = await clerk().organizations.getOrganizationMembershipList({ organizationId: orgId });
    const max = memberships.data.find((m) => m.publicUserData?.userId === memberId);
    expect(max?.role).toBe('org:flight_director');
    expect(max?.permissions).toEqual(expect.arrayContaining(['org:launches:approve', 'org:sys_memberships:read']));
  }, 90_000);

  it('sets the creator and default roles on the Roles page: @clerk/backend, the environment and a new organization follow', async () => {
    await go('/dashboard/roles', 'Roles & permissions');
    const creatorRole = page.getByLabel('Creator role', { exact: true });
    const defaultRole = page.getByLabel('Default role', { exact: true });
    await expect(creatorRole.inputValue({ timeout: STEP })).resolves.toBe('org:admin');
    await expect(defaultRole.inputValue()).resolves.toBe('org:member');
    await creatorRole.selectOption('org:flight_director');
    await defaultRole.selectOption('org:flight_director');
    await page.getByRole('button', { name: 'Save creator and default roles' }).click();
    await page.getByText('Creator role org:flight_director, default role org:flight_director.').waitFor({ timeout: STEP });
    // The roles table marks the role in both uses.
    await page
      .getByRole('row', { name: /org:flight_director/ })
      .getByText('creator, default')
      .waitFor({ timeout: STEP });
    await shot(page, 'dashboard-org-03-creator-default-roles');

    expect(await clerk().instance.getOrganizationSettings()).toMatchObject({
      creatorRole: 'org:flight_director',
      domainsDefaultRole: 'org:flight_director',
    });
    const environment = await (await fetch(`${suite.gatehouse.url}/v1/environment`)).json();
    expect(environment.organization_settings.domains.default_role).toBe('org:flight_director');
    // Whoever creates an organization now gets the creator role.
    const created = await clerk().organizations.createOrganization({ name: 'Flight Ops', createdBy: memberId });
    const members = await clerk().organizations.getOrganizationMembershipList({ organizationId: created.id });
    expect(members.data.map((m) => [m.publicUserData?.userId, m.role])).toEqual([[memberId, 'org:flight_director']]);
    await clerk().organizations.deleteOrganization(created.id);

    // Back to the built-in roles, from the page again.
    await creatorRole.selectOption('org:admin');
    await defaultRole.selectOption('org:member');
    await page.getByRole('button', { name: 'Save creator and default roles' }).click();
    await page.getByText('Creator role org:admin, default role org:member.').waitFor({ timeout: STEP });
    expect(await clerk().instance.getOrganizationSettings()).toMatchObject({ creatorRole: 'org:admin', domainsDefaultRole: 'org:member' });
  }, 90_000);

  it('shows a creator role the config file sets as read-only, and still saves the default role', async () => {
    const operator = { email: 'locked-operator@example.com', password: 'locked operator passphrase' };
    const locked = await startGatehouse({ config: { organizations: { creatorRole: 'org:member' } } });
    try {
      await createFirstOperator(locked, operator);
      await inPage(
        suite.browser,
        'dashboard-org-locked',
        async ({ page }) => {
          await signInToDashboard(page, locked, operator);
          await dashboardPage(page, locked, '/dashboard/roles', 'Roles & permissions');
          const creatorRole = page.getByLabel('Creator role', { exact: true });
          await expect(creatorRole.isDisabled({ timeout: STEP })).resolves.toBe(true);
          await expect(creatorRole.inputValue()).resolves.toBe('org:member');
          await page
            .getByText('Set by the config file, which wins over the dashboard: change it there and restart.')
            .waitFor({ timeout: STEP });
          const defaultRole = page.getByLabel('Default role', { exact: true });
          await expect(defaultRole.isDisabled()).resolves.toBe(false);
          await defaultRole.selectOption('org:admin');
          await page.getByRole('button', { name: 'Save creator and default roles' }).click();
          await page.getByText('Creator role org:member, default role org:admin.').waitFor({ timeout: STEP });
          await shot(page, 'dashboard-org-04-roles-config-locked');
          expect(await backendClient(locked).instance.getOrganizationSettings()).toMatchObject({
            creatorRole: 'org:member',
            domainsDefaultRole: 'org:admin',
          });
        },
        { server: locked },
      );
    } finally {
      await locked.stop();
      removeDir(locked.dataDir);
    }
  }, 120_000);

  it('invites by e-mail from the keyboard and the invitation is caught in the mail; adds and verifies a domain', async () => {
    await go(`/dashboard/organizations/${orgId}`, 'Rockets Inc');
    const before = suite.mail.count();
    await page.getByLabel('Invite by e-mail').focus();
    await page.keyboard.type('new.pilot@rockets.test');
    await page.keyboard.press('Enter');
    await page.getByText('Invitation mailed to new.pilot@rockets.test.').waitFor({ timeout: STEP });
    await expect
      .poll(() => suite.mail.mails.slice(before).find((m) => m.to.includes('new.pilot@rockets.test'))?.subject, { timeout: STEP })
      .toMatch(/invited to join Rockets Inc/);
    const raw = suite.mail.mails.slice(before).find((m) => m.to.includes('new.pilot@rockets.test'))?.raw ?? '';
    expect(raw.replace(/=\r?\n/g, '')).toMatch(/\/v1\/tickets\/accept\?ticket=/);
    await page
      .getByRole('cell', { name: /^new\.pilot@rockets\.test/ })
      .first()
      .waitFor({ timeout: STEP });
    const invitations = await clerk().organizations.getOrganizationInvitationList({ organizationId: orgId, status: ['pending'] });
    expect(invitations.data.map((i) => i.emailAddress)).toEqual(['new.pilot@rockets.test']);

    await page.getByLabel('Domain', { exact: true }).fill('rockets.test');
    await page.getByLabel('Enrollment mode', { exact: true }).selectOption('automatic_suggestion');
    await page.getByRole('button', { name: 'Add domain' }).click();
    await page.getByText('rockets.test added.').waitFor({ timeout: STEP });
    await page.getByRole('button', { name: 'Mark rockets.test verified' }).click();
    await page.getByText('rockets.test is verified.').waitFor({ timeout: STEP });
    const domains = await clerk().organizations.getOrganizationDomainList({ organizationId: orgId });
    // @clerk/backend 3.25 hands list items of this type back as the wire JSON (its deserializer has no
    // organization_domain case), so the enrollment mode is read under either name.
    const listed = domains.data[0] as unknown as { name: string; enrollmentMode?: string; enrollment_mode?: string };
    expect(listed.name).toBe('rockets.test');
    expect(listed.enrollmentMode ?? listed.enrollment_mode).toBe('automatic_suggestion');
    expect(domains.data[0]?.verification?.status).toBe('verified');
    await shot(page, 'dashboard-org-05-organization');

    // Revoke the invitation: the link in the mail stops working.
    await page.getByRole('button', { name: 'Revoke the invitation of new.pilot@rockets.test' }).click();
    await page.getByText('Invitation of new.pilot@rockets.test revoked.').waitFor({ timeout: STEP });
    const after = await clerk().organizations.getOrganizationInvitationList({ organizationId: orgId, status: ['pending'] });
    expect(after.totalCount).toBe(0);
  }, 90_000);

  it('previews a JWT template signed with its own HS256 key (verifiable with that key, never shown back), and saves it', async () => {
    await go('/dashboard/sessions', 'Sessions & tokens');
    await page.getByRole('button', { name: 'New template' }).click();
    await page.getByLabel('Name', { exact: true }).fill('hasura');
    await page
      .getByLabel('Claims (JSON, shortcodes as above)')
      .fill('{"https://hasura.io/jwt/claims": {"x-hasura-user-id": "{{user.id}}"}}');
    await page.getByLabel('Sign with a custom signing key').check();
    await page.getByLabel('Signing algorithm').selectOption('HS256');
    await page.getByLabel('Signing key', { exact: true }).fill(HMAC_SECRET);
    await page.getByLabel('Preview the template for (user id or e-mail)').fill('max@rockets.test');
    await page.keyboard.press('Enter');
    await page.getByTestId('jwt-preview-header').getByText('HS256').waitFor({ timeout: STEP });
    const token = (await page.getByTestId('jwt-preview-token').textContent())?.trim() ?? '';
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(HMAC_SECRET), {
      currentDate: new Date(Date.now() - 2000),
      clockTolerance: 10,
    });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload.sub).toBe(memberId);
    expect(payload['https://hasura.io/jwt/claims']).toEqual({ 'x-hasura-user-id': memberId });
    await shot(page, 'dashboard-org-06-jwt-template-preview');
    await page.getByRole('button', { name: 'Save template' }).click();
    await page.getByText('HS256, own key').waitFor({ timeout: STEP });
    // Editing shows the key is stored, not the key.
    await page.getByRole('button', { name: 'Edit hasura' }).click();
    await page.getByText('A key is stored (sealed; never shown). Leave empty to keep it.').waitFor({ timeout: STEP });
    await expect(page.getByLabel('Signing key', { exact: true }).inputValue()).resolves.toBe('');
    expect(await page.content()).not.toContain(HMAC_SECRET);
    await shot(page, 'dashboard-org-07-jwt-templates');
    const templates = await clerk().jwtTemplates.list();
    expect(JSON.stringify(templates)).not.toContain(HMAC_SECRET);
  }, 90_000);

  it('creates an organization with a creator found by e-mail, renames it, refuses bad metadata JSON, and deletes it after confirming', async () => {
    await go('/dashboard/organizations', 'Organizations');
    await page.getByRole('button', { name: 'New organization' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Moon Base');
    await page.getByLabel('Find the creator by e-mail, name or user id').fill('max@rockets.test');
    await page.keyboard.press('Enter');
    // One match: chosen at once.
    await expect(page.getByLabel(/Max Member · max@rockets\.test/).isChecked({ timeout: STEP })).resolves.toBe(true);
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.getByRole('heading', { level: 1, name: 'Moon Base' }).waitFor({ timeout: STEP });
    const id = new URL(page.url()).pathname.split('/').pop() ?? '';
    const created = await clerk().organizations.getOrganization({ organizationId: id });
    expect(created).toMatchObject({ name: 'Moon Base', slug: 'moon-base', createdBy: memberId });
    const members = await clerk().organizations.getOrganizationMembershipList({ organizationId: id });
    expect(members.data.map((m) => [m.publicUserData?.userId, m.role])).toEqual([[memberId, 'org:admin']]);

    await page.getByLabel('Organization name').fill('Moon Base Alpha');
    await page.getByLabel('Organization slug').fill('moon-base-alpha');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Profile saved.').waitFor({ timeout: STEP });
    await page.getByRole('heading', { level: 1, name: 'Moon Base Alpha' }).waitFor({ timeout: STEP });
    expect(await clerk().organizations.getOrganization({ slug: 'moon-base-alpha' })).toMatchObject({ id, name: 'Moon Base Alpha' });

    await page.getByLabel('Public metadata', { exact: true }).fill('{"tier": "gold"');
    await page.getByRole('button', { name: 'Save metadata' }).click();
    await page.getByText('Public metadata is not a valid JSON object; nothing was saved.').waitFor({ timeout: STEP });
    expect((await clerk().organizations.getOrganization({ organizationId: id })).publicMetadata).toEqual({});
    await shot(page, 'dashboard-org-08-organization-profile');

    await page.getByRole('button', { name: 'Delete organization…' }).click();
    const remove = page.getByRole('button', { name: 'Delete Moon Base Alpha permanently' });
    await expect(remove.isDisabled()).resolves.toBe(true);
    await page.getByLabel('Type the slug “moon-base-alpha” to confirm').fill('moon-base-alpha');
    await remove.click();
    await page.getByRole('heading', { level: 1, name: 'Organizations' }).waitFor({ timeout: STEP });
    await expect(clerk().organizations.getOrganization({ organizationId: id })).rejects.toMatchObject({ status: 404 });
  }, 90_000);

  it('records every action in the audit log', async () => {
    await go('/dashboard/audit', 'Audit log');
    await page.getByLabel('Action starts with').fill('organization');
    await page.keyboard.press('Enter');
    for (const action of [
      'organization_permission.create',
      'organization_role.create',
      'organization_settings.update',
      'organization.membership_role',
      'organization.invitation_create',
      'organization.invitation_revoke',
      'organization.domain_create',
      'organization.domain_update',
      'organization.create',
      'organization.update',
      'organization.delete',
    ]) {
      await page.getByRole('cell', { name: action, exact: true }).first().waitFor({ timeout: STEP });
    }
    await shot(page, 'dashboard-org-09-audit-log');
    await page.getByLabel('Action starts with').fill('jwt_template');
    await page.keyboard.press('Enter');
    for (const action of ['jwt_template.create', 'jwt_template.preview_token']) {
      await page.getByRole('cell', { name: action, exact: true }).first().waitFor({ timeout: STEP });
    }
    expect(await page.content()).not.toContain(HMAC_SECRET);
  }, 60_000);
});
