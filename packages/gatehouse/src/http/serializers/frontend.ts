import type { SessionWithUser } from '../../domain/frontend/clients.js';
import type { SignInFactors } from '../../domain/frontend/sign-ins.js';
import type { SignUpRequirements } from '../../domain/frontend/sign-ups.js';
import { parseMetadata } from '../../domain/metadata.js';
import type { ClientRow, SessionRow, SignInRow, SignUpRow, VerificationCodeRow } from '../../store/schema.js';
import { DEFAULT_USER_IMAGE_URL, userImageUrl } from './default-avatar.js';
import { serializeUser } from './user.js';

export function serializeVerification(strategy: string, code: VerificationCodeRow | undefined) {
  if (!code) return null;
  return {
    object: 'verification',
    status: code.status,
    strategy,
    attempts: code.attempts,
    expire_at: code.expire_at,
    next_action: code.status === 'unverified' ? 'needs_attempt' : '',
    supported_strategies: [strategy],
  };
}

function publicUserData(entry: SessionWithUser) {
  const { user, emailAddresses } = entry.record;
  const primary = emailAddresses.find((e) => e.id === user.primary_email_address_id);
  return {
    first_name: user.first_name,
    last_name: user.last_name,
    image_url: userImageUrl(user.image_url),
    has_image: Boolean(user.image_url),
    identifier: primary?.email_address ?? user.username ?? '',
    user_id: user.id,
  };
}

/** The fields every Frontend API view of a session starts with. */
function sessionBase(session: SessionRow) {
  return {
    object: 'session',
    id: session.id,
    status: session.status,
    expire_at: session.expire_at,
    abandon_at: session.abandon_at,
    last_active_at: session.last_active_at,
  };
}

/** A session as clerk-js reads it: with its user, and the newest token when we have one. */
export function serializeFrontendSession(entry: SessionWithUser, now: number, jwt?: string) {
  const { session } = entry;
  return {
    ...sessionBase(session),
    last_active_organization_id: session.last_active_organization_id,
    actor: null,
    factor_verification_age: [Math.max(0, Math.floor((now - session.created_at) / 60_000)), -1],
    tasks: null,
    user: serializeUser(entry.record, { audience: 'frontend' }),
    public_user_data: publicUserData(entry),
    last_active_token: jwt ? { object: 'token', jwt } : null,
    created_at: session.created_at,
    updated_at: session.updated_at,
  };
}

/**
 * A session as `<UserProfile/>`'s "Active devices" lists it (`SessionWithActivities`). Gatehouse
 * records no device or location, so `latest_activity` is null and the list shows a generic device.
 */
export function serializeSessionWithActivities(session: SessionRow) {
  return {
    ...sessionBase(session),
    latest_activity: null,
    actor: null,
  };
}

export function serializeSignIn(signIn: SignInRow, factors: SignInFactors, code: VerificationCodeRow | undefined) {
  const emailFactor = { email_address_id: factors.emailAddressId, safe_identifier: factors.safeIdentifier, primary: true };
  const firstFactorVerification =
    signIn.first_factor_strategy === 'password' && signIn.first_factor_status === 'verified'
      ? { object: 'verification', status: 'verified', strategy: 'password', attempts: null, expire_at: null }
      : signIn.first_factor_strategy
        ? serializeVerification(signIn.first_factor_strategy, code)
        : null;
  return {
    object: 'sign_in_attempt',
    id: signIn.id,
    status: signIn.status,
    supported_identifiers: ['email_address', 'username'],
    identifier: signIn.identifier,
    user_data: factors.user
      ? {
          first_name: factors.user.first_name,
          last_name: factors.user.last_name,
          image_url: userImageUrl(factors.user.image_url),
          has_image: Boolean(factors.user.image_url),
        }
      : { first_name: null, last_name: null, image_url: DEFAULT_USER_IMAGE_URL, has_image: false },
    supported_first_factors: [
      { strategy: 'password' },
      { strategy: 'email_code', ...emailFactor },
      { strategy: 'reset_password_email_code', ...emailFactor },
    ],
    supported_second_factors: null,
    first_factor_verification: firstFactorVerification,
    second_factor_verification: null,
    created_session_id: signIn.created_session_id,
    abandon_at: signIn.expire_at,
  };
}

export function serializeSignUp(signUp: SignUpRow, requirements: SignUpRequirements, code: VerificationCodeRow | undefined) {
  return {
    object: 'sign_up_attempt',
    id: signUp.id,
    status: signUp.status,
    required_fields: requirements.required,
    optional_fields: requirements.optional,
    missing_fields: requirements.missing,
    unverified_fields: requirements.unverified,
    verifications: {
      email_address: signUp.email_address
        ? signUp.email_verified
          ? {
              object: 'verification',
              status: 'verified',
              strategy: 'email_code',
              attempts: code?.attempts ?? 0,
              expire_at: code?.expire_at ?? null,
            }
          : serializeVerification('email_code', code)
        : null,
      phone_number: null,
      web3_wallet: null,
      external_account: null,
    },
    username: signUp.username,
    email_address: signUp.email_address,
    phone_number: null,
    web3_wallet: null,
    password_enabled: Boolean(signUp.password_digest),
    first_name: signUp.first_name,
    last_name: signUp.last_name,
    unsafe_metadata: parseMetadata(signUp.unsafe_metadata),
    public_metadata: {},
    custom_action: false,
    external_id: null,
    created_session_id: signUp.created_session_id,
    created_user_id: signUp.created_user_id,
    abandon_at: signUp.expire_at,
    legal_accepted_at: null,
  };
}

export type FrontendSessionJSON = ReturnType<typeof serializeFrontendSession>;

export function serializeClient(
  client: ClientRow,
  parts: { sessions: FrontendSessionJSON[]; signIn: unknown; signUp: unknown; cookieExpiresAt: number },
) {
  return {
    object: 'client',
    id: client.id,
    sessions: parts.sessions,
    sign_in: parts.signIn,
    sign_up: parts.signUp,
    last_active_session_id: client.last_active_session_id,
    captcha_bypass: false,
    cookie_expires_at: parts.cookieExpiresAt,
    last_authentication_strategy: null,
    created_at: client.created_at,
    updated_at: client.updated_at,
  };
}
