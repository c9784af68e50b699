import { type Kysely, sql } from 'kysely';

/**
 * Enrollment belongs to the domain that made it (issue 20's leftovers): a suggestion and an automatic
 * invitation name their organization domain, so a domain counts its own pending suggestions, and
 * deleting it (or setting it to `manual_invitation`) takes back what it offered. No foreign key: an
 * accepted suggestion or a settled invitation outlives its domain as a record.
 *
 * Suggestions made before this migration are given the organization's oldest domain that matches one
 * of the user's verified addresses. Invitations made before it stay unattributed: an automatic one
 * cannot be told from one the Backend API made, so deleting a domain leaves them alone.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as it is.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('organization_suggestions').addColumn('organization_domain_id', 'text').execute();
  await db.schema.alterTable('invitations').addColumn('organization_domain_id', 'text').execute();
  await db.schema
    .createIndex('organization_suggestions_domain')
    .on('organization_suggestions')
    .columns(['organization_domain_id', 'status'])
    .execute();
  await db.schema.createIndex('invitations_organization_domain').on('invitations').columns(['organization_domain_id']).execute();
  await backfillSuggestionDomains(db);
}

/** Gives each suggestion without a domain the organization's oldest domain matching one of the user's verified addresses. */
// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function backfillSuggestionDomains(db: Kysely<any>): Promise<void> {
  await sql`
    UPDATE organization_suggestions SET organization_domain_id = (
      SELECT d.id FROM organization_domains d
      JOIN email_addresses e ON e.user_id = organization_suggestions.user_id AND e.verified = 1
      WHERE d.organization_id = organization_suggestions.organization_id
        AND e.email_address LIKE '%@' || d.name
      ORDER BY d.created_at, d.id
      LIMIT 1
    )
    WHERE organization_domain_id IS NULL`.execute(db);
}
