import { type ClerkClient, createClerkClient, verifyToken } from '@clerk/backend';
import { expect, it } from 'vitest';
import { type Dialect, describeAgainstGatehouse, sdkErrorOf as errorOf, startGatehouseForSuite } from '../../testing/sdk-server.js';
import type { RunningServer } from '../../testing/server.js';

/**
 * The official `@clerk/backend` client, configured only with what `gatehouse env --json` prints,
 * round-trips every Backend API method Gatehouse implements, against a real `gatehouse start`.
 */
function sdkSuite(dialect: Dialect) {
  let server: RunningServer;
  let clerk: ClerkClient;
  startGatehouseForSuite(dialect, (started) => {
    ({ server, clerk } = started);
  });

  it('creates, reads, lists, counts, updates and deletes users', async () => {
    const created = await clerk.users.createUser({
      emailAddress: [`ann.${dialect}@example.com`],
      password: 'Hunter2-is-not-enough',
      firstName: 'Ann',
      lastName: 'Lee',
      username: `ann_${dialect}`,
      externalId: `ext-ann-${dialect}`,
    });
    expect(created.id).toMatch(/^user_/);
    expect(created.primaryEmailAddress?.emailAddress).toBe(`ann.${dialect}@example.com`);
    expect(created.passwordEnabled).toBe(true);

    const fetched = await clerk.users.getUser(created.id);
    expect(fetched.firstName).toBe('Ann');
    expect(fetched.lastName).toBe('Lee');
    expect(fetched.emailAddresses.map((e) => e.emailAddress)).toEqual([`ann.${dialect}@example.com`]);
    expect(fetched.emailAddresses[0]?.verification?.status).toBe('verified');

    await clerk.users.createUser({
      emailAddress: [`bob.${dialect}@example.com`],
      firstName: 'Bob',
      skipPasswordChecks: true,
      password: 'password',
    });
    const list = await clerk.users.getUserList({
      emailAddress: [`ann.${dialect}@example.com`, `bob.${dialect}@example.com`],
      orderBy: '+created_at',
    });
    expect(list.totalCount).toBe(2);
    expect(list.data.map((u) => u.firstName)).toEqual(['Ann', 'Bob']);
    expect((await clerk.users.getUserList({ query: `ann.${dialect}` })).data.map((u) => u.id)).toEqual([created.id]);
    expect((await clerk.users.getUserList({ externalId: [`ext-ann-${dialect}`] })).data[0]?.id).toBe(created.id);
    expect((await clerk.users.getUserList({ username: [`ann_${dialect}`] })).data[0]?.id).toBe(created.id);
    expect((await clerk.users.getUserList({ userId: [created.id] })).totalCount).toBe(1);
    expect((await clerk.users.getUserList({ limit: 1, offset: 1, orderBy: '-created_at' })).data[0]?.id).toBe(created.id);
    expect(await clerk.users.getCount()).toBe(2);
    expect(await clerk.users.getCount({ query: `bob.${dialect}` })).toBe(1);

    const updated = await clerk.users.updateUser(created.id, { firstName: 'Annie' });
    expect(updated.firstName).toBe('Annie');

    expect(await clerk.users.verifyPassword({ userId: created.id, password: 'Hunter2-is-not-enough' })).toEqual({ verified: true });
    expect(await errorOf(clerk.users.verifyPassword({ userId: created.id, password: 'wrong-password' }))).toEqual({
      status: 422,
      code: 'form_password_incorrect',
    });

    expect((await clerk.users.banUser(created.id)).banned).toBe(true);
    expect((await clerk.users.unbanUser(created.id)).banned).toBe(false);
    expect((await clerk.users.lockUser(created.id)).locked).toBe(true);
    expect((await clerk.users.unlockUser(created.id)).locked).toBe(false);

    const bob = (await clerk.users.getUserList({ query: `bob.${dialect}` })).data[0];
    if (!bob) throw new Error('bob missing');
    const deleted = await clerk.users.deleteUser(bob.id);
    expect(deleted).toMatchObject({ id: bob.id, deleted: true, object: 'user' });
    expect(await errorOf(clerk.users.getUser(bob.id))).toEqual({ status: 404, code: 'resource_not_found' });
  });

  it('accepts every users-list filter getUserList and getCount send', async () => {
    const t0 = Date.UTC(2024, 0, 1);
    const old = await clerk.users.createUser({ emailAddress: [`old.${dialect}@example.com`], createdAt: new Date(t0) });
    const fresh = await clerk.users.createUser({ emailAddress: [`fresh.${dialect}@example.com`], createdAt: new Date(t0 + 60_000) });
    const both = [old.id, fresh.id];
    const ids = async (params: Parameters<ClerkClient['users']['getUserList']>[0]) =>
      (await clerk.users.getUserList({ userId: both, orderBy: '+created_at', ...params })).data.map((u) => u.id);

    // A session makes `fresh` active and signed in now; `old` never was.
    const before = Date.now() - 1;
    await clerk.sessions.createSession({ userId: fresh.id });
    const org = await clerk.organizations.createOrganization({ name: `Filters ${dialect}`, createdBy: old.id });

    expect(await ids({})).toEqual(both);
    // Verified phone numbers match (in any common spelling); Web3 wallets match nobody (Gatehouse has none).
    expect(await ids({ phoneNumber: ['+15555550100'] })).toEqual([]);
    const phone = await clerk.phoneNumbers.createPhoneNumber({ userId: fresh.id, phoneNumber: '+15555550100', verified: true });
    await clerk.phoneNumbers.createPhoneNumber({ userId: old.id, phoneNumber: '+15555550101', verified: false });
    expect(await ids({ phoneNumber: ['+1 (555) 555-0100', '+15555550101'] })).toEqual([fresh.id]);
    expect(await clerk.users.getCount({ userId: both, phoneNumber: ['+15555550100'] })).toBe(1);
    await clerk.phoneNumbers.deletePhoneNumber(phone.id);
    expect(await ids({ web3Wallet: ['0x0000000000000000000000000000000000000000'] })).toEqual([]);
    expect(await ids({ organizationId: [org.id] })).toEqual([old.id]);
    expect(await ids({ createdAtAfter: t0 + 30_000 })).toEqual([fresh.id]);
    expect(await ids({ createdAtBefore: t0 + 30_000 })).toEqual([old.id]);
    expect(await ids({ lastActiveAtAfter: before })).toEqual([fresh.id]);
    expect(await ids({ last_active_at_since: before })).toEqual([fresh.id]);
    expect(await ids({ lastActiveAtBefore: Date.now() + 60_000 })).toEqual([fresh.id]);
    expect(await ids({ lastSignInAtAfter: before })).toEqual([fresh.id]);
    expect(await ids({ lastSignInAtBefore: before })).toEqual([]);
    expect(await clerk.users.getCount({ userId: both, phoneNumber: ['+15555550100'] })).toBe(0);
    expect(await clerk.users.getCount({ userId: both, web3Wallet: ['0x00'] })).toBe(0);
    expect(await clerk.users.getCount({ userId: both, query: `.${dialect}@` })).toBe(2);

    await clerk.organizations.deleteOrganization(org.id);
    for (const id of both) await clerk.users.deleteUser(id);
  });

  it('merges and replaces metadata', async () => {
    const user = await clerk.users.createUser({ emailAddress: [`meta.${dialect}@example.com`] });
    const merged1 = await clerk.users.updateUserMetadata(user.id, {
      publicMetadata: { role: 'admin', prefs: { theme: 'dark', lang: 'en' } },
      privateMetadata: { stripeId: 'cus_1' },
    });
    expect(merged1.publicMetadata).toEqual({ role: 'admin', prefs: { theme: 'dark', lang: 'en' } });
    const merged2 = await clerk.users.updateUserMetadata(user.id, { publicMetadata: { prefs: { lang: 'ko' }, role: null } });
    expect(merged2.publicMetadata).toEqual({ prefs: { theme: 'dark', lang: 'ko' } });
    expect(merged2.privateMetadata).toEqual({ stripeId: 'cus_1' });
    const replaced = await clerk.users.replaceUserMetadata(user.id, { publicMetadata: { onboardingComplete: true } });
    expect(replaced.publicMetadata).toEqual({ onboardingComplete: true });
    expect((await clerk.users.getUser(user.id)).unsafeMetadata).toEqual({});
  });

  it('manages e-mail addresses', async () => {
    const user = await clerk.users.createUser({ emailAddress: [`first.${dialect}@example.com`] });
    const added = await clerk.emailAddresses.createEmailAddress({
      userId: user.id,
      emailAddress: `Second.${dialect}@Example.com`,
      verified: false,
    });
    expect(added.emailAddress).toBe(`second.${dialect}@example.com`);
    expect(added.verification).toBeNull();
    expect((await clerk.emailAddresses.getEmailAddress(added.id)).id).toBe(added.id);
    const verified = await clerk.emailAddresses.updateEmailAddress(added.id, { verified: true, primary: true });
    expect(verified.verification?.status).toBe('verified');
    expect((await clerk.users.getUser(user.id)).primaryEmailAddressId).toBe(added.id);
    const gone = await clerk.emailAddresses.deleteEmailAddress(added.id);
    expect(gone).toMatchObject({ id: added.id, deleted: true });
    const after = await clerk.users.getUser(user.id);
    expect(after.emailAddresses.map((e) => e.emailAddress)).toEqual([`first.${dialect}@example.com`]);
    expect(after.primaryEmailAddressId).toBe(after.emailAddresses[0]?.id);
  });

  it('issues session tokens that verifyToken and authenticateRequest accept, with custom claims', async () => {
    const user = await clerk.users.createUser({ emailAddress: [`tok.${dialect}@example.com`], firstName: 'Toki' });
    const session = await clerk.sessions.createSession({ userId: user.id });
    expect(session.status).toBe('active');
    expect((await clerk.sessions.getSession(session.id)).userId).toBe(user.id);
    const sessions = await clerk.sessions.getSessionList({ userId: user.id });
    expect(sessions.totalCount).toBe(1);
    expect(sessions.data[0]?.id).toBe(session.id);

    // Seed 002: the session token carries the user's public metadata.
    const templateRes = await fetch(`${server.env.apiUrl}/v1/instance/session_token`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${server.env.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ claims: { metadata: '{{user.public_metadata}}', email: '{{user.primary_email_address}}' } }),
    });
    expect(templateRes.status).toBe(200);
    await clerk.users.updateUserMetadata(user.id, { publicMetadata: { onboardingComplete: true } });

    const { jwt } = await clerk.sessions.getToken(session.id);
    const viaJwks = await verifyToken(jwt, { secretKey: server.env.secretKey, apiUrl: server.env.apiUrl });
    expect(viaJwks.sub).toBe(user.id);
    expect(viaJwks.sid).toBe(session.id);
    expect(viaJwks.metadata).toEqual({ onboardingComplete: true });
    expect(viaJwks.email).toBe(`tok.${dialect}@example.com`);
    expect(viaJwks.exp - viaJwks.iat).toBe(60);
    const networkless = await verifyToken(jwt, { jwtKey: server.env.jwtKey });
    expect(networkless.sub).toBe(user.id);

    const state = await clerk.authenticateRequest(
      new Request('http://127.0.0.1:3000/api/hello', { headers: { authorization: `Bearer ${jwt}` } }),
    );
    expect(state.isSignedIn).toBe(true);
    const auth = state.toAuth();
    expect(auth?.userId).toBe(user.id);
    expect(auth?.sessionId).toBe(session.id);
    expect((auth?.sessionClaims as { metadata?: unknown } | undefined)?.metadata).toEqual({ onboardingComplete: true });

    const jwks = await clerk.jwks.getJwks();
    expect(jwks.keys?.[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });

    const revoked = await clerk.sessions.revokeSession(session.id);
    expect(revoked.status).toBe('revoked');
    expect(await errorOf(clerk.sessions.getToken(session.id))).toEqual({ status: 404, code: 'session_not_active' });

    const reset = await fetch(`${server.env.apiUrl}/v1/instance/session_token`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${server.env.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ claims: {} }),
    });
    expect(reset.status).toBe(200);
  });

  it('manages JWT templates and mints template tokens', async () => {
    const template = await clerk.jwtTemplates.create({
      name: `supabase-${dialect}`,
      claims: { role: 'authenticated', name: '{{user.first_name}} {{user.last_name}}' },
      lifetime: 120,
    });
    expect(template.name).toBe(`supabase-${dialect}`);
    expect((await clerk.jwtTemplates.get(template.id)).claims).toEqual({
      role: 'authenticated',
      name: '{{user.first_name}} {{user.last_name}}',
    });
    expect((await clerk.jwtTemplates.list()).data.map((t) => t.id)).toContain(template.id);
    const updated = await clerk.jwtTemplates.update({
      templateId: template.id,
      name: `supabase-${dialect}`,
      claims: { role: 'authenticated', name: '{{user.first_name}}' },
      lifetime: 300,
    });
    expect(updated.lifetime).toBe(300);

    const user = await clerk.users.createUser({ emailAddress: [`tpl.${dialect}@example.com`], firstName: 'Tem' });
    const session = await clerk.sessions.createSession({ userId: user.id });
    const { jwt } = await clerk.sessions.getToken(session.id, `supabase-${dialect}`);
    const [, payload] = jwt.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ role: 'authenticated', name: 'Tem', sub: user.id });
    expect((claims.exp as number) - (claims.iat as number)).toBe(300);
    expect(await errorOf(clerk.sessions.getToken(session.id, 'no-such-template'))).toEqual({ status: 404, code: 'resource_not_found' });

    expect(await clerk.jwtTemplates.delete(template.id)).toMatchObject({ id: template.id, deleted: true });
  });

  it('manages organizations and memberships', async () => {
    const owner = await clerk.users.createUser({ emailAddress: [`owner.${dialect}@example.com`], firstName: 'Olga', lastName: 'Owner' });
    const member = await clerk.users.createUser({ username: `member_${dialect}`, firstName: 'Max' });

    const acme = await clerk.organizations.createOrganization({
      name: `Acme ${dialect}, Inc.`,
      createdBy: owner.id,
      publicMetadata: { plan: 'pro' },
      privateMetadata: { stripe: 'cus_1' },
    });
    expect(acme.id).toMatch(/^org_/);
    expect(acme).toMatchObject({
      name: `Acme ${dialect}, Inc.`,
      slug: `acme-${dialect}-inc`,
      publicMetadata: { plan: 'pro' },
      privateMetadata: { stripe: 'cus_1' },
      maxAllowedMemberships: 0,
      adminDeleteEnabled: true,
      hasImage: false,
      createdBy: owner.id,
    });
    const other = await clerk.organizations.createOrganization({ name: 'Other', slug: `other-${dialect}`, maxAllowedMemberships: 2 });
    expect(other.slug).toBe(`other-${dialect}`);
    expect(await errorOf(clerk.organizations.createOrganization({ name: 'Dup', slug: `other-${dialect}` }))).toEqual({
      status: 422,
      code: 'form_identifier_exists',
    });

    expect((await clerk.organizations.getOrganization({ organizationId: acme.id })).name).toBe(`Acme ${dialect}, Inc.`);
    const bySlug = await clerk.organizations.getOrganization({ slug: `acme-${dialect}-inc`, includeMembersCount: true });
    expect(bySlug.id).toBe(acme.id);
    expect(bySlug.membersCount).toBe(1);

    const list = await clerk.organizations.getOrganizationList({ orderBy: '+created_at' });
    expect(list.totalCount).toBe(2);
    expect(list.data.map((o) => o.id)).toEqual([acme.id, other.id]);
    expect((await clerk.organizations.getOrganizationList()).data.map((o) => o.id)).toEqual([other.id, acme.id]);
    const counted = await clerk.organizations.getOrganizationList({ query: `Acme ${dialect}`, includeMembersCount: true });
    expect(counted.totalCount).toBe(1);
    expect(counted.data[0]?.membersCount).toBe(1);
    // The counts Clerk adds when asked: members, and invitations still pending (@clerk/backend keeps only the first).
    await clerk.organizations.createOrganizationInvitation({
      organizationId: acme.id,
      emailAddress: `invitee.${dialect}@example.com`,
      inviterUserId: owner.id,
      role: 'org:member',
    });
    const rawCounts = async (path: string) => {
      const response = await fetch(`${server.env.apiUrl}${path}`, { headers: { authorization: `Bearer ${server.env.secretKey}` } });
      return (await response.json()) as {
        members_count?: number;
        pending_invitations_count?: number;
        data?: { members_count?: number; pending_invitations_count?: number }[];
      };
    };
    expect(await rawCounts(`/v1/organizations/${acme.id}?include_members_count=true`)).toMatchObject({
      members_count: 1,
      pending_invitations_count: 1,
    });
    const listed = await rawCounts(`/v1/organizations?include_members_count=true&order_by=%2Bcreated_at`);
    expect(listed.data?.map((o) => [o.members_count, o.pending_invitations_count])).toEqual([
      [1, 1],
      [0, 0],
    ]);
    expect(await rawCounts(`/v1/organizations/${acme.id}`)).not.toHaveProperty('pending_invitations_count');
    expect((await clerk.organizations.getOrganizationList({ limit: 1, offset: 1, orderBy: 'name' })).data[0]?.id).toBe(other.id);

    const renamed = await clerk.organizations.updateOrganization(acme.id, { name: 'Acme Renamed', maxAllowedMemberships: 5 });
    expect(renamed).toMatchObject({ name: 'Acme Renamed', maxAllowedMemberships: 5, slug: `acme-${dialect}-inc` });
    const merged = await clerk.organizations.updateOrganizationMetadata(acme.id, { publicMetadata: { seats: 3, plan: null } });
    expect(merged.publicMetadata).toEqual({ seats: 3 });
    expect(merged.privateMetadata).toEqual({ stripe: 'cus_1' });
    const replaced = await clerk.organizations.replaceOrganizationMetadata(acme.id, { privateMetadata: { crm: 42 } });
    expect(replaced.publicMetadata).toEqual({ seats: 3 });
    expect(replaced.privateMetadata).toEqual({ crm: 42 });

    const membership = await clerk.organizations.createOrganizationMembership({
      organizationId: acme.id,
      userId: member.id,
      role: 'org:member',
    });
    expect(membership.id).toMatch(/^orgmem_/);
    expect(membership.role).toBe('org:member');
    expect(membership.permissions).toEqual(['org:sys_memberships:read']);
    expect(membership.organization.id).toBe(acme.id);
    expect(membership.publicUserData).toMatchObject({ userId: member.id, identifier: `member_${dialect}`, firstName: 'Max' });
    expect(
      await errorOf(clerk.organizations.createOrganizationMembership({ organizationId: acme.id, userId: member.id, role: 'org:member' })),
    ).toEqual({ status: 400, code: 'already_a_member_in_organization' });

    const members = await clerk.organizations.getOrganizationMembershipList({ organizationId: acme.id, orderBy: '+created_at' });
    expect(members.totalCount).toBe(2);
    expect(members.data.map((m) => [m.publicUserData?.userId, m.role])).toEqual([
      [owner.id, 'org:admin'],
      [member.id, 'org:member'],
    ]);
    expect(members.data[0]?.publicUserData?.identifier).toBe(`owner.${dialect}@example.com`);
    const onlyMember = await clerk.organizations.getOrganizationMembershipList({ organizationId: acme.id, userId: [member.id] });
    expect(onlyMember.data.map((m) => m.id)).toEqual([membership.id]);

    const promoted = await clerk.organizations.updateOrganizationMembership({
      organizationId: acme.id,
      userId: member.id,
      role: 'org:admin',
    });
    expect(promoted.role).toBe('org:admin');
    expect(promoted.permissions).toContain('org:sys_memberships:manage');
    const withMeta = await clerk.organizations.updateOrganizationMembershipMetadata({
      organizationId: acme.id,
      userId: member.id,
      publicMetadata: { title: 'CTO' },
    });
    expect(withMeta.publicMetadata).toEqual({ title: 'CTO' });

    await clerk.organizations.createOrganizationMembership({ organizationId: other.id, userId: member.id, role: 'org:member' });
    const mine = await clerk.users.getOrganizationMembershipList({ userId: member.id });
    expect(mine.totalCount).toBe(2);
    expect(mine.data.map((m) => m.organization.id)).toEqual([other.id, acme.id]);
    expect(mine.data[1]?.organization.name).toBe('Acme Renamed');

    const removed = await clerk.organizations.deleteOrganizationMembership({ organizationId: acme.id, userId: member.id });
    expect(removed.id).toBe(membership.id);
    expect((await clerk.users.getOrganizationMembershipList({ userId: member.id })).totalCount).toBe(1);
    expect(await errorOf(clerk.organizations.deleteOrganizationMembership({ organizationId: acme.id, userId: member.id }))).toEqual({
      status: 404,
      code: 'resource_not_found',
    });

    const deleted = await clerk.organizations.deleteOrganization(acme.id);
    expect(deleted).toMatchObject({ object: 'organization', id: acme.id, deleted: true });
    expect(await errorOf(clerk.organizations.getOrganization({ organizationId: acme.id }))).toEqual({
      status: 404,
      code: 'resource_not_found',
    });
    expect((await clerk.users.getOrganizationMembershipList({ userId: owner.id })).totalCount).toBe(0);
    await clerk.organizations.deleteOrganization(other.id);
    expect((await clerk.organizations.getOrganizationList()).totalCount).toBe(0);
  });

  it('answers 401 with Clerk errors for a missing or wrong secret key', async () => {
    const wrong = createClerkClient({ secretKey: 'sk_test_wrong', apiUrl: server.env.apiUrl });
    expect(await errorOf(wrong.users.getUserList())).toEqual({ status: 401, code: 'clerk_key_invalid' });
    const res = await fetch(`${server.env.apiUrl}/v1/users`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/json');
  });
}

describeAgainstGatehouse('@clerk/backend', sdkSuite);
