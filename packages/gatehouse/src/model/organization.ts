import type { Metadata } from './user.js';

export interface Organization {
  id: string;
  name: string;
  slug: string;
  imageUrl: string | null;
  /** 0 means no limit. */
  maxAllowedMemberships: number;
  adminDeleteEnabled: boolean;
  publicMetadata: Metadata;
  privateMetadata: Metadata;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface OrganizationMembership {
  id: string;
  organizationId: string;
  userId: string;
  /** A role key such as `org:admin` or `org:member`. */
  role: string;
  publicMetadata: Metadata;
  privateMetadata: Metadata;
  createdAt: number;
  updatedAt: number;
}

/** What a ticket admits: an organization, the instance (sign-up), or a sign-in as one user. */
export type InvitationKind = 'organization' | 'instance' | 'sign_in_token';
/** `accepted`: its ticket was used; `expired` is computed from `expiresAt` when read. */
export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

/**
 * An invitation or sign-in token: a single-use ticket (`__clerk_ticket`), stored hashed. Organization
 * invitations carry the organization and role; sign-in tokens the user.
 */
export interface Invitation {
  id: string;
  kind: InvitationKind;
  organizationId: string | null;
  userId: string | null;
  emailAddress: string | null;
  role: string | null;
  status: InvitationStatus;
  publicMetadata: Metadata;
  privateMetadata: Metadata;
  redirectUrl: string | null;
  inviterUserId: string | null;
  ticketHash: string;
  /** The sign-up that presented the ticket and will consume it on completion. */
  signUpId: string | null;
  /** The organization domain whose `automatic_invitation` mode made it; null for invitations people sent. */
  organizationDomainId: string | null;
  expiresAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** What users whose verified e-mail matches an organization domain get. */
export type OrganizationEnrollmentMode = 'manual_invitation' | 'automatic_invitation' | 'automatic_suggestion';

/** An e-mail domain an organization claims; verified once `verifiedAt` is set. */
export interface OrganizationDomain {
  id: string;
  organizationId: string;
  /** Lowercase, e.g. `example.com`. */
  name: string;
  enrollmentMode: OrganizationEnrollmentMode;
  verifiedAt: number | null;
  /** The address the verification code went to (FAPI affiliation verification). */
  affiliationEmailAddress: string | null;
  createdAt: number;
  updatedAt: number;
}

/** `pending` until the user asks to join (accepting the suggestion files a membership request). */
export type OrganizationSuggestionStatus = 'pending' | 'accepted';

/** An organization offered to a user because a verified domain in `automatic_suggestion` mode matches their address. */
export interface OrganizationSuggestion {
  id: string;
  organizationId: string;
  /** The domain that made it (null only for a suggestion whose domain could not be found when 0017 ran). */
  organizationDomainId: string | null;
  userId: string;
  status: OrganizationSuggestionStatus;
  createdAt: number;
  updatedAt: number;
}

/** `revoked`: an admin rejected it. */
export type MembershipRequestStatus = 'pending' | 'accepted' | 'revoked';

/** A user's request to join an organization (from an accepted suggestion), for its admins to settle. */
export interface MembershipRequest {
  id: string;
  organizationId: string;
  userId: string;
  status: MembershipRequestStatus;
  createdAt: number;
  updatedAt: number;
}

/** `invited`: an instance invitation went out; `completed`: its invitee signed up. */
export type WaitlistEntryStatus = 'pending' | 'invited' | 'completed' | 'rejected';

/** An address on the waitlist (sign-up mode `waitlist`). */
export interface WaitlistEntry {
  id: string;
  emailAddress: string;
  status: WaitlistEntryStatus;
  invitationId: string | null;
  invitedAt: number | null;
  createdAt: number;
  updatedAt: number;
}
