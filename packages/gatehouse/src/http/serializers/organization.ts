import type { OrganizationJSON } from '@clerk/backend';
import type { OrganizationJSON as FrontendOrganizationJSON } from '@clerk/shared/types';
import type { ImageLinks } from '../../domain/images/links.js';
import type { OrganizationCounts, OrganizationRecord } from '../../domain/organizations.js';
import type { Organization } from '../../model/index.js';
import type { Amended } from './wire.js';

/**
 * Clerk's `organization`: @clerk/backend's type with `created_by` null for an organization made
 * without a creator, as Clerk sends it (the SDK's `Organization.fromJSON` copies it),
 * `last_active_at` null: Gatehouse does not track organization activity, and the SDKs read the field,
 * and `image_url` always present (a default avatar when nothing was uploaded), as Clerk sends it.
 */
export type OrganizationWireJSON = Amended<OrganizationJSON, { created_by: string | null; last_active_at: null; image_url: string }>;

/**
 * What both audiences see of an organization; `counts` when they were asked for. Unannotated, so
 * each audience's serializer is checked against its own SDK type.
 */
function organizationFields(organization: Organization, links: ImageLinks, counts: OrganizationCounts | undefined) {
  return {
    object: 'organization' as const,
    id: organization.id,
    name: organization.name,
    slug: organization.slug,
    ...links.organization({ id: organization.id, image: organization.imageUrl, name: organization.name }),
    // Clerk adds the counts only when asked (`include_members_count`, an organization page).
    ...(counts ? { members_count: counts.members, pending_invitations_count: counts.pendingInvitations } : {}),
    max_allowed_memberships: organization.maxAllowedMemberships,
    admin_delete_enabled: organization.adminDeleteEnabled,
    public_metadata: organization.publicMetadata,
    created_by: organization.createdBy,
    last_active_at: null,
    created_at: organization.createdAt,
    updated_at: organization.updatedAt,
  };
}

/** The one wire shape of an organization (Clerk's `organization` object) for the Backend API and webhooks. */
export function serializeOrganization(organization: Organization, links: ImageLinks, counts?: OrganizationCounts): OrganizationWireJSON {
  return { ...organizationFields(organization, links, counts), private_metadata: organization.privateMetadata };
}

/**
 * Clerk's `organization` for the Frontend API: @clerk/shared's type, the counts only where they were
 * read (an organization page; a membership's organization has none, and clerk-js reads them as
 * optional), and the fields Clerk sends that it does not declare; no private metadata.
 */
export type FrontendOrganizationWireJSON = Amended<
  FrontendOrganizationJSON,
  { members_count?: number; pending_invitations_count?: number }
> & {
  created_by: string | null;
  last_active_at: null;
};

/** The organization as the browser sees it. */
export function serializeFrontendOrganization(
  organization: Organization,
  links: ImageLinks,
  counts?: OrganizationCounts,
): FrontendOrganizationWireJSON {
  return organizationFields(organization, links, counts);
}

export function serializeOrganizationRecord(record: OrganizationRecord, links: ImageLinks): OrganizationWireJSON {
  return serializeOrganization(record.organization, links, record.counts);
}
