/**
 * The one error type Gatehouse raises for anything a client did wrong or asked for that cannot be done.
 * It is rendered once, by the HTTP layer, into Clerk's error envelope; codes are Clerk's own where one
 * exists because the SDKs and apps branch on them.
 */
/**
 * Every code Gatehouse answers with: Clerk's own, so clients branch on them. A closed union, so a
 * `switch` over `error.code` narrows and a new code is added here first.
 */
export type ErrorCode =
  | 'already_a_member_in_organization'
  | 'duplicate_record'
  | 'organization_domain_already_exists'
  | 'organization_domain_common'
  | 'organization_domain_mismatch'
  | 'not_allowed_access'
  | 'not_authorized_in_organization'
  | 'organization_invitation_not_pending'
  | 'organization_membership_request_not_pending'
  | 'waitlist_entry_not_pending'
  | 'organization_minimum_permissions_needed'
  | 'sign_up_mode_restricted'
  | 'sign_up_restricted_waitlist'
  | 'ticket_expired'
  | 'ticket_invalid'
  | 'authentication_invalid'
  | 'authorization_header_missing'
  | 'backup_codes_need_second_factor'
  | 'clerk_key_invalid'
  | 'delete_self_not_enabled'
  | 'external_account_email_address_verification_required'
  | 'external_account_exists'
  | 'external_account_not_found'
  | 'feature_not_available'
  | 'form_code_incorrect'
  | 'form_identifier_exists'
  | 'form_identifier_not_removable'
  | 'form_param_exceeds_allowed_size'
  | 'form_param_format_invalid'
  | 'form_param_missing'
  | 'form_param_unknown'
  | 'form_param_value_invalid'
  | 'form_password_compromised'
  | 'form_password_incorrect'
  | 'form_password_length_too_short'
  | 'form_password_pwned'
  | 'internal_clerk_error'
  | 'machine_secret_key_required'
  | 'malformed_request'
  | 'malformed_request_body'
  | 'message_delivery_failed'
  | 'mfa_required'
  | 'method_not_allowed'
  | 'oauth_access_denied'
  | 'oauth_callback_invalid'
  | 'oauth_provider_unavailable'
  | 'oauth_token_exchange_error'
  | 'oauth_token_retrieval_error'
  | 'organization_membership_quota_exceeded'
  | 'organization_not_found_or_unauthorized'
  | 'origin_invalid'
  | 'redirect_url_invalid'
  | 'request_body_too_large'
  | 'request_header_fields_too_large'
  | 'request_timeout'
  | 'resource_not_found'
  | 'secret_key_not_current'
  | 'service_unavailable'
  | 'session_exists'
  | 'session_not_active'
  | 'session_token_claims_too_large'
  | 'sign_in_expired'
  | 'strategy_for_user_invalid'
  | 'too_many_requests'
  | 'totp_already_enabled'
  | 'unsupported_content_type'
  | 'user_banned'
  | 'user_locked'
  | 'verification_expired'
  | 'verification_failed'
  | 'verification_missing';

export interface ErrorMeta {
  paramName?: string;
  sessionId?: string;
  [key: string]: unknown;
}

export interface ErrorDetail {
  code: ErrorCode;
  message: string;
  longMessage: string;
  meta?: ErrorMeta;
}

export class GatehouseError extends Error {
  readonly status: number;
  readonly errors: ErrorDetail[];
  /** Seconds a client should wait before retrying (rate limits). */
  readonly retryAfter: number | undefined;

  constructor(status: number, errors: ErrorDetail[], retryAfter?: number) {
    super(errors[0]?.longMessage ?? 'Gatehouse error');
    this.name = 'GatehouseError';
    this.status = status;
    this.errors = errors;
    this.retryAfter = retryAfter;
  }

  get code(): ErrorCode {
    return this.errors[0]?.code ?? 'internal_clerk_error';
  }
}

