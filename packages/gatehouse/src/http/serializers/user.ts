import { parseMetadata } from '../../domain/metadata.js';
import type { UserRecord } from '../../domain/users.js';
import type { EmailAddressRow } from '../../store/schema.js';
import { userImageUrl } from './default-avatar.js';

/** The one wire shape of an e-mail address (Clerk's `email_address` object). */
export function serializeEmailAddress(row: EmailAddressRow) {
  return {
    object: 'email_address',
    id: row.id,
    email_address: row.email_address,
    reserved: false,
    verification: row.verified
      ? {
          object: 'verification_admin',
          status: 'verified',
          strategy: row.verification_strategy ?? 'admin',
          attempts: null,
          expire_at: null,
        }
      : null,
    linked_to: [],
    matches_sso_connection: false,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export interface SerializeUserOptions {
  /** Private metadata and password details are for the Backend API only, never for the browser. */
  audience: 'backend' | 'frontend';
}

/** The one wire shape of a user (Clerk's `user` object), shared by BAPI, FAPI and webhooks. */
export function serializeUser(record: UserRecord, options: SerializeUserOptions = { audience: 'backend' }) {
  const { user, emailAddresses } = record;
  const backend = options.audience === 'backend';
  return {
    object: 'user',
    id: user.id,
    external_id: user.external_id,
    primary_email_address_id: user.primary_email_address_id,
    primary_phone_number_id: null,
    primary_web3_wallet_id: null,
    username: user.username,
    first_name: user.first_name,
    last_name: user.last_name,
    image_url: userImageUrl(user.image_url),
    has_image: Boolean(user.image_url),
    public_metadata: parseMetadata(user.public_metadata),
    ...(backend ? { private_metadata: parseMetadata(user.private_metadata) } : {}),
    unsafe_metadata: parseMetadata(user.unsafe_metadata),
    email_addresses: emailAddresses.map(serializeEmailAddress),
    phone_numbers: [],
    web3_wallets: [],
    passkeys: [],
    external_accounts: [],
    saml_accounts: [],
    enterprise_accounts: [],
    organization_memberships: null,
    password_enabled: Boolean(user.password_digest),
    password_last_updated_at: user.password_last_updated_at,
    two_factor_enabled: false,
    totp_enabled: false,
    backup_code_enabled: false,
    mfa_enabled_at: null,
    mfa_disabled_at: null,
    banned: user.banned === 1,
    locked: user.locked === 1,
    lockout_expires_in_seconds: null,
    verification_attempts_remaining: 100,
    deprovisioned: false,
    last_sign_in_at: user.last_sign_in_at,
    last_active_at: user.last_active_at,
    legal_accepted_at: user.legal_accepted_at,
    create_organization_enabled: user.create_organization_enabled === 1,
    create_organizations_limit: null,
    delete_self_enabled: user.delete_self_enabled === 1,
    locale: user.locale,
    timezone: user.timezone,
    created_at: user.created_at,
    updated_at: user.updated_at,
  };
}
