import { type Kysely, sql } from 'kysely';

/**
 * Automatic invitations made before 0017 name no organization domain, so deleting their domain left
 * them pending. This gives each pending organization invitation that looks automatic the
 * organization's domain its address is at. Automatic enrollment invites a verified address with no
 * inviter, no redirect URL and no metadata, after the domain was added; an invitation with all of
 * those traits is taken for one (a Backend API invitation made just the same way cannot be told
 * apart, and is attributed too). Invitations made since 0017 already name their domain.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not as it is.
export async function up(db: Kysely<any>): Promise<void> {
  await backfillInvitationDomains(db);
}

/** Gives each pending automatic-looking organization invitation without a domain the organization's domain its address is at. */
// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function backfillInvitationDomains(db: Kysely<any>): Promise<void> {
  await sql`
    UPDATE invitations SET organization_domain_id = (
      SELECT d.id FROM organization_domains d
      WHERE d.organization_id = invitations.organization_id
        AND substr(invitations.email_address, length(invitations.email_address) - length(d.name)) = '@' || d.name
        AND d.created_at <= invitations.created_at
      ORDER BY d.created_at, d.id
      LIMIT 1
    )
    WHERE organization_domain_id IS NULL
      AND kind = 'organization'
      AND status = 'pending'
      AND inviter_user_id IS NULL
      AND redirect_url IS NULL
      AND public_metadata = '{}'
      AND private_metadata = '{}'
      AND EXISTS (SELECT 1 FROM email_addresses e WHERE e.email_address = invitations.email_address AND e.verified = 1)`.execute(db);
}
