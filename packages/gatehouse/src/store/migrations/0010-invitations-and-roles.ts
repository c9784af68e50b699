import type { Kysely } from 'kysely';

/**
 * Invitations and their tickets: organization invitations, instance invitations and sign-in tokens
 * share one table (`kind`), since each is a single-use ticket (`__clerk_ticket`) that the ticket
 * strategy consumes. Roles and permissions live in the instance settings, not here.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as it is.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('invitations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('organization_id', 'text', (c) => c.references('organizations.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('email_address', 'text')
    .addColumn('role', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('public_metadata', 'text', (c) => c.notNull())
    .addColumn('private_metadata', 'text', (c) => c.notNull())
    .addColumn('redirect_url', 'text')
    .addColumn('inviter_user_id', 'text')
    .addColumn('ticket_hash', 'text', (c) => c.notNull().unique())
    .addColumn('sign_up_id', 'text')
    .addColumn('expires_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('invitations_kind_created').on('invitations').columns(['kind', 'created_at', 'id']).execute();
  await db.schema.createIndex('invitations_organization').on('invitations').columns(['organization_id', 'status']).execute();
  await db.schema.createIndex('invitations_email').on('invitations').columns(['email_address', 'status']).execute();
  await db.schema.createIndex('invitations_sign_up').on('invitations').column('sign_up_id').execute();
}
