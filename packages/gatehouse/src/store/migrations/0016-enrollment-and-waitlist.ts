import type { Kysely } from 'kysely';

/**
 * Enrollment by verified domain and the waitlist (issue 20). A suggestion offers a user an
 * organization whose verified domain (mode `automatic_suggestion`) matches one of their verified
 * addresses; accepting it files a membership request, which the organization's admins accept (the
 * user joins) or reject. One suggestion and one request per user and organization. Waitlist
 * entries: one per address, `pending` until invited (an instance invitation), rejected or completed.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as it is.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('organization_suggestions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('organization_suggestions_user_organization', ['user_id', 'organization_id'])
    .execute();
  await db.schema
    .createTable('organization_membership_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('organization_membership_requests_user_organization', ['user_id', 'organization_id'])
    .execute();
  await db.schema
    .createIndex('organization_membership_requests_organization')
    .on('organization_membership_requests')
    .columns(['organization_id', 'status', 'created_at'])
    .execute();
  await db.schema
    .createTable('waitlist_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email_address', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('invitation_id', 'text')
    .addColumn('invited_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('waitlist_entries_created').on('waitlist_entries').columns(['created_at']).execute();
}
