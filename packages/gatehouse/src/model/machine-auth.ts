/** An API key a user or an organization hands to a program: `ak_…`, verified by the app's backend. */
export interface ApiKey {
  id: string;
  name: string;
  /** The user (`user_…`) or organization (`org_…`) the key acts for. */
  subject: string;
  description: string | null;
  claims: Record<string, unknown> | null;
  scopes: string[];
  createdBy: string | null;
  /** SHA-256 of the secret: what verification looks up. */
  secretHash: string;
  /** The secret sealed with the encryption key, for `GET /api_keys/{id}/secret`. */
  secretEnc: string;
  revoked: boolean;
  revocationReason: string | null;
  /** Unix ms; null: never expires. */
  expiration: number | null;
  lastUsedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** A machine: a service that authenticates with its own secret key and mints M2M tokens. */
export interface Machine {
  id: string;
  name: string;
  /** Seconds an M2M token it creates lives when the request does not say. */
  defaultTokenTtl: number;
  secretKeyHash: string;
  secretKeyEnc: string;
  /** The secret key before the last rotation, accepted until `previousSecretKeyExpiresAt`. */
  previousSecretKeyHash: string | null;
  previousSecretKeyExpiresAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** `fromMachineId` may send its tokens to `toMachineId`. */
export interface MachineScope {
  fromMachineId: string;
  toMachineId: string;
  createdAt: number;
}

/** An opaque machine-to-machine token (`mt_…`); only its hash is kept. */
export interface M2MToken {
  id: string;
  /** The machine that created it. */
  subject: string;
  /** The machines it may be presented to (the creator's scopes when it was made). */
  scopes: string[];
  claims: Record<string, unknown> | null;
  tokenHash: string;
  revoked: boolean;
  revocationReason: string | null;
  expiration: number | null;
  createdAt: number;
  updatedAt: number;
}
