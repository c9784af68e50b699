import type { EmailAddressJSON } from '@clerk/backend';
import type { EmailAddress } from '../../model/index.js';
import type { VerificationWireJSON } from './verification.js';
import type { Amended } from './wire.js';

/**
 * Clerk's `email_address`: @clerk/backend's type with Clerk's verification object (see
 * verification.ts), plus fields Clerk sends that it does not declare (clerk-js reads
 * `matches_sso_connection`; `reserved` and the times are Clerk's).
 */
export type EmailAddressWireJSON = Amended<EmailAddressJSON, { verification: VerificationWireJSON | null }> & {
  reserved: boolean;
  matches_sso_connection: boolean;
  created_at: number;
  updated_at: number;
};

/** The verification of an address already verified (by an operator, or by a code at sign-up). */
function verifiedAddress(email: EmailAddress): VerificationWireJSON | null {
  if (!email.verified) return null;
  return {
    object: 'verification_admin',
    status: 'verified',
    strategy: email.verificationStrategy ?? 'admin',
    attempts: null,
    expire_at: null,
  };
}

/**
 * The one wire shape of an e-mail address (Clerk's `email_address` object). `pending` is the code
 * verification in flight for an unverified address (`/v1/me/email_addresses`), if any.
 */
export function serializeEmailAddress(email: EmailAddress, pending: VerificationWireJSON | null = null): EmailAddressWireJSON {
  return {
    object: 'email_address',
    id: email.id,
    email_address: email.emailAddress,
    reserved: false,
    verification: verifiedAddress(email) ?? pending,
    linked_to: [],
    matches_sso_connection: false,
    created_at: email.createdAt,
    updated_at: email.updatedAt,
  };
}
