import type { Kysely } from 'kysely';
import type { SigningKeyStatus, StoredInstance, StoredSigningKey } from '../../model/index.js';
import { instanceMapping, signingKeyMapping } from '../mappings.js';
import type { Database } from '../schema.js';

export function createInstanceRepository(db: Kysely<Database>) {
  return {
    async get(): Promise<StoredInstance | undefined> {
      const row = await db.selectFrom('instance').selectAll().limit(1).executeTakeFirst();
      return row && instanceMapping.read(row);
    },
    async insert(instance: StoredInstance): Promise<void> {
      await db.insertInto('instance').values(instanceMapping.write(instance)).execute();
    },
    async updateSettings(id: string, settings: object, now: number): Promise<void> {
      await db
        .updateTable('instance')
        .set(instanceMapping.writeChanges({ settings, updatedAt: now }))
        .where('id', '=', id)
        .execute();
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
    /**
     * Writes `settings` only if the stored ones are still `expected` (compared as the JSON text this
     * store writes); false when another writer got there first.
     */
    async updateSettingsIf(id: string, expected: object, settings: object, now: number): Promise<boolean> {
      const { settings: expectedText } = instanceMapping.writeChanges({ settings: expected });
      const result = await db
        .updateTable('instance')
        .set(instanceMapping.writeChanges({ settings, updatedAt: now }))
        .where('id', '=', id)
        .where('settings', '=', expectedText as string)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}

export function createSigningKeyRepository(db: Kysely<Database>) {
  return {
    async list(): Promise<StoredSigningKey[]> {
      const rows = await db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'asc').execute();
      return rows.map(signingKeyMapping.read);
    },
    async insert(key: StoredSigningKey): Promise<void> {
      await db.insertInto('signing_keys').values(signingKeyMapping.write(key)).execute();
    },
    async setStatus(kid: string, status: SigningKeyStatus): Promise<void> {
      await db.updateTable('signing_keys').set({ status }).where('kid', '=', kid).execute();
    },
    async setRetiresAt(kid: string, retiresAt: number): Promise<void> {
      await db.updateTable('signing_keys').set({ retires_at: retiresAt }).where('kid', '=', kid).execute();
    },
  };
}

export type InstanceRepository = ReturnType<typeof createInstanceRepository>;
export type SigningKeyRepository = ReturnType<typeof createSigningKeyRepository>;
