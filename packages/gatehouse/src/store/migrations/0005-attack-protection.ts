import type { Kysely } from 'kysely';

/**
 * Attack protection (issue 14): a user's failed verifications and automatic lockout; counters that
 * outlive one sign-in attempt (failed codes and code sends per address); and client tokens retired by
 * a rotation, kept only so a retried completion can find its answer.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as it is.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('failed_verification_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('users').addColumn('failed_verification_window_start', 'bigint').execute();
  await db.schema.alterTable('users').addColumn('lockout_until', 'bigint').execute();

  await db.schema
    .createTable('attempt_counters')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('retired_client_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('expire_at', 'bigint', (c) => c.notNull())
    .execute();
}
