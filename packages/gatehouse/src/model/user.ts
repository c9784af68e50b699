/** Free-form JSON object a user, organization or membership carries (`public_metadata` …). */
export type Metadata = Record<string, unknown>;

/** A user as the domain sees it: booleans, decoded metadata, camelCase. */
export interface User {
  id: string;
  externalId: string | null;
  username: string | null;
  firstName: string | null;
  lastName: string | null;
  imageUrl: string | null;
  passwordDigest: string | null;
  /** The algorithm of `passwordDigest` (`argon2id`, or an imported `bcrypt`, `scrypt_firebase` …). */
  passwordHasher: string | null;
  passwordLastUpdatedAt: number | null;
  primaryEmailAddressId: string | null;
  publicMetadata: Metadata;
  privateMetadata: Metadata;
  unsafeMetadata: Metadata;
  banned: boolean;
  locked: boolean;
  lastSignInAt: number | null;
  lastActiveAt: number | null;
  locale: string | null;
  timezone: string | null;
  legalAcceptedAt: number | null;
  createOrganizationEnabled: boolean;
  deleteSelfEnabled: boolean;
  createdAt: number;
  updatedAt: number;
  /** Failed passwords and codes since `failedVerificationWindowStart` (automatic lockout). */
  failedVerificationAttempts: number;
  failedVerificationWindowStart: number | null;
  /** Locked out automatically until then (ms); null or past: not locked out. */
  lockoutUntil: number | null;
  /** Marked compromised through the Backend API: a sign-in with the password must replace it. */
  passwordCompromised: boolean;
  /** A verified TOTP authenticator is set up (second factor). */
  totpEnabled: boolean;
  /** Unused backup codes exist (second factor). */
  backupCodeEnabled: boolean;
  /** When the user last turned on their first second factor, and last turned off their last one. */
  mfaEnabledAt: number | null;
  mfaDisabledAt: number | null;
}

/** How an e-mail address was verified: by an operator through BAPI, or by a code at sign-up. */
export type EmailVerificationStrategy = 'admin' | 'email_code' | 'email_link' | `from_oauth_${string}`;

export interface EmailAddress {
  id: string;
  userId: string;
  /** Stored lower-case. */
  emailAddress: string;
  verified: boolean;
  /** Null while unverified. */
  verificationStrategy: EmailVerificationStrategy | null;
  createdAt: number;
  updatedAt: number;
}

/** A user's TOTP authenticator: the secret is sealed at rest; unverified until a first code is entered. */
export interface TotpSecret {
  id: string;
  userId: string;
  secretEnc: string;
  verified: boolean;
  /** The last RFC 6238 time step a code was accepted for (no replay within the window). */
  lastUsedStep: number | null;
  createdAt: number;
  updatedAt: number;
}
