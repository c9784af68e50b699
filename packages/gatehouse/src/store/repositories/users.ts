import { type Kysely, sql } from 'kysely';
import type { EmailAddress, ExternalAccount, Passkey, PhoneNumber, User } from '../../model/index.js';
import { guardUnique } from '../errors.js';
import { type PrefixedColumns, prefixedSelection } from '../joined-rows.js';
import { emailAddressMapping, externalAccountMapping, passkeyMapping, phoneNumberMapping, userMapping } from '../mappings.js';
import { compiledOnce } from '../prepared.js';
import type { Database, EmailAddressRow, ExternalAccountRow, PasskeyRow, PhoneNumberRow, UserRow } from '../schema.js';

export const USER_ORDER_COLUMNS = [
  'created_at',
  'updated_at',
  'first_name',
  'last_name',
  'username',
  'last_active_at',
  'last_sign_in_at',
] as const;
export type UserOrderColumn = (typeof USER_ORDER_COLUMNS)[number];

export interface UserListFilter {
  emailAddresses?: string[];
  userIds?: string[];
  externalIds?: string[];
  usernames?: string[];
  /** Case-insensitive substring of id, e-mail, username, first or last name. */
  query?: string;
  /** Members of any of these organizations. */
  organizationIds?: string[];
  /**
   * Identifiers Gatehouse does not store (phone numbers, Web3 wallets): a filter on one of them is
   * accepted, as Clerk's list accepts it, and matches nothing.
   */
  /** Users with one of these verified phone numbers (E.164). */
  phoneNumbers?: string[];
  unmatchable?: boolean;
  /** Unix-millisecond bounds, exclusive. */
  createdAfter?: number;
  createdBefore?: number;
  lastActiveAfter?: number;
  lastActiveBefore?: number;
  lastSignInAfter?: number;
  lastSignInBefore?: number;
}

export interface UserListOptions extends UserListFilter {
  orderBy: UserOrderColumn;
  direction: 'asc' | 'desc';
  limit: number;
  offset: number;
}

function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const readUser = userMapping.read;
const readPrefixedEmailAddress = emailAddressMapping.readPrefixed('e__');

/** A user with every row their JSON shows: what getUser, `/v1/me` and the dashboard read. */
export interface WholeUser {
  user: User;
  emailAddresses: EmailAddress[];
  phoneNumbers: PhoneNumber[];
  /** Verified passkeys only: an unfinished registration is not one of the user's passkeys. */
  passkeys: Passkey[];
  externalAccounts: ExternalAccount[];
}

/** Whether a user has rows in the tables a whole user reads beside their addresses. */
interface FactorFlags {
  has_phone_numbers: boolean | number;
  has_passkeys: boolean | number;
  has_external_accounts: boolean | number;
}

