import type { Session } from '../model/index.js';
import type { ClaimsContext } from './claims-template.js';
import type { ImageLinks } from './images/links.js';
import type { ActiveOrganization } from './organizations.js';
import type { UserRecord } from './users.js';

/** `{{org.*}}`: the session's active organization, or nothing (every `org.*` renders null). */
function organizationContext(active: ActiveOrganization | undefined, links: ImageLinks): Record<string, unknown> {
  if (!active) return {};
  const { organization, membership, permissions } = active;
  return {
    id: organization.id,
    name: organization.name,
    slug: organization.slug,
    image_url: links.organization({ id: organization.id, image: organization.imageUrl, name: organization.name }).image_url,
    public_metadata: organization.publicMetadata,
    role: membership.role,
    membership_permissions: permissions,
  };
}

/** The data `{{user.*}}`, `{{org.*}}` and `{{session.*}}` shortcodes read. */
export function buildClaimsContext(
  record: UserRecord,
  links: ImageLinks,
  session?: Session,
  organization?: ActiveOrganization,
): ClaimsContext {
  const { user, emailAddresses } = record;
  const primary = emailAddresses.find((e) => e.id === user.primaryEmailAddressId);
  const fullName = [user.firstName, user.lastName].filter(Boolean).join(' ');
  return {
    user: {
      id: user.id,
      external_id: user.externalId,
      first_name: user.firstName,
      last_name: user.lastName,
      full_name: fullName || null,
      username: user.username,
      primary_email_address: primary?.emailAddress ?? null,
      email_verified: primary ? primary.verified : false,
      ...links.user({ id: user.id, image: user.imageUrl, firstName: user.firstName, lastName: user.lastName }),
      public_metadata: user.publicMetadata,
      unsafe_metadata: user.unsafeMetadata,
      created_at: Math.floor(user.createdAt / 1000),
      updated_at: Math.floor(user.updatedAt / 1000),
      last_sign_in_at: user.lastSignInAt === null ? null : Math.floor(user.lastSignInAt / 1000),
      two_factor_enabled: false,
      banned: user.banned,
    },
    org: organizationContext(organization, links),
    session: { id: session?.id ?? null, actor: session?.actor ?? null },
  };
}
