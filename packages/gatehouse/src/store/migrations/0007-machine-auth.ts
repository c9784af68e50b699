import type { Kysely } from 'kysely';

/**
 * Machine authentication: API keys, machines with their scopes, and M2M tokens. Secrets are kept as
 * SHA-256 hashes (what verification looks up); the API key and machine secrets, which Clerk's API
 * hands back on request, are also sealed with the encryption key.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as it is.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('claims', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('secret_enc', 'text', (c) => c.notNull())
    .addColumn('revoked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('revocation_reason', 'text')
    .addColumn('expiration', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_keys_subject').on('api_keys').columns(['subject', 'created_at']).execute();

  await db.schema
    .createTable('machines')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('default_token_ttl', 'integer', (c) => c.notNull())
    .addColumn('secret_key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('secret_key_enc', 'text', (c) => c.notNull())
    .addColumn('previous_secret_key_hash', 'text')
    .addColumn('previous_secret_key_expires_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('machines_created_at').on('machines').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('machines_previous_secret_key_hash').on('machines').column('previous_secret_key_hash').execute();

  await db.schema
    .createTable('machine_scopes')
    .addColumn('from_machine_id', 'text', (c) => c.notNull().references('machines.id').onDelete('cascade'))
    .addColumn('to_machine_id', 'text', (c) => c.notNull().references('machines.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('machine_scopes_pk', ['from_machine_id', 'to_machine_id'])
    .execute();
  await db.schema.createIndex('machine_scopes_to').on('machine_scopes').column('to_machine_id').execute();

  await db.schema
    .createTable('m2m_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subject', 'text', (c) => c.notNull().references('machines.id').onDelete('cascade'))
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('claims', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('revoked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('revocation_reason', 'text')
    .addColumn('expiration', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('m2m_tokens_subject').on('m2m_tokens').columns(['subject', 'created_at']).execute();
}
