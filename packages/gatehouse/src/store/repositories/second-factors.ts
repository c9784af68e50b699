import { type Kysely, sql } from 'kysely';
import type { TotpSecret } from '../../model/index.js';
import type { Database, TotpSecretTable } from '../schema.js';

function totpFromRow(row: TotpSecretTable): TotpSecret {
  return {
    id: row.id,
    userId: row.user_id,
    secretEnc: row.secret_enc,
    verified: Number(row.verified) === 1,
    lastUsedStep: row.last_used_step === null ? null : Number(row.last_used_step),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/**
 * TOTP secrets, one per user. Every change that decides whether a code counts is one conditional
 * statement, so two requests presenting the same code (or two nodes) never both succeed.
 */
export function createTotpSecretRepository(db: Kysely<Database>) {
  return {
    async find(userId: string): Promise<TotpSecret | undefined> {
      const row = await db.selectFrom('totp_secrets').selectAll().where('user_id', '=', userId).executeTakeFirst();
      return row ? totpFromRow(row) : undefined;
    },
    /** Stores a new unverified secret, replacing an unverified one; false when a verified one exists. */
    async putPending(secret: TotpSecret): Promise<boolean> {
      const row = await db
        .insertInto('totp_secrets')
        .values({
          user_id: secret.userId,
          id: secret.id,
          secret_enc: secret.secretEnc,
          verified: 0,
          last_used_step: null,
          created_at: secret.createdAt,
          updated_at: secret.updatedAt,
        })
        .onConflict((oc) =>
          oc
            .column('user_id')
            .doUpdateSet({
              id: secret.id,
              secret_enc: secret.secretEnc,
              last_used_step: null,
              created_at: secret.createdAt,
              updated_at: secret.updatedAt,
            })
            .where('totp_secrets.verified', '=', 0),
        )
        .returning('user_id')
        .executeTakeFirst();
      return row !== undefined;
    },
    /**
     * Records that a code of time step `step` was accepted: only if no code of that step or a later
     * one was accepted before (and, with `verify`, marks an unverified secret verified). False: replay.
     */
    async useStep(userId: string, step: number, now: number, verify: boolean): Promise<boolean> {
      const result = await db
        .updateTable('totp_secrets')
        .set({ last_used_step: step, updated_at: now, ...(verify ? { verified: 1 } : {}) })
        .where('user_id', '=', userId)
        .where('verified', '=', verify ? 0 : 1)
        .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async delete(userId: string): Promise<boolean> {
      const result = await db.deleteFrom('totp_secrets').where('user_id', '=', userId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

/** Backup codes, one row per unused code (its HMAC); using one deletes it in the same statement. */
export function createBackupCodeRepository(db: Kysely<Database>) {
  return {
    /** Replaces every code of the user (run it in a transaction with the user's flag). */
    async replace(userId: string, codeHashes: readonly string[], now: number): Promise<void> {
      await db.deleteFrom('backup_codes').where('user_id', '=', userId).execute();
      if (codeHashes.length === 0) return;
      await db
        .insertInto('backup_codes')
        .values(codeHashes.map((code_hash) => ({ user_id: userId, code_hash, created_at: now })))
        .execute();
    },
    /** Uses one code: true when it existed (and is now gone), false otherwise. */
    async consume(userId: string, codeHash: string): Promise<boolean> {
      const result = await db.deleteFrom('backup_codes').where('user_id', '=', userId).where('code_hash', '=', codeHash).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
    async count(userId: string): Promise<number> {
      const row = await db
        .selectFrom('backup_codes')
        .select(sql<number>`count(*)`.as('n'))
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async deleteAll(userId: string): Promise<number> {
      const result = await db.deleteFrom('backup_codes').where('user_id', '=', userId).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type TotpSecretRepository = ReturnType<typeof createTotpSecretRepository>;
export type BackupCodeRepository = ReturnType<typeof createBackupCodeRepository>;
