import type { ImageLinks } from '../../domain/images/links.js';
import type { UserRecord } from '../../domain/users.js';
import type { EmailAddress } from '../../model/index.js';

/** The one wire shape of an e-mail address (Clerk's `email_address` object). */
export function serializeEmailAddress(row: EmailAddress) {
  return {
    object: 'email_address',
    id: row.id,
    email_address: row.emailAddress,
    reserved: false,
    verification: row.verified
      ? {
          object: 'verification_admin',
          status: 'verified',
          strategy: row.verificationStrategy ?? 'admin',
          attempts: null,
          expire_at: null,
        }
      : null,
    linked_to: [],
    matches_sso_connection: false,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

export interface SerializeUserOptions {
  /** Private metadata and password details are for the Backend API only, never for the browser. */
  audience?: 'backend' | 'frontend';
  /** Absolute image URLs (uploads and default avatars) under the public URL. */
  links: ImageLinks;
}

/** The one wire shape of a user (Clerk's `user` object), shared by BAPI, FAPI and webhooks. */
export function serializeUser(record: UserRecord, options: SerializeUserOptions) {
  const { user, emailAddresses } = record;
  const backend = (options.audience ?? 'backend') === 'backend';
  const image = options.links.user({ id: user.id, image: user.imageUrl, firstName: user.firstName, lastName: user.lastName });
  return {
    object: 'user',
    id: user.id,
    external_id: user.externalId,
    primary_email_address_id: user.primaryEmailAddressId,
    primary_phone_number_id: null,
    primary_web3_wallet_id: null,
    username: user.username,
    first_name: user.firstName,
    last_name: user.lastName,
    ...image,
    // Clerk still sends the older name beside image_url.
    profile_image_url: image.image_url,
    public_metadata: user.publicMetadata,
    ...(backend ? { private_metadata: user.privateMetadata } : {}),
    unsafe_metadata: user.unsafeMetadata,
    email_addresses: emailAddresses.map(serializeEmailAddress),
    phone_numbers: [],
    web3_wallets: [],
    passkeys: [],
    external_accounts: [],
    saml_accounts: [],
    enterprise_accounts: [],
    organization_memberships: null,
    password_enabled: Boolean(user.passwordDigest),
    password_last_updated_at: user.passwordLastUpdatedAt,
    two_factor_enabled: false,
    totp_enabled: false,
    backup_code_enabled: false,
    mfa_enabled_at: null,
    mfa_disabled_at: null,
    banned: user.banned,
    locked: user.locked,
    lockout_expires_in_seconds: null,
    verification_attempts_remaining: 100,
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
