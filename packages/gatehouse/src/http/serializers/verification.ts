import type { VerificationJSON } from '@clerk/backend';
import type { OAuthVerification } from '../../domain/oauth/social.js';
import { oauthErrors } from '../../errors.js';
import type { VerificationCode } from '../../model/index.js';
import type { Amended } from './wire.js';

/**
 * A verification as Clerk sends it. @clerk/backend declares it a resource (an `id`, and `object` one of
 * its ObjectTypes), but Clerk's verifications are `verification`/`verification_admin` objects without
 * an id of their own; neither SDK's `Verification.fromJSON` reads `object` or `id`. The id is sent
 * when there is one: the one-time code's.
 */
export type VerificationWireJSON = Amended<VerificationJSON, { object: 'verification' | 'verification_admin'; id?: string }>;

/** A verification in flight for a frontend flow: a code was sent (or not yet). */
export interface PendingVerificationJSON extends VerificationWireJSON {
  next_action: '' | 'needs_attempt';
  supported_strategies: string[];
}

/** The verification of a one-time code, or null when none was sent. */
export function serializeCodeVerification(strategy: string, code: VerificationCode | undefined): PendingVerificationJSON | null {
  if (!code) return null;
  return {
    object: 'verification',
    id: code.id,
    status: code.status,
    strategy,
    attempts: code.attempts,
    expire_at: code.expireAt,
    next_action: code.status === 'unverified' ? 'needs_attempt' : '',
    supported_strategies: [strategy],
  };
}

/** A factor verified without a code of its own (a password, an address verified at sign-up). */
export function serializeVerified(strategy: string, code?: VerificationCode): VerificationWireJSON {
  return {
    object: 'verification',
    ...(code ? { id: code.id } : {}),
    status: 'verified',
    strategy,
    attempts: code ? code.attempts : null,
    expire_at: code ? code.expireAt : null,
  };
}

/** Clerk's error object on a verification (`verification.error`), as clerk-js's `parseError` reads it. */
export interface VerificationErrorJSON {
  code: string;
  message: string;
  long_message: string;
  meta: Record<string, unknown>;
}

/**
 * The verification of a provider round trip: `unverified` with the provider's URL to send the
 * browser to, then `verified`, `transferable` (the account is for the other flow) or `failed`,
 * with Clerk's error (`external_account_not_found`, `external_account_exists`, `oauth_access_denied`, …).
 */
export function serializeOAuthVerification(oauth: OAuthVerification): VerificationWireJSON & {
  external_verification_redirect_url: string | null;
  error: VerificationErrorJSON | null;
} {
  const error = oauth.errorCode ? oauthErrors.byCode(oauth.errorCode).errors[0] : undefined;
  return {
    object: 'verification',
    status: oauth.status,
    strategy: oauth.strategy,
    attempts: null,
    expire_at: oauth.expireAt,
    external_verification_redirect_url: oauth.externalVerificationRedirectUrl,
    error: error ? { code: error.code, message: error.message, long_message: error.longMessage, meta: error.meta ?? {} } : null,
  };
}
