/** A phone number of a user; only a verified one signs in or receives codes for sign-in. */
export interface PhoneNumber {
  id: string;
  userId: string;
  /** E.164 (`+15555550100`). */
  phoneNumber: string;
  verified: boolean;
  /** Null while unverified. */
  verificationStrategy: PhoneVerificationStrategy | null;
  /** The user's primary phone number (`primary_phone_number_id`); at most one per user. */
  primary: boolean;
  /** Kept for Clerk's wire (`reserved_for_second_factor`, `default_second_factor`); set by the MFA machinery. */
  reservedForSecondFactor: boolean;
  defaultSecondFactor: boolean;
  createdAt: number;
  updatedAt: number;
}

/** How a phone number was verified: by an operator through BAPI, or by an SMS code. */
export type PhoneVerificationStrategy = 'admin' | 'phone_code';

/** A WebAuthn credential registered by a user; `credentialId` is null until the registration is verified. */
export interface Passkey {
  id: string;
  userId: string;
  name: string;
  /** base64url credential id; null while the registration awaits its attestation. */
  credentialId: string | null;
  /** base64url COSE public key. */
  publicKey: string | null;
  counter: number;
  transports: string[];
  verified: boolean;
  lastUsedAt: number | null;
  createdAt: number;
  updatedAt: number;
}
