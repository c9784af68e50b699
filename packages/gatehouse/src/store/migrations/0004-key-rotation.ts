import type { Kysely } from 'kysely';

/**
 * Key rotation: when a signing key starts signing and when it leaves the JWKS (null: as soon as it
 * was created / never), and the previous secret key's hash with the end of its grace period.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as it is.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('signing_keys').addColumn('activates_at', 'bigint').execute();
  await db.schema.alterTable('signing_keys').addColumn('retires_at', 'bigint').execute();
  await db.schema.alterTable('instance').addColumn('previous_secret_key_hash', 'text').execute();
  await db.schema.alterTable('instance').addColumn('previous_secret_key_expires_at', 'bigint').execute();
}
