import type { UserJSON } from '@clerk/backend';
import type { UserJSON as FrontendUserJSON } from '@clerk/shared/types';
import type { LockoutState } from '../../domain/frontend/attack-protection.js';
import type { ImageLinks } from '../../domain/images/links.js';
import type { MembershipRecord } from '../../domain/organizations.js';
import type { UserRecord } from '../../domain/users.js';
import { type EmailAddressWireJSON, serializeEmailAddress } from './email-address.js';
import { type ExternalAccountWireJSON, serializeExternalAccount } from './external-account.js';
import { type FrontendOrganizationMembershipWireJSON, serializeFrontendMembership } from './organization-membership.js';
import { type PasskeyWireJSON, serializePasskey } from './passkey.js';
import { type PhoneNumberWireJSON, serializePhoneNumber } from './phone-number.js';
import type { Amended } from './wire.js';

/**
 * Clerk's `user` for the Backend API: @clerk/backend's type with Clerk's e-mail address objects (see
 * email-address.ts), plus fields Clerk sends that it does not declare (clerk-js reads `passkeys`).
 */
export type UserWireJSON = Amended<
  UserJSON,
  { email_addresses: EmailAddressWireJSON[]; external_accounts: ExternalAccountWireJSON[]; phone_numbers: PhoneNumberWireJSON[] }
> & {
  passkeys: PasskeyWireJSON[];
  saml_accounts: never[];
  mfa_enabled_at: number | null;
  mfa_disabled_at: number | null;
  /** Clerk still sends the older name beside `image_url`. */
  profile_image_url: string;
};

/**
 * Clerk's `user` for the Frontend API: @clerk/shared's type with Clerk's e-mail address objects, and
 * `organization_memberships` listed on the client's sessions (clerk-js finds `clerk.organization`
 * among them) and null elsewhere (clerk-js maps a missing list to none); no profile image exists.
 */
export type FrontendUserWireJSON = Amended<
  FrontendUserJSON,
  {
    email_addresses: EmailAddressWireJSON[];
    organization_memberships: FrontendOrganizationMembershipWireJSON[] | null;
    external_accounts: ExternalAccountWireJSON[];
    phone_numbers: PhoneNumberWireJSON[];
    passkeys: PasskeyWireJSON[];
  },
  'profile_image_id'
>;

/**
 * Every field Clerk's `user` has but its private metadata, which only the Backend API adds; both
 * audiences' types are checked against it. Unannotated, so the
 * empty lists keep their `never[]` type and fit either SDK's declaration.
 */
function userFields(record: UserRecord, lockout: LockoutState, links: ImageLinks, audience: 'backend' | 'frontend') {
  const { user, emailAddresses } = record;
  const image = links.user({ id: user.id, image: user.imageUrl, firstName: user.firstName, lastName: user.lastName });
  return {
    object: 'user' as const,
    id: user.id,
    external_id: user.externalId,
    primary_email_address_id: user.primaryEmailAddressId,
    primary_phone_number_id: (record.phoneNumbers ?? []).find((p) => p.primary)?.id ?? null,
    primary_web3_wallet_id: null,
    username: user.username,
    first_name: user.firstName,
    last_name: user.lastName,
    ...image,
    profile_image_url: image.image_url,
    public_metadata: user.publicMetadata,
    unsafe_metadata: user.unsafeMetadata,
    email_addresses: emailAddresses.map((email) => serializeEmailAddress(email)),
    phone_numbers: (record.phoneNumbers ?? []).map((p) => serializePhoneNumber(p)),
    web3_wallets: [],
    passkeys: (record.passkeys ?? []).map((p) => serializePasskey(p)),
    // Connections still in progress are the connecting browser's business only.
    external_accounts: (record.externalAccounts ?? [])
      .filter((a) => a.status !== 'pending')
      .map((a) => serializeExternalAccount(a, audience)),
    saml_accounts: [],
    enterprise_accounts: [],
    organization_memberships: null,
    password_enabled: Boolean(user.passwordDigest),
    password_last_updated_at: user.passwordLastUpdatedAt,
    // Backup codes only stand in for another factor; a verified number reserved for 2FA is one.
    two_factor_enabled: user.totpEnabled || (record.phoneNumbers ?? []).some((p) => p.verified && p.reservedForSecondFactor),
    totp_enabled: user.totpEnabled,
    backup_code_enabled: user.backupCodeEnabled,
    mfa_enabled_at: user.mfaEnabledAt,
    mfa_disabled_at: user.mfaDisabledAt,
    banned: user.banned,
    locked: lockout.locked,
    lockout_expires_in_seconds: lockout.lockoutExpiresInSeconds,
    verification_attempts_remaining: lockout.verificationAttemptsRemaining,
    deprovisioned: false,
    last_sign_in_at: user.lastSignInAt,
    last_active_at: user.lastActiveAt,
    legal_accepted_at: user.legalAcceptedAt,
    create_organization_enabled: user.createOrganizationEnabled,
    create_organizations_limit: null,
    delete_self_enabled: user.deleteSelfEnabled,
    locale: user.locale,
    timezone: user.timezone,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}

/** The one wire shape of a user (Clerk's `user` object), as the Backend API and webhooks send it. */
export function serializeUser(record: UserRecord, lockout: LockoutState, links: ImageLinks): UserWireJSON {
  return { ...userFields(record, lockout, links, 'backend'), private_metadata: record.user.privateMetadata };
}

/** The user as the browser sees it (FAPI): the same object without private metadata. */
export function serializeFrontendUser(
  record: UserRecord,
  lockout: LockoutState,
  links: ImageLinks,
  memberships?: MembershipRecord[],
): FrontendUserWireJSON {
  const visible = userFields(record, lockout, links, 'frontend');
  if (!memberships) return visible;
  return { ...visible, organization_memberships: memberships.map((m) => serializeFrontendMembership(m, links)) };
}