function single(status: number, code: ErrorCode, message: string, longMessage: string, meta?: ErrorMeta) {
  return new GatehouseError(status, [{ code, message, longMessage, ...(meta ? { meta } : {}) }]);
}

export const errors = {
  notFound: (what = 'resource') => single(404, 'resource_not_found', 'not found', `The requested ${what} was not found.`),
  paramMissing: (param: string) =>
    single(422, 'form_param_missing', `${param} must be included.`, `${param} must be included.`, {
      paramName: param,
    }),
  paramInvalid: (param: string, why: string) =>
    single(422, 'form_param_format_invalid', `${param} is invalid.`, `${param} is invalid: ${why}`, {
      paramName: param,
    }),
  paramValueInvalid: (param: string, why: string) =>
    single(422, 'form_param_value_invalid', `${param} has an invalid value.`, `${param}: ${why}`, {
      paramName: param,
    }),
  paramUnknown: (param: string) =>
    single(
      422,
      'form_param_unknown',
      `${param} is not a valid parameter for this request.`,
      `${param} is not a valid parameter for this request.`,
      {
        paramName: param,
      },
    ),
  identifierExists: (param: string) =>
    single(422, 'form_identifier_exists', 'That identifier is taken.', `That ${param.replace(/_/g, ' ')} is taken. Please try another.`, {
      paramName: param,
    }),
  metadataTooLarge: (param: string, limit: number) =>
    single(
      422,
      'form_param_exceeds_allowed_size',
      `${param} exceeds the maximum allowed size.`,
      `${param} must be at most ${limit} bytes when serialized as JSON.`,
      {
        paramName: param,
      },
    ),
  passwordTooShort: (min: number) =>
    single(
      422,
      'form_password_length_too_short',
      `Passwords must be ${min} characters or more.`,
      `Passwords must be ${min} characters or more.`,
      {
        paramName: 'password',
      },
    ),
  passwordPwned: () =>
    single(
      422,
      'form_password_pwned',
      'Password has been found in an online data breach.',
      'Password has been found in an online data breach. For account safety, please use a different password.',
      { paramName: 'password' },
    ),
  /** The right password, marked compromised by the backend: sign in another way, then set a new one. */
  passwordCompromised: () =>
    single(
      422,
      'form_password_compromised',
      'Your password may be compromised.',
      'Your password may be compromised. To protect your account, continue with another sign-in method; you will be asked to set a new password after signing in.',
      { paramName: 'password' },
    ),
  passwordIncorrect: () =>
    single(422, 'form_password_incorrect', 'Password is incorrect.', 'Password is incorrect. Try again, or use another method.', {
      paramName: 'password',
    }),
  /** Raised by Node's HTTP parser before any route runs (see http/client-errors.ts). */
  malformedRequest: () => single(400, 'malformed_request', 'Request is invalid.', 'The request could not be read as HTTP/1.1.'),
  headersTooLarge: () =>
    single(431, 'request_header_fields_too_large', 'Request headers are too large.', 'The request line and headers must fit in 16 KB.'),
  requestTimeout: () => single(408, 'request_timeout', 'Request timed out.', 'The request did not arrive in full in time; send it again.'),
  malformedBody: (why: string) =>
    single(400, 'malformed_request_body', 'Request body is invalid.', `The request body could not be parsed: ${why}`),
  unsupportedContentType: () =>
    single(
      415,
      'unsupported_content_type',
      'Unsupported content type.',
      'Send the request body as application/json or application/x-www-form-urlencoded.',
    ),
  authorizationMissing: () =>
    single(
      401,
      'authorization_header_missing',
      'Authorization header missing.',
      'Send your secret key in the Authorization header as "Bearer sk_...". `gatehouse env` prints it.',
    ),
  secretKeyInvalid: () =>
    single(
      401,
      'clerk_key_invalid',
      'The provided secret key is invalid.',
      'The provided secret key is invalid. Make sure it is the one `gatehouse env` prints for this instance.',
    ),
  machineSecretKeyRequired: () =>
    single(
      403,
      'machine_secret_key_required',
      'This needs a machine secret key.',
      'M2M tokens are created by a machine: send its secret key (from `GET /v1/machines/{id}/secret_key`) as "Bearer ak_...".',
    ),
  machineTokenInvalid: (what: string) => single(404, 'resource_not_found', 'not found', `The ${what} is unknown, revoked or expired.`),
  secretKeyNotCurrent: () =>
    single(
      403,
      'secret_key_not_current',
      'This needs the current secret key.',
      'Key rotation needs the current secret key; the previous one, still accepted during its grace period, cannot rotate keys.',
    ),
  sessionNotActive: (sessionId: string, status: string) =>
    single(
      404,
      'session_not_active',
      'Session is not active.',
      `The session ${sessionId} is ${status}, so no token can be issued for it. Sign in again to get a new session.`,
      { sessionId },
    ),
  userBanned: () => single(403, 'user_banned', 'User is banned.', 'This user is banned and cannot sign in or get new sessions.'),
  /** Clerk's lockout answer; `lockoutExpiresInSeconds` is null for a lock an admin set (it lasts until unlocked). */
  userLocked: (lockoutExpiresInSeconds: number | null = null) =>
    new GatehouseError(
      403,
      [
        {
          code: 'user_locked',
          message: 'Account locked',
          longMessage:
            lockoutExpiresInSeconds === null
              ? 'This account is locked. Unlock it with `POST /v1/users/{id}/unlock`.'
              : `This account is locked after too many failed attempts. Try again in ${Math.ceil(lockoutExpiresInSeconds / 60)} minutes.`,
          meta: { lockoutExpiresInSeconds },
        },
      ],
      lockoutExpiresInSeconds ?? undefined,
    ),
  alreadyMember: () =>
    single(400, 'already_a_member_in_organization', 'Already a member.', 'This user is already a member of the organization.', {
      paramName: 'user_id',
    }),
  membershipQuotaExceeded: (limit: number) =>
    single(
      403,
      'organization_membership_quota_exceeded',
      'Membership quota exceeded.',
      `This organization allows at most ${limit} memberships. Raise max_allowed_memberships (0 means no limit) to add more members.`,
    ),
  /** The caller's role lacks the permission this organization action needs. */
  notAuthorizedInOrganization: (permission: string) =>
    single(
      403,
      'not_authorized_in_organization',
      'You are not authorized to perform this request.',
      `Your role in this organization does not grant ${permission}.`,
    ),
  /** The change would leave the organization without anyone who can manage its members. */
  minimumPermissionsNeeded: () =>
    single(
      403,
      'organization_minimum_permissions_needed',
      'There has to be at least one organization member with the administrator role.',
      'The last member who can manage members cannot leave, be removed or lose that role.',
    ),
  waitlistEntryNotPending: () =>
    single(
      400,
      'waitlist_entry_not_pending',
      'The waitlist entry cannot change so.',
      'Only pending or rejected entries can be invited, and only pending or invited ones rejected.',
    ),
  membershipRequestNotPending: () =>
    single(
      400,
      'organization_membership_request_not_pending',
      'The membership request is not pending.',
      'Only pending membership requests can be accepted or rejected.',
    ),
  invitationNotPending: () =>
    single(
      400,
      'organization_invitation_not_pending',
      'The invitation is not pending.',
      'Only pending invitations can be revoked or accepted.',
    ),
  organizationDomainExists: () =>
    single(400, 'organization_domain_already_exists', 'This domain is already in use.', 'An organization already has this domain.', {
      paramName: 'name',
    }),
  organizationDomainCommon: () =>
    single(
      400,
      'organization_domain_common',
      'This is a common e-mail provider domain.',
      'Domains of public e-mail providers cannot be organization domains.',
      { paramName: 'name' },
    ),
  organizationDomainMismatch: () =>
    single(
      400,
      'organization_domain_mismatch',
      'The e-mail address is not at this domain.',
      'The affiliation e-mail address must be at the domain being verified.',
      { paramName: 'affiliation_email_address' },
    ),
  duplicateInvitation: (param: string) =>
    single(400, 'duplicate_record', 'Duplicate invitation.', `A pending invitation for this ${param.replace(/_/g, ' ')} already exists.`, {
      paramName: param,
    }),
  organizationNotFoundOrUnauthorized: () =>
    single(
      404,
      'organization_not_found_or_unauthorized',
      'Organization not found or unauthorized.',
      'The organization does not exist, or the user is not a member of it.',
      { paramName: 'organization_id' },
    ),
  sessionClaimsTooLarge: (bytes: number, limit: number) =>
    single(
      422,
      'session_token_claims_too_large',
      'Session token claims are too large.',
      `The custom session claims render to ${bytes} bytes; the limit is ${limit} bytes. Keep large data out of the session token and fetch it with users.getUser instead.`,
    ),
  /**
   * A Clerk cloud service (billing, Svix webhooks, SAML…) that a self-hosted server does not have.
   * A 404, not a 501: SDKs with retries (Clerk's Python SDK) retry 5xx answers, and this never heals.
   */
  featureNotAvailable: (feature: string, why: string) =>
    single(
      404,
      'feature_not_available',
      `${feature} is not available on Gatehouse.`,
      `${feature} is a Clerk cloud service that a self-hosted Gatehouse server does not provide: ${why}`,
      { feature },
    ),
  methodNotAllowed: () => single(405, 'method_not_allowed', 'Method not allowed.', 'This endpoint does not support that HTTP method.'),
  routeNotFound: (path: string) => single(404, 'resource_not_found', 'not found', `No endpoint matches ${path}.`),
  tooManyRequests: (retryAfter: number) =>
    new GatehouseError(
      429,
      [{ code: 'too_many_requests', message: 'Too many requests.', longMessage: `Too many requests. Retry in ${retryAfter} seconds.` }],
      retryAfter,
    ),
  /**
   * The SMS gateway or the mail server did not take a message (a code, a link, an invitation): a 502,
   * as a proxy answers for an upstream that failed, with words a person can act on. The cause is
   * logged by the sender.
   */
  deliveryFailed: (channel: 'sms' | 'email') =>
    single(
      502,
      'message_delivery_failed',
      channel === 'sms' ? 'The text message could not be sent.' : 'The email could not be sent.',
      `The ${channel === 'sms' ? 'text message' : 'email'} could not be sent right now. Try again in a moment.`,
    ),
  /** The database cannot be reached right now (an outage, a restart): worth retrying soon. */
  serviceUnavailable: (retryAfter: number) =>
    new GatehouseError(
      503,
      [
        {
          code: 'service_unavailable',
          message: 'Service unavailable',
          longMessage: `The service cannot reach its database right now. Retry in ${retryAfter} seconds.`,
        },
      ],
      retryAfter,
    ),
  // Upload errors are shown to people in <UserProfile/>: the message says what to do, in their terms.
  imageMissing: () =>
    single(422, 'form_param_missing', 'Choose an image to upload.', 'The request carries no image: send it as the multipart field file.', {
      paramName: 'file',
    }),
  imageTypeUnsupported: () =>
    single(
      422,
      'form_param_format_invalid',
      'This file type is not supported. Upload a PNG, JPEG, GIF or WebP image.',
      'The file is not a PNG, JPEG, GIF or WebP image (its content was checked, not its declared type); SVG is not accepted.',
      { paramName: 'file' },
    ),
  imageTooLarge: (limitMb: number) =>
    single(
      413,
      'request_body_too_large',
      `This image is too large. Upload an image smaller than ${limitMb} MB.`,
      `Images may be at most ${limitMb} MB.`,
      { paramName: 'file' },
    ),
  /** The dashboard: no operator session, an expired one, or wrong credentials (never which). */
  operatorUnauthenticated: () =>
    single(401, 'authentication_invalid', 'Unauthenticated', 'Sign in to the dashboard with your operator e-mail, password and code.'),
  /** The dashboard: a state-changing request without the page's CSRF token or from another origin. */
  csrfInvalid: () =>
    single(
      403,
      'origin_invalid',
      'Invalid origin',
      'This dashboard request did not come from the dashboard page (origin or CSRF token missing or wrong).',
    ),
  internal: () =>
    single(
      500,
      'internal_clerk_error',
      'Oops, an unexpected error occurred',
      'There was an internal error on our servers. The error is logged with its trace id.',
    ),
};

