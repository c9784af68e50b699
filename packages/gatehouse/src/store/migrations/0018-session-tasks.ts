import { type Kysely, sql } from 'kysely';

/**
 * Session tasks are stored (Clerk's `choose-organization` task came beside `setup-mfa`): a session
 * may wait for more than one, each done on its own, so its status alone no longer says which remain.
 * A JSON array of task keys, `[]` for none. Sessions pending before this migration waited for
 * `setup-mfa`, the one task there was.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as it is.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('sessions')
    .addColumn('tasks', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await sql`update sessions set tasks = '["setup-mfa"]' where status = 'pending'`.execute(db);
}
