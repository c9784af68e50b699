import type { OrganizationMembershipJSON } from '@clerk/backend';
import type { ImageLinks } from '../../domain/images/links.js';
import { type MembershipRecord, permissionsForRole } from '../../domain/organizations.js';
import { type OrganizationWireJSON, serializeOrganization } from './organization.js';
import { serializePublicUserData } from './public-user-data.js';
import type { Amended } from './wire.js';

/** Clerk's `organization_membership`: @clerk/backend's type with Clerk's organization object, plus `role_name`, which clerk-js reads. */
export type OrganizationMembershipWireJSON = Amended<OrganizationMembershipJSON, { organization: OrganizationWireJSON }> & {
  role_name: string;
};

/** The one wire shape of an organization membership (Clerk's `organization_membership` object). */
export function serializeMembership(record: MembershipRecord, links: ImageLinks): OrganizationMembershipWireJSON {
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
