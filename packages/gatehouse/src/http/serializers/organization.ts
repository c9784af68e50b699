import { parseMetadata } from '../../domain/metadata.js';
import { type MembershipRecord, type OrganizationRecord, permissionsForRole } from '../../domain/organizations.js';
import type { UserRecord } from '../../domain/users.js';
import type { OrganizationRow } from '../../store/schema.js';
import { userImageUrl } from './default-avatar.js';

/** The one wire shape of an organization (Clerk's `organization` object). */
export function serializeOrganization(organization: OrganizationRow, membersCount?: number) {
  return {
    object: 'organization',
    id: organization.id,
    name: organization.name,
    slug: organization.slug,
    image_url: organization.image_url ?? '',
    has_image: Boolean(organization.image_url),
    // Clerk adds the counts only when asked (`include_members_count`); invitations do not exist yet.
    ...(membersCount === undefined ? {} : { members_count: membersCount, pending_invitations_count: 0 }),
    max_allowed_memberships: organization.max_allowed_memberships,
    admin_delete_enabled: organization.admin_delete_enabled === 1,
    public_metadata: parseMetadata(organization.public_metadata),
    private_metadata: parseMetadata(organization.private_metadata),
    created_by: organization.created_by,
    created_at: organization.created_at,
    updated_at: organization.updated_at,
  };
}

export function serializeOrganizationRecord(record: OrganizationRecord) {
  return serializeOrganization(record.organization, record.membersCount);
}

/** What a membership shows of its member: Clerk's `public_user_data`. */
export function serializePublicUserData(record: UserRecord) {
  const { user, emailAddresses } = record;
  const primary = emailAddresses.find((e) => e.id === user.primary_email_address_id) ?? emailAddresses[0];
  return {
    identifier: primary?.email_address ?? user.username ?? user.external_id ?? '',
    first_name: user.first_name,
    last_name: user.last_name,
    image_url: userImageUrl(user.image_url),
    has_image: Boolean(user.image_url),
    user_id: user.id,
  };
}

/** The one wire shape of an organization membership (Clerk's `organization_membership` object). */
export function serializeMembership(record: MembershipRecord) {
  const { membership } = record;
  return {
    object: 'organization_membership',
    id: membership.id,
    role: membership.role,
    role_name: membership.role === 'org:admin' ? 'Admin' : membership.role === 'org:member' ? 'Member' : membership.role,
    permissions: permissionsForRole(membership.role),
    public_metadata: parseMetadata(membership.public_metadata),
    private_metadata: parseMetadata(membership.private_metadata),
    organization: serializeOrganization(record.organization),
    public_user_data: serializePublicUserData(record.user),
    created_at: membership.created_at,
    updated_at: membership.updated_at,
  };
}
