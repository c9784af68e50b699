import type { SessionWithUser } from '../../domain/frontend/clients.js';
import type { SignInFactors } from '../../domain/frontend/sign-ins.js';
import type { SignUpRequirements } from '../../domain/frontend/sign-ups.js';
import type { ImageLinks } from '../../domain/images/links.js';
import type { Client, Session, SessionActivity, SignIn, SignUp, VerificationCode } from '../../model/index.js';
import { serializeSessionActivity } from './session-activity.js';
import { serializeUser } from './user.js';

export function serializeVerification(strategy: string, code: VerificationCode | undefined) {
  if (!code) return null;
  return {
    object: 'verification',
    status: code.status,
    strategy,
    attempts: code.attempts,
    expire_at: code.expireAt,
    next_action: code.status === 'unverified' ? 'needs_attempt' : '',
    supported_strategies: [strategy],
  };
}

function publicUserData(entry: SessionWithUser, links: ImageLinks) {
  const { user, emailAddresses } = entry.record;
  const primary = emailAddresses.find((e) => e.id === user.primaryEmailAddressId);
  return {
    first_name: user.firstName,
    last_name: user.lastName,
    ...links.user({ id: user.id, image: user.imageUrl, firstName: user.firstName, lastName: user.lastName }),
    identifier: primary?.emailAddress ?? user.username ?? '',
    user_id: user.id,
  };
}

/** The fields every Frontend API view of a session starts with. */
function sessionBase(session: Session) {
  return {
    object: 'session',
    id: session.id,
    status: session.status,
    expire_at: session.expireAt,
    abandon_at: session.abandonAt,
    last_active_at: session.lastActiveAt,
  };
}

/** A session as clerk-js reads it: with its user, and the newest token when we have one. */
export function serializeFrontendSession(entry: SessionWithUser, now: number, links: ImageLinks, jwt?: string) {
  const { session } = entry;
  return {
    ...sessionBase(session),
    last_active_organization_id: session.lastActiveOrganizationId,
    actor: null,
    factor_verification_age: [Math.max(0, Math.floor((now - session.createdAt) / 60_000)), -1],
    tasks: null,
    user: serializeUser(entry.record, { audience: 'frontend', links }),
    public_user_data: publicUserData(entry, links),
    last_active_token: jwt ? { object: 'token', jwt } : null,
    created_at: session.createdAt,
    updated_at: session.updatedAt,
  };
}

/**
 * A session as `<UserProfile/>`'s "Active devices" lists it (`SessionWithActivities`): with the
 * browser, device and address it was signed in from.
 */
export function serializeSessionWithActivities(session: Session, activity: SessionActivity | undefined) {
  return {
    ...sessionBase(session),
    latest_activity: serializeSessionActivity(session.id, activity, { audience: 'frontend' }),
    actor: null,
  };
}

export function serializeSignIn(signIn: SignIn, factors: SignInFactors, code: VerificationCode | undefined, links: ImageLinks) {
  const emailFactor = { email_address_id: factors.emailAddressId, safe_identifier: factors.safeIdentifier, primary: true };
  const firstFactorVerification =
    signIn.firstFactorStrategy === 'password' && signIn.firstFactorStatus === 'verified'
      ? { object: 'verification', status: 'verified', strategy: 'password', attempts: null, expire_at: null }
      : signIn.firstFactorStrategy
        ? serializeVerification(signIn.firstFactorStrategy, code)
        : null;
  return {
    object: 'sign_in_attempt',
    id: signIn.id,
    status: signIn.status,
    supported_identifiers: ['email_address', 'username'],
    identifier: signIn.identifier,
    user_data: factors.user
      ? {
          first_name: factors.user.firstName,
          last_name: factors.user.lastName,
          ...links.user({
            id: factors.user.id,
            image: factors.user.imageUrl,
            firstName: factors.user.firstName,
            lastName: factors.user.lastName,
          }),
        }
      : { first_name: null, last_name: null, image_url: '', has_image: false },
    supported_first_factors: [
      { strategy: 'password' },
      { strategy: 'email_code', ...emailFactor },
      { strategy: 'reset_password_email_code', ...emailFactor },
    ],
    supported_second_factors: null,
    first_factor_verification: firstFactorVerification,
    second_factor_verification: null,
    created_session_id: signIn.createdSessionId,
    abandon_at: signIn.expireAt,
  };
}

export function serializeSignUp(signUp: SignUp, requirements: SignUpRequirements, code: VerificationCode | undefined) {
  return {
    object: 'sign_up_attempt',
    id: signUp.id,
    status: signUp.status,
    required_fields: requirements.required,
    optional_fields: requirements.optional,
    missing_fields: requirements.missing,
    unverified_fields: requirements.unverified,
    verifications: {
      email_address: signUp.emailAddress
        ? signUp.emailVerified
          ? {
              object: 'verification',
              status: 'verified',
              strategy: 'email_code',
              attempts: code?.attempts ?? 0,
              expire_at: code?.expireAt ?? null,
            }
          : serializeVerification('email_code', code)
        : null,
      phone_number: null,
      web3_wallet: null,
      external_account: null,
    },
    username: signUp.username,
    email_address: signUp.emailAddress,
    phone_number: null,
    web3_wallet: null,
    password_enabled: Boolean(signUp.passwordDigest),
    first_name: signUp.firstName,
    last_name: signUp.lastName,
    unsafe_metadata: signUp.unsafeMetadata,
    public_metadata: {},
    custom_action: false,
    external_id: null,
    created_session_id: signUp.createdSessionId,
    created_user_id: signUp.createdUserId,
    abandon_at: signUp.expireAt,
    legal_accepted_at: null,
  };
}

export type FrontendSessionJSON = ReturnType<typeof serializeFrontendSession>;

export function serializeClient(
  client: Client,
  parts: { sessions: FrontendSessionJSON[]; signIn: unknown; signUp: unknown; cookieExpiresAt: number },
) {
  return {
    object: 'client',
    id: client.id,
    sessions: parts.sessions,
    sign_in: parts.signIn,
    sign_up: parts.signUp,
    last_active_session_id: client.lastActiveSessionId,
    captcha_bypass: false,
    cookie_expires_at: parts.cookieExpiresAt,
    last_authentication_strategy: null,
    created_at: client.createdAt,
    updated_at: client.updatedAt,
  };
}
