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
  | 'authentication_invalid'
  | 'authorization_header_missing'
  | 'clerk_key_invalid'
  | 'delete_self_not_enabled'
  | 'feature_not_available'
  | 'form_code_incorrect'
  | 'form_identifier_exists'
  | 'form_identifier_not_removable'
  | 'form_param_exceeds_allowed_size'
  | 'form_param_format_invalid'
  | 'form_param_missing'
  | 'form_param_unknown'
  | 'form_param_value_invalid'
  | 'form_password_incorrect'
  | 'form_password_length_too_short'
  | 'form_password_pwned'
  | 'internal_clerk_error'
  | 'machine_secret_key_required'
  | 'malformed_request'
  | 'malformed_request_body'
  | 'method_not_allowed'
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
  internal: () =>
    single(
      500,
      'internal_clerk_error',
      'Oops, an unexpected error occurred',
      'There was an internal error on our servers. The error is logged with its trace id.',
    ),
};

export const frontendErrors = {
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
  lastIdentifier: () =>
    single(
      400,
      'form_identifier_not_removable',
      'Cannot remove your last e-mail address',
      'Add another e-mail address before removing this one.',
    ),
};
