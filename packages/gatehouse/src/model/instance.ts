export type EnvironmentType = 'development' | 'production';

/** The one instance: its secret key only hashed and sealed; `settings` is decoded JSON the domain reads leniently. */
export interface StoredInstance {
  id: string;
  environmentType: EnvironmentType;
  /** Hex SHA-256 of the secret key. */
  secretKeyHash: string;
  /** The secret key sealed with the encryption key. */
  secretKeyEnc: string;
  settings: object;
  createdAt: number;
  updatedAt: number;
  /** Hex SHA-256 of the secret key replaced by the last rotation, accepted until `previousSecretKeyExpiresAt`. */
  previousSecretKeyHash: string | null;
  previousSecretKeyExpiresAt: number | null;
}

/** The newest `active` key signs and every `active` one is in the JWKS; `retired` keys are in neither. */
export type SigningKeyStatus = 'active' | 'retired';

export interface StoredSigningKey {
  kid: string;
  /** The PKCS#8 PEM sealed with the encryption key. */
  privateKeyEnc: string;
  publicJwk: object;
  status: SigningKeyStatus;
  createdAt: number;
  /** When a rotated-in key starts signing (published before that); null for a key that signs at once. */
  activatesAt: number | null;
  /** When a rotated-out key leaves the JWKS; null while it has no successor. */
  retiresAt: number | null;
}

/** An allowed redirect target registered through BAPI `/v1/redirect_urls` (a web URL or an app's custom scheme). */
export interface RedirectUrl {
  id: string;
  url: string;
  createdAt: number;
  updatedAt: number;
}

/**
 * A domain of the instance (`/v1/domains`): the primary one follows the public URL; satellites (apps
 * on other sites sharing the sign-in) are registered through BAPI.
 */
export interface InstanceDomain {
  id: string;
  /** Host name, with the port in development (`localhost:3000`). */
  name: string;
  isSatellite: boolean;
  proxyUrl: string | null;
  createdAt: number;
  updatedAt: number;
}
