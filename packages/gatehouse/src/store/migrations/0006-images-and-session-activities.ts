import { type Kysely, PostgresAdapter } from 'kysely';

/**
 * Uploaded images (avatars, organization logos), stored once per content (the id is the SHA-256 of
 * the bytes), and the device and place a session was signed in from (Clerk's `latest_activity`).
 * Users and organizations point at their image through the `image_url` they already have (a path
 * under the public URL); no column of theirs changes.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as it is.
export async function up(db: Kysely<any>): Promise<void> {
  const binary = db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob';
  await db.schema
    .createTable('images')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('bytes', binary, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('session_activities')
    .addColumn('session_id', 'text', (c) => c.primaryKey().references('sessions.id').onDelete('cascade'))
    .addColumn('browser_name', 'text')
    .addColumn('browser_version', 'text')
    .addColumn('os_name', 'text')
    .addColumn('device_type', 'text')
    .addColumn('is_mobile', 'integer', (c) => c.notNull())
    .addColumn('ip_address', 'text')
    .addColumn('city', 'text')
    .addColumn('country', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}
