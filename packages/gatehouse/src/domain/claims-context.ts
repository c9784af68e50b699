import type { SessionRow } from '../store/schema.js';
import type { ClaimsContext } from './claims-template.js';
import { parseMetadata } from './metadata.js';
import type { ActiveOrganization } from './organizations.js';
import type { UserRecord } from './users.js';

/** `{{org.*}}`: the session's active organization, or nothing (every `org.*` renders null). */
function organizationContext(active: ActiveOrganization | undefined): Record<string, unknown> {
  if (!active) return {};
  const { organization, membership, permissions } = active;
  return {
    id: organization.id,
    name: organization.name,
    slug: organization.slug,
    image_url: organization.image_url ?? '',
    public_metadata: parseMetadata(organization.public_metadata),
    role: membership.role,
    membership_permissions: permissions,
  };
}

/** The data `{{user.*}}`, `{{org.*}}` and `{{session.*}}` shortcodes read. */
export function buildClaimsContext(record: UserRecord, session?: SessionRow, organization?: ActiveOrganization): ClaimsContext {
  const { user, emailAddresses } = record;
  const primary = emailAddresses.find((e) => e.id === user.primary_email_address_id);
  const fullName = [user.first_name, user.last_name].filter(Boolean).join(' ');
  return {
    user: {
      id: user.id,
      external_id: user.external_id,
      first_name: user.first_name,
      last_name: user.last_name,
      full_name: fullName || null,
      username: user.username,
      primary_email_address: primary?.email_address ?? null,
      email_verified: primary ? primary.verified === 1 : false,
      image_url: user.image_url ?? '',
      has_image: Boolean(user.image_url),
      public_metadata: parseMetadata(user.public_metadata),
      unsafe_metadata: parseMetadata(user.unsafe_metadata),
      created_at: Math.floor(user.created_at / 1000),
      updated_at: Math.floor(user.updated_at / 1000),
      last_sign_in_at: user.last_sign_in_at === null ? null : Math.floor(user.last_sign_in_at / 1000),
      two_factor_enabled: false,
      banned: user.banned === 1,
    },
    org: organizationContext(organization),
    session: { id: session?.id ?? null, actor: null },
  };
}