export const frontendErrors = {
  ticketInvalid: () =>
    single(
      400,
      'ticket_invalid',
      'This link is no longer valid or has already been used.',
      'This link is no longer valid or has already been used. Please start again or request a new link.',
      { paramName: 'ticket' },
    ),
  ticketExpired: () =>
    single(400, 'ticket_expired', 'This link has expired.', 'This link has expired. Please start again or request a new link.', {
      paramName: 'ticket',
    }),
  signUpRestricted: () =>
    single(403, 'sign_up_mode_restricted', 'Sign-ups are restricted.', 'Sign-ups are by invitation only on this application.'),
  signUpWaitlist: () =>
    single(
      403,
      'sign_up_restricted_waitlist',
      'Sign-ups are restricted.',
      'Sign-ups are by invitation only on this application; join the waitlist to be told when you can sign up.',
    ),
  notAllowedAccess: (param = 'email_address') =>
    single(
      403,
      'not_allowed_access',
      'Access not allowed.',
      `You do not have permission to sign up with this ${param.replace(/_/g, ' ')}.`,
      {
        paramName: param,
      },
    ),
  codeIncorrect: () =>
    single(422, 'form_code_incorrect', 'Incorrect code', 'The code you entered is incorrect. Please try again.', { paramName: 'code' }),
  verificationExpired: () =>
    single(422, 'verification_expired', 'Verification expired', 'This verification has expired. Request a new code.', {
      paramName: 'code',
    }),
  verificationFailed: () =>
    single(
      422,
      'verification_failed',
      'Too many failed attempts',
      'Too many incorrect codes were entered. Request a new code and try again.',
      { paramName: 'code' },
    ),
  verificationMissing: () =>
    single(422, 'verification_missing', 'No code was sent', 'Request a code first, then enter it here.', { paramName: 'code' }),
  /** A passkey ceremony that did not verify: wrong origin, relying party, challenge or signature, or an unknown credential. */
  passkeyInvalid: () =>
    single(422, 'verification_failed', 'Passkey verification failed', 'The passkey could not be verified. Try again.', {
      paramName: 'public_key_credential',
    }),
  signInNotFound: () => single(404, 'resource_not_found', 'not found', 'The sign-in attempt was not found. Start signing in again.'),
  signUpNotFound: () => single(404, 'resource_not_found', 'not found', 'The sign-up attempt was not found. Start signing up again.'),
  strategyInvalid: (strategy: string) =>
    single(422, 'strategy_for_user_invalid', 'Invalid verification strategy', `The strategy "${strategy}" cannot be used here.`, {
      paramName: 'strategy',
    }),
  signInExpired: () => single(422, 'sign_in_expired', 'Sign-in expired', 'This sign-in attempt has expired. Start signing in again.'),
  alreadySignedIn: (sessionId: string) =>
    single(400, 'session_exists', "You're already signed in.", "You're already signed in.", { sessionId }),
  notSignedIn: () => single(401, 'authentication_invalid', 'Unauthenticated', 'You are signed out. Sign in again to continue.'),
  originInvalid: () =>
    single(
      403,
      'origin_invalid',
      'Invalid origin',
      'This request came from an origin the instance does not allow. Add it to allowedOrigins.',
    ),
  redirectUrlInvalid: () =>
    single(
      400,
      'redirect_url_invalid',
      'Invalid redirect URL',
      'redirect_url must be an absolute URL on one of the instance’s allowed origins.',
      {
        paramName: 'redirect_url',
      },
    ),
  deleteSelfDisabled: () =>
    single(403, 'delete_self_not_enabled', 'Deleting your account is not allowed', 'Account self-deletion is disabled for this instance.'),
  totpAlreadyEnabled: () =>
    single(
      400,
      'totp_already_enabled',
      'An authenticator app is already set up',
      'Remove the authenticator app first (DELETE /v1/me/totp), then set up a new one.',
    ),
  backupCodesNeedSecondFactor: () =>
    single(
      400,
      'backup_codes_need_second_factor',
      'Set up a second factor first',
      'Backup codes stand in for another second factor: set up an authenticator app first.',
    ),
  mfaRequired: () =>
    single(
      403,
      'mfa_required',
      'Multi-factor authentication is required',
      'This instance requires a second factor, so the last one cannot be removed.',
    ),
  lastIdentifier: () =>
    single(
      400,
      'form_identifier_not_removable',
      'Cannot remove your last e-mail address',
      'Add another e-mail address before removing this one.',
    ),
};

