import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Migrator } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../ids.js';
import type {
  ApiKey,
  Client,
  EmailAddress,
  ExternalAccount,
  Invitation,
  JwtTemplate,
  M2MToken,
  Machine,
  OAuthFlow,
  Organization,
  OrganizationDomain,
  OrganizationMembership,
  Session,
  SignIn,
  StoredInstance,
  StoredSigningKey,
  User,
  WebhookEndpoint,
} from '../model/index.js';
import { T0, testUser } from '../testing/rows.js';
import { createTestDatabase, postgresAvailable } from '../testing/services.js';
import { UniqueViolation } from './errors.js';
import { type Dialect, openStore, type Store } from './index.js';
import { sessionMapping } from './mappings.js';
import { backfillSuggestionDomains } from './migrations/0017-enrollment-by-domain.js';
import { migrations } from './migrations/index.js';
import { openPostgres } from './postgres.js';
import { createRepositories } from './repositories/index.js';
import type { TaskTransition } from './repositories/sessions.js';
import type { UserListOptions } from './repositories/users.js';
import type { SessionRow } from './schema.js';
import { openSqlite } from './sqlite.js';

const pgOk = await postgresAvailable();

function emailRow(userId: string, address: string, overrides: Partial<EmailAddress> = {}): EmailAddress {
  return {
    id: newId('idn'),
    userId: userId,
    emailAddress: address,
    verified: true,
    verificationStrategy: 'admin',
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

function clientRow(overrides: Partial<Client> = {}): Client {
  return {
    id: newId('client'),
    tokenHash: null,
    signInId: null,
    signUpId: null,
    lastActiveSessionId: null,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

function sessionRow(clientId: string, userId: string, overrides: Partial<Session> = {}): Session {
  return {
    id: newId('sess'),
    clientId: clientId,
    userId: userId,
    status: 'active',
    lastActiveOrganizationId: null,
    lastActiveAt: T0,
    expireAt: T0 + 7 * 86_400_000,
    abandonAt: T0 + 30 * 86_400_000,
    createdAt: T0,
    updatedAt: T0,
    actor: null,
    tasks: [],
    ...overrides,
  };
}

function templateRow(name: string, overrides: Partial<JwtTemplate> = {}): JwtTemplate {
  return {
    id: newId('jtmp'),
    name,
    claims: { aud: 'app' },
    lifetime: 60,
    allowedClockSkew: 5,
    customSigningKey: false,
    signingAlgorithm: 'RS256',
    signingKeyEnc: null,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

function organizationRow(slug: string, overrides: Partial<Organization> = {}): Organization {
  return {
    id: newId('org'),
    name: slug,
    slug,
    imageUrl: null,
    maxAllowedMemberships: 0,
    adminDeleteEnabled: true,
    publicMetadata: {},
    privateMetadata: {},
    createdBy: null,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

function membershipRow(organizationId: string, userId: string, overrides: Partial<OrganizationMembership> = {}): OrganizationMembership {
  return {
    id: newId('orgmem'),
    organizationId: organizationId,
    userId: userId,
    role: 'org:member',
    publicMetadata: {},
    privateMetadata: {},
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

interface Target {
  url: string;
  cleanup(): Promise<void>;
}

async function newTarget(dialect: Dialect): Promise<Target> {
  if (dialect === 'postgres') {
    const database = await createTestDatabase();
    return { url: database.url, cleanup: () => database.drop() };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-store-'));
  return {
    url: `sqlite:${path.join(dir, 'gatehouse.db')}`,
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

/** Registers the same suite for one dialect; every block gets its own fresh database. */
function conformanceSuite(dialect: Dialect) {
  describe.skipIf(dialect === 'postgres' && !pgOk)(`store conformance: ${dialect}`, () => {
    const targets: Target[] = [];
    const opened: Store[] = [];

    async function freshStore(): Promise<{ store: Store; url: string }> {
      const target = await newTarget(dialect);
      targets.push(target);
      const store = await openStore({ url: target.url });
      opened.push(store);
      return { store, url: target.url };
    }

    afterAll(async () => {
      for (const store of opened) await store.close().catch(() => {});
      for (const target of targets) await target.cleanup();
    });

    describe('users', () => {
      let store: Store;
      beforeAll(async () => {
        ({ store } = await freshStore());
      });

      it('reports its dialect and answers ping', async () => {
        expect(store.dialect).toBe(dialect);
        await expect(store.ping()).resolves.toBeUndefined();
      });

      it('inserts and finds a user with every column intact', async () => {
        const row = testUser({
          externalId: 'ext-1',
          username: 'round_trip',
          firstName: 'Round',
          lastName: 'Trip',
          imageUrl: 'https://img.example.com/a.png',
          passwordDigest: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
          passwordHasher: 'argon2id',
          passwordLastUpdatedAt: T0 + 1,
          publicMetadata: { plan: 'pro' },
          privateMetadata: { stripe: 'cus_1' },
          unsafeMetadata: { theme: 'dark' },
          banned: true,
          locked: true,
          lastSignInAt: T0 + 2,
          lastActiveAt: T0 + 3,
          locale: 'de-DE',
          timezone: 'Europe/Berlin',
          legalAcceptedAt: T0 + 4,
          createOrganizationEnabled: false,
          deleteSelfEnabled: false,
          totpEnabled: true,
          backupCodeEnabled: true,
          mfaEnabledAt: T0 + 5,
          mfaDisabledAt: T0 + 6,
        });
        await store.users.insert(row);
        expect(await store.users.findById(row.id)).toEqual(row);
        expect(await store.users.findById('user_missing')).toBeUndefined();
      });

      it('updates only the given columns', async () => {
        const row = testUser({ username: 'before_update', firstName: 'Before' });
        await store.users.insert(row);
        await store.users.update(row.id, { firstName: 'After', username: null, updatedAt: T0 + 10 });
        expect(await store.users.findById(row.id)).toEqual({ ...row, firstName: 'After', username: null, updatedAt: T0 + 10 });
      });

      it('deletes a user once', async () => {
        const row = testUser();
        await store.users.insert(row);
        expect(await store.users.delete(row.id)).toBe(true);
        expect(await store.users.findById(row.id)).toBeUndefined();
        expect(await store.users.delete(row.id)).toBe(false);
      });

      it('turns a duplicate e-mail address into UniqueViolation naming the column', async () => {
        const a = testUser();
        const b = testUser();
        await store.users.insert(a);
        await store.users.insert(b);
        await store.emailAddresses.insert(emailRow(a.id, 'dup@example.com'));
        const error = await rejection(store.emailAddresses.insert(emailRow(b.id, 'dup@example.com')));
        expect(error).toBeInstanceOf(UniqueViolation);
        expect((error as UniqueViolation).detail).toMatch(/email_address/);
        expect(await store.emailAddresses.listByUser(b.id)).toEqual([]);

        const other = emailRow(b.id, 'other@example.com');
        await store.emailAddresses.insert(other);
        const updateError = await rejection(store.emailAddresses.update(other.id, { emailAddress: 'dup@example.com' }));
        expect(updateError).toBeInstanceOf(UniqueViolation);
        expect((await store.emailAddresses.findById(other.id))?.emailAddress).toBe('other@example.com');
      });

      it('turns a duplicate username into UniqueViolation, on insert and on update', async () => {
        await store.users.insert(testUser({ username: 'taken_name' }));
        const error = await rejection(store.users.insert(testUser({ username: 'taken_name' })));
        expect(error).toBeInstanceOf(UniqueViolation);
        expect((error as UniqueViolation).detail).toMatch(/username/);

        const other = testUser({ username: 'free_name' });
        await store.users.insert(other);
        const updateError = await rejection(store.users.update(other.id, { username: 'taken_name' }));
        expect(updateError).toBeInstanceOf(UniqueViolation);
        expect((updateError as UniqueViolation).detail).toMatch(/username/);
        expect((await store.users.findById(other.id))?.username).toBe('free_name');
      });

      it('turns a duplicate external_id into UniqueViolation', async () => {
        await store.users.insert(testUser({ externalId: 'ext-dup' }));
        const error = await rejection(store.users.insert(testUser({ externalId: 'ext-dup' })));
        expect(error).toBeInstanceOf(UniqueViolation);
        expect((error as UniqueViolation).detail).toMatch(/external_id/);
      });

      it('allows many users without a username or external_id', async () => {
        const rows = [testUser(), testUser(), testUser()];
        for (const row of rows) await store.users.insert(row);
        const found = await store.users.list({
          userIds: rows.map((r) => r.id),
          orderBy: 'created_at',
          direction: 'asc',
          limit: 10,
          offset: 0,
        });
        expect(found).toHaveLength(3);
        expect(found.every((u) => u.username === null && u.externalId === null)).toBe(true);
      });

      it('does not report a non-unique failure as UniqueViolation', async () => {
        const error = await rejection(store.emailAddresses.insert(emailRow('user_does_not_exist', 'orphan@example.com')));
        expect(error).toBeInstanceOf(Error);
        expect(error).not.toBeInstanceOf(UniqueViolation);
      });
    });

    describe('user listing', () => {
      let store: Store;
      // Fixed ids: the query matches ids too, and a random id holds a three-letter name like "ann" about once in 200 runs.
      const listed = (n: number, overrides: Partial<User>) => testUser({ id: `user_${String(n).padStart(22, '0')}QzJwX`, ...overrides });
      const ann = listed(1, {
        firstName: 'Ann',
        lastName: 'Lee',
        username: 'ann_lee',
        externalId: 'ext-ann',
        createdAt: T0 + 1000,
        lastSignInAt: T0 + 50_000,
      });
      const bob = listed(2, { firstName: 'Bob', lastName: 'Stone', username: 'bobby', externalId: 'ext-bob', createdAt: T0 + 2000 });
      const cara = listed(3, {
        firstName: 'Cara',
        lastName: 'Oneil',
        username: 'cara',
        createdAt: T0 + 3000,
        lastSignInAt: T0 + 10_000,
      });
      const dan = listed(4, { firstName: 'Dan', lastName: 'O_Neil', createdAt: T0 + 4000 });
      // eve and fay share a creation time, so their order comes from the id tie-breaker.
      const eve = listed(5, { firstName: 'Eve', lastName: 'OxNeil', createdAt: T0 + 5000 });
      const fay = listed(6, { firstName: '100%', lastName: 'Sure', createdAt: T0 + 5000 });
      const gus = listed(7, { firstName: 'Gus', lastName: 'Back\\Slash', createdAt: T0 + 7000 });
      const all = [ann, bob, cara, dan, eve, fay, gus];
      const byCreation = [ann, bob, cara, dan, ...[eve, fay].sort((x, y) => (x.id < y.id ? -1 : 1)), gus];

      const ids = (rows: User[]) => rows.map((r) => r.id);
      const list = (options: Partial<UserListOptions>) =>
        store.users.list({ orderBy: 'created_at', direction: 'asc', limit: 100, offset: 0, ...options });

      beforeAll(async () => {
        ({ store } = await freshStore());
        for (const row of all) await store.users.insert(row);
        await store.emailAddresses.insert(emailRow(ann.id, 'ann@example.com', { createdAt: T0 + 1000 }));
        await store.emailAddresses.insert(emailRow(ann.id, 'ann.work@corp.test', { createdAt: T0 + 1001 }));
        await store.emailAddresses.insert(emailRow(bob.id, 'bob@example.com'));
        await store.emailAddresses.insert(emailRow(cara.id, 'cara@example.org'));
        await store.emailAddresses.insert(emailRow(dan.id, 'dan@example.net'));
      });

      it('lists and counts everything without a filter', async () => {
        expect(ids(await list({}))).toEqual(ids(byCreation));
        expect(await store.users.count({})).toBe(7);
      });

      it('filters by e-mail address, case-insensitively and without duplicates', async () => {
        expect(ids(await list({ emailAddresses: ['ANN@Example.com'] }))).toEqual([ann.id]);
        expect(ids(await list({ emailAddresses: ['ann@example.com', 'ann.work@corp.test', 'bob@example.com'] }))).toEqual([ann.id, bob.id]);
        expect(await store.users.count({ emailAddresses: ['ann@example.com', 'ann.work@corp.test'] })).toBe(1);
        expect(await list({ emailAddresses: ['nobody@example.com'] })).toEqual([]);
      });

      it('filters by user id', async () => {
        expect(ids(await list({ userIds: [cara.id, ann.id, 'user_unknown'] }))).toEqual([ann.id, cara.id]);
        expect(await store.users.count({ userIds: [cara.id, ann.id] })).toBe(2);
      });

      it('filters by external id', async () => {
        expect(ids(await list({ externalIds: ['ext-bob'] }))).toEqual([bob.id]);
        expect(await store.users.count({ externalIds: ['ext-bob', 'ext-ann', 'ext-none'] })).toBe(2);
      });

      it('filters by username, case-insensitively', async () => {
        expect(ids(await list({ usernames: ['BOBBY', 'cara'] }))).toEqual([bob.id, cara.id]);
        expect(await store.users.count({ usernames: ['Ann_Lee'] })).toBe(1);
      });

      it('combines filters with AND', async () => {
        expect(ids(await list({ emailAddresses: ['ann@example.com', 'bob@example.com'], usernames: ['bobby'] }))).toEqual([bob.id]);
        expect(await store.users.count({ userIds: [ann.id], externalIds: ['ext-bob'] })).toBe(0);
      });

      it('matches the query as a case-insensitive substring of e-mail, names, username and id', async () => {
        expect(ids(await list({ query: 'ANN' }))).toEqual([ann.id]);
        expect(ids(await list({ query: 'stone' }))).toEqual([bob.id]);
        expect(ids(await list({ query: 'corp.TEST' }))).toEqual([ann.id]);
        expect(ids(await list({ query: '@example.' }))).toEqual([ann.id, bob.id, cara.id, dan.id]);
        expect(ids(await list({ query: 'bob' }))).toEqual([bob.id]);
        expect(ids(await list({ query: 'EVE' }))).toEqual([eve.id]);
        expect(ids(await list({ query: gus.id.slice(-12).toUpperCase() }))).toEqual([gus.id]);
        expect(await list({ query: 'no-such-user' })).toEqual([]);
        expect(await store.users.count({ query: 'example' })).toBe(4);
      });

      it('treats LIKE wildcards and the escape character in the query literally', async () => {
        expect(ids(await list({ query: '%' }))).toEqual([fay.id]);
        expect(ids(await list({ query: '100%' }))).toEqual([fay.id]);
        expect(ids(await list({ query: 'o_neil' }))).toEqual([dan.id]);
        expect(ids(await list({ query: 'oneil' }))).toEqual([cara.id]);
        expect(ids(await list({ query: '\\' }))).toEqual([gus.id]);
        expect(ids(await list({ query: 'k\\s' }))).toEqual([gus.id]);
        expect(await store.users.count({ query: '%' })).toBe(1);
        expect(await store.users.count({ query: 'o_neil' })).toBe(1);
      });

      it('orders by created_at in both directions, breaking ties by id', async () => {
        expect(ids(await list({ direction: 'asc' }))).toEqual(ids(byCreation));
        expect(ids(await list({ direction: 'desc' }))).toEqual(ids(byCreation).reverse());
      });

      it('orders by text columns', async () => {
        expect((await list({ orderBy: 'first_name', direction: 'asc' })).map((u) => u.firstName)).toEqual([
          '100%',
          'Ann',
          'Bob',
          'Cara',
          'Dan',
          'Eve',
          'Gus',
        ]);
        expect((await list({ orderBy: 'last_name', direction: 'desc' })).map((u) => u.lastName)).toEqual([
          'Sure',
          'Stone',
          'OxNeil',
          'Oneil',
          'O_Neil',
          'Lee',
          'Back\\Slash',
        ]);
      });

      it('orders a nullable column the same way on every dialect (nulls after values ascending, before them descending)', async () => {
        const withoutSignIn = ids([bob, dan, eve, fay, gus].sort((x, y) => (x.id < y.id ? -1 : 1)));
        expect(ids(await list({ orderBy: 'last_sign_in_at', direction: 'asc' }))).toEqual([cara.id, ann.id, ...withoutSignIn]);
        expect(ids(await list({ orderBy: 'last_sign_in_at', direction: 'desc' }))).toEqual([
          ...[...withoutSignIn].reverse(),
          ann.id,
          cara.id,
        ]);
        const byUsername = await list({ orderBy: 'username', direction: 'asc' });
        expect(byUsername.slice(0, 3).map((u) => u.username)).toEqual(['ann_lee', 'bobby', 'cara']);
        expect(byUsername.slice(3).every((u) => u.username === null)).toBe(true);
      });

      it('pages with limit and offset, and counts ignore paging', async () => {
        expect(ids(await list({ limit: 2, offset: 0 }))).toEqual(ids(byCreation.slice(0, 2)));
        expect(ids(await list({ limit: 2, offset: 1 }))).toEqual([bob.id, cara.id]);
        expect(ids(await list({ limit: 3, offset: 5, direction: 'desc' }))).toEqual([bob.id, ann.id]);
        expect(await list({ limit: 10, offset: 7 })).toEqual([]);
        expect(ids(await list({ query: '@example.', limit: 1, offset: 2 }))).toEqual([cara.id]);
        expect(await store.users.count({ query: '@example.' })).toBe(4);
      });

      it('returns full rows from list', async () => {
        expect(await list({ userIds: [ann.id] })).toEqual([ann]);
      });
    });

    describe('phone numbers and passkeys', () => {
      let store: Store;
      const owner = testUser();

      beforeAll(async () => {
        ({ store } = await freshStore());
        await store.users.insert(owner);
      });

      it('keeps one primary phone number per user, and finds every listing of a number oldest first', async () => {
        const phone = (id: string, createdAt: number) => ({
          id,
          userId: owner.id,
          phoneNumber: '+15555550123',
          verified: false,
          verificationStrategy: null,
          primary: false,
          reservedForSecondFactor: false,
          defaultSecondFactor: false,
          createdAt,
          updatedAt: createdAt,
        });
        await store.phoneNumbers.insert(phone('idn_phone_b', T0 + 2));
        await store.phoneNumbers.insert(phone('idn_phone_a', T0 + 1));
        await store.phoneNumbers.setPrimary(owner.id, 'idn_phone_a');
        await store.phoneNumbers.setPrimary(owner.id, 'idn_phone_b');
        const listed = await store.phoneNumbers.listByUsers([owner.id]);
        expect(listed.map((p) => [p.id, p.primary])).toEqual([
          ['idn_phone_a', false],
          ['idn_phone_b', true],
        ]);
        expect((await store.phoneNumbers.findByNumber('+15555550123')).map((p) => p.id)).toEqual(['idn_phone_a', 'idn_phone_b']);
        await store.phoneNumbers.setPrimary(owner.id, null);
        expect((await store.phoneNumbers.listByUsers([owner.id])).some((p) => p.primary)).toBe(false);
      });

      it('moves a passkey counter forward only, in one statement, and refuses a duplicate credential id', async () => {
        const passkey = {
          id: 'pkey_conformance',
          userId: owner.id,
          name: 'Key',
          credentialId: 'cred-1',
          publicKey: 'pk',
          counter: 5,
          transports: ['usb', 'nfc'],
          verified: true,
          lastUsedAt: null,
          createdAt: T0,
          updatedAt: T0,
        };
        await store.passkeys.insert(passkey);
        expect(await store.passkeys.findByCredentialId('cred-1')).toEqual(passkey);
        expect(await store.passkeys.advanceCounter(passkey.id, 5, T0 + 1)).toBe(false);
        expect(await store.passkeys.advanceCounter(passkey.id, 6, T0 + 2)).toBe(true);
        expect((await store.passkeys.findById(passkey.id))?.counter).toBe(6);
        expect(await rejection(store.passkeys.insert({ ...passkey, id: 'pkey_other' }))).toBeInstanceOf(UniqueViolation);
        // Two pending registrations have no credential yet: both are allowed.
        await store.passkeys.insert({ ...passkey, id: 'pkey_pending_1', credentialId: null, verified: false });
        await store.passkeys.insert({ ...passkey, id: 'pkey_pending_2', credentialId: null, verified: false });
        expect(await store.passkeys.listByUsers([owner.id])).toHaveLength(3);
      });

      it('reads a whole user in one call: phone numbers and social accounts oldest first, verified passkeys only', async () => {
        const account: ExternalAccount = {
          id: 'eac_whole',
          userId: owner.id,
          provider: 'google',
          providerUserId: `whole-${dialect}`,
          emailAddress: 'whole@example.com',
          emailVerified: true,
          firstName: 'Whole',
          lastName: 'User',
          username: null,
          imageUrl: '',
          approvedScopes: 'openid',
          status: 'verified',
          tokensEnc: null,
          tokenExpiresAt: null,
          refreshLeaseUntil: null,
          createdAt: T0,
          updatedAt: T0,
        };
        await store.externalAccounts.insert(account);
        const whole = await store.users.findWhole(owner.id);
        expect(whole?.user).toEqual(owner);
        expect(whole?.emailAddresses).toEqual([]);
        expect(whole?.phoneNumbers.map((p) => p.id)).toEqual(['idn_phone_a', 'idn_phone_b']);
        expect(whole?.passkeys.map((p) => p.id)).toEqual(['pkey_conformance']);
        expect(whole?.externalAccounts).toEqual([account]);
        expect(await store.users.findWhole('user_none')).toBeUndefined();
      });
    });

    describe('email addresses', () => {
      let store: Store;
      const owner = testUser();
      const other = testUser();
      const first = emailRow(owner.id, 'first@example.com', { createdAt: T0 + 1 });
      const second = emailRow(owner.id, 'second@example.com', { createdAt: T0 + 2, verified: false, verificationStrategy: null });
      const third = emailRow(other.id, 'third@example.com', { createdAt: T0 });

      beforeAll(async () => {
        ({ store } = await freshStore());
        await store.users.insert(owner);
        await store.users.insert(other);
        await store.emailAddresses.insert(second);
        await store.emailAddresses.insert(first);
        await store.emailAddresses.insert(third);
      });

      it('finds by id and by address, case-insensitively', async () => {
        expect(await store.emailAddresses.findById(second.id)).toEqual(second);
        expect(await store.emailAddresses.findByAddress('FIRST@Example.COM')).toEqual(first);
        expect(await store.emailAddresses.findByAddress('none@example.com')).toBeUndefined();
      });

      it('lists one user’s addresses oldest first', async () => {
        expect(await store.emailAddresses.listByUser(owner.id)).toEqual([first, second]);
        expect(await store.emailAddresses.listByUser('user_none')).toEqual([]);
      });

      it('reads a user with their addresses in one call, oldest first; none for a user without any', async () => {
        expect(await store.users.findWhole(owner.id)).toMatchObject({ user: owner, emailAddresses: [first, second] });
        const lonely = testUser({ createdAt: T0 + 7 });
        await store.users.insert(lonely);
        expect(await store.users.findWhole(lonely.id)).toMatchObject({ user: lonely, emailAddresses: [] });
        await store.users.delete(lonely.id);
      });

      it('finds an address with its owner in one call, case-insensitively', async () => {
        expect(await store.emailAddresses.findWithOwner('SECOND@example.com')).toEqual({ email: second, user: owner });
        expect(await store.emailAddresses.findWithOwner('third@example.com')).toEqual({ email: third, user: other });
        expect(await store.emailAddresses.findWithOwner('none@example.com')).toBeUndefined();
      });

      it('lists several users’ addresses in one call', async () => {
        expect(await store.emailAddresses.listByUsers([owner.id, other.id])).toEqual([third, first, second]);
        expect(await store.emailAddresses.listByUsers([other.id])).toEqual([third]);
        expect(await store.emailAddresses.listByUsers([])).toEqual([]);
      });

      it('updates and deletes an address', async () => {
        await store.emailAddresses.update(second.id, { verified: true, verificationStrategy: 'email_code', updatedAt: T0 + 9 });
        expect(await store.emailAddresses.findById(second.id)).toEqual({
          ...second,
          verified: true,
          verificationStrategy: 'email_code',
          updatedAt: T0 + 9,
        });
        expect(await store.emailAddresses.delete(second.id)).toBe(true);
        expect(await store.emailAddresses.delete(second.id)).toBe(false);
        expect(await store.emailAddresses.listByUser(owner.id)).toEqual([first]);
      });
    });

    describe('token refresh lookup', () => {
      let store: Store;
      const bert = testUser();
      beforeAll(async () => {
        ({ store } = await freshStore());
        await store.users.insert(bert);
      });

      it('finds a session with its user only through the cookie of the client that holds it', async () => {
        const browser = clientRow({ tokenHash: 'hash-of-browser-cookie' });
        const stranger = clientRow({ tokenHash: 'hash-of-another-cookie' });
        await store.clients.insert(browser);
        await store.clients.insert(stranger);
        const own = sessionRow(browser.id, bert.id, { createdAt: T0 + 9, lastActiveOrganizationId: 'org_x' });
        await store.sessions.insert(own);
        expect(await store.sessions.findWithUserForClientToken(own.id, 'hash-of-browser-cookie')).toEqual({ session: own, user: bert });
        expect(await store.sessions.findWithUserForClientToken(own.id, 'hash-of-another-cookie')).toBeUndefined();
        expect(await store.sessions.findWithUserForClientToken(own.id, 'no-such-hash')).toBeUndefined();
        expect(await store.sessions.findWithUserForClientToken('sess_none', 'hash-of-browser-cookie')).toBeUndefined();
        await store.sessions.update(own.id, { status: 'ended', updatedAt: T0 + 10 });
        // Status is the caller's to judge (an ended session is still found, and refused by the token service).
        expect((await store.sessions.findWithUserForClientToken(own.id, 'hash-of-browser-cookie'))?.session.status).toBe('ended');
      });
    });

    describe('clients and sessions', () => {
      let store: Store;
      const alice = testUser();
      const bert = testUser();
      const clientA = clientRow();
      const clientB = clientRow();
      const s1 = sessionRow(clientA.id, alice.id, { createdAt: T0 + 1 });
      const s2 = sessionRow(clientA.id, alice.id, { createdAt: T0 + 2, status: 'ended' });
      const s3 = sessionRow(clientB.id, alice.id, { createdAt: T0 + 3 });
      const s4 = sessionRow(clientB.id, bert.id, { createdAt: T0 + 4 });

      beforeAll(async () => {
        ({ store } = await freshStore());
        await store.users.insert(alice);
        await store.users.insert(bert);
        await store.clients.insert(clientA);
        await store.clients.insert(clientB);
        for (const s of [s1, s2, s3, s4]) await store.sessions.insert(s);
      });

      it('inserts, finds and updates clients', async () => {
        expect(await store.clients.findById(clientA.id)).toEqual(clientA);
        expect(await store.clients.findById('client_none')).toBeUndefined();
        await store.clients.update(clientA.id, { lastActiveSessionId: s1.id, updatedAt: T0 + 100 });
        expect(await store.clients.findById(clientA.id)).toEqual({ ...clientA, lastActiveSessionId: s1.id, updatedAt: T0 + 100 });
      });

      it('lists clients newest first (ties by id, descending) with paging and a count', async () => {
        const byIdDesc = [clientA.id, clientB.id].sort().reverse();
        expect((await store.clients.list(10, 0)).map((c) => c.id)).toEqual(byIdDesc);
        expect((await store.clients.list(1, 1)).map((c) => c.id)).toEqual([byIdDesc[1]]);
        expect(await store.clients.list(10, 5)).toEqual([]);
        expect(await store.clients.count()).toBe(2);
      });

      it('finds a session with every column intact', async () => {
        expect(await store.sessions.findById(s2.id)).toEqual(s2);
        expect(await store.sessions.findById('sess_none')).toBeUndefined();
      });

      it('lists sessions newest first with each filter, and counts them', async () => {
        const ids = (rows: Session[]) => rows.map((r) => r.id);
        expect(ids(await store.sessions.list({}, 10, 0))).toEqual([s4.id, s3.id, s2.id, s1.id]);
        expect(ids(await store.sessions.list({ userId: alice.id }, 10, 0))).toEqual([s3.id, s2.id, s1.id]);
        expect(ids(await store.sessions.list({ clientId: clientA.id }, 10, 0))).toEqual([s2.id, s1.id]);
        expect(ids(await store.sessions.list({ status: 'active' }, 10, 0))).toEqual([s4.id, s3.id, s1.id]);
        expect(ids(await store.sessions.list({ userId: alice.id, clientId: clientB.id, status: 'active' }, 10, 0))).toEqual([s3.id]);
        expect(ids(await store.sessions.list({ userId: alice.id }, 1, 1))).toEqual([s2.id]);
        expect(await store.sessions.count({})).toBe(4);
        expect(await store.sessions.count({ userId: alice.id })).toBe(3);
        expect(await store.sessions.count({ clientId: clientB.id })).toBe(2);
        expect(await store.sessions.count({ status: 'ended' })).toBe(1);
        expect(await store.sessions.count({ userId: bert.id, status: 'ended' })).toBe(0);
      });

      it('updates a session', async () => {
        await store.sessions.update(s4.id, { lastActiveAt: T0 + 500, lastActiveOrganizationId: 'org_1', updatedAt: T0 + 500 });
        expect(await store.sessions.findById(s4.id)).toEqual({
          ...s4,
          lastActiveAt: T0 + 500,
          lastActiveOrganizationId: 'org_1',
          updatedAt: T0 + 500,
        });
      });

      it('clears an active organization from the sessions acting in it, optionally for one user', async () => {
        const client = clientRow();
        await store.clients.insert(client);
        const a = sessionRow(client.id, alice.id, { lastActiveOrganizationId: 'org_x' });
        const b = sessionRow(client.id, bert.id, { lastActiveOrganizationId: 'org_x' });
        const c = sessionRow(client.id, bert.id, { lastActiveOrganizationId: 'org_y' });
        for (const s of [a, b, c]) await store.sessions.insert(s);
        expect(await store.sessions.clearActiveOrganization('org_x', T0 + 700, bert.id)).toBe(1);
        expect(await store.sessions.findById(b.id)).toEqual({ ...b, lastActiveOrganizationId: null, updatedAt: T0 + 700 });
        expect((await store.sessions.findById(a.id))?.lastActiveOrganizationId).toBe('org_x');
        expect(await store.sessions.clearActiveOrganization('org_x', T0 + 701)).toBe(1);
        expect((await store.sessions.findById(a.id))?.lastActiveOrganizationId).toBeNull();
        expect((await store.sessions.findById(c.id))?.lastActiveOrganizationId).toBe('org_y');
        for (const s of [a, b, c]) await store.sessions.update(s.id, { status: 'ended' });
      });

      it('ends only the active sessions of one user', async () => {
        expect(await store.sessions.endAllForUser(alice.id, 'revoked', T0 + 900)).toBe(2);
        expect(await store.sessions.findById(s1.id)).toEqual({ ...s1, status: 'revoked', updatedAt: T0 + 900 });
        expect(await store.sessions.findById(s3.id)).toEqual({ ...s3, status: 'revoked', updatedAt: T0 + 900 });
        expect(await store.sessions.findById(s2.id)).toEqual(s2);
        expect((await store.sessions.findById(s4.id))?.status).toBe('active');
        expect(await store.sessions.endAllForUser(alice.id, 'revoked', T0 + 901)).toBe(0);
        expect(await store.sessions.count({ userId: alice.id, status: 'revoked' })).toBe(2);
      });

      it('pending sessions (session tasks to do) end with the active ones; each task is done once, the last one activates', async () => {
        const carol = testUser();
        await store.users.insert(carol);
        const client = clientRow();
        await store.clients.insert(client);
        const mfa: TaskTransition = { from: ['setup-mfa'], to: [] };
        const mfaOfBoth: TaskTransition = { from: ['setup-mfa', 'choose-organization'], to: ['choose-organization'] };
        const org: TaskTransition = { from: ['choose-organization'], to: [] };
        const orgOfBoth: TaskTransition = { from: ['setup-mfa', 'choose-organization'], to: ['setup-mfa'] };
        const pending = sessionRow(client.id, carol.id, { status: 'pending', tasks: ['setup-mfa'] });
        const both = sessionRow(client.id, carol.id, { status: 'pending', tasks: ['setup-mfa', 'choose-organization'] });
        const choosing = sessionRow(client.id, carol.id, { status: 'pending', tasks: ['choose-organization'] });
        const ended = sessionRow(client.id, carol.id, { status: 'ended' });
        const bertPending = sessionRow(client.id, bert.id, { status: 'pending', tasks: ['setup-mfa'] });
        for (const s of [pending, both, choosing, ended, bertPending]) await store.sessions.insert(s);
        expect(await store.sessions.findById(both.id)).toEqual(both);

        // setup-mfa done for the user: one session becomes active, one keeps its other task, one has none of it.
        const changed = await store.sessions.updateTasks({ userId: carol.id }, [mfa, mfaOfBoth], T0 + 950);
        expect(changed.map((s) => s.id).sort()).toEqual([pending.id, both.id].sort());
        expect(await store.sessions.findById(pending.id)).toEqual({ ...pending, status: 'active', tasks: [], updatedAt: T0 + 950 });
        expect(await store.sessions.findById(both.id)).toEqual({ ...both, tasks: ['choose-organization'], updatedAt: T0 + 950 });
        expect(await store.sessions.findById(choosing.id)).toEqual(choosing);
        expect(await store.sessions.updateTasks({ userId: carol.id }, [mfa, mfaOfBoth], T0 + 951)).toEqual([]);
        expect(await store.sessions.findById(ended.id)).toEqual(ended);
        expect(await store.sessions.findById(bertPending.id)).toEqual(bertPending);

        // choose-organization done on one session only.
        const [chosen] = await store.sessions.updateTasks({ sessionId: both.id }, [org, orgOfBoth], T0 + 952);
        expect(chosen).toEqual({ ...both, status: 'active', tasks: [], updatedAt: T0 + 952 });
        expect((await store.sessions.findById(choosing.id))?.status).toBe('pending');
        expect(await store.sessions.updateTasks({ sessionId: both.id }, [org, orgOfBoth], T0 + 953)).toEqual([]);

        const revoked = await store.sessions.endActive({ clientId: client.id }, 'ended', T0 + 954);
        expect(revoked.map((s) => s.id).sort()).toEqual([pending.id, both.id, choosing.id, bertPending.id].sort());
        const again = sessionRow(client.id, carol.id, { status: 'pending', tasks: ['setup-mfa'] });
        await store.sessions.insert(again);
        expect(await store.sessions.endAllForUser(carol.id, 'revoked', T0 + 955)).toBe(1);
        expect(await store.sessions.endAllForClient(client.id, 'ended', T0 + 956)).toBe(0);
      });

      it('deleting a user cascades to its e-mail addresses and sessions, not to clients or other users', async () => {
        const doomed = testUser();
        const client = clientRow();
        await store.users.insert(doomed);
        await store.clients.insert(client);
        const email = emailRow(doomed.id, 'doomed@example.com');
        await store.emailAddresses.insert(email);
        await store.emailAddresses.insert(emailRow(doomed.id, 'doomed2@example.com'));
        const session = sessionRow(client.id, doomed.id);
        await store.sessions.insert(session);
        await store.sessions.insert(sessionRow(client.id, bert.id));

        expect(await store.users.delete(doomed.id)).toBe(true);
        expect(await store.emailAddresses.listByUser(doomed.id)).toEqual([]);
        expect(await store.emailAddresses.findById(email.id)).toBeUndefined();
        expect(await store.emailAddresses.findByAddress('doomed@example.com')).toBeUndefined();
        expect(await store.sessions.findById(session.id)).toBeUndefined();
        expect(await store.sessions.count({ userId: doomed.id })).toBe(0);
        expect(await store.clients.findById(client.id)).toEqual(client);
        expect(await store.sessions.count({ clientId: client.id })).toBe(1);
        expect(await store.users.findById(bert.id)).toEqual(bert);
      });
    });

    describe('jwt templates', () => {
      let store: Store;
      beforeAll(async () => {
        ({ store } = await freshStore());
      });

      it('inserts, finds, lists, counts, updates and deletes templates', async () => {
        const a = templateRow('alpha', { createdAt: T0 + 1 });
        const b = templateRow('beta', {
          createdAt: T0 + 2,
          customSigningKey: true,
          signingAlgorithm: 'HS256',
          signingKeyEnc: 'v1.x.y.z',
        });
        const c = templateRow('gamma', { createdAt: T0 + 3 });
        for (const t of [c, a, b]) await store.jwtTemplates.insert(t);

        expect(await store.jwtTemplates.findById(b.id)).toEqual(b);
        expect(await store.jwtTemplates.findByName('gamma')).toEqual(c);
        expect(await store.jwtTemplates.findByName('delta')).toBeUndefined();
        expect((await store.jwtTemplates.list(10, 0)).map((t) => t.name)).toEqual(['alpha', 'beta', 'gamma']);
        expect((await store.jwtTemplates.list(1, 1)).map((t) => t.name)).toEqual(['beta']);
        expect(await store.jwtTemplates.count()).toBe(3);

        await store.jwtTemplates.update(a.id, { lifetime: 3600, claims: { role: 'admin' }, updatedAt: T0 + 50 });
        expect(await store.jwtTemplates.findById(a.id)).toEqual({ ...a, lifetime: 3600, claims: { role: 'admin' }, updatedAt: T0 + 50 });

        expect(await store.jwtTemplates.delete(c.id)).toBe(true);
        expect(await store.jwtTemplates.delete(c.id)).toBe(false);
        expect(await store.jwtTemplates.count()).toBe(2);
      });

      it('refuses a duplicate name with UniqueViolation, on insert and on rename', async () => {
        await store.jwtTemplates.insert(templateRow('unique-name'));
        const error = await rejection(store.jwtTemplates.insert(templateRow('unique-name')));
        expect(error).toBeInstanceOf(UniqueViolation);
        expect((error as UniqueViolation).detail).toMatch(/name/);

        const other = templateRow('other-name');
        await store.jwtTemplates.insert(other);
        expect(await rejection(store.jwtTemplates.update(other.id, { name: 'unique-name' }))).toBeInstanceOf(UniqueViolation);
        expect((await store.jwtTemplates.findById(other.id))?.name).toBe('other-name');
      });
    });

    describe('invitations', () => {
      let store: Store;
      const org = organizationRow('invite-co', { name: 'Invite Co', createdAt: T0 });
      const invitation = (id: string, fields: Partial<Invitation> = {}): Invitation => ({
        id,
        kind: 'organization',
        organizationId: org.id,
        userId: null,
        emailAddress: `${id}@example.com`,
        role: 'org:member',
        status: 'pending',
        publicMetadata: { a: 1 },
        privateMetadata: {},
        redirectUrl: null,
        inviterUserId: null,
        ticketHash: `hash-${id}`,
        signUpId: null,
        organizationDomainId: null,
        expiresAt: T0 + 10_000,
        createdAt: T0,
        updatedAt: T0,
        ...fields,
      });

      beforeAll(async () => {
        ({ store } = await freshStore());
        await store.organizations.insert(org);
        await store.invitations.insert(invitation('inv_a', { createdAt: T0 + 1 }));
        await store.invitations.insert(invitation('inv_b', { createdAt: T0 + 2, expiresAt: T0 + 5 }));
        await store.invitations.insert(invitation('inv_c', { createdAt: T0 + 3, status: 'revoked' }));
        await store.invitations.insert(invitation('inv_d', { kind: 'instance', organizationId: null, role: null, expiresAt: null }));
      });

      it('finds by id and ticket hash with every column intact; a duplicate ticket hash is a UniqueViolation', async () => {
        expect(await store.invitations.findById('inv_a')).toEqual(invitation('inv_a', { createdAt: T0 + 1 }));
        expect((await store.invitations.findByTicketHash('hash-inv_d'))?.id).toBe('inv_d');
        await expect(store.invitations.insert(invitation('inv_x', { ticketHash: 'hash-inv_a' }))).rejects.toBeInstanceOf(UniqueViolation);
      });

      it('filters by kind, organization and status, expired by time, ordered and counted alike', async () => {
        const base = { kind: 'organization' as const, organizationId: org.id, now: T0 + 100 };
        const list = (statuses: Invitation['status'][]) =>
          store.invitations.list({ ...base, statuses, orderBy: 'created_at', direction: 'asc', limit: 10, offset: 0 });
        expect((await list(['pending'])).map((i) => i.id)).toEqual(['inv_a']);
        expect((await list(['expired'])).map((i) => i.id)).toEqual(['inv_b']);
        expect((await list(['revoked', 'pending'])).map((i) => i.id)).toEqual(['inv_a', 'inv_c']);
        expect(await store.invitations.count({ ...base })).toBe(3);
        expect(await store.invitations.countPending(org.id, T0 + 100)).toBe(1);
        // Per organization, as `include_members_count` reads them: expired and revoked ones are not pending; an
        // organization without any is absent.
        const other = organizationRow('counted-co', { createdAt: T0 });
        await store.organizations.insert(other);
        for (const id of ['inv_o1', 'inv_o2']) {
          await store.invitations.insert(invitation(id, { organizationId: other.id, emailAddress: `${id}@counted.test` }));
        }
        expect(await store.invitations.countPendingByOrganizations([org.id, other.id, 'org_none'], T0 + 100)).toEqual(
          new Map([
            [org.id, 1],
            [other.id, 2],
          ]),
        );
        expect(await store.invitations.countPendingByOrganizations([org.id], T0 + 3)).toEqual(new Map([[org.id, 2]]));
        expect(await store.invitations.countPendingByOrganizations([], T0)).toEqual(new Map());
        expect(await store.invitations.count({ kind: 'instance', statuses: ['pending'], now: T0 + 100 })).toBe(1);
      });

      it('filters by the addresses at an e-mail domain and by the organization domain that made them', async () => {
        await store.invitations.insert(
          invitation('inv_e', { emailAddress: 'eve@acme.test', organizationDomainId: 'orgdmn_acme', createdAt: T0 + 4 }),
        );
        await store.invitations.insert(invitation('inv_f', { emailAddress: 'fay@acme.test', createdAt: T0 + 5 }));
        await store.invitations.insert(invitation('inv_g', { emailAddress: 'gus@notacme.test', createdAt: T0 + 6 }));
        const base = { kind: 'organization' as const, organizationId: org.id, statuses: ['pending' as const], now: T0 + 100 };
        const ids = async (filter: { emailDomain?: string; organizationDomainId?: string }) =>
          (await store.invitations.list({ ...base, ...filter, orderBy: 'created_at', direction: 'asc', limit: 10, offset: 0 })).map(
            (i) => i.id,
          );
        expect(await ids({ emailDomain: 'acme.test' })).toEqual(['inv_e', 'inv_f']);
        expect(await store.invitations.count({ ...base, emailDomain: 'acme.test' })).toBe(2);
        expect(await ids({ organizationDomainId: 'orgdmn_acme' })).toEqual(['inv_e']);
        expect((await store.invitations.findById('inv_e'))?.organizationDomainId).toBe('orgdmn_acme');
        for (const id of ['inv_e', 'inv_f', 'inv_g']) await store.invitations.delete(id);
      });

      it('settles a pending invitation once', async () => {
        expect(await store.invitations.settle('inv_a', 'accepted', T0 + 200)).toBe(true);
        expect(await store.invitations.settle('inv_a', 'revoked', T0 + 300)).toBe(false);
        expect((await store.invitations.findById('inv_a'))?.status).toBe('accepted');
      });
    });

    describe('organizations', () => {
      let store: Store;
      // acme and beta share a creation time, so their order comes from the id tie-breaker.
      const acme = organizationRow('acme', { name: 'Acme Corp', createdAt: T0 + 1000 });
      const beta = organizationRow('beta-labs', { name: 'Beta Labs', createdAt: T0 + 1000 });
      const zed = organizationRow('zed', { name: '100% Zed', createdAt: T0 + 3000 });
      const under = organizationRow('under-score', { name: 'Under_Score', createdAt: T0 + 4000 });
      const all = [zed, acme, under, beta];
      const byCreation = [...[acme, beta].sort((x, y) => (x.id < y.id ? -1 : 1)), zed, under];
      const ids = (rows: { id: string }[]) => rows.map((r) => r.id);
      const list = (options: Partial<Parameters<Store['organizations']['list']>[0]>) =>
        store.organizations.list({ orderBy: 'created_at', direction: 'asc', limit: 100, offset: 0, ...options });
      const ann = testUser({ firstName: 'Ann', username: 'ann_org', createdAt: T0 + 1 });
      const bob = testUser({ firstName: 'Bob', lastName: 'Stone', username: 'bob_org', createdAt: T0 + 2 });
      const cid = testUser({ firstName: null, username: 'cid_org', createdAt: T0 + 3 });

      beforeAll(async () => {
        ({ store } = await freshStore());
        for (const row of all) await store.organizations.insert(row);
        for (const row of [ann, bob, cid]) await store.users.insert(row);
        const bobEmail = emailRow(bob.id, 'bob@org.example');
        await store.emailAddresses.insert(bobEmail);
        await store.users.update(bob.id, { primaryEmailAddressId: bobEmail.id });
        const annEmail = emailRow(ann.id, 'ann@org.example');
        await store.emailAddresses.insert(annEmail);
        await store.users.update(ann.id, { primaryEmailAddressId: annEmail.id });
      });

      it('inserts and finds an organization with every column intact, by id, slug and ids', async () => {
        const full = organizationRow('full-row', {
          name: 'Full Row',
          imageUrl: 'https://img.example.com/o.png',
          maxAllowedMemberships: 25,
          adminDeleteEnabled: false,
          publicMetadata: { plan: 'pro' },
          privateMetadata: { crm: 1 },
          createdBy: ann.id,
          createdAt: T0 + 5,
          updatedAt: T0 + 6,
        });
        await store.organizations.insert(full);
        expect(await store.organizations.findById(full.id)).toEqual(full);
        expect(await store.organizations.findBySlug('full-row')).toEqual(full);
        expect(await store.organizations.findById('org_missing')).toBeUndefined();
        expect(await store.organizations.findBySlug('missing')).toBeUndefined();
        expect(ids(await store.organizations.findByIds([full.id, acme.id, 'org_none'])).sort()).toEqual([full.id, acme.id].sort());
        expect(await store.organizations.findByIds([])).toEqual([]);
        await store.organizations.update(full.id, { name: 'Renamed', maxAllowedMemberships: 0, updatedAt: T0 + 9 });
        expect(await store.organizations.findById(full.id)).toEqual({
          ...full,
          name: 'Renamed',
          maxAllowedMemberships: 0,
          updatedAt: T0 + 9,
        });
        expect(await store.organizations.delete(full.id)).toBe(true);
        expect(await store.organizations.delete(full.id)).toBe(false);
        expect(await store.organizations.findById(full.id)).toBeUndefined();
      });

      it('turns a duplicate slug into UniqueViolation naming the column, on insert and on update', async () => {
        const error = await rejection(store.organizations.insert(organizationRow('acme')));
        expect(error).toBeInstanceOf(UniqueViolation);
        expect((error as UniqueViolation).detail).toMatch(/slug/);
        const updateError = await rejection(store.organizations.update(zed.id, { slug: 'acme' }));
        expect(updateError).toBeInstanceOf(UniqueViolation);
        expect((await store.organizations.findById(zed.id))?.slug).toBe('zed');
      });

      it('lists, filters, orders and counts organizations', async () => {
        expect(ids(await list({}))).toEqual(ids(byCreation));
        expect(ids(await list({ direction: 'desc' }))).toEqual(ids(byCreation).reverse());
        expect((await list({ orderBy: 'name' })).map((o) => o.name)).toEqual(['100% Zed', 'Acme Corp', 'Beta Labs', 'Under_Score']);
        expect(ids(await list({ query: 'LABS' }))).toEqual([beta.id]);
        expect(ids(await list({ query: 'beta-' }))).toEqual([beta.id]);
        expect(ids(await list({ query: acme.id.slice(-10).toLowerCase() }))).toEqual([acme.id]);
        expect(ids(await list({ query: '%' }))).toEqual([zed.id]);
        expect(ids(await list({ query: 'r_s' }))).toEqual([under.id]);
        expect(await list({ query: 'a_l' })).toEqual([]);
        expect(ids(await list({ organizationIds: [under.id, zed.id, 'org_none'] }))).toEqual([zed.id, under.id]);
        expect(ids(await list({ limit: 2, offset: 2 }))).toEqual([zed.id, under.id]);
        expect(await store.organizations.count({})).toBe(4);
        expect(await store.organizations.count({ query: 'labs' })).toBe(1);
        expect(await store.organizations.count({ organizationIds: [acme.id] })).toBe(1);
      });

      it('stores memberships, refuses a second membership of the same user, and counts members', async () => {
        const m1 = membershipRow(acme.id, ann.id, { role: 'org:admin', publicMetadata: { title: 'CEO' }, createdAt: T0 + 10 });
        const m2 = membershipRow(acme.id, bob.id, { createdAt: T0 + 20 });
        const m3 = membershipRow(acme.id, cid.id, { createdAt: T0 + 30 });
        const m4 = membershipRow(beta.id, bob.id, { createdAt: T0 + 40 });
        for (const m of [m1, m2, m3, m4]) await store.organizationMemberships.insert(m);
        expect(await store.organizationMemberships.find(acme.id, ann.id)).toEqual(m1);
        expect(await store.organizationMemberships.find(beta.id, ann.id)).toBeUndefined();
        const duplicate = await rejection(store.organizationMemberships.insert(membershipRow(acme.id, ann.id)));
        expect(duplicate).toBeInstanceOf(UniqueViolation);
        const orphan = await rejection(store.organizationMemberships.insert(membershipRow(acme.id, 'user_does_not_exist')));
        expect(orphan).toBeInstanceOf(Error);
        expect(orphan).not.toBeInstanceOf(UniqueViolation);

        const counts = await store.organizationMemberships.countByOrganizations([acme.id, beta.id, zed.id]);
        expect(Object.fromEntries(counts)).toEqual({ [acme.id]: 3, [beta.id]: 1 });
        expect(await store.organizationMemberships.countByOrganizations([])).toEqual(new Map());
        expect(ids(await list({ orderBy: 'members_count', direction: 'desc', limit: 2 }))).toEqual([acme.id, beta.id]);
      });

      it('lists an organization’s members with filters, orders and paging', async () => {
        const members = (options: Partial<Parameters<Store['organizationMemberships']['list']>[0]>) =>
          store.organizationMemberships.list({
            organizationId: acme.id,
            orderBy: 'created_at',
            direction: 'asc',
            limit: 100,
            offset: 0,
            ...options,
          });
        const users = (rows: OrganizationMembership[]) => rows.map((r) => r.userId);
        expect(users(await members({}))).toEqual([ann.id, bob.id, cid.id]);
        expect(users(await members({ direction: 'desc' }))).toEqual([cid.id, bob.id, ann.id]);
        expect(users(await members({ roles: ['org:admin'] }))).toEqual([ann.id]);
        expect(users(await members({ userIds: [cid.id, bob.id] }))).toEqual([bob.id, cid.id]);
        expect(users(await members({ emailAddresses: ['BOB@org.example'] }))).toEqual([bob.id]);
        expect(users(await members({ usernames: ['CID_ORG'] }))).toEqual([cid.id]);
        expect(users(await members({ query: 'stone' }))).toEqual([bob.id]);
        expect(users(await members({ query: 'ann@org' }))).toEqual([ann.id]);
        expect(users(await members({ query: '%' }))).toEqual([]);
        // Nulls after values ascending, before them descending, on every dialect.
        expect(users(await members({ orderBy: 'first_name' }))).toEqual([ann.id, bob.id, cid.id]);
        expect(users(await members({ orderBy: 'first_name', direction: 'desc' }))).toEqual([cid.id, bob.id, ann.id]);
        expect(users(await members({ orderBy: 'email_address', direction: 'desc' }))).toEqual([cid.id, bob.id, ann.id]);
        expect(users(await members({ orderBy: 'username', limit: 1, offset: 1 }))).toEqual([bob.id]);
        expect(await store.organizationMemberships.count({ organizationId: acme.id })).toBe(3);
        expect(await store.organizationMemberships.count({ organizationId: acme.id, roles: ['org:member'] })).toBe(2);
        expect(await store.organizationMemberships.count({ organizationId: zed.id })).toBe(0);
      });

      it('lists a user’s memberships newest first, updates and deletes one', async () => {
        const bobs = await store.organizationMemberships.listByUser(bob.id, 10, 0);
        expect(bobs.map((m) => m.organizationId)).toEqual([beta.id, acme.id]);
        expect((await store.organizationMemberships.listByUser(bob.id, 1, 1)).map((m) => m.organizationId)).toEqual([acme.id]);
        expect(await store.organizationMemberships.countByUser(bob.id)).toBe(2);
        expect(await store.organizationMemberships.countByUser('user_none')).toBe(0);

        const [first] = bobs;
        if (!first) throw new Error('no membership');
        await store.organizationMemberships.update(first.id, { role: 'org:admin', privateMetadata: { x: 1 }, updatedAt: T0 + 99 });
        expect(await store.organizationMemberships.find(beta.id, bob.id)).toEqual({
          ...first,
          role: 'org:admin',
          privateMetadata: { x: 1 },
          updatedAt: T0 + 99,
        });
        expect(await store.organizationMemberships.delete(first.id)).toBe(true);
        expect(await store.organizationMemberships.delete(first.id)).toBe(false);
        expect(await store.organizationMemberships.countByUser(bob.id)).toBe(1);
      });

      it('deleting an organization or a user cascades to their memberships only', async () => {
        const doomedOrg = organizationRow('doomed-org');
        const doomedUser = testUser();
        await store.organizations.insert(doomedOrg);
        await store.users.insert(doomedUser);
        await store.organizationMemberships.insert(membershipRow(doomedOrg.id, ann.id));
        await store.organizationMemberships.insert(membershipRow(doomedOrg.id, doomedUser.id));
        await store.organizationMemberships.insert(membershipRow(zed.id, doomedUser.id));

        expect(await store.users.delete(doomedUser.id)).toBe(true);
        expect(await store.organizationMemberships.countByUser(doomedUser.id)).toBe(0);
        expect(await store.organizationMemberships.count({ organizationId: doomedOrg.id })).toBe(1);

        expect(await store.organizations.delete(doomedOrg.id)).toBe(true);
        expect(await store.organizationMemberships.find(doomedOrg.id, ann.id)).toBeUndefined();
        expect(await store.users.findById(ann.id)).toMatchObject({ id: ann.id, firstName: 'Ann' });
        expect(await store.organizationMemberships.count({ organizationId: acme.id })).toBe(3);
      });

      it('keep timestamps as JS numbers', async () => {
        const org = organizationRow('time-org', { createdAt: 4_102_444_800_000, updatedAt: Number.MAX_SAFE_INTEGER });
        await store.organizations.insert(org);
        const membership = membershipRow(org.id, ann.id, { createdAt: 2 ** 31 + 1, updatedAt: 4_102_444_800_000 });
        await store.organizationMemberships.insert(membership);
        const found = await store.organizations.findById(org.id);
        expect(found).toEqual(org);
        expect(typeof found?.updatedAt).toBe('number');
        const foundMembership = await store.organizationMemberships.find(org.id, ann.id);
        expect(foundMembership).toEqual(membership);
        expect(typeof foundMembership?.createdAt).toBe('number');
      });
    });

    describe('enrollment by domain and the waitlist', () => {
      let store: Store;
      const org = organizationRow('enrolling');
      const other = organizationRow('other-enrolling');
      const ann = testUser({ username: 'ann_enroll', createdAt: T0 + 1 });
      const bob = testUser({ username: 'bob_enroll', createdAt: T0 + 2 });

      beforeAll(async () => {
        ({ store } = await freshStore());
        for (const row of [org, other]) await store.organizations.insert(row);
        for (const row of [ann, bob]) await store.users.insert(row);
      });

      it('lists verified addresses at a domain, and only at that domain', async () => {
        await store.emailAddresses.insert(emailRow(ann.id, 'ann@acme.test', { createdAt: T0 + 1 }));
        await store.emailAddresses.insert(emailRow(bob.id, 'bob@acme.test', { verified: false }));
        await store.emailAddresses.insert(emailRow(bob.id, 'bob@xacme.test'));
        await store.emailAddresses.insert(emailRow(bob.id, 'bob@acme.test.example'));
        const found = await store.emailAddresses.listVerifiedAtDomain('acme.test', 10);
        expect(found.map((e) => e.emailAddress)).toEqual(['ann@acme.test']);
      });

      it('keeps one suggestion per user and organization, accepted once, counted and withdrawn per domain', async () => {
        const row = {
          id: newId('orgsug'),
          organizationId: org.id,
          organizationDomainId: 'orgdmn_enrolling',
          userId: ann.id,
          status: 'pending' as const,
          createdAt: T0,
          updatedAt: T0,
        };
        expect(await store.organizationSuggestions.insertOnce(row)).toBe(true);
        expect(await store.organizationSuggestions.insertOnce({ ...row, id: newId('orgsug'), organizationDomainId: 'orgdmn_second' })).toBe(
          false,
        );
        const elsewhere = {
          ...row,
          id: newId('orgsug'),
          organizationId: other.id,
          organizationDomainId: 'orgdmn_other',
          createdAt: T0 + 5,
        };
        await store.organizationSuggestions.insertOnce(elsewhere);
        expect(await store.organizationSuggestions.findById(row.id)).toEqual(row);
        expect(await store.organizationSuggestions.countByUser(ann.id)).toBe(2);
        expect(await store.organizationSuggestions.countPendingByDomain('orgdmn_enrolling')).toBe(1);
        expect(await store.organizationSuggestions.countPendingByDomain('orgdmn_second')).toBe(0);
        expect(await store.organizationSuggestions.accept(row.id, T0 + 9)).toBe(true);
        expect(await store.organizationSuggestions.accept(row.id, T0 + 10)).toBe(false);
        expect((await store.organizationSuggestions.findById(row.id))?.updatedAt).toBe(T0 + 9);
        const pending = await store.organizationSuggestions.listByUser(ann.id, { statuses: ['pending'], limit: 10, offset: 0 });
        expect(pending.map((s) => s.organizationId)).toEqual([other.id]);
        expect(await store.organizationSuggestions.countPendingByDomain('orgdmn_enrolling')).toBe(0);
        // Withdrawing a domain's suggestions takes the pending ones only; an accepted one stays as a record.
        expect(await store.organizationSuggestions.deletePendingByDomain('orgdmn_enrolling')).toEqual([]);
        expect(await store.organizationSuggestions.deletePendingByDomain('orgdmn_other')).toEqual([ann.id]);
        expect(await store.organizationSuggestions.findById(elsewhere.id)).toBeUndefined();
        expect(await store.organizationSuggestions.findById(row.id)).toMatchObject({ status: 'accepted' });
      });

      it('keeps one membership request per user and organization, settled once', async () => {
        const row = {
          id: newId('orgreq'),
          organizationId: org.id,
          userId: ann.id,
          status: 'pending' as const,
          createdAt: T0,
          updatedAt: T0,
        };
        expect(await store.membershipRequests.insertOnce(row)).toBe(true);
        expect(await store.membershipRequests.insertOnce({ ...row, id: newId('orgreq') })).toBe(false);
        await store.membershipRequests.insertOnce({ ...row, id: newId('orgreq'), userId: bob.id, createdAt: T0 + 1 });
        expect(await store.membershipRequests.find(org.id, ann.id)).toEqual(row);
        expect(await store.membershipRequests.settle(row.id, 'accepted', T0 + 3)).toBe(true);
        expect(await store.membershipRequests.settle(row.id, 'revoked', T0 + 4)).toBe(false);
        expect(await store.membershipRequests.count(org.id, ['pending'])).toBe(1);
        const all = await store.membershipRequests.list(org.id, { limit: 10, offset: 0 });
        expect(all.map((r) => [r.userId, r.status])).toEqual([
          [bob.id, 'pending'],
          [ann.id, 'accepted'],
        ]);
      });

      it('keeps one waitlist entry per address, filters, orders and moves it only from the states named', async () => {
        const entry = (address: string, at: number) => ({
          id: newId('wle'),
          emailAddress: address,
          status: 'pending' as const,
          invitationId: null,
          invitedAt: null,
          createdAt: at,
          updatedAt: at,
        });
        const first = entry('b_1@wait.test', T0 + 1);
        const second = entry('a%1@wait.test', T0 + 2);
        await store.waitlist.insert(first);
        await store.waitlist.insert(second);
        await expect(store.waitlist.insert(entry('b_1@wait.test', T0 + 3))).rejects.toBeInstanceOf(UniqueViolation);
        expect(await store.waitlist.findByAddress('b_1@wait.test')).toEqual(first);
        const list = (options: Partial<Parameters<Store['waitlist']['list']>[0]>) =>
          store.waitlist.list({ orderBy: 'created_at', direction: 'desc', limit: 10, offset: 0, ...options });
        expect((await list({})).map((e) => e.id)).toEqual([second.id, first.id]);
        expect((await list({ orderBy: 'email_address', direction: 'asc' })).map((e) => e.id)).toEqual([second.id, first.id]);
        // `%` and `_` in the query are literal characters, not patterns.
        expect((await list({ query: 'a%' })).map((e) => e.id)).toEqual([second.id]);
        expect((await list({ query: '_1' })).map((e) => e.id)).toEqual([first.id]);
        expect((await list({ query: first.id })).map((e) => e.id)).toEqual([first.id]);
        const invited = { status: 'invited' as const, invitationId: 'inv_x', invitedAt: T0 + 5, updatedAt: T0 + 5 };
        expect(await store.waitlist.transition(first.id, ['pending'], invited)).toBe(true);
        expect(await store.waitlist.transition(first.id, ['pending'], { status: 'rejected' })).toBe(false);
        expect(await store.waitlist.findById(first.id)).toEqual({ ...first, ...invited });
        expect(await store.waitlist.count({ statuses: ['invited'] })).toBe(1);
        expect(await store.waitlist.delete(first.id)).toBe(true);
        expect(await store.waitlist.delete(first.id)).toBe(false);
      });
    });

    describe('instance and signing keys', () => {
      let store: Store;
      beforeAll(async () => {
        ({ store } = await freshStore());
      });

      it('stores the instance and updates its settings', async () => {
        expect(await store.instance.get()).toBeUndefined();
        const row: StoredInstance = {
          id: newId('ins'),
          environmentType: 'development',
          secretKeyHash: 'hash',
          secretKeyEnc: 'v1.a.b.c',
          settings: {},
          createdAt: T0,
          updatedAt: T0,
          previousSecretKeyHash: null,
          previousSecretKeyExpiresAt: null,
        };
        await store.instance.insert(row);
        expect(await store.instance.get()).toEqual(row);
        await store.instance.updateSettings(row.id, { sessionToken: { lifetimeSeconds: 120 } }, T0 + 77);
        expect(await store.instance.get()).toEqual({ ...row, settings: { sessionToken: { lifetimeSeconds: 120 } }, updatedAt: T0 + 77 });
        // Compare and swap: a write based on settings someone else has since changed does not land.
        expect(await store.instance.updateSettingsIf(row.id, {}, { stale: true }, T0 + 78)).toBe(false);
        expect((await store.instance.get())?.settings).toEqual({ sessionToken: { lifetimeSeconds: 120 } });
        expect(await store.instance.updateSettingsIf(row.id, { sessionToken: { lifetimeSeconds: 120 } }, { fresh: true }, T0 + 79)).toBe(
          true,
        );
        expect(await store.instance.get()).toEqual({ ...row, settings: { fresh: true }, updatedAt: T0 + 79 });
      });

      it('replaces the secret key only if it is still the one expected', async () => {
        const before = await store.instance.get();
        if (!before) throw new Error('no instance');
        const next = { hash: 'hash2', enc: 'v1.d.e.f', previousExpiresAt: T0 + 1000, now: T0 + 88 };
        expect(await store.instance.replaceSecretKey(before.id, 'not-the-hash', next)).toBe(false);
        expect(await store.instance.replaceSecretKey(before.id, 'hash', next)).toBe(true);
        expect(await store.instance.get()).toEqual({
          ...before,
          secretKeyHash: 'hash2',
          secretKeyEnc: 'v1.d.e.f',
          previousSecretKeyHash: 'hash',
          previousSecretKeyExpiresAt: T0 + 1000,
          updatedAt: T0 + 88,
        });
        expect(await store.instance.replaceSecretKey(before.id, 'hash', next)).toBe(false);
      });

      it('lists signing keys oldest first and changes their status', async () => {
        const key = (kid: string, createdAt: number): StoredSigningKey => ({
          kid,
          privateKeyEnc: `v1.${kid}`,
          publicJwk: { kid },
          status: 'active',
          createdAt,
          activatesAt: null,
          retiresAt: null,
        });
        const newer = { ...key('ins_newer', T0 + 2), activatesAt: T0 + 60_002 };
        const older = key('ins_older', T0 + 1);
        await store.signingKeys.insert(newer);
        await store.signingKeys.insert(older);
        expect(await store.signingKeys.list()).toEqual([older, newer]);
        await store.signingKeys.setRetiresAt('ins_older', T0 + 90_000);
        await store.signingKeys.setStatus('ins_older', 'retired');
        expect(await store.signingKeys.list()).toEqual([{ ...older, status: 'retired', retiresAt: T0 + 90_000 }, newer]);
      });
    });

    describe('transactions', () => {
      let store: Store;
      beforeAll(async () => {
        ({ store } = await freshStore());
      });

      it('commits when the work succeeds and returns its value', async () => {
        const user = testUser();
        const email = emailRow(user.id, 'committed@example.com');
        const result = await store.transaction(async (trx) => {
          await trx.users.insert(user);
          await trx.emailAddresses.insert(email);
          expect(await trx.users.findById(user.id)).toEqual(user);
          return 'done';
        });
        expect(result).toBe('done');
        expect(await store.users.findById(user.id)).toEqual(user);
        expect(await store.emailAddresses.listByUser(user.id)).toEqual([email]);
      });

      it('rolls back everything when the work throws', async () => {
        const user = testUser({ username: 'rolled_back' });
        const boom = new Error('boom');
        const error = await rejection(
          store.transaction(async (trx) => {
            await trx.users.insert(user);
            await trx.emailAddresses.insert(emailRow(user.id, 'rolled@example.com'));
            await trx.users.update(user.id, { firstName: 'Changed' });
            throw boom;
          }),
        );
        expect(error).toBe(boom);
        expect(await store.users.findById(user.id)).toBeUndefined();
        expect(await store.emailAddresses.findByAddress('rolled@example.com')).toBeUndefined();
        expect(await store.users.count({ usernames: ['rolled_back'] })).toBe(0);
      });

      it('rolls back earlier writes when a later write breaks a unique constraint', async () => {
        const existing = testUser({ username: 'already_here' });
        await store.users.insert(existing);
        const fresh = testUser();
        const error = await rejection(
          store.transaction(async (trx) => {
            await trx.users.insert(fresh);
            await trx.users.insert(testUser({ username: 'already_here' }));
          }),
        );
        expect(error).toBeInstanceOf(UniqueViolation);
        expect(await store.users.findById(fresh.id)).toBeUndefined();
        expect(await store.users.findById(existing.id)).toEqual(existing);
      });
    });

    describe('migrations', () => {
      it('are idempotent: the same database opens again, alongside and after, with its data', async () => {
        const target = await newTarget(dialect);
        targets.push(target);
        const firstLog: string[] = [];
        const first = await openStore({ url: target.url, log: (line) => firstLog.push(line) });
        opened.push(first);
        expect(firstLog).toEqual(Object.keys(migrations).map((name) => `migration ${name}: Success`));
        expect(firstLog[0]).toBe('migration 0001-initial: Success');
        const user = testUser({ username: 'survivor' });
        await first.users.insert(user);

        const secondLog: string[] = [];
        const second = await openStore({ url: target.url, log: (line) => secondLog.push(line) });
        opened.push(second);
        expect(secondLog).toEqual([]);
        expect(await second.users.findById(user.id)).toEqual(user);
        await second.close();
        await first.close();

        const third = await openStore({ url: target.url });
        opened.push(third);
        expect(await third.users.findById(user.id)).toEqual(user);
        expect(await third.users.count({})).toBe(1);
        await third.close();
      });

      it("0017 gives an older suggestion the organization's oldest domain matching a verified address of its user", async () => {
        const { store, url } = await freshStore();
        const org = organizationRow('backfilled');
        const ann = testUser({ username: 'ann_backfill' });
        await store.organizations.insert(org);
        await store.users.insert(ann);
        await store.emailAddresses.insert(emailRow(ann.id, 'ann@unproven.test', { verified: false }));
        await store.emailAddresses.insert(emailRow(ann.id, 'ann@match.test'));
        const domain = (name: string, createdAt: number): OrganizationDomain => ({
          id: newId('orgdmn'),
          organizationId: org.id,
          name,
          enrollmentMode: 'automatic_suggestion',
          verifiedAt: T0,
          affiliationEmailAddress: null,
          createdAt,
          updatedAt: createdAt,
        });
        // The oldest domain matches only an unverified address; another matches nobody.
        const match = domain('match.test', T0 + 2);
        for (const row of [domain('unproven.test', T0), domain('atch.test', T0 + 1), match]) await store.organizationDomains.insert(row);
        const suggestion = {
          id: newId('orgsug'),
          organizationId: org.id,
          organizationDomainId: null,
          userId: ann.id,
          status: 'pending' as const,
          createdAt: T0,
          updatedAt: T0,
        };
        await store.organizationSuggestions.insertOnce(suggestion);
        const db = dialect === 'sqlite' ? openSqlite(url.slice('sqlite:'.length)) : openPostgres(url);
        try {
          await backfillSuggestionDomains(db);
        } finally {
          await db.destroy();
        }
        expect(await store.organizationSuggestions.findById(suggestion.id)).toEqual({ ...suggestion, organizationDomainId: match.id });
      });

      it('0018 gives the sessions pending before it the one task they could wait for, setup-mfa', async () => {
        const target = await newTarget(dialect);
        targets.push(target);
        const db = dialect === 'sqlite' ? openSqlite(target.url.slice('sqlite:'.length)) : openPostgres(target.url);
        const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0018'));
        const migrated = await new Migrator({
          db,
          provider: { getMigrations: async () => before },
          migrationTableName: 'gatehouse_migrations',
          migrationLockTableName: 'gatehouse_migrations_lock',
        }).migrateToLatest();
        expect(migrated.error).toBeUndefined();
        const old = createRepositories(db);
        const user = testUser();
        await old.users.insert(user);
        const client = clientRow();
        await old.clients.insert(client);
        const pending = sessionRow(client.id, user.id, { status: 'pending', tasks: ['setup-mfa'] });
        const active = sessionRow(client.id, user.id);
        for (const session of [pending, active]) {
          // The table as it was: no `tasks` column yet.
          const { tasks: _, ...row } = sessionMapping.write(session);
          await db
            .insertInto('sessions')
            .values(row as SessionRow)
            .execute();
        }
        await db.destroy();

        const store = await openStore({ url: target.url });
        opened.push(store);
        expect(await store.sessions.findById(pending.id)).toEqual(pending);
        expect(await store.sessions.findById(active.id)).toEqual(active);
      });
    });

    describe('timestamps', () => {
      let store: Store;
      beforeAll(async () => {
        ({ store } = await freshStore());
      });

      it('come back as JS numbers equal to what was written', async () => {
        const instants = [2 ** 31 + 1, T0, 4_102_444_800_000, Number.MAX_SAFE_INTEGER] as const;
        const user = testUser({
          createdAt: instants[1],
          updatedAt: instants[2],
          passwordLastUpdatedAt: instants[0],
          lastSignInAt: instants[3],
          lastActiveAt: instants[2],
          legalAcceptedAt: instants[1],
        });
        await store.users.insert(user);
        const found = await store.users.findById(user.id);
        expect(found).toEqual(user);
        for (const field of [
          'createdAt',
          'updatedAt',
          'passwordLastUpdatedAt',
          'lastSignInAt',
          'lastActiveAt',
          'legalAcceptedAt',
        ] as const) {
          expect(typeof found?.[field]).toBe('number');
          expect(found?.[field]).toBe(user[field]);
        }

        const client = clientRow({ createdAt: instants[3], updatedAt: instants[3] });
        await store.clients.insert(client);
        const session = sessionRow(client.id, user.id, {
          lastActiveAt: instants[0],
          expireAt: instants[2],
          abandonAt: instants[3],
          createdAt: instants[1],
          updatedAt: instants[2],
        });
        await store.sessions.insert(session);
        const foundSession = await store.sessions.findById(session.id);
        expect(foundSession).toEqual(session);
        expect(typeof foundSession?.abandonAt).toBe('number');
        expect(await store.clients.findById(client.id)).toEqual(client);
        expect(typeof (await store.sessions.count({}))).toBe('number');
      });

      it('sort numerically, not as text, across a power of ten', async () => {
        const earlier = testUser({ firstName: 'earlier-numeric', createdAt: 9_999_999_999_999 });
        const later = testUser({ firstName: 'later-numeric', createdAt: 10_000_000_000_000 });
        await store.users.insert(later);
        await store.users.insert(earlier);
        const rows = await store.users.list({
          query: '-numeric',
          orderBy: 'created_at',
          direction: 'asc',
          limit: 10,
          offset: 0,
        });
        expect(rows.map((r) => r.id)).toEqual([earlier.id, later.id]);
      });
    });

    describe('second factors', () => {
      let store: Store;
      beforeAll(async () => {
        ({ store } = await freshStore());
      });

      const secret = (userId: string, id = newId('totp')) => ({
        id,
        userId,
        secretEnc: 'sealed',
        verified: false,
        lastUsedStep: null,
        createdAt: T0,
        updatedAt: T0,
      });

      it('keeps one TOTP secret per user: a pending one is replaced, a verified one is not', async () => {
        const user = testUser();
        await store.users.insert(user);
        expect(await store.totpSecrets.putPending(secret(user.id, 'totp_a'))).toBe(true);
        expect(await store.totpSecrets.putPending(secret(user.id, 'totp_b'))).toBe(true);
        expect((await store.totpSecrets.find(user.id))?.id).toBe('totp_b');
        // The first code verifies it (and uses its step); the same step again is a replay.
        expect(await store.totpSecrets.useStep(user.id, 100, T0 + 1, true)).toBe(true);
        expect(await store.totpSecrets.useStep(user.id, 100, T0 + 2, true)).toBe(false);
        expect(await store.totpSecrets.useStep(user.id, 100, T0 + 2, false)).toBe(false);
        expect(await store.totpSecrets.useStep(user.id, 99, T0 + 2, false)).toBe(false);
        expect(await store.totpSecrets.useStep(user.id, 101, T0 + 3, false)).toBe(true);
        expect(await store.totpSecrets.find(user.id)).toEqual({
          ...secret(user.id, 'totp_b'),
          verified: true,
          lastUsedStep: 101,
          updatedAt: T0 + 3,
        });
        expect(await store.totpSecrets.putPending(secret(user.id, 'totp_c'))).toBe(false);
        expect(await store.totpSecrets.delete(user.id)).toBe(true);
        expect(await store.totpSecrets.delete(user.id)).toBe(false);
      });

      it('keeps the second factor of a sign-in', async () => {
        const user = testUser();
        await store.users.insert(user);
        const client = clientRow();
        await store.clients.insert(client);
        const signIn: SignIn = {
          id: newId('sia'),
          clientId: client.id,
          status: 'needs_second_factor',
          identifier: 'x@example.com',
          userId: user.id,
          firstFactorStrategy: 'password',
          firstFactorStatus: 'verified',
          secondFactorStrategy: null,
          secondFactorStatus: null,
          createdSessionId: null,
          expireAt: T0 + 1000,
          createdAt: T0,
          updatedAt: T0,
        };
        await store.signIns.insert(signIn);
        expect(await store.signIns.findById(signIn.id)).toEqual(signIn);
        await store.signIns.update(signIn.id, { secondFactorStrategy: 'backup_code', secondFactorStatus: 'failed', updatedAt: T0 + 1 });
        expect(await store.signIns.findById(signIn.id)).toEqual({
          ...signIn,
          secondFactorStrategy: 'backup_code',
          secondFactorStatus: 'failed',
          updatedAt: T0 + 1,
        });
      });

      it('two concurrent uses of one step: exactly one wins', async () => {
        const user = testUser();
        await store.users.insert(user);
        await store.totpSecrets.putPending(secret(user.id));
        await store.totpSecrets.useStep(user.id, 5, T0, true);
        const results = await Promise.all([6, 6, 6, 6].map((step) => store.totpSecrets.useStep(user.id, step, T0, false)));
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('uses each backup code once, replaces the set, and goes with the user', async () => {
        const user = testUser();
        await store.users.insert(user);
        await store.backupCodes.replace(user.id, ['h1', 'h2', 'h3'], T0);
        expect(await store.backupCodes.count(user.id)).toBe(3);
        const raced = await Promise.all([store.backupCodes.consume(user.id, 'h1'), store.backupCodes.consume(user.id, 'h1')]);
        expect(raced.filter(Boolean)).toHaveLength(1);
        expect(await store.backupCodes.consume(user.id, 'h9')).toBe(false);
        await store.backupCodes.replace(user.id, ['n1'], T0 + 1);
        expect(await store.backupCodes.consume(user.id, 'h2')).toBe(false);
        expect(await store.backupCodes.count(user.id)).toBe(1);
        await store.totpSecrets.putPending(secret(user.id));
        await store.users.delete(user.id);
        expect(await store.backupCodes.count(user.id)).toBe(0);
        expect(await store.totpSecrets.find(user.id)).toBeUndefined();
      });
    });

    describe('machine authentication', () => {
      let store: Store;
      beforeAll(async () => {
        ({ store } = await freshStore());
      });

      const machineRow = (name: string, createdAt: number): Machine => ({
        id: newId('mch'),
        name,
        defaultTokenTtl: 3600,
        secretKeyHash: `hash-${name}`,
        secretKeyEnc: 'sealed',
        previousSecretKeyHash: null,
        previousSecretKeyExpiresAt: null,
        createdAt,
        updatedAt: createdAt,
      });

      it('keeps API keys with their JSON, filters revoked and expired ones, and finds them by hash', async () => {
        const subject = `user_conformance${dialect}`;
        const base: ApiKey = {
          id: newId('ak'),
          name: 'live',
          subject,
          description: null,
          claims: null,
          scopes: ['a', 'b'],
          createdBy: null,
          secretHash: `live-${dialect}`,
          secretEnc: 'sealed',
          revoked: false,
          revocationReason: null,
          expiration: null,
          lastUsedAt: null,
          createdAt: T0,
          updatedAt: T0,
        };
        const expired = {
          ...base,
          id: newId('ak'),
          name: 'expired',
          claims: { k: [1] },
          secretHash: `expired-${dialect}`,
          expiration: T0 + 1,
          createdAt: T0 + 1,
        };
        const revoked = { ...base, id: newId('ak'), name: 'revoked', secretHash: `revoked-${dialect}`, revoked: true, createdAt: T0 + 2 };
        for (const key of [base, expired, revoked]) await store.apiKeys.insert(key);
        expect(await store.apiKeys.findBySecretHash(`expired-${dialect}`)).toEqual(expired);
        const live = { revoked: false, expired: false, now: T0 + 10 };
        expect((await store.apiKeys.listBySubject(subject, live, 10, 0)).map((k) => k.name)).toEqual(['live']);
        const all = { revoked: true, expired: true, now: T0 + 10 };
        expect((await store.apiKeys.listBySubject(subject, all, 10, 0)).map((k) => k.name)).toEqual(['revoked', 'expired', 'live']);
        expect(await store.apiKeys.countBySubject(subject, all)).toBe(3);
        await expect(store.apiKeys.insert({ ...base, id: newId('ak') })).rejects.toBeInstanceOf(UniqueViolation);
      });

      it('keeps machines, scopes and M2M tokens, searches names literally and deletes a machine with its scopes and tokens', async () => {
        const a = machineRow(`50%_off ${dialect}`, T0);
        const b = machineRow(`plain ${dialect}`, T0 + 1);
        await store.machines.insert(a);
        await store.machines.insert(b);
        await store.machines.insertScope({ fromMachineId: a.id, toMachineId: b.id, createdAt: T0 });
        await expect(store.machines.insertScope({ fromMachineId: a.id, toMachineId: b.id, createdAt: T0 })).rejects.toBeInstanceOf(
          UniqueViolation,
        );
        expect(await store.machines.scopesFrom([a.id])).toEqual([{ fromMachineId: a.id, toMachineId: b.id, createdAt: T0 }]);
        expect(
          (await store.machines.list({ query: '%_OFF', orderBy: 'name', descending: false, limit: 10, offset: 0 })).map((m) => m.id),
        ).toEqual([a.id]);
        expect(await store.machines.count('50%')).toBe(1);
        expect(await store.machines.count('5_%')).toBe(0);
        await store.machines.update(a.id, { previousSecretKeyHash: 'old', previousSecretKeyExpiresAt: T0 + 5 });
        expect((await store.machines.findBySecretKeyHash('old'))?.id).toBe(a.id);

        const token: M2MToken = {
          id: newId('mt'),
          subject: a.id,
          scopes: [b.id],
          claims: { job: 'x' },
          tokenHash: `token-${dialect}`,
          revoked: false,
          revocationReason: null,
          expiration: T0 + 1000,
          createdAt: T0,
          updatedAt: T0,
        };
        await store.m2mTokens.insert(token);
        expect(await store.m2mTokens.findByTokenHash(`token-${dialect}`)).toEqual(token);
        expect(await store.m2mTokens.countBySubject(a.id, { revoked: false, expired: false, now: T0 + 2000 })).toBe(0);
        expect(await store.m2mTokens.countBySubject(a.id, { revoked: false, expired: true, now: T0 + 2000 })).toBe(1);

        expect(await store.transaction((tx) => tx.machines.delete(a.id))).toBe(true);
        expect(await store.m2mTokens.findById(token.id)).toBeUndefined();
        expect(await store.machines.scopesFrom([a.id])).toEqual([]);
        expect(await store.machines.findById(b.id)).toEqual(b);
      });
    });

    describe('dashboard: operators, audit log, actor tokens', () => {
      let store: Store;
      beforeAll(async () => {
        ({ store } = await freshStore());
      });

      it('keeps operators, their sessions and links, the audit log and impersonation sessions alike', async () => {
        const operator = {
          id: newId('op'),
          email: `ops-${dialect}@example.com`,
          passwordDigest: null,
          totpSecretEnc: 'sealed',
          failedAttempts: 0,
          lockedUntil: null,
          lastSignInAt: null,
          createdAt: T0,
          updatedAt: T0,
        };
        await store.operators.insert(operator);
        expect(await store.operators.findByEmail(operator.email)).toEqual(operator);
        expect(await store.operators.recordFailure(operator.id, T0 + 1)).toBe(1);
        expect(await store.operators.recordFailure(operator.id, T0 + 2)).toBe(2);
        const link = { tokenHash: 'h1', purpose: 'setup' as const, operatorId: operator.id, expiresAt: T0 + 10, createdAt: T0 };
        await store.operatorTokens.insert(link);
        expect(await store.operatorTokens.take('h1')).toEqual(link);
        expect(await store.operatorTokens.take('h1')).toBeUndefined();
        const session = {
          id: newId('ops'),
          operatorId: operator.id,
          tokenHash: 'sh',
          userAgent: 'ua',
          ip: '127.0.0.1',
          createdAt: T0,
          lastActiveAt: T0,
          expiresAt: T0 + 100,
        };
        await store.operatorSessions.insert(session);
        expect(await store.operatorSessions.findByTokenHash('sh')).toEqual(session);
        expect(await store.operators.delete(operator.id)).toBe(true);
        expect(await store.operatorSessions.findByTokenHash('sh')).toBeUndefined();

        for (let i = 0; i < 3; i++) {
          await store.auditLog.insert({
            id: `aud_${i}`,
            at: T0 + i,
            actorType: 'operator',
            actorId: null,
            actorLabel: 'o',
            action: i === 2 ? 'keys.rotate_secret_key' : 'user.ban',
            targetType: 'user',
            targetId: `user_${i % 2}`,
            ip: null,
            detail: { i },
          });
        }
        expect((await store.auditLog.list({ actionPrefix: 'user.' }, 10, 0)).map((e) => e.id)).toEqual(['aud_1', 'aud_0']);
        expect(await store.auditLog.count({ targetId: 'user_0' })).toBe(2);
        expect((await store.auditLog.list({}, 1, 1))[0]?.detail).toEqual({ i: 1 });

        const user = testUser();
        await store.users.insert(user);
        const client = clientRow();
        await store.clients.insert(client);
        const acting = sessionRow(client.id, user.id, { actor: { sub: 'op_1' } });
        await store.sessions.insert(acting);
        expect((await store.sessions.findById(acting.id))?.actor).toEqual({ sub: 'op_1' });
        const own = sessionRow(client.id, user.id);
        await store.sessions.insert(own);
        expect((await store.sessions.findById(own.id))?.actor).toBeNull();
        const token = {
          id: newId('act'),
          userId: user.id,
          actor: { sub: 'op_1' },
          tokenHash: `at-${dialect}`,
          status: 'pending' as const,
          expiresAt: T0 + 1000,
          sessionMaxDurationMs: 1_800_000,
          createdAt: T0,
          updatedAt: T0,
        };
        await store.actorTokens.insert(token);
        expect(await store.actorTokens.findByTokenHash(`at-${dialect}`)).toEqual(token);
        expect(await store.actorTokens.transition(token.id, 'pending', 'accepted', T0 + 1)).toBe(true);
        expect(await store.actorTokens.transition(token.id, 'pending', 'revoked', T0 + 2)).toBe(false);
      });
    });

    describe('webhooks', () => {
      let store: Store;
      beforeAll(async () => {
        ({ store } = await freshStore());
      });

      const endpointRow = (url: string, createdAt: number): WebhookEndpoint => ({
        id: newId('whe'),
        url,
        events: ['user.created'],
        secretEnc: 'sealed',
        previousSecretEnc: null,
        previousSecretExpiresAt: null,
        disabled: false,
        failingSince: null,
        retryAt: null,
        source: 'api',
        leaseOwner: null,
        leaseExpiresAt: null,
        createdAt,
        updatedAt: createdAt,
      });
      const delivery = (endpointId: string, eventId: string) => ({
        id: newId('whd'),
        endpointId,
        eventId,
        eventType: 'user.created',
        status: 'pending' as const,
        attempts: 0,
        nextAttemptAt: T0,
        createdAt: T0,
        updatedAt: T0,
      });

      it('keeps endpoints, fans out deliveries in order, and finds the queue head with its body', async () => {
        const endpoint = endpointRow('https://hooks.example.com/a', T0);
        await store.webhooks.insertEndpoint(endpoint);
        expect(await store.webhooks.findEndpoint(endpoint.id)).toEqual(endpoint);
        expect(await store.webhooks.listSubscribers()).toEqual([{ id: endpoint.id, events: ['user.created'] }]);
        const events = ['msg_1', 'msg_2', 'msg_3'].map((id, i) => ({
          id: `${id}${dialect}`,
          type: 'user.created',
          body: `{"n":${i}}`,
          createdAt: T0 + i,
        }));
        await store.transaction(async (tx) => {
          for (const event of events) {
            await tx.webhooks.insertEvent(event);
            await tx.webhooks.insertDeliveries([delivery(endpoint.id, event.id)]);
          }
        });
        const head = await store.webhooks.headDelivery(endpoint.id);
        expect(head?.body).toBe('{"n":0}');
        expect(head?.delivery.eventId).toBe(events[0]?.id);
        await store.webhooks.updateDelivery(head?.delivery.id ?? '', {
          status: 'succeeded',
          attempts: 1,
          nextAttemptAt: null,
          updatedAt: T0 + 5,
        });
        expect((await store.webhooks.headDelivery(endpoint.id))?.body).toBe('{"n":1}');
        const listed = await store.webhooks.listDeliveries(endpoint.id, 10, 0);
        expect(listed.map((d) => d.eventId)).toEqual(events.map((e) => e.id).reverse());
        expect(listed.every((d, i) => i === 0 || d.seq < (listed[i - 1]?.seq ?? 0))).toBe(true);
        expect(await store.webhooks.countDeliveries(endpoint.id)).toBe(3);
        expect((await store.webhooks.listEventsSince(T0 + 1, 10)).map((e) => e.id)).toEqual([events[1]?.id, events[2]?.id]);
      });

      it('gives an endpoint lease to one owner at a time, until it expires', async () => {
        const endpoint = endpointRow('https://hooks.example.com/b', T0 + 1);
        await store.webhooks.insertEndpoint(endpoint);
        await store.webhooks.insertEvent({ id: `msg_lease${dialect}`, type: 'user.created', body: '{}', createdAt: T0 });
        await store.webhooks.insertDeliveries([delivery(endpoint.id, `msg_lease${dialect}`)]);
        expect(await store.webhooks.dueEndpoints(T0 + 10, 'node_a', 10)).toContain(endpoint.id);
        const claims = await Promise.all([
          store.webhooks.claimLease(endpoint.id, 'node_a', T0 + 10, T0 + 100),
          store.webhooks.claimLease(endpoint.id, 'node_b', T0 + 10, T0 + 100),
        ]);
        expect(claims.filter(Boolean)).toHaveLength(1);
        const owner = claims[0] ? 'node_a' : 'node_b';
        const other = owner === 'node_a' ? 'node_b' : 'node_a';
        expect(await store.webhooks.dueEndpoints(T0 + 50, other, 10)).not.toContain(endpoint.id);
        expect(await store.webhooks.claimLease(endpoint.id, owner, T0 + 50, T0 + 150)).toBe(true);
        expect(await store.webhooks.claimLease(endpoint.id, other, T0 + 200, T0 + 300)).toBe(true);
        await store.webhooks.releaseLease(endpoint.id, other);
        expect((await store.webhooks.findEndpoint(endpoint.id))?.leaseOwner).toBeNull();
        await store.webhooks.updateEndpoint(endpoint.id, { retryAt: T0 + 1000 });
        expect(await store.webhooks.dueEndpoints(T0 + 500, 'node_c', 10)).not.toContain(endpoint.id);
        expect(await store.transaction((tx) => tx.webhooks.deleteEndpoint(endpoint.id))).toBe(true);
        expect(await store.webhooks.findEndpoint(endpoint.id)).toBeUndefined();
      });

      it('prunes settled events older than a time, with their deliveries and attempts; pending ones stay', async () => {
        const endpoint = endpointRow('https://hooks.example.com/c', T0 + 2);
        await store.webhooks.insertEndpoint(endpoint);
        const ids = ['old_ok', 'old_failed', 'old_pending', 'new_ok'].map((n) => `msg_${n}${dialect}`);
        const at = [T0 + 100, T0 + 101, T0 + 102, T0 + 5000];
        const made: ReturnType<typeof delivery>[] = [];
        for (const [i, id] of ids.entries()) {
          const when = at[i] ?? T0;
          await store.webhooks.insertEvent({ id, type: 'user.created', body: '{}', createdAt: when });
          const row = { ...delivery(endpoint.id, id), createdAt: when, updatedAt: when };
          await store.webhooks.insertDeliveries([row]);
          made.push(row);
        }
        const settle = async (i: number, status: 'succeeded' | 'failed') => {
          const row = made[i];
          if (!row) throw new Error('no delivery');
          await store.webhooks.updateDelivery(row.id, { status, attempts: 1, nextAttemptAt: null, updatedAt: row.createdAt });
          await store.webhooks.insertAttempt({
            id: newId('wha'),
            deliveryId: row.id,
            endpointId: endpoint.id,
            eventId: row.eventId,
            statusCode: status === 'succeeded' ? 200 : 503,
            durationMs: 3,
            error: null,
            createdAt: row.createdAt,
          });
        };
        await settle(0, 'succeeded');
        await settle(1, 'failed');
        await settle(3, 'succeeded');
        expect(await store.transaction((tx) => tx.webhooks.pruneEvents(T0 + 1000, 500))).toBeGreaterThanOrEqual(2);
        expect(await store.webhooks.findEvent(ids[0] ?? '')).toBeUndefined();
        expect(await store.webhooks.findEvent(ids[1] ?? '')).toBeUndefined();
        expect(await store.webhooks.findEvent(ids[2] ?? '')).toBeDefined();
        expect(await store.webhooks.findEvent(ids[3] ?? '')).toBeDefined();
        expect((await store.webhooks.listDeliveries(endpoint.id, 10, 0)).map((d) => d.eventId)).toEqual([ids[3], ids[2]]);
        expect(await store.webhooks.listAttempts([made[0]?.id ?? '', made[1]?.id ?? ''])).toEqual([]);
        expect(await store.webhooks.listAttempts([made[3]?.id ?? ''])).toHaveLength(1);
        expect(await store.webhooks.pruneEvents(T0 + 1000, 500)).toBe(0);
      });

      it('ends the live sessions of a user and returns them', async () => {
        const user = testUser();
        await store.users.insert(user);
        const live = {
          id: newId('sess'),
          clientId: newId('client'),
          userId: user.id,
          status: 'active' as const,
          lastActiveOrganizationId: null,
          lastActiveAt: T0,
          expireAt: T0 + 1e6,
          abandonAt: T0 + 2e6,
          actor: null,
          tasks: [],
          createdAt: T0,
          updatedAt: T0,
        };
        const ended = { ...live, id: newId('sess'), status: 'ended' as const };
        await store.clients.insert({
          id: live.clientId,
          tokenHash: null,
          signInId: null,
          signUpId: null,
          lastActiveSessionId: null,
          createdAt: T0,
          updatedAt: T0,
        });
        await store.sessions.insert(live);
        await store.sessions.insert(ended);
        const result = await store.sessions.endActive({ userId: user.id }, 'revoked', T0 + 9);
        expect(result).toEqual([{ ...live, status: 'revoked', updatedAt: T0 + 9 }]);
        expect(await store.sessions.endActive({ clientId: live.clientId }, 'ended', T0 + 10)).toEqual([]);
      });
    });

    describe('oauth', () => {
      let store: Store;
      let url: string;
      beforeAll(async () => {
        ({ store, url } = await freshStore());
      });

      it('consumes a flow once, keeps its outcome, and finds the latest flow of an attempt', async () => {
        const flow: OAuthFlow = {
          id: newId('oaf'),
          stateHash: `state-${dialect}`,
          clientId: 'client_1',
          purpose: 'sign_in',
          attemptId: 'sia_1',
          provider: 'google',
          secretsEnc: 'sealed',
          authorizationUrl: 'https://accounts.example.com/auth?x=1',
          redirectUrl: 'http://127.0.0.1:5173/sso-callback',
          actionCompleteRedirectUrl: null,
          status: 'pending',
          consumed: false,
          errorCode: null,
          resultEnc: null,
          expireAt: T0 + 600_000,
          createdAt: T0,
          updatedAt: T0,
        };
        await store.oauthFlows.insert(flow);
        expect(await store.oauthFlows.findByStateHash(`state-${dialect}`)).toEqual(flow);
        const [first, second] = await Promise.all([store.oauthFlows.consume(flow.id, T0 + 1), store.oauthFlows.consume(flow.id, T0 + 1)]);
        expect([first, second].filter(Boolean)).toHaveLength(1);
        expect(await store.oauthFlows.consume(flow.id, T0 + 2)).toBe(false);
        await store.oauthFlows.update(flow.id, { status: 'transferable', errorCode: 'external_account_not_found', resultEnc: 'r' });
        expect(await store.oauthFlows.latestFor('sia_1')).toMatchObject({
          id: flow.id,
          consumed: true,
          status: 'transferable',
          resultEnc: 'r',
        });
        // An expired flow cannot be consumed.
        const late = { ...flow, id: newId('oaf'), stateHash: `late-${dialect}`, createdAt: T0 + 5 };
        await store.oauthFlows.insert(late);
        expect(await store.oauthFlows.consume(late.id, late.expireAt + 1)).toBe(false);
        expect((await store.oauthFlows.latestFor('sia_1'))?.id).toBe(late.id);
      });

      it('stores external accounts and lets one of many callers, on two connections, take the refresh lease', async () => {
        const user = testUser();
        await store.users.insert(user);
        const account: ExternalAccount = {
          id: newId('eac'),
          userId: user.id,
          provider: 'google',
          providerUserId: 'sub-1',
          emailAddress: 'a@example.com',
          emailVerified: true,
          firstName: 'A',
          lastName: 'B',
          username: null,
          imageUrl: '',
          approvedScopes: 'openid email',
          status: 'verified',
          tokensEnc: 'sealed',
          tokenExpiresAt: T0 + 1000,
          refreshLeaseUntil: null,
          createdAt: T0,
          updatedAt: T0,
        };
        await store.externalAccounts.insert(account);
        expect(await store.externalAccounts.findByProviderUser('google', 'sub-1')).toEqual(account);
        expect(await store.externalAccounts.listForUsers([user.id])).toEqual([account]);
        // A second connection pool plays a second node.
        const other = await openStore({ url, migrate: false });
        opened.push(other);
        const takers = await Promise.all(
          Array.from({ length: 10 }, (_, i) => (i % 2 ? other : store).externalAccounts.takeRefreshLease(account.id, T0, T0 + 30_000)),
        );
        expect(takers.filter(Boolean)).toHaveLength(1);
        // Held until it runs out; then another may take it.
        expect(await other.externalAccounts.takeRefreshLease(account.id, T0 + 29_999, T0 + 60_000)).toBe(false);
        expect(await other.externalAccounts.takeRefreshLease(account.id, T0 + 30_000, T0 + 60_000)).toBe(true);
        expect(await store.externalAccounts.delete(account.id)).toBe(true);
        expect(await store.externalAccounts.listForUser(user.id)).toEqual([]);
      });
    });
  });
}

conformanceSuite('sqlite');
conformanceSuite('postgres');
