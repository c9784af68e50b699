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
    /**
     * Replaces the secret key if it is still `expectedHash` (so two concurrent rotations cannot both
     * win); the replaced one stays valid until `previousExpiresAt`. False when another rotation won.
     */
    async replaceSecretKey(
      id: string,
      expectedHash: string,
      next: { hash: string; enc: string; previousExpiresAt: number; now: number },
    ): Promise<boolean> {
      const result = await db
        .updateTable('instance')
        .set({
          secret_key_hash: next.hash,
          secret_key_enc: next.enc,
          previous_secret_key_hash: expectedHash,
          previous_secret_key_expires_at: next.previousExpiresAt,
          updated_at: next.now,
        })
        .where('id', '=', id)
        .where('secret_key_hash', '=', expectedHash)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
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
    async setRetiresAt(kid: string, retiresAt: number): Promise<void> {
      await db.updateTable('signing_keys').set({ retires_at: retiresAt }).where('kid', '=', kid).execute();
    },
  };
}

export type InstanceRepository = ReturnType<typeof createInstanceRepository>;
export type SigningKeyRepository = ReturnType<typeof createSigningKeyRepository>;
