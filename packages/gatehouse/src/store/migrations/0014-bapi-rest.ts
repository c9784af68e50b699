import type { Kysely } from 'kysely';

/**
 * The rest of the Backend API (issue 16): a user's password marked compromised (the next sign-in with
 * it must reset it), and a sign-up's `external_id` and `custom_action`, which the backend sets on an
 * attempt in flight (`PATCH /v1/sign_ups/{id}`). Redirect URLs and satellite domains live in the
 * instance settings, not here.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as it is.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('password_compromised', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('sign_ups').addColumn('external_id', 'text').execute();
  await db.schema
    .alterTable('sign_ups')
    .addColumn('custom_action', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}
