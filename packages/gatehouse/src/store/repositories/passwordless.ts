import { type Kysely, sql } from 'kysely';
import type { Passkey, PhoneNumber } from '../../model/index.js';
import { guardUnique } from '../errors.js';
import { passkeyMapping, phoneNumberMapping } from '../mappings.js';
import type { Database } from '../schema.js';

export function createPhoneNumberRepository(db: Kysely<Database>) {
  const read = phoneNumberMapping.read;
  return {
    async findById(id: string): Promise<PhoneNumber | undefined> {
      const row = await db.selectFrom('phone_numbers').selectAll().where('id', '=', id).executeTakeFirst();
      return row && read(row);
    },
    /** Every listing of the number (one verified at most, plus unverified claims), oldest first. */
    async findByNumber(phoneNumber: string): Promise<PhoneNumber[]> {
      const rows = await db
        .selectFrom('phone_numbers')
        .selectAll()
        .where('phone_number', '=', phoneNumber)
        .orderBy('created_at', 'asc')
        .orderBy('id', 'asc')
        .execute();
      return rows.map(read);
    },
    async listByUsers(userIds: string[]): Promise<PhoneNumber[]> {
      if (userIds.length === 0) return [];
      const rows = await db
        .selectFrom('phone_numbers')
        .selectAll()
        .where('user_id', 'in', userIds)
        .orderBy('created_at', 'asc')
        .orderBy('id', 'asc')
        .execute();
      return rows.map(read);
    },
    async insert(phone: PhoneNumber): Promise<void> {
      await guardUnique(db.insertInto('phone_numbers').values(phoneNumberMapping.write(phone)).execute());
    },
    async update(id: string, changes: Partial<Omit<PhoneNumber, 'id' | 'userId'>>): Promise<void> {
      await db.updateTable('phone_numbers').set(phoneNumberMapping.writeChanges(changes)).where('id', '=', id).execute();
    },
    /** Makes `id` the user's only primary number. */
    async setPrimary(userId: string, id: string | null): Promise<void> {
      await db
        .updateTable('phone_numbers')
        .set({ is_primary: id === null ? 0 : sql<number>`case when id = ${id} then 1 else 0 end` })
        .where('user_id', '=', userId)
        .execute();
    },
    async delete(id: string): Promise<boolean> {
      const result = await db.deleteFrom('phone_numbers').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export function createPasskeyRepository(db: Kysely<Database>) {
  const read = passkeyMapping.read;
  return {
    async findById(id: string): Promise<Passkey | undefined> {
      const row = await db.selectFrom('passkeys').selectAll().where('id', '=', id).executeTakeFirst();
      return row && read(row);
    },
    async findByCredentialId(credentialId: string): Promise<Passkey | undefined> {
      const row = await db.selectFrom('passkeys').selectAll().where('credential_id', '=', credentialId).executeTakeFirst();
      return row && read(row);
    },
    async listByUsers(userIds: string[]): Promise<Passkey[]> {
      if (userIds.length === 0) return [];
      const rows = await db
        .selectFrom('passkeys')
        .selectAll()
        .where('user_id', 'in', userIds)
        .orderBy('created_at', 'asc')
        .orderBy('id', 'asc')
        .execute();
      return rows.map(read);
    },
    async insert(passkey: Passkey): Promise<void> {
      await guardUnique(db.insertInto('passkeys').values(passkeyMapping.write(passkey)).execute());
    },
    async update(id: string, changes: Partial<Omit<Passkey, 'id' | 'userId'>>): Promise<void> {
      await guardUnique(db.updateTable('passkeys').set(passkeyMapping.writeChanges(changes)).where('id', '=', id).execute());
    },
    /**
     * Moves the signature counter forward in one statement; false when another assertion already
     * reached `counter` (a cloned authenticator or a replay). Authenticators that keep no counter send 0.
     */
    async advanceCounter(id: string, counter: number, usedAt: number): Promise<boolean> {
      const query = db.updateTable('passkeys').set({ counter, last_used_at: usedAt, updated_at: usedAt }).where('id', '=', id);
      const row = await (counter === 0 ? query : query.where('counter', '<', counter)).returning('id').executeTakeFirst();
      return row !== undefined;
    },
    async delete(id: string): Promise<boolean> {
      const result = await db.deleteFrom('passkeys').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export type PhoneNumberRepository = ReturnType<typeof createPhoneNumberRepository>;
export type PasskeyRepository = ReturnType<typeof createPasskeyRepository>;
