import type { VerificationJSON } from '@clerk/backend';
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
