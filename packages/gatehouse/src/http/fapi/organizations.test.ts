import type { AddressInfo } from 'node:net';
import { type ClerkClient, createClerkClient } from '@clerk/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/app.js';
import { type FapiBrowser, fapiBrowser } from '../../testing/fapi-browser.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../../testing/services.js';

const pgOk = await postgresAvailable();

function decode(jwt: string): Record<string, unknown> {
  const [, payload] = jwt.split('.');
  return JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
}

async function errorOf(promise: Promise<unknown>): Promise<{ status: number; code: string | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { status?: number; errors?: { code: string }[] };
    return { status: e.status ?? 0, code: e.errors?.[0]?.code };
  }
  throw new Error('expected the call to fail');
}

/**
 * Organizations end to end over the Frontend API (as clerk-js calls it) and the Backend API (through
 * `@clerk/backend`): create, invite by mail, the invitee signs up with the ticket and joins, a custom
 * role with a custom permission reaches the next token and `has()`, the permission checks, the last
 * admin rule, sign-in tokens, and restricted sign-up.
 */
function organizationSuite(dialect: 'sqlite' | 'postgres') {
  let t: TestApp;
  let database: TestDatabase | undefined;
  let clerk: ClerkClient;
  let a: FapiBrowser;
  let b: FapiBrowser;
  let aUserId: string;
  let aSessionId: string;
  let orgId: string;

  async function signIn(browser: FapiBrowser, identifier: string, password: string) {
    const res = await browser.call('POST', '/v1/client/sign_ins', { identifier, password });
    expect(res.status).toBe(200);
    expect(res.body.response.status).toBe('complete');
    return res.body.response.created_session_id as string;
  }

  async function authOf(jwt: string) {
    const state = await clerk.authenticateRequest(new Request('http://127.0.0.1:3000/x', { headers: { authorization: `Bearer ${jwt}` } }));
    const auth = state.toAuth();
    if (!auth || !state.isSignedIn) throw new Error('signed out');
    return auth;
  }

  async function mintedToken(browser: FapiBrowser, sessionId: string): Promise<string> {
    const res = await browser.call('POST', `/v1/client/sessions/${sessionId}/tokens`, {});
    expect(res.status).toBe(200);
    return res.body.jwt as string;
  }

  async function ticketMailedTo(address: string): Promise<string> {
    const mail = (await t.store.mailOutbox.listRecent(50)).find((m) => m.toAddress === address);
    const link = mail?.textBody.match(/http\S+tickets\/accept\?ticket=\S+/)?.[0];
    if (!link) throw new Error(`no invitation mailed to ${address}`);
    return new URL(link).searchParams.get('ticket') ?? '';
  }

  beforeAll(async () => {
    database = dialect === 'postgres' ? await createTestDatabase() : undefined;
    t = await createTestApp({ databaseUrl: database?.url });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const apiUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/api`;
    clerk = createClerkClient({ secretKey: t.secretKey, apiUrl, publishableKey: t.domain.publishableKey(), telemetry: { disabled: true } });
    const user = await clerk.users.createUser({ emailAddress: ['alice@example.com'], password: 'a sturdy passphrase', firstName: 'Alice' });
    aUserId = user.id;
    a = fapiBrowser(t.app);
    b = fapiBrowser(t.app);
    aSessionId = await signIn(a, 'alice@example.com', 'a sturdy passphrase');
  });

  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it('announces organizations in the environment and lets a user create one, becoming its admin', async () => {
    const env = await a.call('GET', '/v1/environment');
    expect(env.body.organization_settings).toMatchObject({ enabled: true, actions: { admin_delete: true } });
    expect(env.body.user_settings.actions.create_organization).toBe(true);

    const created = await a.call('POST', '/v1/organizations', { name: 'Acme Rockets' });
    expect(created.status).toBe(200);
    expect(created.body.response).toMatchObject({ object: 'organization', name: 'Acme Rockets', slug: 'acme-rockets', members_count: 1 });
    expect(created.body.response.private_metadata).toBeUndefined();
    orgId = created.body.response.id;

    // clerk-js finds `clerk.organization` among the user's memberships on the client.
    const user = created.body.client.sessions[0].user;
    expect(user.organization_memberships).toHaveLength(1);
    expect(user.organization_memberships[0]).toMatchObject({ role: 'org:admin', organization: { id: orgId } });

    const mine = await a.call('GET', '/v1/me/organization_memberships?paginated=true&limit=10');
    expect(mine.body.response.total_count).toBe(1);

    // setActive({ organization }) → touch; the next token carries the organization.
    const touched = await a.call('POST', `/v1/client/sessions/${aSessionId}/touch`, { active_organization_id: orgId });
    expect(touched.body.response.last_active_organization_id).toBe(orgId);
    const auth = await authOf(await mintedToken(a, aSessionId));
    expect(auth.orgId).toBe(orgId);
    expect(auth.orgRole).toBe('org:admin');

    const roles = await a.call('GET', `/v1/organizations/${orgId}/roles`);
    expect(roles.body.response.data.map((r: { key: string }) => r.key)).toEqual(['org:admin', 'org:member']);
  });

  it('invites by e-mail; the invitee signs up with the ticket from the mail and lands as a member; the ticket is spent', async () => {
    const invited = await a.call('POST', `/v1/organizations/${orgId}/invitations`, {
      email_address: 'bob@example.com',
      role: 'org:member',
    });
    expect(invited.status).toBe(200);
    expect(invited.body.response).toMatchObject({ object: 'organization_invitation', status: 'pending', role: 'org:member' });
    const again = await a.call('POST', `/v1/organizations/${orgId}/invitations`, { email_address: 'bob@example.com' });
    expect(again.status).toBe(400);

    const ticket = await ticketMailedTo('bob@example.com');
    const link = await t.app.inject({ method: 'GET', url: `/v1/tickets/accept?ticket=${encodeURIComponent(ticket)}` });
    expect(link.statusCode).toBe(303);
    const target = new URL(String(link.headers.location));
    expect(target.pathname).toBe('/sign-up');
    expect(target.searchParams.get('__clerk_ticket')).toBe(ticket);
    expect(target.searchParams.get('__clerk_status')).toBe('sign_up');

    // What <SignUp/> does with __clerk_ticket: create with the ticket, then the missing password.
    const started = await b.call('POST', '/v1/client/sign_ups', { strategy: 'ticket', ticket });
    expect(started.status).toBe(200);
    expect(started.body.response).toMatchObject({
      status: 'missing_requirements',
      email_address: 'bob@example.com',
      missing_fields: ['password'],
    });
    const done = await b.call('PATCH', `/v1/client/sign_ups/${started.body.response.id}`, { password: 'another sturdy passphrase' });
    expect(done.body.response.status).toBe('complete');
    const bUser = done.body.client.sessions[0].user;
    expect(bUser.organization_memberships.map((m: { organization: { id: string }; role: string }) => [m.organization.id, m.role])).toEqual([
      [orgId, 'org:member'],
    ]);

    const reused = await fapiBrowser(t.app).call('POST', '/v1/client/sign_ups', { strategy: 'ticket', ticket });
    expect(reused.status).toBe(400);
    expect(reused.body.errors[0].code).toBe('ticket_invalid');
    const list = await clerk.organizations.getOrganizationInvitationList({ organizationId: orgId, status: ['accepted'] });
    expect(list.data.map((i) => i.emailAddress)).toEqual(['bob@example.com']);
  });

  it('a custom role with a custom permission reaches the next token and has(); members cannot remove the admin; the last admin stays', async () => {
    const permission = await clerk.organizationPermissions.createOrganizationPermission({
      key: 'org:invoices:create',
      name: 'Create invoices',
      description: 'Bill customers',
    });
    expect(permission).toMatchObject({ key: 'org:invoices:create' });
    const role = await clerk.organizationRoles.createOrganizationRole({
      key: 'org:billing',
      name: 'Billing',
      description: 'Bills',
      permissions: ['org:invoices:create', 'org:sys_memberships:read'],
    });
    expect(role.key).toBe('org:billing');
    expect((await clerk.organizationRoles.getOrganizationRoleList()).data.map((r) => r.key)).toContain('org:billing');

    const members = await a.call('GET', `/v1/organizations/${orgId}/memberships?paginated=true`);
    const bob = members.body.response.data.find(
      (m: { public_user_data: { identifier: string } }) => m.public_user_data.identifier === 'bob@example.com',
    );
    const bobId = bob.public_user_data.user_id as string;
    const changed = await a.call('PATCH', `/v1/organizations/${orgId}/memberships/${bobId}`, { role: 'org:billing' });
    expect(changed.status).toBe(200);
    expect(changed.body.response).toMatchObject({ role: 'org:billing', role_name: 'Billing' });

    const bSessionId = (await b.call('GET', '/v1/client')).body.response.last_active_session_id as string;
    await b.call('POST', `/v1/client/sessions/${bSessionId}/touch`, { active_organization_id: orgId });
    const jwt = await mintedToken(b, bSessionId);
    expect(decode(jwt).o).toMatchObject({ id: orgId, rol: 'billing' });
    const auth = await authOf(jwt);
    expect(auth.orgRole).toBe('org:billing');
    expect(auth.has({ permission: 'org:invoices:create' })).toBe(true);
    expect(auth.has({ permission: 'org:invoices:delete' })).toBe(false);

    // B may read members but not remove A, invite, or delete the organization.
    expect((await b.call('GET', `/v1/organizations/${orgId}/memberships`)).status).toBe(200);
    const removeA = await b.call('DELETE', `/v1/organizations/${orgId}/memberships/${aUserId}`);
    expect(removeA.status).toBe(403);
    expect(removeA.body.errors[0].code).toBe('not_authorized_in_organization');
    expect((await b.call('POST', `/v1/organizations/${orgId}/invitations`, { email_address: 'eve@example.com' })).status).toBe(403);
    expect((await b.call('DELETE', `/v1/organizations/${orgId}`)).status).toBe(403);
    // A stranger learns nothing about the organization.
    const stranger = await fapiBrowser(t.app).call('GET', `/v1/organizations/${orgId}`);
    expect(stranger.status).toBe(401);

    // The last admin can neither leave nor be demoted.
    const leave = await a.call('DELETE', `/v1/me/organization_memberships/${orgId}`);
    expect(leave.status).toBe(403);
    expect(leave.body.errors[0].code).toBe('organization_minimum_permissions_needed');
    expect((await a.call('PATCH', `/v1/organizations/${orgId}/memberships/${aUserId}`, { role: 'org:member' })).status).toBe(403);

    // Removed from the organization, B's next token has none.
    expect((await a.call('DELETE', `/v1/organizations/${orgId}/memberships/${bobId}`)).status).toBe(200);
    const after = decode(await mintedToken(b, bSessionId));
    expect(after.o).toBeUndefined();
  });

  it('Backend API invitations: create, bulk, list by status, get, revoke; instance invitations; bad input is 4xx', async () => {
    const inv = await clerk.organizations.createOrganizationInvitation({
      organizationId: orgId,
      emailAddress: 'carol@example.com',
      role: 'org:member',
      inviterUserId: aUserId,
      publicMetadata: { team: 'red' },
    });
    expect(inv).toMatchObject({ emailAddress: 'carol@example.com', role: 'org:member', status: 'pending', organizationId: orgId });
    expect(inv.url).toMatch(/tickets\/accept\?ticket=/);
    const bulk = await clerk.organizations.createOrganizationInvitationBulk(orgId, [
      { emailAddress: 'dan@example.com', role: 'org:member' },
      { emailAddress: 'erin@example.com', role: 'org:billing' },
    ]);
    expect(bulk.data.map((i) => i.emailAddress)).toEqual(['dan@example.com', 'erin@example.com']);
    const got = await clerk.organizations.getOrganizationInvitation({ organizationId: orgId, invitationId: inv.id });
    expect(got.publicMetadata).toEqual({ team: 'red' });
    const revoked = await clerk.organizations.revokeOrganizationInvitation({ organizationId: orgId, invitationId: inv.id });
    expect(revoked.status).toBe('revoked');
    const pending = await clerk.organizations.getOrganizationInvitationList({ organizationId: orgId, status: ['pending'] });
    expect(pending.data.map((i) => i.emailAddress).sort()).toEqual(['dan@example.com', 'erin@example.com']);
    expect(await errorOf(clerk.organizations.revokeOrganizationInvitation({ organizationId: orgId, invitationId: inv.id }))).toMatchObject({
      status: 400,
    });
    expect(
      await errorOf(
        clerk.organizations.createOrganizationInvitation({ organizationId: orgId, emailAddress: 'x@example.com', role: 'org:nope' }),
      ),
    ).toMatchObject({ status: 422 });
    expect(
      await errorOf(clerk.organizations.getOrganizationInvitation({ organizationId: orgId, invitationId: 'orginv_missing' })),
    ).toMatchObject({ status: 404 });

    const instance = await clerk.invitations.createInvitation({ emailAddress: 'frank@example.com', notify: false });
    expect(instance).toMatchObject({ emailAddress: 'frank@example.com', status: 'pending' });
    const listed = await clerk.invitations.getInvitationList({ status: 'pending' });
    expect(listed.data.map((i) => i.id)).toContain(instance.id);
    expect((await clerk.invitations.revokeInvitation(instance.id)).status).toBe('revoked');
    expect(await errorOf(clerk.invitations.createInvitation({ emailAddress: 'alice@example.com' }))).toMatchObject({ status: 422 });
  });

  it('sign-in tokens sign in once through the ticket strategy; revoked ones are refused', async () => {
    const token = await clerk.signInTokens.createSignInToken({ userId: aUserId, expiresInSeconds: 600 });
    expect(token.token).toMatch(/^gtk_/);
    const c = fapiBrowser(t.app);
    const signedIn = await c.call('POST', '/v1/client/sign_ins', { strategy: 'ticket', ticket: token.token });
    expect(signedIn.body.response).toMatchObject({ status: 'complete' });
    const twice = await fapiBrowser(t.app).call('POST', '/v1/client/sign_ins', { strategy: 'ticket', ticket: token.token });
    expect(twice.body.errors[0].code).toBe('ticket_invalid');

    const other = await clerk.signInTokens.createSignInToken({ userId: aUserId, expiresInSeconds: 600 });
    expect((await clerk.signInTokens.revokeSignInToken(other.id)).status).toBe('revoked');
    const refused = await fapiBrowser(t.app).call('POST', '/v1/client/sign_ins', { strategy: 'ticket', ticket: other.token });
    expect(refused.status).toBe(400);
  });

  it('organization domains: added from the profile, verified by a mailed code, enrollment mode; the Backend API round-trips them', async () => {
    // Off by default (the Domains section stays hidden); the Backend API turns it on with its modes.
    expect((await a.call('GET', '/v1/environment')).body.organization_settings.domains).toMatchObject({ enabled: false });
    const toggled = await clerk.instance.updateOrganizationSettings({
      domainsEnabled: true,
      domainsEnrollmentModes: ['manual_invitation', 'automatic_invitation'],
    });
    expect(toggled).toMatchObject({ domainsEnabled: true, domainsEnrollmentModes: ['manual_invitation', 'automatic_invitation'] });
    expect((await a.call('GET', '/v1/environment')).body.organization_settings.domains).toEqual({
      enabled: true,
      enrollment_modes: ['manual_invitation', 'automatic_invitation'],
      default_role: 'org:member',
    });
    const added = await a.call('POST', `/v1/organizations/${orgId}/domains`, { name: 'Rockets.Test' });
    expect(added.status).toBe(200);
    expect(added.body.response).toMatchObject({
      object: 'organization_domain',
      name: 'rockets.test',
      organization_id: orgId,
      enrollment_mode: 'manual_invitation',
      affiliation_verification: null,
      total_pending_invitations: 0,
    });
    const domainId = added.body.response.id as string;
    const base = `/v1/organizations/${orgId}/domains/${domainId}`;

    // Public mail providers, another organization's domain, an address elsewhere: refused.
    expect((await a.call('POST', `/v1/organizations/${orgId}/domains`, { name: 'gmail.com' })).body.errors[0].code).toBe(
      'organization_domain_common',
    );
    expect((await a.call('POST', `/v1/organizations/${orgId}/domains`, { name: 'rockets.test' })).body.errors[0].code).toBe(
      'organization_domain_already_exists',
    );
    expect((await a.call('POST', `/v1/organizations/${orgId}/domains`, { name: 'not a domain' })).status).toBe(422);
    const elsewhere = await a.call('POST', `${base}/prepare_affiliation_verification`, { affiliation_email_address: 'it@other.test' });
    expect(elsewhere.body.errors[0].code).toBe('organization_domain_mismatch');

    const prepared = await a.call('POST', `${base}/prepare_affiliation_verification`, { affiliation_email_address: 'it@rockets.test' });
    expect(prepared.status).toBe(200);
    expect(prepared.body.response).toMatchObject({
      affiliation_email_address: 'it@rockets.test',
      affiliation_verification: { status: 'unverified', strategy: 'email_code', attempts: 0 },
    });
    const mail = (await t.store.mailOutbox.listRecent(50)).find((m) => m.toAddress === 'it@rockets.test');
    const code = mail?.textBody.match(/\b\d{6}\b/)?.[0] ?? '';
    expect(code).toMatch(/^\d{6}$/);
    const wrong = await a.call('POST', `${base}/attempt_affiliation_verification`, { code: code === '000000' ? '111111' : '000000' });
    expect(wrong.body.errors[0].code).toBe('form_code_incorrect');
    const verified = await a.call('POST', `${base}/attempt_affiliation_verification`, { code });
    expect(verified.status).toBe(200);
    expect(verified.body.response.affiliation_verification).toMatchObject({ status: 'verified', strategy: 'email_code' });
    expect(verified.body.response.verification).toMatchObject({ status: 'verified' });

    const mode = await a.call('POST', `${base}/update_enrollment_mode`, { enrollment_mode: 'automatic_invitation' });
    expect(mode.body.response.enrollment_mode).toBe('automatic_invitation');
    expect((await a.call('POST', `${base}/update_enrollment_mode`, { enrollment_mode: 'everyone' })).status).toBe(422);
    const listed = await a.call('GET', `/v1/organizations/${orgId}/domains?enrollment_mode=automatic_invitation&limit=10&offset=0`);
    expect(listed.body.response).toMatchObject({ total_count: 1, data: [{ id: domainId, name: 'rockets.test' }] });
    expect((await a.call('GET', `/v1/organizations/${orgId}/domains?enrollment_mode=automatic_suggestion`)).body.response.total_count).toBe(
      0,
    );
    expect((await a.call('GET', base)).body.response.affiliation_verification.status).toBe('verified');

    // A plain member may neither read nor manage domains; a stranger is not told they exist.
    const bob = (await clerk.users.getUserList({ emailAddress: ['bob@example.com'] })).data[0];
    await clerk.organizations.createOrganizationMembership({ organizationId: orgId, userId: bob?.id ?? '', role: 'org:member' });
    const denied = await b.call('POST', `/v1/organizations/${orgId}/domains`, { name: 'bob.test' });
    expect(denied.status).toBe(403);
    expect(denied.body.errors[0].code).toBe('not_authorized_in_organization');
    expect((await b.call('GET', `/v1/organizations/${orgId}/domains`)).status).toBe(403);
    expect((await b.call('DELETE', base)).status).toBe(403);

    // The Backend API, through @clerk/backend. This SDK declares `OrganizationDomain` but has no
    // deserializer for `organization_domain`, so it hands back the wire JSON as it came.
    const raw = (value: unknown) => value as Record<string, unknown> & { verification: { status: string } | null };
    const listedBapi = await clerk.organizations.getOrganizationDomainList({ organizationId: orgId });
    expect(listedBapi.totalCount).toBe(1);
    expect(raw(listedBapi.data[0])).toMatchObject({ id: domainId, name: 'rockets.test', enrollment_mode: 'automatic_invitation' });
    expect(raw(listedBapi.data[0]).verification?.status).toBe('verified');
    const created = raw(
      await clerk.organizations.createOrganizationDomain({
        organizationId: orgId,
        name: 'launch.test',
        enrollmentMode: 'automatic_suggestion',
      }),
    );
    expect(created).toMatchObject({ name: 'launch.test', enrollment_mode: 'automatic_suggestion', organization_id: orgId });
    expect(created.verification?.status).toBe('verified');
    const createdId = String(created.id);
    const unverified = raw(
      await clerk.organizations.updateOrganizationDomain({
        organizationId: orgId,
        domainId: createdId,
        verified: false,
        enrollmentMode: 'manual_invitation',
      }),
    );
    expect(unverified).toMatchObject({ verification: null, enrollment_mode: 'manual_invitation' });
    expect(
      await errorOf(
        clerk.organizations.createOrganizationDomain({ organizationId: orgId, name: 'launch.test', enrollmentMode: 'manual_invitation' }),
      ),
    ).toEqual({ status: 400, code: 'organization_domain_already_exists' });
    expect(
      await errorOf(clerk.organizations.updateOrganizationDomain({ organizationId: orgId, domainId: 'orgdmn_nope', verified: true })),
    ).toEqual({ status: 404, code: 'resource_not_found' });
    expect(raw(await clerk.organizations.deleteOrganizationDomain({ organizationId: orgId, domainId: createdId })).id).toBe(createdId);
    expect((await clerk.organizations.getOrganizationDomainList({ organizationId: orgId })).totalCount).toBe(1);

    // Every organization's memberships, instance-wide.
    const everyone = await clerk.organizations.getInstanceOrganizationMembershipList({ orderBy: '+created_at', limit: 50 });
    expect(everyone.totalCount).toBe(2);
    expect(everyone.data.map((m) => [m.organization.id, m.role, m.publicUserData?.identifier])).toEqual([
      [orgId, 'org:admin', 'alice@example.com'],
      [orgId, 'org:member', 'bob@example.com'],
    ]);

    // Deleted from the profile.
    const gone = await a.call('DELETE', base);
    expect(gone.body.response).toMatchObject({ object: 'organization_domain', id: domainId, deleted: true });
    expect((await a.call('GET', base)).status).toBe(404);
  });

  it('restricted sign-up refuses an uninvited address; the blocklist refuses a domain; an invitation still admits', async () => {
    await clerk.instance.updateRestrictions({ sign_up_mode: 'restricted' } as never);
    const env = await fapiBrowser(t.app).call('GET', '/v1/environment');
    expect(env.body.user_settings.sign_up.mode).toBe('restricted');
    const refused = await fapiBrowser(t.app).call('POST', '/v1/client/sign_ups', {
      email_address: 'gina@example.com',
      password: 'a sturdy passphrase',
    });
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].code).toBe('sign_up_mode_restricted');

    const invitation = await clerk.invitations.createInvitation({ emailAddress: 'gina@example.com' });
    expect(invitation.status).toBe('pending');
    const ticket = await ticketMailedTo('gina@example.com');
    const admitted = await fapiBrowser(t.app).call('POST', '/v1/client/sign_ups', {
      strategy: 'ticket',
      ticket,
      password: 'a sturdy passphrase',
    });
    expect(admitted.body.response.status).toBe('complete');

    await clerk.instance.updateRestrictions({ sign_up_mode: 'public', blocklist: true } as never);
    expect(await clerk.blocklistIdentifiers.createBlocklistIdentifier({ identifier: 'blocked.test' })).toMatchObject({
      identifier: 'blocked.test',
      identifierType: 'domain',
    });
    const allowed1 = await clerk.allowlistIdentifiers.createAllowlistIdentifier({ identifier: 'Ann@Example.com', notify: false });
    expect(allowed1).toMatchObject({ identifier: 'ann@example.com', identifierType: 'email_address' });
    await clerk.allowlistIdentifiers.deleteAllowlistIdentifier(allowed1.id);
    const blocked = await fapiBrowser(t.app).call('POST', '/v1/client/sign_ups', { email_address: 'hal@blocked.test' });
    expect(blocked.status).toBe(403);
    expect(blocked.body.errors[0].code).toBe('not_allowed_access');
    const list = await clerk.blocklistIdentifiers.getBlocklistIdentifierList();
    expect(list.data.map((e) => e.identifier)).toEqual(['blocked.test']);
    await clerk.blocklistIdentifiers.deleteBlocklistIdentifier(list.data[0]?.id ?? '');
    const allowed = await fapiBrowser(t.app).call('POST', '/v1/client/sign_ups', { email_address: 'hal@blocked.test' });
    expect(allowed.status).toBe(200);
    const settings = await clerk.instance.getOrganizationSettings();
    expect(settings).toMatchObject({ enabled: true });
  });
}

describe('organizations, invitations, roles (SQLite)', () => organizationSuite('sqlite'));
describe.skipIf(!pgOk)('organizations, invitations, roles (PostgreSQL)', () => organizationSuite('postgres'));
