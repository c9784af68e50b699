import type { OrganizationJSON } from '@clerk/backend';
import type { ImageLinks } from '../../domain/images/links.js';
import type { OrganizationRecord } from '../../domain/organizations.js';
import type { Organization } from '../../model/index.js';
import type { Amended } from './wire.js';

/**
 * Clerk's `organization`: @clerk/backend's type with `created_by` null for an organization made
 * without a creator, as Clerk sends it (the SDK's `Organization.fromJSON` copies it), and
 * `last_active_at` null: Gatehouse does not track organization activity, and the SDKs read the field.
 */
export type OrganizationWireJSON = Amended<OrganizationJSON, { created_by: string | null; last_active_at: null }>;

/** The one wire shape of an organization (Clerk's `organization` object). */
export function serializeOrganization(organization: Organization, links: ImageLinks, membersCount?: number): OrganizationWireJSON {
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
    last_active_at: null,
    created_at: organization.createdAt,
    updated_at: organization.updatedAt,
  };
}

export function serializeOrganizationRecord(record: OrganizationRecord, links: ImageLinks): OrganizationWireJSON {
  return serializeOrganization(record.organization, links, record.membersCount);
}
