/**
 * The dashboard API's organizations (create, rename, metadata, delete; members, invitations,
 * domains; roles and permissions, the creator and default roles), JWT templates with custom
 * signing keys (HS256/512 and an RS256 PEM key), and the overview's figures, in-process over real
 * SQLite and PostgreSQL: each change is seen through the Backend API (and its webhooks), audited,
 * CSRF-checked, and bad input is refused with Clerk's error codes.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createLocalJWKSet, importSPKI, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CALLER } from '../../domain/caller.js';
import { createTestApp, type TestApp } from '../../testing/app.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../../testing/services.js';

const pgOk = await postgresAvailable();
const ORIGIN = 'http://127.0.0.1:4000';
const PASSWORD = 'a long operator passphrase';
const HMAC_SECRET = 'a-shared-secret-for-hasura-0123456789';

function suite(dialect: 'sqlite' | 'postgres') {
  let t: TestApp;
  let database: TestDatabase | undefined;
  let cookie = '';
  let csrf = '';
  let orgId = '';
  let ownerId = '';
  const get = (url: string) => t.app.inject({ method: 'GET', url: `/dashboard/api${url}`, headers: { cookie } });
  const write = (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({
      method,
      url: `/dashboard/api${url}`,
      headers: { origin: ORIGIN, cookie, 'x-gatehouse-csrf': csrf, ...(payload ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(payload ? { payload: payload as object } : {}),
    });
  const bapi = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: t.auth, ...(payload ? { payload } : {}) });
  const auditActions = async (query: string) =>
    ((await get(`/audit?${query}`)).json().data as { action: string; detail: Record<string, unknown> }[]).map((e) => e.action);
  const errorCode = (res: { json(): unknown }) => (res.json() as { errors: { code: string }[] }).errors[0]?.code;

  beforeAll(async () => {
    database = dialect === 'postgres' ? await createTestDatabase() : undefined;
    t = await createTestApp({ flags: { port: '4000' }, ...(database ? { databaseUrl: database.url } : {}) });
    const token = await t.domain.operators.firstOperatorLink();
    await t.app.inject({
      method: 'POST',
      url: '/dashboard/api/setup',
      headers: { origin: ORIGIN },
      payload: { token, email: 'ops@example.com', password: PASSWORD },
    });
    const res = await t.app.inject({
      method: 'POST',
      url: '/dashboard/api/sign-in',
      headers: { origin: ORIGIN },
      payload: { email: 'ops@example.com', password: PASSWORD },
    });
    cookie = ([res.headers['set-cookie']].flat().find((l) => String(l).startsWith('__gatehouse_operator=')) ?? '').split(';')[0] ?? '';
    csrf = res.json().csrf_token;
    ownerId = (await t.domain.users.create({ emailAddresses: ['owner@acme.test'], firstName: 'Olive' }, SYSTEM_CALLER)).user.id;
    await t.domain.users.create({ emailAddresses: ['member@acme.test'], firstName: 'Max' }, SYSTEM_CALLER);
    orgId = (await bapi('POST', '/organizations', { name: 'Acme', created_by: ownerId })).json().id;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it('creates a custom permission and role, edits and deletes them, and refuses to touch built-in ones', async () => {
    const permission = await write('POST', '/organization-permissions', { key: 'org:invoices:approve', name: 'Approve invoices' });
    expect(permission.statusCode).toBe(200);
    const role = await write('POST', '/organization-roles', {
      key: 'org:billing',
      name: 'Billing',
      description: 'Pays the bills',
      permissions: ['org:invoices:approve', 'org:sys_memberships:read'],
    });
    expect(role.statusCode).toBe(200);
    expect(role.json().permissions.map((p: { key: string }) => p.key)).toEqual(['org:invoices:approve', 'org:sys_memberships:read']);
    // The Backend API sees the same role.
    const listed = (await bapi('GET', '/organization_roles?limit=50')).json().data.map((r: { key: string }) => r.key);
    expect(listed).toContain('org:billing');

    const edited = await write('PATCH', `/organization-roles/${role.json().id}`, {
      name: 'Billing team',
      permissions: ['org:invoices:approve'],
    });
    expect(edited.json()).toMatchObject({ name: 'Billing team', key: 'org:billing' });
    const catalog = (await get('/organization-roles')).json();
    expect(catalog.roles.find((r: { key: string }) => r.key === 'org:admin')).toMatchObject({ built_in: true });
    expect(catalog.roles.find((r: { key: string }) => r.key === 'org:billing')).toMatchObject({ built_in: false, name: 'Billing team' });

    const throwaway = await write('POST', '/organization-roles', { key: 'org:temp', name: 'Temp' });
    expect((await write('DELETE', `/organization-roles/${throwaway.json().id}`)).statusCode).toBe(200);
    expect((await get('/organization-roles')).json().roles.some((r: { key: string }) => r.key === 'org:temp')).toBe(false);

    const bad = [
      ['POST', '/organization-roles', { key: 'billing', name: 'No prefix' }, 'form_param_format_invalid'],
      ['POST', '/organization-roles', { key: 'org:billing', name: 'Twice' }, 'form_identifier_exists'],
      ['POST', '/organization-roles', { name: 'No key' }, 'form_param_missing'],
      ['PATCH', '/organization-roles/role_admin', { name: 'Boss' }, 'form_param_value_invalid'],
      ['DELETE', '/organization-roles/role_member', undefined, 'form_param_value_invalid'],
      ['POST', '/organization-permissions', { key: 'org:sys_x:y', name: 'System' }, 'form_param_format_invalid'],
      ['POST', '/organization-roles', { key: 'org:x', name: 'X', extra: 1 }, 'form_param_unknown'],
    ] as const;
    for (const [method, url, body, code] of bad) {
      const res = await write(method, url, body);
      expect(res.statusCode, `${method} ${url} ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(errorCode(res), `${method} ${url} ${JSON.stringify(body)}`).toBe(code);
    }
    const actions = await auditActions('action=organization_');
    for (const action of [
      'organization_permission.create',
      'organization_role.create',
      'organization_role.update',
      'organization_role.delete',
    ]) {
      expect(actions).toContain(action);
    }
  });

  it('adds a member by e-mail, gives them the custom role, seen through the Backend API, then removes them', async () => {
    const added = await write('POST', `/organizations/${orgId}/memberships`, { user: 'member@acme.test', role: 'org:member' });
    expect(added.statusCode).toBe(200);
    const memberId = added.json().public_user_data.user_id;
    const detail = (await get(`/organizations/${orgId}`)).json();
    expect(detail.members_total).toBe(2);
    expect(detail.roles.map((r: { key: string }) => r.key)).toContain('org:billing');

    expect((await write('PATCH', `/organizations/${orgId}/memberships/${memberId}`, { role: 'org:billing' })).statusCode).toBe(200);
    const memberships = (await bapi('GET', `/organizations/${orgId}/memberships`)).json().data;
    expect(memberships.find((m: { public_user_data: { user_id: string } }) => m.public_user_data.user_id === memberId).role).toBe(
      'org:billing',
    );
    expect(errorCode(await write('PATCH', `/organizations/${orgId}/memberships/${memberId}`, { role: 'org:nope' }))).toBe(
      'form_param_value_invalid',
    );
    expect(errorCode(await write('POST', `/organizations/${orgId}/memberships`, { user: 'nobody@acme.test', role: 'org:member' }))).toBe(
      'form_param_value_invalid',
    );
    // A search narrows the member list (server-side).
    const found = (await get(`/organizations/${orgId}?members_query=max`)).json();
    expect(found.members.map((m: { public_user_data: { user_id: string } }) => m.public_user_data.user_id)).toEqual([memberId]);

    expect((await write('DELETE', `/organizations/${orgId}/memberships/${memberId}`)).statusCode).toBe(200);
    expect((await bapi('GET', `/organizations/${orgId}/memberships`)).json().total_count).toBe(1);
    const actions = await auditActions(`target_id=${orgId}`);
    for (const action of ['organization.membership_create', 'organization.membership_role', 'organization.membership_remove']) {
      expect(actions).toContain(action);
    }
  });

  it('invites by e-mail (mailed, no link in the answer or the audit log), lists and revokes the invitation', async () => {
    const invited = await write('POST', `/organizations/${orgId}/invitations`, {
      email_address: 'New.Hire@Acme.test',
      role: 'org:billing',
    });
    expect(invited.statusCode).toBe(200);
    expect(invited.json()).toMatchObject({
      email_address: 'new.hire@acme.test',
      role: 'org:billing',
      role_name: 'Billing team',
      status: 'pending',
    });
    expect(invited.json().url).toBeNull();
    const mail = (await t.store.mailOutbox.listRecent(20)).find((m) => m.toAddress === 'new.hire@acme.test');
    expect(mail?.subject).toMatch(/Acme/);
    expect(errorCode(await write('POST', `/organizations/${orgId}/invitations`, { email_address: 'new.hire@acme.test' }))).toBe(
      'duplicate_record',
    );

    const pending = (await get(`/organizations/${orgId}/invitations?status=pending`)).json();
    expect(pending.total_count).toBe(1);
    const id = pending.data[0].id;
    const revoked = await write('POST', `/organizations/${orgId}/invitations/${id}/revoke`);
    expect(revoked.json().status).toBe('revoked');
    expect((await bapi('GET', `/organizations/${orgId}/invitations/${id}`)).json().status).toBe('revoked');
    expect((await write('POST', `/organizations/${orgId}/invitations/${id}/revoke`)).statusCode).toBe(400);

    const events = (await get(`/audit?target_id=${orgId}&action=organization.invitation`)).json().data as { detail: object }[];
    expect(events.length).toBe(2);
    expect(JSON.stringify(events)).not.toMatch(/__clerk_ticket|ticket=/);
  });

  it('adds a domain unverified, verifies it, changes its enrollment mode and deletes it', async () => {
    const added = await write('POST', `/organizations/${orgId}/domains`, { name: 'Acme.test', enrollment_mode: 'manual_invitation' });
    expect(added.statusCode).toBe(200);
    expect(added.json()).toMatchObject({ name: 'acme.test', verification: null });
    const id = added.json().id;
    const verified = await write('PATCH', `/organizations/${orgId}/domains/${id}`, {
      verified: true,
      enrollment_mode: 'automatic_invitation',
    });
    expect(verified.json()).toMatchObject({ enrollment_mode: 'automatic_invitation', verification: { status: 'verified' } });
    const listed = (await bapi('GET', `/organizations/${orgId}/domains`)).json().data;
    expect(listed[0]).toMatchObject({ name: 'acme.test', enrollment_mode: 'automatic_invitation' });

    for (const [body, code] of [
      [{ name: 'gmail.com' }, 'organization_domain_common'],
      [{ name: 'not a domain' }, 'form_param_format_invalid'],
      [{ name: 'acme.test' }, 'organization_domain_already_exists'],
      [{ name: 'other.test', enrollment_mode: 'whenever' }, 'form_param_value_invalid'],
    ] as const) {
      const res = await write('POST', `/organizations/${orgId}/domains`, body);
      expect(res.statusCode, JSON.stringify(body)).toBeLessThan(500);
      expect(errorCode(res), JSON.stringify(body)).toBe(code);
    }
    expect((await write('DELETE', `/organizations/${orgId}/domains/${id}`)).statusCode).toBe(200);
    expect((await get(`/organizations/${orgId}/domains`)).json().total_count).toBe(0);
    const actions = await auditActions(`target_id=${orgId}&action=organization.domain`);
    expect(actions.sort()).toEqual(['organization.domain_create', 'organization.domain_delete', 'organization.domain_update']);
  });

  it('keeps a JWT template’s custom signing key sealed and out of every answer, and previews a token signed with it', async () => {
    const created = await write('POST', '/jwt-templates', {
      name: 'hasura',
      claims: { name: '{{user.first_name}}' },
      lifetime: 60,
      custom_signing_key: true,
      signing_algorithm: 'HS256',
      signing_key: HMAC_SECRET,
    });
    expect(created.statusCode).toBe(200);
    expect(created.json()).toMatchObject({ custom_signing_key: true, signing_algorithm: 'HS256' });
    const list = await get('/jwt-templates');
    for (const res of [created, list, await bapi('GET', `/jwt_templates/${created.json().id}`), await get('/audit?action=jwt_template.')]) {
      expect(res.body).not.toContain(HMAC_SECRET);
    }
    const row = await t.store.jwtTemplates.findById(created.json().id);
    expect(row?.signingKeyEnc).toBeTruthy();
    expect(row?.signingKeyEnc).not.toContain(HMAC_SECRET);

    // The preview signs with the stored key (never sent back) and is expired as made.
    const preview = await write('POST', '/jwt-templates/preview-token', {
      claims: { name: '{{user.first_name}}' },
      user_id: ownerId,
      template_id: created.json().id,
    });
    expect(preview.statusCode).toBe(200);
    expect(preview.body).not.toContain(HMAC_SECRET);
    expect(preview.json().header).toMatchObject({ alg: 'HS256', typ: 'JWT' });
    const { payload } = await jwtVerify(preview.json().token, new TextEncoder().encode(HMAC_SECRET), {
      currentDate: new Date((preview.json().claims.iat - 1) * 1000),
      clockTolerance: 5,
    });
    expect(payload).toMatchObject({ sub: ownerId, name: 'Olive' });
    expect(payload.exp).toBe(payload.iat);
    await expect(jwtVerify(preview.json().token, new TextEncoder().encode(HMAC_SECRET))).rejects.toThrow(/exp/);

    // An unsaved key previews too; a bad one is refused the way a save would refuse it.
    const unsaved = await write('POST', '/jwt-templates/preview-token', {
      claims: {},
      user_id: ownerId,
      custom_signing_key: true,
      signing_algorithm: 'HS512',
      signing_key: 'another secret',
    });
    expect(unsaved.json().header.alg).toBe('HS512');
    const badKey = await write('POST', '/jwt-templates', {
      name: 'bad',
      claims: {},
      custom_signing_key: true,
      signing_algorithm: 'RS256',
      signing_key: 'not a pem',
    });
    expect(errorCode(badKey)).toBe('form_param_format_invalid');
    expect(
      errorCode(
        await write('POST', '/jwt-templates', {
          name: 'bad2',
          claims: {},
          custom_signing_key: true,
          signing_algorithm: 'ES256',
          signing_key: 'x',
        }),
      ),
    ).toBe('form_param_value_invalid');
    const audit = (await get('/audit?action=jwt_template.')).json().data as { action: string; detail: Record<string, unknown> }[];
    expect(audit.find((e) => e.action === 'jwt_template.create')?.detail).toMatchObject({
      signing_key_changed: true,
      signing_algorithm: 'HS256',
    });
    expect(audit.some((e) => e.action === 'jwt_template.preview_token')).toBe(true);
  });

  it('needs the CSRF token on every new write', async () => {
    for (const [method, url, body] of [
      ['POST', '/organization-roles', { key: 'org:csrf', name: 'CSRF' }],
      ['POST', `/organizations/${orgId}/invitations`, { email_address: 'csrf@acme.test' }],
      ['POST', `/organizations/${orgId}/domains`, { name: 'csrf.test' }],
      ['POST', '/jwt-templates/preview-token', { claims: {}, user_id: ownerId }],
      ['POST', '/organizations', { name: 'CSRF Inc' }],
      ['PATCH', `/organizations/${orgId}`, { name: 'Renamed by CSRF' }],
      ['PUT', `/organizations/${orgId}/metadata`, { public_metadata: { csrf: true } }],
      ['DELETE', `/organizations/${orgId}`, undefined],
      ['PATCH', '/organization-settings', { creator_role: 'org:member' }],
    ] as const) {
      expect((await write(method, url, body, { 'x-gatehouse-csrf': 'wrong' })).statusCode, url).toBe(403);
    }
    expect((await t.app.inject({ method: 'GET', url: '/dashboard/api/organization-roles' })).statusCode).toBe(401);
    expect((await bapi('GET', `/organizations/${orgId}`)).json()).toMatchObject({ name: 'Acme', public_metadata: {} });
  });

  it('counts sign-ups, sign-ins and active users per day in the database, and reports the webhook backlog', async () => {
    const user = await t.domain.users.create({ emailAddresses: ['active@acme.test'] }, SYSTEM_CALLER);
    await t.domain.sessions.create(user.user.id, SYSTEM_CALLER);
    await t.domain.sessions.create(user.user.id, SYSTEM_CALLER);
    const overview = (await get('/overview')).json();
    expect(overview.activity).toHaveLength(30);
    const today = overview.activity.at(-1);
    expect(today.day).toBe(new Date().toISOString().slice(0, 10));
    expect(today.signUps).toBe(3); // owner, member, active
    expect(today.signIns).toBe(2);
    expect(today.activeUsers).toBe(1);
    expect(overview.activity.slice(0, -1).every((d: { signUps: number }) => d.signUps === 0)).toBe(true);
    expect(overview.health.database).toMatchObject({ ok: true });
    expect(overview.health.webhooks).toMatchObject({ ok: true, detail: expect.stringMatching(/nothing waiting|waiting/) });
  });

  // After the overview's counts: these create sessions and organizations, not users.
  it('creates an organization with a creator found by e-mail, renames it, replaces its metadata and deletes it, with webhooks and audit', async () => {
    const hook = await write('POST', '/webhooks', {
      url: 'http://127.0.0.1:9/hook',
      events: ['organization.created', 'organization.updated', 'organization.deleted', 'organizationMembership.created'],
    });
    expect(hook.statusCode, hook.body).toBe(200);
    const totalBefore = (await bapi('GET', '/organizations')).json().total_count;

    const created = await write('POST', '/organizations', {
      name: '  Globex Corp ',
      created_by: 'Owner@Acme.test',
      public_metadata: { plan: 'pro' },
    });
    expect(created.statusCode, created.body).toBe(200);
    expect(created.json()).toMatchObject({
      name: 'Globex Corp',
      slug: 'globex-corp',
      created_by: ownerId,
      public_metadata: { plan: 'pro' },
    });
    const id = created.json().id as string;
    const members = (await bapi('GET', `/organizations/${id}/memberships`)).json().data;
    expect(members.map((m: { role: string; public_user_data: { user_id: string } }) => [m.public_user_data.user_id, m.role])).toEqual([
      [ownerId, 'org:admin'],
    ]);
    const noCreator = await write('POST', '/organizations', { name: 'Initech', slug: 'initech-hq', created_by: '' });
    expect(noCreator.json()).toMatchObject({ slug: 'initech-hq', created_by: null });
    expect((await bapi('GET', `/organizations/${noCreator.json().id}/memberships`)).json().total_count).toBe(0);

    const big = { blob: 'x'.repeat(9000) };
    for (const [body, code] of [
      [{}, 'form_param_missing'],
      [{ name: '   ' }, 'form_param_missing'],
      [{ name: 'Twice', slug: 'globex-corp' }, 'form_identifier_exists'],
      [{ name: 'Bad slug', slug: 'Not A Slug!' }, 'form_param_format_invalid'],
      [{ name: 'Nobody', created_by: 'nobody@acme.test' }, 'form_param_value_invalid'],
      [{ name: 'Bad JSON', public_metadata: '{"plan": "pro"' }, 'form_param_format_invalid'],
      [{ name: 'Array', private_metadata: ['a'] }, 'form_param_format_invalid'],
      [{ name: 'Too big', public_metadata: big }, 'form_param_exceeds_allowed_size'],
      [{ name: 'Extra', members: [] }, 'form_param_unknown'],
    ] as const) {
      const res = await write('POST', '/organizations', body);
      expect(res.statusCode, JSON.stringify(body).slice(0, 80)).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(errorCode(res), JSON.stringify(body).slice(0, 80)).toBe(code);
    }
    expect((await bapi('GET', '/organizations')).json().total_count).toBe(totalBefore + 2);

    const renamed = await write('PATCH', `/organizations/${id}`, { name: 'Globex Corporation', slug: 'globex' });
    expect(renamed.json()).toMatchObject({ name: 'Globex Corporation', slug: 'globex' });
    expect((await bapi('GET', '/organizations/globex')).json()).toMatchObject({ id, name: 'Globex Corporation' });
    for (const [body, code] of [
      [{ slug: 'has space' }, 'form_param_format_invalid'],
      [{ slug: 'initech-hq' }, 'form_identifier_exists'],
      [{ name: '' }, 'form_param_missing'],
      [{ max_allowed_memberships: 3 }, 'form_param_unknown'],
    ] as const) {
      expect(errorCode(await write('PATCH', `/organizations/${id}`, body)), JSON.stringify(body)).toBe(code);
    }

    const metadata = await write('PUT', `/organizations/${id}/metadata`, {
      public_metadata: { plan: 'enterprise', seats: 5 },
      private_metadata: { crm_id: 'C-42' },
    });
    expect(metadata.statusCode, metadata.body).toBe(200);
    for (const [body, code] of [
      [{ public_metadata: 'not json' }, 'form_param_format_invalid'],
      [{ public_metadata: {}, private_metadata: big }, 'form_param_exceeds_allowed_size'],
    ] as const) {
      expect(errorCode(await write('PUT', `/organizations/${id}/metadata`, body)), JSON.stringify(body).slice(0, 60)).toBe(code);
    }
    // Nothing of the refused writes was kept.
    expect((await bapi('GET', `/organizations/${id}`)).json()).toMatchObject({
      name: 'Globex Corporation',
      slug: 'globex',
      public_metadata: { plan: 'enterprise', seats: 5 },
      private_metadata: { crm_id: 'C-42' },
    });

    const deleted = await write('DELETE', `/organizations/${id}`);
    expect(deleted.json()).toEqual({ object: 'organization', id, deleted: true });
    expect((await bapi('GET', `/organizations/${id}`)).statusCode).toBe(404);
    expect((await write('DELETE', `/organizations/${id}`)).statusCode).toBe(404);
    expect((await write('DELETE', `/organizations/${noCreator.json().id}`)).statusCode).toBe(200);

    // The Backend API's service raised the same events: one delivery each on the endpoint.
    const deliveries = (await get(`/webhooks/${hook.json().id}?limit=50`)).json().deliveries.data as { event_type: string }[];
    expect(deliveries.map((d) => d.event_type).sort()).toEqual([
      'organization.created',
      'organization.created',
      'organization.deleted',
      'organization.deleted',
      'organization.updated',
      'organization.updated',
      'organizationMembership.created',
    ]);
    expect((await write('DELETE', `/webhooks/${hook.json().id}`)).statusCode).toBe(200);
    const events = (await get(`/audit?target_id=${id}`)).json().data as { action: string; detail: Record<string, unknown> }[];
    expect(events.map((e) => e.action).sort()).toEqual([
      'organization.create',
      'organization.delete',
      'organization.metadata_update',
      'organization.update',
    ]);
    expect(events.find((e) => e.action === 'organization.create')?.detail).toMatchObject({ slug: 'globex-corp', created_by: ownerId });
  });

  it('sets the creator and default roles to existing roles only; the Backend API, the environment and new organizations follow', async () => {
    const set = await write('PATCH', '/organization-settings', { creator_role: 'org:billing', default_role: 'org:billing' });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({ creator_role: 'org:billing', default_role: 'org:billing', config_locked: [] });
    expect((await bapi('GET', '/instance/organization_settings')).json()).toMatchObject({
      creator_role: 'org:billing',
      domains_default_role: 'org:billing',
    });
    const environment = (await t.app.inject({ method: 'GET', url: '/v1/environment' })).json();
    expect(environment.organization_settings.domains.default_role).toBe('org:billing');
    const org = (await write('POST', '/organizations', { name: 'Billing First', created_by: ownerId })).json();
    expect((await bapi('GET', `/organizations/${org.id}/memberships`)).json().data[0].role).toBe('org:billing');

    for (const [body, code] of [
      [{ creator_role: 'org:nope' }, 'form_param_value_invalid'],
      [{ default_role: 'admin' }, 'form_param_value_invalid'],
      [{ creator_role: '' }, 'form_param_value_invalid'],
      [{ max_allowed_memberships: 5 }, 'form_param_unknown'],
    ] as const) {
      expect(errorCode(await write('PATCH', '/organization-settings', body)), JSON.stringify(body)).toBe(code);
    }
    // A role in use as the creator or default role cannot be deleted.
    const billing = (await get('/organization-roles')).json().roles.find((r: { key: string }) => r.key === 'org:billing');
    expect(errorCode(await write('DELETE', `/organization-roles/${billing.id}`))).toBe('form_param_value_invalid');

    expect((await write('PATCH', '/organization-settings', { creator_role: 'org:admin', default_role: 'org:member' })).statusCode).toBe(
      200,
    );
    expect((await bapi('GET', '/instance/organization_settings')).json().creator_role).toBe('org:admin');
    expect((await write('DELETE', `/organizations/${org.id}`)).statusCode).toBe(200);
    const audit = (await get('/audit?action=organization_settings.')).json().data as { detail: { changed: object } }[];
    expect(audit.map((e) => e.detail.changed)).toHaveLength(2);
    expect(audit.map((e) => e.detail.changed)).toEqual(
      expect.arrayContaining([
        { creator_role: 'org:admin', default_role: 'org:member' },
        { creator_role: 'org:billing', default_role: 'org:billing' },
      ]),
    );
  });

  it('signs a JWT template with its own RS256 PEM key: the minted token verifies with the public key, not with the instance JWKS', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const created = await write('POST', '/jwt-templates', {
      name: 'rs-service',
      claims: { email: '{{user.primary_email_address}}', name: '{{user.first_name}}' },
      lifetime: 120,
      custom_signing_key: true,
      signing_algorithm: 'RS256',
      signing_key: privateKey,
    });
    expect(created.statusCode, created.body).toBe(200);
    expect(created.json()).toMatchObject({ custom_signing_key: true, signing_algorithm: 'RS256' });
    expect(created.body).not.toContain('PRIVATE KEY');
    const row = await t.store.jwtTemplates.findById(created.json().id);
    expect(row?.signingKeyEnc).toBeTruthy();
    expect(row?.signingKeyEnc).not.toContain('PRIVATE KEY');

    // A real token, minted for a session through the Backend API as @clerk/backend's getToken(sessionId, template) does.
    const session = await t.domain.sessions.create(ownerId, SYSTEM_CALLER);
    const minted = await bapi('POST', `/sessions/${session.id}/tokens/rs-service`);
    expect(minted.statusCode, minted.body).toBe(200);
    const jwt = minted.json().jwt as string;
    const { payload, protectedHeader } = await jwtVerify(jwt, await importSPKI(publicKey, 'RS256'));
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({ sub: ownerId, email: 'owner@acme.test', name: 'Olive' });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(120);
    const jwks = createLocalJWKSet((await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json());
    await expect(jwtVerify(jwt, jwks)).rejects.toThrow(/signature/);

    // The preview signs with the same stored key.
    const preview = await write('POST', '/jwt-templates/preview-token', {
      claims: { name: '{{user.first_name}}' },
      user_id: ownerId,
      template_id: created.json().id,
    });
    expect(preview.json().header).toMatchObject({ alg: 'RS256' });
    const previewed = await jwtVerify(preview.json().token, await importSPKI(publicKey, 'RS256'), {
      currentDate: new Date((preview.json().claims.iat - 1) * 1000),
      clockTolerance: 5,
    });
    expect(previewed.payload).toMatchObject({ sub: ownerId, name: 'Olive' });
    expect((await get('/audit?action=jwt_template.')).body).not.toContain('PRIVATE KEY');
  });
}

describe('dashboard organizations, tokens and overview (SQLite)', () => suite('sqlite'));
describe.skipIf(!pgOk)('dashboard organizations, tokens and overview (PostgreSQL)', () => suite('postgres'));
