import type { OrganizationMembershipJSON } from '@clerk/backend';
import type { OrganizationMembershipJSON as FrontendOrganizationMembershipJSON } from '@clerk/shared/types';
import type { ImageLinks } from '../../domain/images/links.js';
import type { MembershipRecord } from '../../domain/organizations.js';
import {
  type FrontendOrganizationWireJSON,
  type OrganizationWireJSON,
  serializeFrontendOrganization,
  serializeOrganization,
} from './organization.js';
import { type PublicUserDataWireJSON, serializePublicUserData } from './public-user-data.js';
import type { Amended } from './wire.js';

/** Clerk's `organization_membership`: @clerk/backend's type with Clerk's organization object, plus `role_name`, which clerk-js reads. */
export type OrganizationMembershipWireJSON = Amended<OrganizationMembershipJSON, { organization: OrganizationWireJSON }> & {
  role_name: string;
};

/** What both audiences see of a membership, but its organization. Unannotated, as organizationFields. */
function membershipFields(record: MembershipRecord, links: ImageLinks) {
  const { membership } = record;
  return {
    object: 'organization_membership' as const,
    id: membership.id,
    role: membership.role,
    role_name: record.roleName,
    permissions: record.permissions,
    public_metadata: membership.publicMetadata,
    public_user_data: serializePublicUserData(record.user, links),
    created_at: membership.createdAt,
    updated_at: membership.updatedAt,
  };
}

/** The one wire shape of an organization membership (Clerk's `organization_membership` object). */
export function serializeMembership(record: MembershipRecord, links: ImageLinks): OrganizationMembershipWireJSON {
  return {
    ...membershipFields(record, links),
    private_metadata: record.membership.privateMetadata,
    organization: serializeOrganization(record.organization, links),
  };
}

/**
 * Clerk's `organization_membership` for the Frontend API: @clerk/shared's type with the browser's
 * organization object, and the member's public data as Clerk sends it to both audiences (`username`
 * null when there is none, where @clerk/shared declares it optional).
 */
export type FrontendOrganizationMembershipWireJSON = Amended<
  FrontendOrganizationMembershipJSON,
  { organization: FrontendOrganizationWireJSON; public_user_data: PublicUserDataWireJSON }
>;

/** The membership as the browser sees it: no private metadata on the membership or the organization. */
export function serializeFrontendMembership(record: MembershipRecord, links: ImageLinks): FrontendOrganizationMembershipWireJSON {
  return { ...membershipFields(record, links), organization: serializeFrontendOrganization(record.organization, links) };
}
