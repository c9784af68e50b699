import type { Kysely } from 'kysely';

/**
 * Organization domains (issue 20): an e-mail domain an organization claims, verified by an e-mail code
 * sent to an address at it (or set verified through the Backend API), with the enrollment mode that
 * says what users whose verified address matches get: nothing (`manual_invitation`), a pending
 * invitation (`automatic_invitation`) or a suggestion (`automatic_suggestion`). A name is claimed by
 * one organization at a time.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as it is.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('organization_domains')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('enrollment_mode', 'text', (c) => c.notNull())
    .addColumn('verified_at', 'bigint')
    .addColumn('affiliation_email_address', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('organization_domains_organization')
    .on('organization_domains')
    .columns(['organization_id', 'created_at'])
    .execute();
}