/**
 * Social sign-in. The verification errors (on a sign-in's or sign-up's `verification.error`) are the
 * codes clerk-js's `handleRedirectCallback` reads: `external_account_not_found` (a sign-in becomes a
 * sign-up), `external_account_exists` (a sign-up becomes a sign-in), `oauth_access_denied`.
 */
export const oauthErrors = {
  accessDenied: () => single(422, 'oauth_access_denied', 'Access denied', 'You did not grant access to your account.'),
  callbackFailed: (why: string) =>
    single(422, 'oauth_token_exchange_error', 'Sign-in with the provider failed', `The provider's answer was refused: ${why}`),
  accountNotFound: () =>
    single(422, 'external_account_not_found', 'External account not found', 'No account is connected to this external account.'),
  accountExists: () =>
    single(422, 'external_account_exists', 'External account exists', 'This external account is already connected to an account.'),
  emailUnverified: () =>
    single(
      422,
      'external_account_email_address_verification_required',
      'E-mail address not verified by the provider',
      'The provider has not verified this e-mail address, and an account already uses it. Sign in to that account another way, then connect the provider.',
    ),
  accountTaken: () =>
    single(422, 'external_account_exists', 'External account in use', 'This external account is connected to another user.'),
  /** The callback cannot be tied to a flow: unknown, tampered, expired or already used state. */
  stateInvalid: () =>
    single(
      400,
      'oauth_callback_invalid',
      'Invalid OAuth callback',
      'This sign-in link is invalid, expired or was already used. Start signing in again.',
    ),
  clientMismatch: () =>
    single(400, 'oauth_callback_invalid', 'Invalid OAuth callback', 'This sign-in was started in another browser. Start signing in again.'),
  providerUnavailable: (provider: string) =>
    single(
      502,
      'oauth_provider_unavailable',
      'Provider unavailable',
      `The ${provider} sign-in service could not be reached. Try again later.`,
    ),
  tokenRetrieval: (why: string) =>
    single(422, 'oauth_token_retrieval_error', 'OAuth token unavailable', `The provider's token could not be obtained: ${why}`),
  /** The verification error of a flow, from the code it was marked with. */
  byCode: (code: string) => {
    switch (code) {
      case 'oauth_access_denied':
        return oauthErrors.accessDenied();
      case 'external_account_not_found':
        return oauthErrors.accountNotFound();
      case 'external_account_exists':
        return oauthErrors.accountExists();
      case 'external_account_email_address_verification_required':
        return oauthErrors.emailUnverified();
      case 'user_banned':
        return errors.userBanned();
      default:
        return oauthErrors.callbackFailed('the provider did not confirm the sign-in.');
    }
  },
};
