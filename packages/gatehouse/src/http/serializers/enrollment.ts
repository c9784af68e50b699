import type { OrganizationMembershipRequestJSON, OrganizationSuggestionJSON } from '@clerk/shared/types';
import type { ImageLinks } from '../../domain/images/links.js';
import type { MembershipRequestRecord, SuggestionRecord } from '../../domain/organization-enrollment.js';
import { publicOrganizationData } from './invitation.js';
import { type PublicUserDataWireJSON, serializePublicUserData } from './public-user-data.js';
import type { Amended } from './wire.js';

/** Clerk's `organization_suggestion` (FAPI `/v1/me/organization_suggestions`). */
export function serializeOrganizationSuggestion(
  { suggestion, organization }: SuggestionRecord,
  links: ImageLinks,
): OrganizationSuggestionJSON {
  return {
    object: 'organization_suggestion',
    id: suggestion.id,
    public_organization_data: publicOrganizationData(organization, links),
    status: suggestion.status,
    created_at: suggestion.createdAt,
    updated_at: suggestion.updatedAt,
  };
}

/** Clerk sends `username: null` for a user without one, where @clerk/shared declares it optional. */
export type MembershipRequestWireJSON = Amended<OrganizationMembershipRequestJSON, { public_user_data: PublicUserDataWireJSON }>;

/** Clerk's `organization_membership_request` (FAPI `/v1/organizations/{id}/membership_requests`). */
export function serializeMembershipRequest({ request, user }: MembershipRequestRecord, links: ImageLinks): MembershipRequestWireJSON {
  return {
    object: 'organization_membership_request',
    id: request.id,
    organization_id: request.organizationId,
    status: request.status,
    public_user_data: serializePublicUserData(user, links),
    created_at: request.createdAt,
    updated_at: request.updatedAt,
  };
}
