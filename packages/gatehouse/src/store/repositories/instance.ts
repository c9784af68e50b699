import type { Kysely } from 'kysely';
import type { Database, InstanceRow, SigningKeyRow } from '../schema.js';

export function createInstanceRepository(db: Kysely<Database>) {
  return {
    async get(): Promise<InstanceRow | undefined> {
      return db.selectFrom('instance').selectAll().limit(1).executeTakeFirst();
    },
    async insert(row: InstanceRow): Promise<void> {
      await db.insertInto('instance').values(row).execute();
    },
    async updateSettings(id: string, settings: string, now: number): Promise<void> {
      await db.updateTable('instance').set({ settings, updated_at: now }).where('id', '=', id).execute();
    },
    /** Writes `settings` only if they are still `expected`; false when another writer got there first. */
    async updateSettingsIf(id: string, expected: string, settings: string, now: number): Promise<boolean> {
      const result = await db
        .updateTable('instance')
        .set({ settings, updated_at: now })
        .where('id', '=', id)
        .where('settings', '=', expected)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}

export function createSigningKeyRepository(db: Kysely<Database>) {
  return {
    async list(): Promise<SigningKeyRow[]> {
      return db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'asc').execute();
    },
    async insert(row: SigningKeyRow): Promise<void> {
      await db.insertInto('signing_keys').values(row).execute();
    },
    async setStatus(kid: string, status: string): Promise<void> {
      await db.updateTable('signing_keys').set({ status }).where('kid', '=', kid).execute();
    },
  };
}

export type InstanceRepository = ReturnType<typeof createInstanceRepository>;
export type SigningKeyRepository = ReturnType<typeof createSigningKeyRepository>;
