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

/** Clerk's `organization_membership` for the Frontend API: @clerk/shared's type with the browser's organization object. */
export type FrontendOrganizationMembershipWireJSON = Amended<
  FrontendOrganizationMembershipJSON,
  { organization: FrontendOrganizationWireJSON }
>;

/** The membership as the browser sees it: no private metadata on the membership or the organization. */
export function serializeFrontendMembership(record: MembershipRecord, links: ImageLinks): FrontendOrganizationMembershipWireJSON {
  const { private_metadata: _hidden, ...visible } = serializeMembership(record, links);
  return { ...visible, organization: serializeFrontendOrganization(record.organization, links) };
}
