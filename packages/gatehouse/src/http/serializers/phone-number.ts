import type { PhoneNumberJSON } from '@clerk/backend';
import type { PhoneNumber, VerificationCode } from '../../model/index.js';
import { serializeCodeVerification, type VerificationWireJSON } from './verification.js';
import type { Amended } from './wire.js';

/**
 * Clerk's `phone_number`: @clerk/backend's `PhoneNumberJSON` with Clerk's verification object (see
 * verification.ts) and the times Clerk sends. `backup_codes` is null except in the one answer that
 * reserves the user's first second factor, which carries the backup codes made with it (clerk-js's
 * MFA screens show them from there).
 */
export type PhoneNumberWireJSON = Amended<PhoneNumberJSON, { verification: VerificationWireJSON | null; backup_codes: string[] | null }> & {
  created_at: number;
  updated_at: number;
};

/** The one wire shape of a phone number; `pending` is the SMS code in flight for an unverified one. */
export function serializePhoneNumber(phone: PhoneNumber, pending?: VerificationCode, backupCodes?: string[]): PhoneNumberWireJSON {
  const verification: VerificationWireJSON | null = phone.verified
    ? {
        object: 'verification_admin',
        status: 'verified',
        strategy: phone.verificationStrategy ?? 'admin',
        attempts: null,
        expire_at: null,
      }
    : serializeCodeVerification('phone_code', pending);
  return {
    object: 'phone_number',
    id: phone.id,
    phone_number: phone.phoneNumber,
    reserved_for_second_factor: phone.reservedForSecondFactor,
    default_second_factor: phone.defaultSecondFactor,
    reserved: false,
    verification,
    linked_to: [],
    backup_codes: backupCodes ?? null,
    created_at: phone.createdAt,
    updated_at: phone.updatedAt,
  };
}
