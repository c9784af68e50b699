import type { Kysely } from 'kysely';
import { guardUnique } from '../errors.js';
import { columnPicker, PREFIXED_USER_SELECTION, type PrefixedUserColumns, prefixedUser } from '../joined-rows.js';
import { compiledOnce } from '../prepared.js';
import { type Database, EMAIL_ADDRESS_COLUMNS, type EmailAddressRow, type UserRow } from '../schema.js';

const pickEmailAddress = columnPicker<EmailAddressRow>(EMAIL_ADDRESS_COLUMNS);

export function createEmailAddressRepository(db: Kysely<Database>) {
  // Every user read (getUser, sign-in, session claims) lists the user's addresses.
  const byUser = compiledOnce<EmailAddressRow, [string]>(db, 1, (userId) =>
    db.selectFrom('email_addresses').selectAll().where('user_id', '=', userId).orderBy('created_at', 'asc').orderBy('id', 'asc'),
  );
  const byAddress = compiledOnce<EmailAddressRow, [string]>(db, 1, (address) =>
    db.selectFrom('email_addresses').selectAll().where('email_address', '=', address),
  );
  // Sign-in by e-mail: the address and its owner in one round trip.
  const withOwner = compiledOnce<EmailAddressRow & PrefixedUserColumns, [string]>(db, 1, (address) =>
    db
      .selectFrom('email_addresses')
      .innerJoin('users', 'users.id', 'email_addresses.user_id')
      .selectAll('email_addresses')
      .select(PREFIXED_USER_SELECTION)
      .where('email_addresses.email_address', '=', address),
  );
  return {
    /** An address with the user who owns it, found case-insensitively. */
    async findWithOwner(address: string): Promise<{ email: EmailAddressRow; user: UserRow } | undefined> {
      const [row] = await withOwner(address.toLowerCase());
      if (!row) return undefined;
      return { email: pickEmailAddress(row), user: prefixedUser(row) };
    },
    async findById(id: string): Promise<EmailAddressRow | undefined> {
      return db.selectFrom('email_addresses').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async findByAddress(address: string): Promise<EmailAddressRow | undefined> {
      return (await byAddress(address.toLowerCase()))[0];
    },
    async listByUser(userId: string): Promise<EmailAddressRow[]> {
      return byUser(userId);
    },
    /** One query for a page of users, so listing users is not N+1. */
    async listByUsers(userIds: string[]): Promise<EmailAddressRow[]> {
      if (userIds.length === 0) return [];
      return db
        .selectFrom('email_addresses')
        .selectAll()
        .where('user_id', 'in', userIds)
        .orderBy('created_at', 'asc')
        .orderBy('id', 'asc')
        .execute();
    },
    async insert(row: EmailAddressRow): Promise<void> {
      await guardUnique(db.insertInto('email_addresses').values(row).execute());
    },
    async update(id: string, changes: Partial<Omit<EmailAddressRow, 'id' | 'user_id'>>): Promise<void> {
      await guardUnique(db.updateTable('email_addresses').set(changes).where('id', '=', id).execute());
    },
    async delete(id: string): Promise<boolean> {
      const result = await db.deleteFrom('email_addresses').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export type EmailAddressRepository = ReturnType<typeof createEmailAddressRepository>;
