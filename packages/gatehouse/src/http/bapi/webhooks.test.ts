import type { WebhookEvent } from '@clerk/backend/webhooks';
import { Webhook } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CALLER } from '../../domain/caller.js';
import { applySeed } from '../../seed.js';
import { createTestApp, mailedCode, type TestApp } from '../../testing/app.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../../testing/services.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../testing/webhook-receiver.js';

/**
 * Webhooks end to end in-process: endpoints made through the Backend API, events raised by BAPI and
 * Frontend API writes, delivered by the worker over real HTTP to a receiver that verifies every
 * delivery with `verifyWebhook` (@clerk/backend/webhooks) and svix's `Webhook.verify`.
 */
const pgOk = await postgresAvailable();

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe.skipIf(dialect === 'postgres' && !pgOk)(`webhooks (${dialect})`, () => {
    let t: TestApp;
    let db: TestDatabase | undefined;
    let receiver: WebhookReceiver;
    let secret = '';
    let endpointId = '';
    // The injected clock: the retention test moves it past 30 days.
    let offset = 0;

    const bapi = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, payload?: unknown) => {
      const res = await t.app.inject({
        method,
        url: `/api${url}`,
        headers: t.auth,
        ...(payload !== undefined ? { payload: payload as object } : {}),
      });
      return { status: res.statusCode, body: res.json() as Record<string, unknown> & { data?: Record<string, unknown>[] } };
    };
    const fapi = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, form?: Record<string, string>, cookie?: string) => {
      const res = await t.app.inject({
        method,
        url,
        headers: {
          origin: 'http://127.0.0.1:4000',
          'user-agent': 'webhook-test-agent',
          ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          ...(cookie ? { cookie } : {}),
        },
        ...(form ? { payload: new URLSearchParams(form).toString() } : {}),
      });
      const setCookie = [res.headers['set-cookie'] ?? []]
        .flat()
        .filter((c) => c.startsWith('__client='))
        .at(-1);
      return {
        status: res.statusCode,
        body: res.json() as { response: Record<string, unknown>; client: Record<string, unknown> },
        setCookie,
      };
    };

    beforeAll(async () => {
      db = dialect === 'postgres' ? await createTestDatabase() : undefined;
      t = await createTestApp({ ...(db ? { databaseUrl: db.url } : {}), clock: () => Date.now() + offset });
      receiver = await startWebhookReceiver(() => secret);
      t.domain.webhookWorker.start();
    }, 60_000);
    afterAll(async () => {
      await t?.close();
      await receiver?.close();
      await db?.drop();
    });

    it('creates an endpoint with a whsec_ secret', async () => {
      const created = await bapi('POST', '/v1/webhook_endpoints', { url: receiver.url });
      expect(created.status).toBe(200);
      expect(created.body).toMatchObject({ object: 'webhook_endpoint', url: receiver.url, events: [], disabled: false });
      expect(created.body.id).toMatch(/^whe_/);
      expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
      secret = created.body.secret as string;
      endpointId = created.body.id as string;
      expect((await bapi('GET', `/v1/webhook_endpoints/${endpointId}`)).body).toEqual(created.body);
      expect((await bapi('GET', '/v1/webhook_endpoints')).body).toMatchObject({ total_count: 1 });
    });

    it('delivers a scripted sequence, in order, with the Backend API JSON as data', async () => {
      // Frontend API sign-up (with its e-mail code), then a profile edit and sign-out there.
      const email = `wh-${dialect}@example.com`;
      const created = await fapi('POST', '/v1/client/sign_ups', { email_address: email, password: 'correct horse battery' });
      expect(created.status).toBe(200);
      let cookie = created.setCookie?.split(';')[0] ?? '';
      const signUpId = (created.body.response as { id: string }).id;
      expect((await fapi('POST', `/v1/client/sign_ups/${signUpId}/prepare_verification`, { strategy: 'email_code' }, cookie)).status).toBe(
        200,
      );
      const code = await mailedCode(t, email);
      const done = await fapi('POST', `/v1/client/sign_ups/${signUpId}/attempt_verification`, { strategy: 'email_code', code }, cookie);
      expect(done.status).toBe(200);
      cookie = done.setCookie?.split(';')[0] ?? cookie;
      const userId = (done.body.response as { created_user_id: string }).created_user_id;
      const sessionId = (done.body.response as { created_session_id: string }).created_session_id;
      expect((await fapi('PATCH', '/v1/me', { first_name: 'Wanda' }, cookie)).status).toBe(200);
      // Backend API: metadata, an organization with the user as a member, a role change.
      expect((await bapi('PATCH', `/v1/users/${userId}/metadata`, { public_metadata: { plan: 'pro' } })).status).toBe(200);
      const org = await bapi('POST', '/v1/organizations', { name: 'Hooks Inc' });
      expect(org.status).toBe(200);
      const orgId = org.body.id as string;
      expect((await bapi('POST', `/v1/organizations/${orgId}/memberships`, { user_id: userId, role: 'org:member' })).status).toBe(200);
      expect((await bapi('PATCH', `/v1/organizations/${orgId}/memberships/${userId}`, { role: 'org:admin' })).status).toBe(200);
      expect((await bapi('PATCH', `/v1/organizations/${orgId}`, { name: 'Hooks Ltd' })).status).toBe(200);
      expect((await bapi('DELETE', `/v1/organizations/${orgId}/memberships/${userId}`)).status).toBe(200);
      // Sign-out, then the user is deleted.
      expect((await fapi('POST', `/v1/client/sessions/${sessionId}/end`, {}, cookie)).status).toBe(200);
      expect((await bapi('DELETE', `/v1/organizations/${orgId}`)).status).toBe(200);
      expect((await bapi('DELETE', `/v1/users/${userId}`)).status).toBe(200);

      const expected = [
        'email.created',
        'user.created',
        'session.created',
        'user.updated',
        'user.updated',
        'organization.created',
        'organizationMembership.created',
        'organizationMembership.updated',
        'organization.updated',
        'organizationMembership.deleted',
        'session.ended',
        'organization.deleted',
        'user.deleted',
      ];
      await receiver.waitFor((events) => events.length >= expected.length);
      const events = receiver.accepted;
      expect(events.map((e) => e.type)).toEqual(expected);
      for (const event of events) {
        expect(event.object).toBe('event');
        expect(event.instance_id).toBe(t.domain.instance.get().id);
        expect(typeof event.timestamp).toBe('number');
      }
      const [mail, userCreated, sessionCreated, profileEdit, metadata] = events as WebhookEvent[];
      expect(mail?.data).toMatchObject({ object: 'email', to_email_address: email, data: { otp_code: code } });
      expect(userCreated?.data).toMatchObject({ object: 'user', id: userId, email_addresses: [{ email_address: email }] });
      expect(sessionCreated?.data).toMatchObject({ object: 'session', id: sessionId, user_id: userId, status: 'active' });
      expect(sessionCreated?.event_attributes.http_request).toEqual({ client_ip: '127.0.0.1', user_agent: 'webhook-test-agent' });
      expect(profileEdit?.data).toMatchObject({ object: 'user', first_name: 'Wanda' });
      expect(metadata?.data).toMatchObject({ object: 'user', public_metadata: { plan: 'pro' } });
      // The data is what the Backend API answers for the object (same serializer).
      const userNow = await bapi('GET', `/v1/users/${userId}`);
      expect(userNow.status).toBe(404);
      expect(events.at(-1)?.data).toEqual({ deleted: true, id: userId, object: 'user' });
      expect(events.at(-3)).toMatchObject({ type: 'session.ended', data: { id: sessionId, status: 'ended' } });
      // Each svix-id is the event's own and unique.
      const ids = receiver.received.filter((r) => r.status === 200).map((r) => r.headers['svix-id']);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.every((id) => typeof id === 'string' && id.startsWith('msg_'))).toBe(true);
    }, 60_000);

    it('data equals the Backend API JSON of the object at that moment', async () => {
      const before = receiver.accepted.length;
      const created = await bapi('POST', '/v1/users', { email_address: [`same-${dialect}@example.com`], first_name: 'Sam' });
      await receiver.waitFor((events) => events.length > before);
      expect(receiver.accepted[before]?.type).toBe('user.created');
      expect(receiver.accepted[before]?.data).toEqual(created.body);
    });

    it('an event raised in a transaction that rolls back is neither stored nor sent', async () => {
      const before = receiver.received.length;
      await expect(
        t.store.transaction(async (tx) => {
          await t.domain.events.raise(tx, 'user.deleted', { id: 'user_rolledBack' }, SYSTEM_CALLER);
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      const created = await bapi('POST', '/v1/users', { email_address: [`after-rollback-${dialect}@example.com`] });
      await receiver.waitFor(() => receiver.received.length > before);
      await t.domain.webhookWorker.idle();
      const sent = receiver.received.slice(before).map((r) => JSON.parse(r.body) as { type: string; data: { id: string } });
      expect(sent.map((e) => [e.type, e.data.id])).toEqual([['user.created', created.body.id]]);
    });

    it('seed files raise events too', async () => {
      const before = receiver.accepted.length;
      await applySeed(
        t.domain,
        {
          users: [{ email_address: [`seeded-${dialect}@example.com`], first_name: 'Seed' }],
          organizations: [{ name: 'Seeded', members: [{ email_address: `seeded-${dialect}@example.com`, role: 'org:admin' }] }],
        },
        () => {},
      );
      await receiver.waitFor((events) => events.length >= before + 3);
      const seeded = receiver.accepted.slice(before);
      expect(seeded.map((e) => e.type)).toEqual(['user.created', 'organization.created', 'organizationMembership.created']);
      // Not raised by a request: no client IP or user agent.
      expect(seeded[0]?.event_attributes.http_request).toEqual({ client_ip: '', user_agent: '' });
    });

    it('organization invitations: created and revoked (Backend API), accepted by a ticket sign-up (Frontend API)', async () => {
      const before = receiver.accepted.length;
      const org = await bapi('POST', '/v1/organizations', { name: 'Invites Inc' });
      const orgId = org.body.id as string;
      const invitations = `/v1/organizations/${orgId}/invitations`;
      const dropped = await bapi('POST', invitations, {
        email_address: `dropped-${dialect}@example.com`,
        role: 'org:member',
        notify: false,
      });
      expect(dropped.status).toBe(200);
      const revoked = await bapi('POST', `${invitations}/${dropped.body.id as string}/revoke`, {});
      expect(revoked.status).toBe(200);
      const invited = await bapi('POST', invitations, {
        email_address: `invitee-${dialect}@example.com`,
        role: 'org:admin',
        notify: false,
      });
      const ticket = new URL(invited.body.url as string).searchParams.get('ticket') ?? '';
      const signUp = await fapi('POST', '/v1/client/sign_ups', { strategy: 'ticket', ticket, password: 'correct horse battery' });
      expect(signUp.status).toBe(200);
      expect(signUp.body.response).toMatchObject({ status: 'complete' });
      const userId = (signUp.body.response as { created_user_id: string }).created_user_id;

      const expected = [
        'organization.created',
        'organizationInvitation.created',
        'organizationInvitation.revoked',
        'organizationInvitation.created',
        'user.created',
        'session.created',
        'organizationInvitation.accepted',
        'organizationMembership.created',
      ];
      await receiver.waitFor((events) => events.length >= before + expected.length);
      const got = receiver.accepted.slice(before) as WebhookEvent[];
      expect(got.map((e) => e.type)).toEqual(expected);
      // `data` is the Backend API's organization_invitation: the create answer (with its link), the revoke answer.
      expect(got[1]?.data).toEqual(dropped.body);
      expect(got[2]?.data).toEqual(revoked.body);
      expect(got[2]?.data).toMatchObject({ status: 'revoked', url: null });
      expect(got[3]?.data).toEqual(invited.body);
      // Accepted: what GET answers now, plus the user who accepted (Clerk's OrganizationInvitationAcceptedJSON).
      const now = await bapi('GET', `${invitations}/${invited.body.id as string}`);
      expect(got[6]?.data).toEqual({ ...now.body, user_id: userId });
      expect(got[6]?.data).toMatchObject({ status: 'accepted', role: 'org:admin', role_name: 'Admin', organization_id: orgId });
      expect(got[7]?.data).toMatchObject({ object: 'organization_membership', role: 'org:admin', organization: { id: orgId } });
    });

    it('an invitation mailed (email.created with its link) and accepted by a signed-in user (Frontend API)', async () => {
      const before = receiver.accepted.length;
      const email = `member-${dialect}@example.com`;
      const user = await bapi('POST', '/v1/users', { email_address: [email], password: 'correct horse battery' });
      const org = await bapi('POST', '/v1/organizations', { name: 'Accepting' });
      const orgId = org.body.id as string;
      const invited = await bapi('POST', `/v1/organizations/${orgId}/invitations`, { email_address: email, role: 'org:member' });
      const signIn = await fapi('POST', '/v1/client/sign_ins', { identifier: email, password: 'correct horse battery' });
      expect(signIn.body.response).toMatchObject({ status: 'complete' });
      const cookie = signIn.setCookie?.split(';')[0] ?? '';
      const accepted = await fapi('POST', `/v1/me/organization_invitations/${invited.body.id as string}/accept`, {}, cookie);
      expect(accepted.status).toBe(200);
      await receiver.waitFor((events) => events.length >= before + 7);
      const got = receiver.accepted.slice(before) as WebhookEvent[];
      expect(got.map((e) => e.type)).toEqual([
        'user.created',
        'organization.created',
        'organizationInvitation.created',
        'email.created',
        'session.created',
        'organizationInvitation.accepted',
        'organizationMembership.created',
      ]);
      // The invitation mail, so an app can deliver it itself: its body and, in data, the link.
      expect(got[3]?.data).toMatchObject({
        object: 'email',
        slug: 'organization_invitation',
        to_email_address: email,
        user_id: user.body.id,
        subject: expect.stringContaining('Accepting'),
        data: { action_url: invited.body.url, org: { name: 'Accepting' } },
      });
      expect((got[3]?.data as { body_plain?: string } | undefined)?.body_plain).toContain(invited.body.url as string);
      expect(got[5]?.data).toMatchObject({ id: invited.body.id, status: 'accepted', user_id: user.body.id, url: null });
      expect(got[5]?.event_attributes.http_request.user_agent).toBe('webhook-test-agent');
    });

    it('a tampered body or an old timestamp fails verification', () => {
      const delivery = receiver.received.find((r) => r.status === 200);
      if (!delivery) throw new Error('no delivery');
      const headers = {
        'svix-id': String(delivery.headers['svix-id']),
        'svix-timestamp': String(delivery.headers['svix-timestamp']),
        'svix-signature': String(delivery.headers['svix-signature']),
      };
      const wh = new Webhook(secret);
      expect(() => wh.verify(delivery.body, headers)).not.toThrow();
      expect(() => wh.verify(delivery.body.replace('"object":"event"', '"object":"evenT"'), headers)).toThrow();
      expect(() => wh.verify(delivery.body, { ...headers, 'svix-timestamp': String(Number(headers['svix-timestamp']) - 600) })).toThrow();
      expect(() => new Webhook(`whsec_${Buffer.alloc(24, 7).toString('base64')}`).verify(delivery.body, headers)).toThrow();
    });

    it('a rotated secret keeps signing beside the new one for 24 h', async () => {
      const old = secret;
      const rotated = await bapi('POST', `/v1/webhook_endpoints/${endpointId}/rotate_secret`);
      expect(rotated.status).toBe(200);
      expect(rotated.body.secret).not.toBe(old);
      expect(rotated.body.previous_secret_expires_at).toBeGreaterThan(Date.now() + 23 * 3600 * 1000);
      secret = rotated.body.secret as string;
      const before = receiver.received.length;
      await bapi('POST', '/v1/users', { email_address: [`rot-${dialect}@example.com`] });
      await receiver.waitFor(() => receiver.received.length > before);
      const delivery = receiver.received[before];
      if (!delivery) throw new Error('no delivery');
      expect(delivery.status).toBe(200);
      expect(String(delivery.headers['svix-signature']).split(' ')).toHaveLength(2);
      const headers = {
        'svix-id': String(delivery.headers['svix-id']),
        'svix-timestamp': String(delivery.headers['svix-timestamp']),
        'svix-signature': String(delivery.headers['svix-signature']),
      };
      expect(() => new Webhook(old).verify(delivery.body, headers)).not.toThrow();
      expect(() => new Webhook(secret).verify(delivery.body, headers)).not.toThrow();
    });

    it('lists deliveries with their attempts, retries one and replays since a time', async () => {
      await t.domain.webhookWorker.idle();
      const list = await bapi('GET', `/v1/webhook_endpoints/${endpointId}/deliveries?limit=2`);
      expect(list.status).toBe(200);
      const [newest] = list.body.data ?? [];
      expect(newest).toMatchObject({ object: 'webhook_delivery', status: 'succeeded', attempt_count: 1, next_attempt_at: null });
      expect((newest?.attempts as unknown[] | undefined)?.[0]).toMatchObject({ object: 'webhook_attempt', status_code: 200, error: null });
      const before = receiver.accepted.length;
      const retried = await bapi('POST', `/v1/webhook_deliveries/${newest?.id as string}/retry`);
      expect(retried.status).toBe(200);
      expect(retried.body).toMatchObject({ status: 'pending', event_id: newest?.event_id });
      await receiver.waitFor((events) => events.length > before);
      const replayed = await bapi('POST', `/v1/webhook_endpoints/${endpointId}/replay`, { since: 0 });
      expect(replayed.status).toBe(200);
      expect(replayed.body.queued).toBeGreaterThan(10);
      await receiver.waitFor((events) => events.length >= before + 1 + (replayed.body.queued as number));
    }, 60_000);

    it('subscriptions filter by type; a disabled endpoint gets nothing; delete removes it', async () => {
      const patched = await bapi('PATCH', `/v1/webhook_endpoints/${endpointId}`, { events: ['organization.created'] });
      expect(patched.body.events).toEqual(['organization.created']);
      const before = receiver.accepted.length;
      await bapi('POST', '/v1/users', { email_address: [`filtered-${dialect}@example.com`] });
      await bapi('POST', '/v1/organizations', { name: 'Filtered' });
      await receiver.waitFor((events) => events.length > before);
      await t.domain.webhookWorker.idle();
      expect(receiver.accepted.slice(before).map((e) => e.type)).toEqual(['organization.created']);
      expect((await bapi('DELETE', `/v1/webhook_endpoints/${endpointId}`)).body).toEqual({
        object: 'webhook_endpoint',
        id: endpointId,
        deleted: true,
      });
      expect((await bapi('GET', `/v1/webhook_endpoints/${endpointId}`)).status).toBe(404);
    });
    it('prunes delivered events after the retention (30 days); an event still pending for an endpoint stays', async () => {
      const delivered = await bapi('POST', '/v1/webhook_endpoints', {
        url: receiver.url,
        events: ['organization.created', 'organization.updated'],
      });
      secret = delivered.body.secret as string;
      // Nothing listens there: its delivery stays pending (retried on the schedule).
      const refused = await bapi('POST', '/v1/webhook_endpoints', { url: 'http://127.0.0.1:1/hooks', events: ['organization.created'] });
      const before = receiver.accepted.length;
      const org = await bapi('POST', '/v1/organizations', { name: 'Kept' });
      await bapi('PATCH', `/v1/organizations/${org.body.id as string}`, { name: 'Kept Ltd' });
      await receiver.waitFor((events) => events.length >= before + 2);
      await t.domain.webhookWorker.idle();
      const deliveries = async (id: unknown) => (await bapi('GET', `/v1/webhook_endpoints/${id as string}/deliveries`)).body;
      expect((await deliveries(refused.body.id)).data?.[0]).toMatchObject({ status: 'pending', attempt_count: 1 });

      // 29 days on: nothing is old enough.
      offset = 29 * 86_400_000;
      expect(await t.domain.webhookWorker.prune()).toBe(0);
      offset = 31 * 86_400_000;
      // Every earlier event goes (their endpoint was deleted, or they were delivered), with their
      // deliveries; `organization.created` stays, pending for the refused endpoint, and so does its
      // delivered copy.
      expect(await t.domain.webhookWorker.prune()).toBeGreaterThan(10);
      expect(await t.domain.webhookWorker.prune()).toBe(0);
      const kept = await deliveries(delivered.body.id);
      expect(kept.total_count).toBe(1);
      expect(kept.data?.[0]).toMatchObject({ event_type: 'organization.created', status: 'succeeded' });
      expect((await deliveries(refused.body.id)).data?.[0]).toMatchObject({ event_type: 'organization.created', status: 'pending' });
      // A replay from the beginning finds only what is still stored.
      const replayed = await bapi('POST', `/v1/webhook_endpoints/${delivered.body.id as string}/replay`, { since: 0 });
      expect(replayed.body.queued).toBe(1);
      await bapi('DELETE', `/v1/webhook_endpoints/${refused.body.id as string}`);
      await bapi('DELETE', `/v1/webhook_endpoints/${delivered.body.id as string}`);
    });
  });
}
