import type { OrganizationMembershipJSON } from '@clerk/backend';
import type { ImageLinks } from '../../domain/images/links.js';
import type { MembershipRecord } from '../../domain/organizations.js';
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
    role_name: record.roleName,
    permissions: record.permissions,
    public_metadata: membership.publicMetadata,
    private_metadata: membership.privateMetadata,
    organization: serializeOrganization(record.organization, links),
    public_user_data: serializePublicUserData(record.user, links),
    created_at: membership.createdAt,
    updated_at: membership.updatedAt,
  };
}

/** The membership as the browser sees it: no private metadata on the membership or the organization. */
export function serializeFrontendMembership(record: MembershipRecord, links: ImageLinks): OrganizationMembershipWireJSON {
  const json = serializeMembership(record, links);
  const { private_metadata: _org, ...organization } = json.organization;
  const { private_metadata: _membership, ...rest } = json;
  return { ...rest, organization: organization as OrganizationWireJSON } as OrganizationMembershipWireJSON;
}
