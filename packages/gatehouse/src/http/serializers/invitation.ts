import type { InvitationJSON, OrganizationInvitationJSON, SignInTokenJSON } from '@clerk/backend';
import type { OrganizationInvitationJSON as FrontendOrganizationInvitationJSON, PublicOrganizationDataJSON } from '@clerk/shared/types';
import type { ImageLinks } from '../../domain/images/links.js';
import type { Invitation, InvitationStatus, Organization } from '../../model/index.js';
import type { Amended } from './wire.js';

/** The organization's public face, as invitations and suggestions carry it. */
export function publicOrganizationData(organization: Organization, links: ImageLinks) {
  return {
    id: organization.id,
    name: organization.name,
    slug: organization.slug,
    ...links.organization({ id: organization.id, image: organization.imageUrl, name: organization.name }),
  };
}

/** Clerk's `organization_invitation` (Backend API): the status as read now; `url` only in the answer that creates it. */
export type OrganizationInvitationWireJSON = Amended<
  OrganizationInvitationJSON,
  { status: InvitationStatus; public_organization_data: ReturnType<typeof publicOrganizationData> | null }
>;

/** What both audiences see of an organization invitation. Unannotated, so each audience's type checks it. */
function organizationInvitationFields(
  invitation: Invitation,
  status: InvitationStatus,
  roleName: string,
  organization: Organization | undefined,
  links: ImageLinks,
) {
  return {
    object: 'organization_invitation' as const,
    id: invitation.id,
    email_address: invitation.emailAddress ?? '',
    role: invitation.role ?? '',
    role_name: roleName,
    organization_id: invitation.organizationId ?? '',
    public_organization_data: organization ? publicOrganizationData(organization, links) : null,
    status,
    public_metadata: invitation.publicMetadata,
    expires_at: invitation.expiresAt ?? 0,
    created_at: invitation.createdAt,
    updated_at: invitation.updatedAt,
  };
}

export function serializeOrganizationInvitation(
  invitation: Invitation,
  status: InvitationStatus,
  roleName: string,
  organization: Organization | undefined,
  links: ImageLinks,
  url: string | null = null,
): OrganizationInvitationWireJSON {
  return {
    ...organizationInvitationFields(invitation, status, roleName, organization, links),
    private_metadata: invitation.privateMetadata,
    url,
  };
}

/**
 * Clerk's `organization_invitation` for the Frontend API: @clerk/shared's type, which clerk-js's
 * `OrganizationInvitation` (an organization's list) reads, with `public_organization_data`, which its
 * `UserOrganizationInvitation` (the user's own list) reads, and the fields Clerk sends beside them.
 */
export type FrontendOrganizationInvitationWireJSON = Amended<FrontendOrganizationInvitationJSON, { status: InvitationStatus }> & {
  public_organization_data: PublicOrganizationDataJSON | null;
  url: string | null;
  expires_at: number;
};

/** The invitation as the browser sees it: no private metadata. */
export function serializeFrontendOrganizationInvitation(
  invitation: Invitation,
  status: InvitationStatus,
  roleName: string,
  organization: Organization,
  links: ImageLinks,
): FrontendOrganizationInvitationWireJSON {
  return { ...organizationInvitationFields(invitation, status, roleName, organization, links), url: null };
}

/** Clerk's `invitation` (instance invitations, `/v1/invitations`). */
export type InvitationWireJSON = Amended<InvitationJSON, { status: InvitationStatus; url: string | null }> & { expires_at: number | null };

export function serializeInvitation(invitation: Invitation, status: InvitationStatus, url: string | null = null): InvitationWireJSON {
  return {
    object: 'invitation',
    id: invitation.id,
    email_address: invitation.emailAddress ?? '',
    public_metadata: invitation.publicMetadata,
    revoked: invitation.status === 'revoked',
    status,
    url,
    expires_at: invitation.expiresAt,
    created_at: invitation.createdAt,
    updated_at: invitation.updatedAt,
  };
}

/** Clerk's `sign_in_token`: `token` and `url` only in the answer that creates it (only a hash is kept). */
export type SignInTokenWireJSON = Amended<SignInTokenJSON, { status: 'pending' | 'accepted' | 'revoked' | 'expired' }>;

export function serializeSignInToken(invitation: Invitation, status: InvitationStatus, ticket = '', url = ''): SignInTokenWireJSON {
  return {
    object: 'sign_in_token',
    id: invitation.id,
    user_id: invitation.userId ?? '',
    token: ticket,
    status,
    url,
    created_at: invitation.createdAt,
    updated_at: invitation.updatedAt,
  };
}
