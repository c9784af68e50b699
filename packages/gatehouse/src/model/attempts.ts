import type { Metadata } from './user.js';

export type SignInStatus = 'needs_identifier' | 'needs_first_factor' | 'needs_second_factor' | 'needs_new_password' | 'complete';
export type SignUpStatus = 'missing_requirements' | 'complete' | 'abandoned';
/** A verification's state, as Clerk's `verification.status` reports it. */
export type VerificationStatus = 'unverified' | 'verified' | 'failed' | 'expired' | 'transferable';
/** The sign-in strategies Gatehouse runs. */
export type FirstFactorStrategy =
  | 'password'
  | 'email_code'
  | 'reset_password_email_code'
  | 'phone_code'
  | 'email_link'
  | 'passkey'
  | 'ticket'
  | `oauth_${string}`;
/** The second factors Gatehouse runs (a sign-in's `supported_second_factors`). */
export type SecondFactorStrategy = 'totp' | 'backup_code' | 'phone_code';
/** What a one-time code proves. */
export type CodePurpose =
  | 'sign_up_email'
  | 'sign_in_email_code'
  | 'reset_password'
  | 'email_address'
  | 'sign_up_phone'
  | 'sign_in_phone_code'
  | 'sign_in_phone_second_factor'
  | 'phone_number'
  | 'sign_in_email_link'
  | 'sign_up_email_link'
  | 'email_address_link'
  | 'passkey_registration'
  | 'passkey_sign_in'
  | 'organization_domain';

export interface SignIn {
  id: string;
  clientId: string;
  status: SignInStatus;
  identifier: string | null;
  /** Null when the identifier matched nobody: the attempt then fails like a wrong password. */
  userId: string | null;
  firstFactorStrategy: FirstFactorStrategy | null;
  firstFactorStatus: VerificationStatus | null;
  secondFactorStrategy: SecondFactorStrategy | null;
  secondFactorStatus: VerificationStatus | null;
  createdSessionId: string | null;
  expireAt: number;
  createdAt: number;
  updatedAt: number;
}

export interface SignUp {
  id: string;
  clientId: string;
  status: SignUpStatus;
  emailAddress: string | null;
  emailVerified: boolean;
  passwordDigest: string | null;
  firstName: string | null;
  lastName: string | null;
  username: string | null;
  unsafeMetadata: Metadata;
  /** E.164; verified by `phone_code` before the sign-up completes. */
  phoneNumber: string | null;
  phoneVerified: boolean;
  createdUserId: string | null;
  createdSessionId: string | null;
  /** The OAuth flow (`oauth_<provider>`) this sign-up came from or goes through, if any. */
  externalFlowId: string | null;
  expireAt: number;
  createdAt: number;
  updatedAt: number;
  /** Set by the backend (`PATCH /v1/sign_ups/{id}`); the user created from the sign-up gets it. */
  externalId: string | null;
  /** Set by the backend: the app's own checks ran on this sign-up. */
  customAction: boolean;
}

/** A one-time code; only its HMAC is stored. */
export interface VerificationCode {
  id: string;
  subjectId: string;
  purpose: CodePurpose;
  emailAddress: string;
  codeHash: string;
  attempts: number;
  /** An e-mail link's page to return to (its `redirect_url`), a passkey ceremony's options; null for codes. */
  payload: string | null;
  status: VerificationStatus;
  expireAt: number;
  createdAt: number;
}
