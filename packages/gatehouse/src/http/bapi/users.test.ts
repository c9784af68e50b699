import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/app.js';

/**
 * Happy paths of `/v1/users` at the wire level, where the SDK hides the shape: the bare array, the
 * count object, repeated query parameters, ordering, metadata merge rules, imported password digests
 * (and their upgrade to argon2id), and what deleting a primary e-mail address does.
 */

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

interface WireUser {
  id: string;
  first_name: string | null;
  username: string | null;
  external_id: string | null;
  primary_email_address_id: string | null;
  email_addresses: { id: string; email_address: string }[];
  public_metadata: Record<string, unknown>;
  private_metadata: Record<string, unknown>;
  unsafe_metadata: Record<string, unknown>;
  password_enabled: boolean;
  created_at: number;
}

let t: TestApp;
/** The app's clock: tests move it instead of sleeping. */
let now = Date.now();

async function call<T = unknown>(method: Method, url: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await t.app.inject({
    method,
    url,
    headers: { ...t.auth, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  return { status: res.statusCode, body: JSON.parse(res.body) as T };
}

async function createUser(body: Record<string, unknown>): Promise<WireUser> {
  const res = await call<WireUser>('POST', '/api/v1/users', body);
  expect(res.status).toBe(200);
  return res.body;
}

const ids = (users: WireUser[]) => users.map((u) => u.id);

describe('BAPI /v1/users', () => {
  // Created in this order, with created_at one second apart; first names sort differently.
  let carol: WireUser;
  let alice: WireUser;
  let bob: WireUser;
  const T0 = 1_700_000_000_000;

  beforeAll(async () => {
    t = await createTestApp({ clock: () => now });
    carol = await createUser({
      email_address: ['carol@example.com'],
      first_name: 'Carol',
      username: 'carol_c',
      external_id: 'ext-carol',
      created_at: T0,
    });
    alice = await createUser({
      email_address: ['alice@example.com'],
      first_name: 'Alice',
      username: 'alice_a',
      external_id: 'ext-alice',
      created_at: T0 + 1000,
    });
    bob = await createUser({
      email_address: ['bob@example.org'],
      first_name: 'Bob',
      username: 'bob_b',
      external_id: 'ext-bob',
      created_at: T0 + 2000,
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('list and count', () => {
    it('GET /users answers a bare JSON array of user objects, newest first', async () => {
      const res = await call<WireUser[]>('GET', '/api/v1/users');
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body)).toBe(true);
      expect(ids(res.body)).toEqual([bob.id, alice.id, carol.id]);
      expect(res.body[0]).toMatchObject({ object: 'user', id: bob.id, first_name: 'Bob', created_at: T0 + 2000 });
      expect(res.body[0]).not.toHaveProperty('data');
    });

    it('GET /users/count answers {object: "total_count", total_count}', async () => {
      expect(await call('GET', '/api/v1/users/count')).toEqual({ status: 200, body: { object: 'total_count', total_count: 3 } });
      expect((await call('GET', '/api/v1/users/count?query=example.com')).body).toEqual({ object: 'total_count', total_count: 2 });
      expect((await call('GET', '/api/v1/users/count?email_address=nobody%40example.com')).body).toEqual({
        object: 'total_count',
        total_count: 0,
      });
    });

    it.each([
      {
        filter: 'email_address twice',
        query: 'email_address=alice%40example.com&email_address=BOB%40example.org',
        expected: () => [bob, alice],
      },
      { filter: 'one email_address', query: 'email_address=carol%40example.com', expected: () => [carol] },
      { filter: 'user_id twice', query: () => `user_id=${carol.id}&user_id=${bob.id}`, expected: () => [bob, carol] },
      { filter: 'external_id', query: 'external_id=ext-alice', expected: () => [alice] },
      { filter: 'username (any case)', query: 'username=BOB_B', expected: () => [bob] },
      { filter: 'query on an e-mail domain', query: 'query=example.org', expected: () => [bob] },
      { filter: 'query on a first name, any case', query: 'query=aLiCe', expected: () => [alice] },
      { filter: 'query on part of a username', query: 'query=rol_', expected: () => [carol] },
      { filter: 'query that matches nobody', query: 'query=no.such.user', expected: () => [] },
      { filter: 'two filters together', query: 'external_id=ext-alice&external_id=ext-bob&username=bob_b', expected: () => [bob] },
    ])('filters by $filter, in the list and in the count', async ({ query, expected }) => {
      const qs = typeof query === 'function' ? query() : query;
      const list = await call<WireUser[]>('GET', `/api/v1/users?${qs}`);
      expect(list.status).toBe(200);
      expect(ids(list.body)).toEqual(ids(expected()));
      const count = await call('GET', `/api/v1/users/count?${qs}`);
      expect(count.body).toEqual({ object: 'total_count', total_count: expected().length });
    });

    it.each([
      { orderBy: '-created_at', expected: () => [bob, alice, carol] },
      { orderBy: '%2Bcreated_at', expected: () => [carol, alice, bob] },
      { orderBy: 'created_at', expected: () => [carol, alice, bob] },
      { orderBy: 'first_name', expected: () => [alice, bob, carol] },
      { orderBy: '-first_name', expected: () => [carol, bob, alice] },
      { orderBy: '%2Busername', expected: () => [alice, bob, carol] },
    ])('orders by $orderBy', async ({ orderBy, expected }) => {
      const res = await call<WireUser[]>('GET', `/api/v1/users?order_by=${orderBy}`);
      expect(ids(res.body)).toEqual(ids(expected()));
    });

    it.each([
      { page: 'limit=1', expected: () => [bob] },
      { page: 'limit=2', expected: () => [bob, alice] },
      { page: 'limit=1&offset=1', expected: () => [alice] },
      { page: 'limit=2&offset=2', expected: () => [carol] },
      { page: 'offset=3', expected: () => [] },
      { page: 'limit=500&order_by=%2Bcreated_at&offset=1', expected: () => [alice, bob] },
    ])('pages with $page', async ({ page, expected }) => {
      const res = await call<WireUser[]>('GET', `/api/v1/users?${page}`);
      expect(ids(res.body)).toEqual(ids(expected()));
    });

    it('counts ignore paging: the count stays 3 however the list is paged', async () => {
      expect((await call<WireUser[]>('GET', '/api/v1/users?limit=1')).body).toHaveLength(1);
      expect((await call('GET', '/api/v1/users/count')).body).toEqual({ object: 'total_count', total_count: 3 });
    });
  });

  describe('metadata', () => {
    it('PATCH deep-merges, and null removes a key', async () => {
      const user = await createUser({
        public_metadata: { role: 'admin', prefs: { theme: 'dark', lang: 'en' }, tags: ['a', 'b'] },
        private_metadata: { stripe: 'cus_1', plan: 'pro' },
        unsafe_metadata: { seen: true },
      });
      const merged = await call<WireUser>('PATCH', `/api/v1/users/${user.id}/metadata`, {
        public_metadata: { prefs: { lang: 'ko', font: null }, role: null, tags: ['c'] },
        private_metadata: { plan: null, seats: 5 },
      });
      expect(merged.status).toBe(200);
      expect(merged.body.public_metadata).toEqual({ prefs: { theme: 'dark', lang: 'ko' }, tags: ['c'] });
      expect(merged.body.private_metadata).toEqual({ stripe: 'cus_1', seats: 5 });
      expect(merged.body.unsafe_metadata).toEqual({ seen: true });
      // A nested null removes only the nested key.
      const nested = await call<WireUser>('PATCH', `/api/v1/users/${user.id}/metadata`, { public_metadata: { prefs: { theme: null } } });
      expect(nested.body.public_metadata).toEqual({ prefs: { lang: 'ko' }, tags: ['c'] });
      const stored = await call<WireUser>('GET', `/api/v1/users/${user.id}`);
      expect(stored.body.public_metadata).toEqual({ prefs: { lang: 'ko' }, tags: ['c'] });
      expect(stored.body.private_metadata).toEqual({ stripe: 'cus_1', seats: 5 });
    });

    it('PUT replaces the objects it is given and leaves the others alone', async () => {
      const user = await createUser({
        public_metadata: { role: 'admin', prefs: { theme: 'dark' } },
        private_metadata: { stripe: 'cus_2' },
        unsafe_metadata: { seen: true },
      });
      const replaced = await call<WireUser>('PUT', `/api/v1/users/${user.id}/metadata`, {
        public_metadata: { onboarded: true },
        unsafe_metadata: {},
      });
      expect(replaced.status).toBe(200);
      expect(replaced.body.public_metadata).toEqual({ onboarded: true });
      expect(replaced.body.unsafe_metadata).toEqual({});
      expect(replaced.body.private_metadata).toEqual({ stripe: 'cus_2' });
      const stored = await call<WireUser>('GET', `/api/v1/users/${user.id}`);
      expect(stored.body).toMatchObject({
        public_metadata: { onboarded: true },
        private_metadata: { stripe: 'cus_2' },
        unsafe_metadata: {},
      });
    });
  });

  describe('passwords', () => {
    it('imports a bcrypt password_digest, verifies it, then re-hashes it with argon2id', async () => {
      const digest = bcrypt.hashSync('imported-Passw0rd!', 4);
      const user = await createUser({ email_address: ['imported@example.com'], password_digest: digest, password_hasher: 'bcrypt' });
      expect(user.password_enabled).toBe(true);
      const before = await t.store.users.findById(user.id);
      expect(before).toMatchObject({ passwordHasher: 'bcrypt', passwordDigest: digest });

      const wrong = await call<{ errors: { code: string }[] }>('POST', `/api/v1/users/${user.id}/verify_password`, { password: 'not-it' });
      expect(wrong.status).toBe(422);
      expect(wrong.body.errors[0]?.code).toBe('form_password_incorrect');
      expect((await t.store.users.findById(user.id))?.passwordHasher).toBe('bcrypt');

      expect(await call('POST', `/api/v1/users/${user.id}/verify_password`, { password: 'imported-Passw0rd!' })).toEqual({
        status: 200,
        body: { verified: true },
      });
      const after = await t.store.users.findById(user.id);
      expect(after?.passwordHasher).toBe('argon2id');
      expect(after?.passwordDigest).toMatch(/^\$argon2id\$/);
      // The new digest still verifies the same password, and only that one.
      expect((await call('POST', `/api/v1/users/${user.id}/verify_password`, { password: 'imported-Passw0rd!' })).status).toBe(200);
      expect((await call('POST', `/api/v1/users/${user.id}/verify_password`, { password: 'imported-Passw0rd?' })).status).toBe(422);
    });

    it('skip_password_checks: true accepts a common password that is otherwise refused', async () => {
      const refused = await call<{ errors: { code: string }[] }>('POST', '/api/v1/users', { first_name: 'Weak', password: 'password' });
      expect(refused.status).toBe(422);
      expect(refused.body.errors[0]?.code).toBe('form_password_pwned');

      const user = await createUser({ first_name: 'Weak', password: 'password', skip_password_checks: true });
      expect(user.password_enabled).toBe(true);
      expect((await t.store.users.findById(user.id))?.passwordHasher).toBe('argon2id');
      expect(await call('POST', `/api/v1/users/${user.id}/verify_password`, { password: 'password' })).toEqual({
        status: 200,
        body: { verified: true },
      });
    });
  });

  describe('e-mail addresses', () => {
    it('deleting the primary address promotes the oldest remaining one', async () => {
      const user = await createUser({ email_address: ['first@example.com'] });
      const firstId = user.primary_email_address_id;
      expect(firstId).toBe(user.email_addresses[0]?.id);
      const second = await call<{ id: string }>('POST', '/api/v1/email_addresses', {
        user_id: user.id,
        email_address: 'second@example.com',
      });
      now += 5;
      const third = await call<{ id: string }>('POST', '/api/v1/email_addresses', { user_id: user.id, email_address: 'third@example.com' });
      expect([second.status, third.status]).toEqual([200, 200]);
      // Adding addresses leaves the primary alone.
      expect((await call<WireUser>('GET', `/api/v1/users/${user.id}`)).body.primary_email_address_id).toBe(firstId);

      const deleted = await call('DELETE', `/api/v1/email_addresses/${firstId}`);
      expect(deleted).toEqual({ status: 200, body: { object: 'email_address', id: firstId, deleted: true } });
      const after = await call<WireUser>('GET', `/api/v1/users/${user.id}`);
      expect(after.body.primary_email_address_id).toBe(second.body.id);
      expect(after.body.email_addresses.map((e) => e.email_address)).toEqual(['second@example.com', 'third@example.com']);

      // Deleting a non-primary address leaves the primary where it is.
      await call('DELETE', `/api/v1/email_addresses/${third.body.id}`);
      expect((await call<WireUser>('GET', `/api/v1/users/${user.id}`)).body.primary_email_address_id).toBe(second.body.id);
      // And deleting the last one leaves no primary rather than a dangling id.
      await call('DELETE', `/api/v1/email_addresses/${second.body.id}`);
      const none = await call<WireUser>('GET', `/api/v1/users/${user.id}`);
      expect(none.body.primary_email_address_id).toBeNull();
      expect(none.body.email_addresses).toEqual([]);
    });
  });
});

describe('BAPI /v1/users password removal and web3 wallets', () => {
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('removes the password, optionally revoking every session', async () => {
    const created = await call<WireUser>('POST', '/api/v1/users', {
      email_address: ['nopass@example.com'],
      password: 'a sturdy passphrase',
    });
    const userId = created.body.id;
    const session = await call<{ id: string }>('POST', '/api/v1/sessions', { user_id: userId });
    const kept = await call<WireUser>('POST', `/api/v1/users/${userId}/remove_password`);
    expect(kept.status).toBe(200);
    expect(kept.body.password_enabled).toBe(false);
    expect((await call<{ status: string }>('GET', `/api/v1/sessions/${session.body.id}`)).body.status).toBe('active');
    const wrong = await call<{ errors: { code: string }[] }>('POST', `/api/v1/users/${userId}/verify_password`, {
      password: 'a sturdy passphrase',
    });
    expect(wrong.status).toBe(422);

    await call('PATCH', `/api/v1/users/${userId}`, { password: 'another sturdy passphrase' });
    const revoked = await call<WireUser>('POST', `/api/v1/users/${userId}/remove_password`, { sign_out_of_other_sessions: true });
    expect(revoked.body.password_enabled).toBe(false);
    expect((await call<{ status: string }>('GET', `/api/v1/sessions/${session.body.id}`)).body.status).toBe('revoked');
  });

  it('answers an unknown web3 wallet as not found, and an unknown user first', async () => {
    const created = await call<WireUser>('POST', '/api/v1/users', { username: 'walletless' });
    const wallet = await call<{ errors: { code: string; long_message: string }[] }>(
      'DELETE',
      `/api/v1/users/${created.body.id}/web3_wallets/idn_x`,
    );
    expect(wallet.status).toBe(404);
    expect(wallet.body.errors[0]?.long_message).toMatch(/web3 wallet/);
    const user = await call<{ errors: { code: string; long_message: string }[] }>('DELETE', '/api/v1/users/user_nope/web3_wallets/idn_x');
    expect(user.status).toBe(404);
    expect(user.body.errors[0]?.long_message).toMatch(/user/);
  });
});