export function createUserRepository(db: Kysely<Database>) {
  function filtered(filter: UserListFilter) {
    let q = db.selectFrom('users');
    if (filter.userIds?.length) q = q.where('users.id', 'in', filter.userIds);
    if (filter.externalIds?.length) q = q.where('users.external_id', 'in', filter.externalIds);
    if (filter.usernames?.length)
      q = q.where(
        'users.username',
        'in',
        filter.usernames.map((u) => u.toLowerCase()),
      );
    if (filter.emailAddresses?.length) {
      const emails = filter.emailAddresses.map((e) => e.toLowerCase());
      q = q.where('users.id', 'in', db.selectFrom('email_addresses').select('user_id').where('email_address', 'in', emails));
    }
    if (filter.organizationIds?.length) {
      q = q.where(
        'users.id',
        'in',
        db.selectFrom('organization_memberships').select('user_id').where('organization_id', 'in', filter.organizationIds),
      );
    }
    if (filter.phoneNumbers?.length) {
      q = q.where(
        'users.id',
        'in',
        db.selectFrom('phone_numbers').select('user_id').where('phone_number', 'in', filter.phoneNumbers).where('verified', '=', 1),
      );
    }
    if (filter.unmatchable) q = q.where(sql<boolean>`1 = 0`);
    if (filter.createdAfter !== undefined) q = q.where('users.created_at', '>', filter.createdAfter);
    if (filter.createdBefore !== undefined) q = q.where('users.created_at', '<', filter.createdBefore);
    if (filter.lastActiveAfter !== undefined) q = q.where('users.last_active_at', '>', filter.lastActiveAfter);
    if (filter.lastActiveBefore !== undefined) q = q.where('users.last_active_at', '<', filter.lastActiveBefore);
    if (filter.lastSignInAfter !== undefined) q = q.where('users.last_sign_in_at', '>', filter.lastSignInAfter);
    if (filter.lastSignInBefore !== undefined) q = q.where('users.last_sign_in_at', '<', filter.lastSignInBefore);
    if (filter.query) {
      const pattern = likePattern(filter.query);
      q = q.where((eb) =>
        eb.or([
          eb(sql`lower(users.id)`, 'like', sql`${pattern} escape '\\'`),
          eb(sql`lower(coalesce(users.username, ''))`, 'like', sql`${pattern} escape '\\'`),
          eb(sql`lower(coalesce(users.first_name, ''))`, 'like', sql`${pattern} escape '\\'`),
          eb(sql`lower(coalesce(users.last_name, ''))`, 'like', sql`${pattern} escape '\\'`),
          eb(
            'users.id',
            'in',
            db.selectFrom('email_addresses').select('user_id').where(sql`email_address`, 'like', sql`${pattern} escape '\\'`),
          ),
        ]),
      );
    }
    return q;
  }

  const byId = compiledOnce<UserRow, [string]>(db, 1, (id) => db.selectFrom('users').selectAll().where('id', '=', id));
  // getUser and every other read of a whole user: one row per e-mail address (one with nulls for none),
  // each saying whether the user has any phone number, verified passkey or social account. Most users
  // have none of the three, so a whole user is usually this one indexed read: the three tables are read
  // below only when a flag says there is something to read.
  const withAddresses = compiledOnce<UserRow & Partial<PrefixedColumns<EmailAddressRow, 'e__'>> & FactorFlags, [string]>(db, 1, (id) =>
    db
      .selectFrom('users')
      .leftJoin('email_addresses', 'email_addresses.user_id', 'users.id')
      .selectAll('users')
      .select(prefixedSelection('email_addresses', emailAddressMapping.columns, 'e__'))
      .select((eb) => [
        eb
          .exists(eb.selectFrom('phone_numbers').select('phone_numbers.id').whereRef('phone_numbers.user_id', '=', 'users.id'))
          .as('has_phone_numbers'),
        eb
          .exists(
            eb
              .selectFrom('passkeys')
              .select('passkeys.id')
              .whereRef('passkeys.user_id', '=', 'users.id')
              .where('passkeys.verified', '=', 1),
          )
          .as('has_passkeys'),
        eb
          .exists(eb.selectFrom('external_accounts').select('external_accounts.id').whereRef('external_accounts.user_id', '=', 'users.id'))
          .as('has_external_accounts'),
      ])
      .where('users.id', '=', id)
      .orderBy('email_addresses.created_at', 'asc')
      .orderBy('email_addresses.id', 'asc'),
  );

  // The rest of a whole user, each table's rows oldest first. Compiled once (no query build per request):
  // on PostgreSQL each is a point lookup on the pipelined connection, on SQLite one prepared statement.
  const phoneNumbersOf = compiledOnce<PhoneNumberRow, [string]>(db, 1, (id) =>
    db.selectFrom('phone_numbers').selectAll().where('user_id', '=', id).orderBy('created_at', 'asc').orderBy('id', 'asc'),
  );
  const passkeysOf = compiledOnce<PasskeyRow, [string]>(db, 1, (id) =>
    db
      .selectFrom('passkeys')
      .selectAll()
      .where('user_id', '=', id)
      .where('verified', '=', 1)
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc'),
  );
  const externalAccountsOf = compiledOnce<ExternalAccountRow, [string]>(db, 1, (id) =>
    db.selectFrom('external_accounts').selectAll().where('user_id', '=', id).orderBy('created_at', 'asc').orderBy('id', 'asc'),
  );

  return {
    async findById(id: string): Promise<User | undefined> {
      const [row] = await byId(id);
      return row && readUser(row);
    },
    async findWhole(id: string): Promise<WholeUser | undefined> {
      // One after the other: four lookups at once per request flooded the pipelined lookups
      // connection during a PostgreSQL outage and slowed its recovery (store/postgres-outage.test.ts).
      const rows = await withAddresses(id);
      const first = rows[0];
      if (!first) return undefined;
      // SQLite answers EXISTS with 0/1, PostgreSQL with a boolean: either is read by its truth.
      const phones = first.has_phone_numbers ? await phoneNumbersOf(id) : [];
      const passkeys = first.has_passkeys ? await passkeysOf(id) : [];
      const accounts = first.has_external_accounts ? await externalAccountsOf(id) : [];
      return {
        user: readUser(first),
        emailAddresses: rows.filter((row) => row.e__id != null).map(readPrefixedEmailAddress),
        phoneNumbers: phones.map(phoneNumberMapping.read),
        passkeys: passkeys.map(passkeyMapping.read),
        externalAccounts: accounts.map(externalAccountMapping.read),
      };
    },
    async list(options: UserListOptions): Promise<User[]> {
      const rows = await filtered(options)
        .selectAll('users')
        // Explicit null placement: PostgreSQL sorts nulls last ascending and first descending, SQLite the
        // opposite; spelling PostgreSQL's rule out keeps both dialects' pages identical.
        .orderBy(`users.${options.orderBy}`, (ob) => (options.direction === 'asc' ? ob.asc().nullsLast() : ob.desc().nullsFirst()))
        .orderBy('users.id', options.direction)
        .limit(options.limit)
        .offset(options.offset)
        .execute();
      return rows.map(readUser);
    },
    async count(filter: UserListFilter): Promise<number> {
      const row = await filtered(filter)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async insert(user: User): Promise<void> {
      await guardUnique(db.insertInto('users').values(userMapping.write(user)).execute());
    },
    async update(id: string, changes: Partial<Omit<User, 'id'>>): Promise<void> {
      await guardUnique(db.updateTable('users').set(userMapping.writeChanges(changes)).where('id', '=', id).execute());
    },
    async delete(id: string): Promise<boolean> {
      const result = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;
