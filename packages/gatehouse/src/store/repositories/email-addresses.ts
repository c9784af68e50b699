import type { Kysely } from 'kysely';
import type { EmailAddress, User } from '../../model/index.js';
import { guardUnique } from '../errors.js';
import { PREFIXED_USER_SELECTION, type PrefixedUserColumns, prefixedUser } from '../joined-rows.js';
import { emailAddressMapping } from '../mappings.js';
import { compiledOnce } from '../prepared.js';
import type { Database, EmailAddressRow } from '../schema.js';

const readEmailAddress = emailAddressMapping.read;

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
    async findWithOwner(address: string): Promise<{ email: EmailAddress; user: User } | undefined> {
      const [row] = await withOwner(address.toLowerCase());
      if (!row) return undefined;
      return { email: readEmailAddress(row), user: prefixedUser(row) };
    },
    async findById(id: string): Promise<EmailAddress | undefined> {
      const row = await db.selectFrom('email_addresses').selectAll().where('id', '=', id).executeTakeFirst();
      return row && readEmailAddress(row);
    },
    async findByAddress(address: string): Promise<EmailAddress | undefined> {
      const [row] = await byAddress(address.toLowerCase());
      return row && readEmailAddress(row);
    },
    async listByUser(userId: string): Promise<EmailAddress[]> {
      return (await byUser(userId)).map(readEmailAddress);
    },
    /** One query for a page of users, so listing users is not N+1. */
    async listByUsers(userIds: string[]): Promise<EmailAddress[]> {
      if (userIds.length === 0) return [];
      const rows = await db
        .selectFrom('email_addresses')
        .selectAll()
        .where('user_id', 'in', userIds)
        .orderBy('created_at', 'asc')
        .orderBy('id', 'asc')
        .execute();
      return rows.map(readEmailAddress);
    },
    /** Verified addresses at a domain (lowercase, letters, digits, dots and hyphens only), oldest first. */
    async listVerifiedAtDomain(domain: string, limit: number): Promise<EmailAddress[]> {
      const rows = await db
        .selectFrom('email_addresses')
        .selectAll()
        .where('email_address', 'like', `%@${domain}`)
        .where('verified', '=', 1)
        .orderBy('created_at', 'asc')
        .limit(limit)
        .execute();
      return rows.map(readEmailAddress).filter((e) => e.emailAddress.endsWith(`@${domain}`));
    },
    async insert(email: EmailAddress): Promise<void> {
      await guardUnique(db.insertInto('email_addresses').values(emailAddressMapping.write(email)).execute());
    },
    async update(id: string, changes: Partial<Omit<EmailAddress, 'id' | 'userId'>>): Promise<void> {
      await guardUnique(db.updateTable('email_addresses').set(emailAddressMapping.writeChanges(changes)).where('id', '=', id).execute());
    },
    async delete(id: string): Promise<boolean> {
      const result = await db.deleteFrom('email_addresses').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export type EmailAddressRepository = ReturnType<typeof createEmailAddressRepository>;
