import type { WebhookEvent } from '@clerk/backend/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CALLER } from '../../domain/caller.js';
import { createTestApp, mailedCode, type TestApp } from '../../testing/app.js';
import { fapiBrowser } from '../../testing/fapi-browser.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../../testing/services.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../testing/webhook-receiver.js';

/**
 * The events of organization domains, roles and permissions, waitlist entries and SMS, delivered
 * over real HTTP to a receiver that verifies each with `verifyWebhook` (@clerk/backend/webhooks) and
 * svix's `Webhook.verify`. The endpoint subscribes to these types only, so each case sees exactly
 * the events its changes raised (a refused change raises none); `data` is compared with what the
 * Backend API answers. The rest of the webhook machinery is in webhooks.test.ts.
 */
const pgOk = await postgresAvailable();

const TYPES = [
  'organizationDomain.created',
  'organizationDomain.updated',
  'organizationDomain.deleted',
  'role.created',
  'role.updated',
  'role.deleted',
  'permission.created',
  'permission.updated',
  'permission.deleted',
  'waitlistEntry.created',
  'waitlistEntry.updated',
  'sms.created',
];
const ORIGIN = 'http://127.0.0.1:4000';
const PASSWORD = 'resource hooks passphrase';

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe.skipIf(dialect === 'postgres' && !pgOk)(`webhooks of domains, roles, waitlist and SMS (${dialect})`, () => {
    let t: TestApp;
    let db: TestDatabase | undefined;
    let receiver: WebhookReceiver;
    let secret = '';
    // PostgreSQL runs the two cases whose events are raised inside a settings or domain transaction.
    const sqliteOnly = dialect === 'sqlite' ? it : it.skip;

    const bapi = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) => {
      const res = await t.app.inject({
        method,
        url: `/api${url}`,
        headers: t.auth,
        ...(payload !== undefined ? { payload: payload as object } : {}),
      });
      return { status: res.statusCode, body: res.json() as Record<string, unknown> };
    };
    /** The events this case raised, once `count` have arrived and nothing else is in flight. */
    const eventsSince = async (before: number, count: number): Promise<WebhookEvent[]> => {
      await receiver.waitFor((events) => events.length >= before + count);
      await t.domain.webhookWorker.idle();
      return receiver.accepted.slice(before);
    };

    beforeAll(async () => {
      db = dialect === 'postgres' ? await createTestDatabase() : undefined;
      t = await createTestApp({ flags: { port: '4000' }, ...(db ? { databaseUrl: db.url } : {}) });
      receiver = await startWebhookReceiver(() => secret);
      const endpoint = await bapi('POST', '/v1/webhook_endpoints', { url: receiver.url, events: TYPES });
      expect(endpoint.status).toBe(200);
      secret = endpoint.body.secret as string;
      t.domain.webhookWorker.start();
    }, 60_000);
    afterAll(async () => {
      await t?.close();
      await receiver?.close();
      await db?.drop();
    });

    it('organization domains: created, updated (mode, verification, affiliation code), deleted', async () => {
      const before = receiver.accepted.length;
      const org = await bapi('POST', '/v1/organizations', { name: `Domains ${dialect}` });
      const orgId = org.body.id as string;
      const domains = `/v1/organizations/${orgId}/domains`;
      const created = await bapi('POST', domains, { name: `hooks-${dialect}.test`, verified: false });
      expect(created.status).toBe(200);
      const domainId = created.body.id as string;
      const mode = await bapi('PATCH', `${domains}/${domainId}`, { enrollment_mode: 'automatic_invitation' });
      expect(mode.status).toBe(200);
      // Refused (the name is taken, by this domain or another): no event.
      expect((await bapi('POST', domains, { name: `hooks-${dialect}.test` })).status).toBe(400);
      const other = await bapi('POST', domains, { name: `other-${dialect}.test` });
      const renamed = await bapi('PATCH', `${domains}/${other.body.id as string}`, { name: `hooks-${dialect}.test` });
      expect([renamed.status, (renamed.body.errors as { code: string }[] | undefined)?.[0]?.code]).toEqual([
        400,
        'organization_domain_already_exists',
      ]);
      // Verified by the affiliation code (the Frontend API's flow, through the same service).
      await t.domain.organizationDomains.prepareAffiliation(orgId, domainId, `it@hooks-${dialect}.test`, 'en', SYSTEM_CALLER);
      const code = await mailedCode(t, `it@hooks-${dialect}.test`);
      const verified = await t.domain.organizationDomains.attemptAffiliation(orgId, domainId, code, SYSTEM_CALLER);
      expect(verified.domain.verifiedAt).not.toBeNull();
      // The Backend API has no GET of one domain: the list holds it.
      const afterCode = await bapi('GET', domains);
      const deleted = await bapi('DELETE', `${domains}/${domainId}`);
      expect(deleted.status).toBe(200);

      const got = (await eventsSince(before, 6)).filter((e) => (e.data as { id?: string }).id !== other.body.id);
      expect(got.map((e) => e.type)).toEqual([
        'organizationDomain.created',
        'organizationDomain.updated',
        'organizationDomain.updated',
        'organizationDomain.updated',
        'organizationDomain.deleted',
      ]);
      expect(got[0]?.data).toEqual(created.body);
      expect(got[0]?.data).toMatchObject({ object: 'organization_domain', verification: null, enrollment_mode: 'manual_invitation' });
      expect(got[1]?.data).toEqual(mode.body);
      expect(got[2]?.data).toMatchObject({
        affiliation_email_address: `it@hooks-${dialect}.test`,
        verification: { status: 'unverified', strategy: 'email_code' },
      });
      expect(got[3]?.data).toEqual((afterCode.body.data as { id: string }[]).find((d) => d.id === domainId));
      expect(got[3]?.data).toMatchObject({ verification: { status: 'verified' }, enrollment_mode: 'automatic_invitation' });
      expect(got[4]?.data).toEqual({ object: 'organization_domain', id: domainId, deleted: true });
    });

    it('roles and permissions: created, updated, deleted (Backend API); a deleted permission updates the roles that held it', async () => {
      const before = receiver.accepted.length;
      const permission = await bapi('POST', '/v1/organization_permissions', {
        key: `org:docs_${dialect}:edit`,
        name: 'Edit docs',
        description: 'Edits the docs',
      });
      expect(permission.status).toBe(200);
      const permissionId = permission.body.id as string;
      const role = await bapi('POST', '/v1/organization_roles', {
        key: `org:editor_${dialect}`,
        name: 'Editor',
        permissions: [`org:docs_${dialect}:edit`, 'org:sys_memberships:read'],
      });
      expect(role.status).toBe(200);
      const roleId = role.body.id as string;
      const renamed = await bapi('PATCH', `/v1/organization_roles/${roleId}`, { name: 'Docs editor' });
      const granted = await bapi('POST', `/v1/organization_roles/${roleId}/permissions/org:sys_memberships:manage`);
      expect(granted.status).toBe(200);
      const permissionRenamed = await bapi('PATCH', `/v1/organization_permissions/${permissionId}`, { name: 'Edit the docs' });
      // Refused: built-in roles cannot change, a key cannot be taken twice. No events.
      expect((await bapi('DELETE', '/v1/organization_roles/org:admin')).status).toBe(422);
      expect((await bapi('POST', '/v1/organization_permissions', { key: `org:docs_${dialect}:edit`, name: 'Again' })).status).toBe(422);
      const permissionDeleted = await bapi('DELETE', `/v1/organization_permissions/${permissionId}`);
      const roleAfter = await bapi('GET', `/v1/organization_roles/${roleId}`);
      const roleDeleted = await bapi('DELETE', `/v1/organization_roles/${roleId}`);
      expect(roleDeleted.status).toBe(200);

      const got = await eventsSince(before, 8);
      expect(got.map((e) => e.type)).toEqual([
        'permission.created',
        'role.created',
        'role.updated',
        'role.updated',
        'permission.updated',
        'permission.deleted',
        'role.updated',
        'role.deleted',
      ]);
      expect(got[0]?.data).toEqual(permission.body);
      expect(got[1]?.data).toEqual(role.body);
      expect(got[1]?.data).toMatchObject({
        object: 'role',
        permissions: [{ key: `org:docs_${dialect}:edit` }, { key: 'org:sys_memberships:read' }],
      });
      expect(got[2]?.data).toEqual(renamed.body);
      expect(got[3]?.data).toEqual(granted.body);
      expect(got[3]?.data).toMatchObject({ is_creator_eligible: true });
      expect(got[4]?.data).toEqual(permissionRenamed.body);
      // Deleted: the Backend API answers `{ object, id, deleted }`, the event carries the whole
      // object as it was just before (@clerk/backend types role.deleted and permission.deleted as
      // RoleJSON and PermissionJSON).
      expect(permissionDeleted.body).toEqual({ object: 'permission', id: permissionId, deleted: true });
      expect(got[5]?.data).toEqual(permissionRenamed.body);
      expect(got[5]?.data).toMatchObject({ object: 'permission', id: permissionId, name: 'Edit the docs', type: 'user' });
      // The role lost the permission: its update carries what GET answers after the delete.
      expect(got[6]?.data).toEqual(roleAfter.body);
      expect((roleAfter.body.permissions as { key: string }[]).map((p) => p.key)).toEqual([
        'org:sys_memberships:read',
        'org:sys_memberships:manage',
      ]);
      expect(roleDeleted.body).toEqual({ object: 'role', id: roleId, deleted: true });
      expect(got[7]?.data).toEqual(roleAfter.body);
      expect(got[7]?.data).toMatchObject({ object: 'role', id: roleId, name: 'Docs editor', is_creator_eligible: true });
    });

    sqliteOnly('the dashboard’s Roles page raises the same events', async () => {
      const token = await t.domain.operators.firstOperatorLink();
      await t.app.inject({
        method: 'POST',
        url: '/dashboard/api/setup',
        headers: { origin: ORIGIN },
        payload: { token, email: 'ops@example.com', password: PASSWORD },
      });
      const signIn = await t.app.inject({
        method: 'POST',
        url: '/dashboard/api/sign-in',
        headers: { origin: ORIGIN },
        payload: { email: 'ops@example.com', password: PASSWORD },
      });
      const cookie = ([signIn.headers['set-cookie']].flat().find((l) => String(l).startsWith('__gatehouse_operator=')) ?? '').split(';')[0];
      const headers = { origin: ORIGIN, cookie: cookie ?? '', 'x-gatehouse-csrf': signIn.json().csrf_token as string };
      const before = receiver.accepted.length;
      const created = await t.app.inject({
        method: 'POST',
        url: '/dashboard/api/organization-roles',
        headers,
        payload: { key: 'org:reviewer', name: 'Reviewer', description: '', permissions: ['org:sys_memberships:read'] },
      });
      expect(created.statusCode).toBe(200);
      const removed = await t.app.inject({ method: 'DELETE', url: `/dashboard/api/organization-roles/${created.json().id}`, headers });
      expect(removed.statusCode).toBe(200);
      const got = await eventsSince(before, 2);
      expect(got.map((e) => e.type)).toEqual(['role.created', 'role.deleted']);
      expect(got[0]?.data).toEqual(created.json());
      expect(got[0]?.data).toMatchObject({ object: 'role', key: 'org:reviewer', permissions: [{ key: 'org:sys_memberships:read' }] });
      expect(got[1]?.data).toEqual(created.json());
    });

    sqliteOnly('waitlist entries: created (Frontend API, Backend API, bulk), updated when invited, rejected and completed', async () => {
      const before = receiver.accepted.length;
      const joined = await t.app.inject({
        method: 'POST',
        url: '/v1/waitlist',
        headers: { origin: 'http://127.0.0.1:5173', 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'email_address=early%40example.com',
      });
      expect(joined.statusCode).toBe(200);
      const entryId = joined.json().id as string;
      // Already listed: its entry again, no event.
      expect((await bapi('POST', '/v1/waitlist_entries', { email_address: 'early@example.com' })).body.id).toBe(entryId);
      const single = await bapi('POST', '/v1/waitlist_entries', { email_address: 'single@example.com' });
      const bulk = await t.app.inject({
        method: 'POST',
        url: '/api/v1/waitlist_entries/bulk',
        headers: t.auth,
        payload: [{ email_address: 'bulk-1@example.com' }, { email_address: 'bulk-2@example.com' }],
      });
      expect(bulk.statusCode).toBe(200);
      const [bulk1, bulk2] = bulk.json() as Record<string, unknown>[];
      // A bulk with one bad address adds none.
      expect(
        (
          await t.app.inject({
            method: 'POST',
            url: '/api/v1/waitlist_entries/bulk',
            headers: t.auth,
            payload: [{ email_address: 'fine@example.com' }, { email_address: 'not an address' }],
          })
        ).statusCode,
      ).toBe(422);
      const invited = await bapi('POST', `/v1/waitlist_entries/${entryId}/invite`, {});
      expect(invited.status).toBe(200);
      const invitedToo = await bapi('POST', `/v1/waitlist_entries/${bulk1?.id as string}/invite`, {});
      const rejected = await bapi('POST', `/v1/waitlist_entries/${bulk1?.id as string}/reject`);
      expect(rejected.status).toBe(200);
      // Refused: a rejected entry cannot be rejected again.
      expect((await bapi('POST', `/v1/waitlist_entries/${bulk1?.id as string}/reject`)).status).toBe(400);
      // The invited address signs up: its entry reads completed.
      const user = await bapi('POST', '/v1/users', { email_address: ['early@example.com'] });
      await t.domain.waitlist.complete(user.body.id as string, SYSTEM_CALLER);
      const listed = await bapi('GET', '/v1/waitlist_entries?query=early');

      const got = await eventsSince(before, 8);
      expect(got.map((e) => e.type)).toEqual([
        'waitlistEntry.created',
        'waitlistEntry.created',
        'waitlistEntry.created',
        'waitlistEntry.created',
        'waitlistEntry.updated',
        'waitlistEntry.updated',
        'waitlistEntry.updated',
        'waitlistEntry.updated',
      ]);
      expect(got[0]?.data).toMatchObject({ object: 'waitlist_entry', id: entryId, status: 'pending', email_address: 'early@example.com' });
      expect(got[1]?.data).toEqual(single.body);
      expect(got[2]?.data).toEqual(bulk1);
      expect(got[3]?.data).toEqual(bulk2);
      expect(got[4]?.data).toEqual(invited.body);
      expect(got[4]?.data).toMatchObject({ status: 'invited', invitation: { object: 'invitation', status: 'pending' } });
      expect(got[5]?.data).toEqual(invitedToo.body);
      // Rejecting an invited entry revokes its unused invitation in the same change.
      expect(got[6]?.data).toEqual(rejected.body);
      expect(got[6]?.data).toMatchObject({ status: 'rejected', invitation: { status: 'revoked' } });
      expect(got[7]?.data).toEqual((listed.body.data as unknown[])[0]);
      expect(got[7]?.data).toMatchObject({ id: entryId, status: 'completed' });
    });

    sqliteOnly('sms.created for every SMS code, with the number’s owner and the code', async () => {
      await t.domain.instance.updateSettings((s) => ({ ...s, passwordless: { ...s.passwordless, phoneNumber: 'optional' } }));
      const user = await t.domain.users.create({ emailAddresses: ['texted@example.com'], password: PASSWORD }, SYSTEM_CALLER);
      const browser = fapiBrowser(t.app);
      const signIn = await browser.call('POST', '/v1/client/sign_ins', {
        identifier: 'texted@example.com',
        password: PASSWORD,
        strategy: 'password',
      });
      expect(signIn.body.response.status).toBe('complete');
      const added = await browser.call('POST', '/v1/me/phone_numbers', { phone_number: '+1 415 555 2671' });
      expect(added.status).toBe(200);
      const phoneId = added.body.response.id as string;
      const before = receiver.accepted.length;
      expect((await browser.call('POST', `/v1/me/phone_numbers/${phoneId}/prepare_verification`, { strategy: 'phone_code' })).status).toBe(
        200,
      );
      // Clerk's test numbers get no SMS on a development instance, so no event either.
      const testNumber = await browser.call('POST', '/v1/me/phone_numbers', { phone_number: '+15555550123' });
      const testId = testNumber.body.response.id as string;
      expect((await browser.call('POST', `/v1/me/phone_numbers/${testId}/prepare_verification`, { strategy: 'phone_code' })).status).toBe(
        200,
      );
      const code = await mailedCode(t, '+14155552671');

      const got = await eventsSince(before, 1);
      expect(got.map((e) => e.type)).toEqual(['sms.created']);
      expect(got[0]?.data).toEqual({
        object: 'sms_message',
        id: expect.stringMatching(/^sms_/),
        slug: 'verification_code',
        from_phone_number: '',
        to_phone_number: '+14155552671',
        phone_number_id: phoneId,
        user_id: user.user.id,
        message: `${code} is your Gatehouse verification code. It expires in 10 minutes.`,
        status: 'queued',
        data: { otp_code: code, app: { name: 'Gatehouse' }, expires_in_minutes: 10 },
        delivered_by_clerk: true,
      });
      // Raised by the request that sent it.
      expect(got[0]?.event_attributes.http_request.client_ip).toBe('127.0.0.1');
    });
  });
}
