import type { OrganizationDomainJSON } from '@clerk/backend';
import type { OrganizationDomainJSON as FrontendOrganizationDomainJSON } from '@clerk/shared/types';
import type { OrganizationDomainRecord } from '../../domain/organization-domains.js';

/** The affiliation verification: `verified` once the domain is, else the e-mail code in flight (none: null). */
/** Fits both SDKs' `OrganizationDomainVerificationJSON` (the frontend's adds `verified_at`). */
interface AffiliationVerification {
  status: 'verified' | 'unverified';
  strategy: 'email_code';
  attempts: number;
  expires_at: number;
  verified_at: number | null;
}

function verification({ domain, code }: OrganizationDomainRecord): AffiliationVerification | null {
  if (domain.verifiedAt === null && !code) return null;
  return {
    status: domain.verifiedAt !== null ? 'verified' : 'unverified',
    strategy: 'email_code',
    attempts: code?.attempts ?? 0,
    expires_at: code?.expireAt ?? domain.verifiedAt ?? 0,
    verified_at: domain.verifiedAt,
  };
}

/** Clerk's `organization_domain` (Backend API). */
export function serializeOrganizationDomain(record: OrganizationDomainRecord): OrganizationDomainJSON {
  const { domain } = record;
  return {
    object: 'organization_domain',
    id: domain.id,
    name: domain.name,
    organization_id: domain.organizationId,
    enrollment_mode: domain.enrollmentMode,
    verification: verification(record),
    affiliation_email_address: domain.affiliationEmailAddress,
    created_at: domain.createdAt,
    updated_at: domain.updatedAt,
    total_pending_invitations: record.totalPendingInvitations,
    total_pending_suggestions: record.totalPendingSuggestions,
  };
}

/** Clerk's `organization_domain` as clerk-js reads it: the affiliation verification under both names, no DNS ownership check. */
export function serializeFrontendOrganizationDomain(record: OrganizationDomainRecord): FrontendOrganizationDomainJSON {
  const affiliation = verification(record);
  return {
    ...serializeOrganizationDomain(record),
    id: record.domain.id,
    verification: affiliation,
    affiliation_verification: affiliation,
    ownership_verification: null,
  };
}
