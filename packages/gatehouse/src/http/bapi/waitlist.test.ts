import type { AddressInfo } from 'node:net';
import { type ClerkClient, createClerkClient } from '@clerk/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/app.js';
import { fapiBrowser } from '../../testing/fapi-browser.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../../testing/services.js';

const pgOk = await postgresAvailable();

/**
 * The waitlist: sign-up mode `waitlist` in the environment, `<Waitlist/>`'s `POST /v1/waitlist`, and
 * `@clerk/backend`'s `waitlistEntries` (list, create, createBulk, invite, reject, delete) round-tripped;
 * the invited address signs up with the mailed ticket and its entry reads `completed`.
 */
function waitlistSuite(dialect: 'sqlite' | 'postgres') {
  let t: TestApp;
  let database: TestDatabase | undefined;
  let clerk: ClerkClient;
  let apiUrl: string;

  async function errorOf(promise: Promise<unknown>): Promise<{ status: number; code: string | undefined }> {
    try {
      await promise;
    } catch (error) {
      const e = error as { status?: number; errors?: { code: string }[] };
      return { status: e.status ?? 0, code: e.errors?.[0]?.code };
    }
    throw new Error('expected the call to fail');
  }

  beforeAll(async () => {
    database = dialect === 'postgres' ? await createTestDatabase() : undefined;
    t = await createTestApp({ databaseUrl: database?.url });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    apiUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/api`;
    clerk = createClerkClient({ secretKey: t.secretKey, apiUrl, publishableKey: t.domain.publishableKey(), telemetry: { disabled: true } });
    const res = await fetch(`${apiUrl}/v1/instance/restrictions`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${t.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sign_up_mode: 'waitlist' }),
    });
    expect(res.status).toBe(200);
  });

  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it('<Waitlist/>: the environment says waitlist, joining answers a waitlist object, joining again the same one; sign-up is refused', async () => {
    const browser = fapiBrowser(t.app);
    expect((await browser.call('GET', '/v1/environment')).body.user_settings.sign_up.mode).toBe('waitlist');
    const joined = await browser.call('POST', '/v1/waitlist', { email_address: 'Wanda@Example.com' });
    expect(joined.status).toBe(200);
    expect(joined.body).toMatchObject({ object: 'waitlist', id: expect.stringMatching(/^wle_/) });
    expect(joined.body.created_at).toBeTypeOf('number');
    const again = await fapiBrowser(t.app).call('POST', '/v1/waitlist', { email_address: 'wanda@example.com' });
    expect(again.body.id).toBe(joined.body.id);
    for (const [form, code] of [
      [{}, 'form_param_missing'],
      [{ email_address: 'not an address' }, 'form_param_format_invalid'],
      [{ email_address: `${'a'.repeat(320)}@example.com` }, 'form_param_format_invalid'],
    ] as const) {
      const bad = await browser.call('POST', '/v1/waitlist', form);
      expect({ status: bad.status, code: bad.body.errors[0].code }).toEqual({ status: 422, code });
    }
    const refused = await browser.call('POST', '/v1/client/sign_ups', {
      email_address: 'wanda@example.com',
      password: 'a sturdy passphrase',
    });
    expect({ status: refused.status, code: refused.body.errors[0].code }).toEqual({ status: 403, code: 'sign_up_restricted_waitlist' });
  });

  it('@clerk/backend waitlistEntries: list, create, createBulk, invite (the invitee signs up and completes), reject, delete', async () => {
    const created = await clerk.waitlistEntries.create({ emailAddress: 'xavier@example.com' });
    expect(created).toMatchObject({ emailAddress: 'xavier@example.com', status: 'pending', invitation: null, isLocked: false });
    expect((await clerk.waitlistEntries.create({ emailAddress: 'xavier@example.com' })).id).toBe(created.id);
    const bulk = await clerk.waitlistEntries.createBulk([{ emailAddress: 'yara@example.com' }, { emailAddress: 'zed@example.com' }]);
    expect(bulk.map((e) => e.emailAddress)).toEqual(['yara@example.com', 'zed@example.com']);

    const all = await clerk.waitlistEntries.list({ limit: 10 });
    expect(all.totalCount).toBe(4);
    // Newest first; entries of one bulk call may share a millisecond, so only the set is certain here.
    expect(all.data.map((e) => e.emailAddress).sort()).toEqual([
      'wanda@example.com',
      'xavier@example.com',
      'yara@example.com',
      'zed@example.com',
    ]);
    expect(all.data.at(-1)?.emailAddress).toBe('wanda@example.com');
    const byQuery = await clerk.waitlistEntries.list({ query: 'yara' });
    expect(byQuery.data.map((e) => e.emailAddress)).toEqual(['yara@example.com']);
    const ascending = await clerk.waitlistEntries.list({ orderBy: '+email_address', limit: 2, offset: 1 });
    expect(ascending.data.map((e) => e.emailAddress)).toEqual(['xavier@example.com', 'yara@example.com']);

    const invited = await clerk.waitlistEntries.invite(created.id);
    expect(invited.status).toBe('invited');
    expect(invited.invitation).toMatchObject({ emailAddress: 'xavier@example.com', status: 'pending' });
    expect(await errorOf(clerk.waitlistEntries.invite(created.id))).toEqual({ status: 400, code: 'waitlist_entry_not_pending' });
    expect((await clerk.waitlistEntries.list({ status: 'invited' })).data.map((e) => e.id)).toEqual([created.id]);

    // The mailed ticket passes the waitlist mode; the entry then reads completed.
    const mail = (await t.store.mailOutbox.listRecent(50)).find((m) => m.toAddress === 'xavier@example.com');
    const link = mail?.textBody.match(/http\S+tickets\/accept\?ticket=\S+/)?.[0] ?? '';
    const ticket = new URL(link).searchParams.get('ticket') ?? '';
    const browser = fapiBrowser(t.app);
    const started = await browser.call('POST', '/v1/client/sign_ups', { strategy: 'ticket', ticket });
    expect(started.status).toBe(200);
    const done = await browser.call('PATCH', `/v1/client/sign_ups/${started.body.response.id}`, { password: 'a sturdy passphrase' });
    expect(done.body.response.status).toBe('complete');
    expect((await clerk.waitlistEntries.list({ status: 'completed' })).data.map((e) => e.id)).toEqual([created.id]);

    const yara = bulk[0]?.id ?? '';
    const rejected = await clerk.waitlistEntries.reject(yara);
    expect(rejected.status).toBe('rejected');
    expect(await errorOf(clerk.waitlistEntries.reject(yara))).toEqual({ status: 400, code: 'waitlist_entry_not_pending' });
    const deleted = await clerk.waitlistEntries.delete(yara);
    expect(deleted).toMatchObject({ id: yara, deleted: true });
    expect(await errorOf(clerk.waitlistEntries.delete(yara))).toEqual({ status: 404, code: 'resource_not_found' });
    expect((await clerk.waitlistEntries.list()).totalCount).toBe(3);
  });
}

describe('waitlist (SQLite)', () => waitlistSuite('sqlite'));
describe.skipIf(!pgOk)('waitlist (PostgreSQL)', () => waitlistSuite('postgres'));
