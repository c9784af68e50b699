import type { SignUpJSON } from '@clerk/shared/types';
import type { SignUpSnapshot } from '../../domain/frontend/client-snapshot.js';
import type { OAuthVerification } from '../../domain/oauth/social.js';
import type { Metadata, SignUp, VerificationCode } from '../../model/index.js';
import {
  type PendingVerificationJSON,
  serializeCodeVerification,
  serializeOAuthVerification,
  serializeVerified,
  type VerificationWireJSON,
} from './verification.js';
import type { Amended } from './wire.js';

/**
 * Clerk's sign-up attempt: @clerk/shared's `SignUpJSON`, amended only where Clerk's wire differs from
 * the declaration: the object is `sign_up_attempt`; Clerk's verification objects (see
 * verification.ts), null for identifiers that do not exist here (clerk-js's `SignUp.fromJSON` makes an
 * empty verification of null); the fields Clerk sends that the SDK does not declare (`public_metadata`,
 * `custom_action`, `external_id`); and none of the external-account, locale or timezone fields, which
 * Gatehouse does not support (clerk-js reads them as absent).
 */
export type SignUpWireJSON = Amended<
  SignUpJSON,
  {
    object: 'sign_up_attempt';
    verifications: {
      email_address: VerificationWireJSON | PendingVerificationJSON | null;
      phone_number: VerificationWireJSON | PendingVerificationJSON | null;
      web3_wallet: null;
      external_account: VerificationWireJSON | null;
    };
    public_metadata: Metadata;
    custom_action: boolean;
    external_id: string | null;
  },
  'external_account' | 'locale' | 'timezone'
>;

function emailVerification(
  signUp: SignUp,
  code: VerificationCode | undefined,
  oauth: OAuthVerification | undefined,
): VerificationWireJSON | PendingVerificationJSON | null {
  if (!signUp.emailAddress) return null;
  // An address the provider verified shows as verified by it (`from_oauth_google`).
  if (oauth && signUp.emailVerified && !code) return serializeVerified(oauth.strategy.replace(/^oauth_/, 'from_oauth_'));
  const strategy = code?.purpose === 'sign_up_email_link' ? 'email_link' : 'email_code';
  if (!signUp.emailVerified) return serializeCodeVerification(strategy, code);
  return { ...serializeVerified(strategy, code), attempts: code?.attempts ?? 0 };
}

function phoneVerification(signUp: SignUp, code: VerificationCode | undefined): VerificationWireJSON | PendingVerificationJSON | null {
  if (!signUp.phoneNumber) return null;
  if (!signUp.phoneVerified) return serializeCodeVerification('phone_code', code);
  return { ...serializeVerified('phone_code', code), attempts: code?.attempts ?? 0 };
}

export function serializeSignUp({
  signUp,
  requirements,
  verification: code,
  phoneVerification: phoneCode,
  oauth,
}: SignUpSnapshot): SignUpWireJSON {
  return {
    object: 'sign_up_attempt',
    id: signUp.id,
    status: signUp.status,
    required_fields: requirements.required,
    optional_fields: requirements.optional,
    missing_fields: requirements.missing,
    unverified_fields: requirements.unverified,
    verifications: {
      email_address: emailVerification(signUp, code, oauth),
      phone_number: phoneVerification(signUp, phoneCode),
      web3_wallet: null,
      external_account: oauth ? serializeOAuthVerification(oauth) : null,
    },
    external_account_strategy: oauth?.strategy ?? null,
    username: signUp.username,
    email_address: signUp.emailAddress,
    phone_number: signUp.phoneNumber,
    web3_wallet: null,
    // clerk-js reads `has_password` (this was `password_enabled`, which it never read).
    has_password: Boolean(signUp.passwordDigest),
    first_name: signUp.firstName,
    last_name: signUp.lastName,
    unsafe_metadata: signUp.unsafeMetadata,
    public_metadata: {},
    custom_action: signUp.customAction,
    external_id: signUp.externalId,
    created_session_id: signUp.createdSessionId,
    created_user_id: signUp.createdUserId,
    abandon_at: signUp.expireAt,
    legal_accepted_at: null,
  };
}
