import type { ImageLinks } from '../../domain/images/links.js';
import { type MembershipRecord, type OrganizationRecord, permissionsForRole } from '../../domain/organizations.js';
import type { UserRecord } from '../../domain/users.js';
import type { Organization } from '../../model/index.js';

/** The one wire shape of an organization (Clerk's `organization` object). */
export function serializeOrganization(organization: Organization, links: ImageLinks, membersCount?: number) {
  return {
    object: 'organization',
    id: organization.id,
    name: organization.name,
    slug: organization.slug,
    ...links.organization({ id: organization.id, image: organization.imageUrl, name: organization.name }),
    // Clerk adds the counts only when asked (`include_members_count`); invitations do not exist yet.
    ...(membersCount === undefined ? {} : { members_count: membersCount, pending_invitations_count: 0 }),
    max_allowed_memberships: organization.maxAllowedMemberships,
    admin_delete_enabled: organization.adminDeleteEnabled,
    public_metadata: organization.publicMetadata,
    private_metadata: organization.privateMetadata,
    created_by: organization.createdBy,
    created_at: organization.createdAt,
    updated_at: organization.updatedAt,
  };
}

export function serializeOrganizationRecord(record: OrganizationRecord, links: ImageLinks) {
  return serializeOrganization(record.organization, links, record.membersCount);
}

/** What a membership shows of its member: Clerk's `public_user_data`. */
export function serializePublicUserData(record: UserRecord, links: ImageLinks) {
  const { user, emailAddresses } = record;
  const primary = emailAddresses.find((e) => e.id === user.primaryEmailAddressId) ?? emailAddresses[0];
  return {
    identifier: primary?.emailAddress ?? user.username ?? user.externalId ?? '',
    first_name: user.firstName,
    last_name: user.lastName,
    ...links.user({ id: user.id, image: user.imageUrl, firstName: user.firstName, lastName: user.lastName }),
    user_id: user.id,
  };
}

/** The one wire shape of an organization membership (Clerk's `organization_membership` object). */
export function serializeMembership(record: MembershipRecord, links: ImageLinks) {
  const { membership } = record;
  return {
    object: 'organization_membership',
    id: membership.id,
    role: membership.role,
    role_name: membership.role === 'org:admin' ? 'Admin' : membership.role === 'org:member' ? 'Member' : membership.role,
    permissions: permissionsForRole(membership.role),
    public_metadata: membership.publicMetadata,
    private_metadata: membership.privateMetadata,
    organization: serializeOrganization(record.organization, links),
    public_user_data: serializePublicUserData(record.user, links),
    created_at: membership.createdAt,
    updated_at: membership.updatedAt,
  };
}
