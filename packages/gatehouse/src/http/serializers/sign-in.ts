import type { SignInFirstFactorJSON, SignInJSON, SignInSecondFactorJSON, UserDataJSON } from '@clerk/shared/types';
import type { SignInSnapshot } from '../../domain/frontend/client-snapshot.js';
import { ceremonyNonce } from '../../domain/frontend/passkeys.js';
import { type FactorDescription, type SecondFactorDescription, supportedFirstFactors } from '../../domain/frontend/strategies/index.js';
import type { ImageLinks } from '../../domain/images/links.js';
import type { OAuthVerification } from '../../domain/oauth/social.js';
import type { SignIn, VerificationCode } from '../../model/index.js';
import { serializeCodeVerification, serializeOAuthVerification, serializeVerified, type VerificationWireJSON } from './verification.js';
import type { Amended } from './wire.js';

/**
 * Clerk's sign-in attempt: @clerk/shared's `SignInJSON`, with what Clerk sends where it differs from
 * the declaration (clerk-js's `SignIn.fromJSON` reads none of `object`, `abandon_at`; it copies
 * `identifier` and the names, null included, and maps a missing second-factor list to none): the
 * object is `sign_in_attempt`, the identifier and names may be null, Clerk's verification objects (see
 * verification.ts), the second factors only while one is needed (null otherwise, as Clerk sends it),
 * and when the attempt is abandoned.
 */
export type SignInWireJSON = Amended<
  SignInJSON,
  {
    object: 'sign_in_attempt';
    identifier: string | null;
    user_data: Amended<UserDataJSON, { first_name: string | null; last_name: string | null }>;
    supported_second_factors: SignInSecondFactorJSON[] | null;
    first_factor_verification: VerificationWireJSON | null;
    second_factor_verification: VerificationWireJSON | null;
    abandon_at: number;
  }
>;

function firstFactorVerification(
  signIn: SignIn,
  code: VerificationCode | undefined,
  oauth: OAuthVerification | undefined,
): VerificationWireJSON | null {
  if (!signIn.firstFactorStrategy) return null;
  if (oauth) return serializeOAuthVerification(oauth);
  // A factor verified without a code (a password) has no attempts or expiry to show.
  if (!code && signIn.firstFactorStatus === 'verified') return serializeVerified(signIn.firstFactorStrategy);
  // A completed e-mail link sign-in shows its link `verified` (what the polling tab waits for).
  if (code && signIn.status === 'complete' && code.status === 'verified') return serializeVerified(signIn.firstFactorStrategy, code);
  const pending = serializeCodeVerification(signIn.firstFactorStrategy, code);
  // A passkey's verification carries the assertion options clerk-js passes to WebAuthn.
  const nonce = signIn.firstFactorStrategy === 'passkey' && code?.status === 'unverified' ? ceremonyNonce(code) : undefined;
  return pending && nonce ? { ...pending, nonce } : pending;
}

function secondFactorVerification(signIn: SignIn, code: VerificationCode | undefined): VerificationWireJSON | null {
  if (!signIn.secondFactorStrategy) return null;
  if (code) return serializeCodeVerification(signIn.secondFactorStrategy, code);
  // TOTP and backup codes send nothing: the verification shows only how the attempt went.
  return {
    object: 'verification',
    status: signIn.secondFactorStatus ?? 'unverified',
    strategy: signIn.secondFactorStrategy,
    attempts: null,
    expire_at: null,
  };
}

/** A factor as `supported_second_factors` lists it. */
function serializeSecondFactor(factor: SecondFactorDescription): SignInSecondFactorJSON {
  return { strategy: factor.strategy };
}

/** A factor as `supported_first_factors` lists it. */
function serializeFactor(factor: FactorDescription): SignInFirstFactorJSON {
  if (!('safeIdentifier' in factor)) return { strategy: factor.strategy };
  if (factor.strategy === 'phone_code') {
    return {
      strategy: factor.strategy,
      phone_number_id: factor.phoneNumberId,
      safe_identifier: factor.safeIdentifier,
      primary: factor.primary,
    };
  }
  return {
    strategy: factor.strategy,
    email_address_id: factor.emailAddressId,
    safe_identifier: factor.safeIdentifier,
    primary: factor.primary,
  };
}

export function serializeSignIn(
  { signIn, factors, verification: code, secondFactorVerification: secondCode, settings, oauth }: SignInSnapshot,
  links: ImageLinks,
): SignInWireJSON {
  // The account's name and picture only once a factor has been verified: before that, they would tell
  // a stranger who owns the identifier (and that it has an account).
  const user = signIn.firstFactorStatus === 'verified' ? factors.user : undefined;
  return {
    object: 'sign_in_attempt',
    id: signIn.id,
    status: signIn.status,
    supported_identifiers: ['email_address', 'username'],
    identifier: signIn.identifier,
    user_data: user
      ? {
          first_name: user.firstName,
          last_name: user.lastName,
          ...links.user({ id: user.id, image: user.imageUrl, firstName: user.firstName, lastName: user.lastName }),
        }
      : { first_name: null, last_name: null, image_url: '', has_image: false },
    supported_first_factors: supportedFirstFactors(factors, settings).map(serializeFactor),
    supported_second_factors: signIn.status === 'needs_second_factor' ? factors.secondFactors.map(serializeSecondFactor) : null,
    first_factor_verification: firstFactorVerification(signIn, code, oauth),
    second_factor_verification: secondFactorVerification(signIn, secondCode),
    created_session_id: signIn.createdSessionId,
    abandon_at: signIn.expireAt,
    timezone: null,
  };
}
