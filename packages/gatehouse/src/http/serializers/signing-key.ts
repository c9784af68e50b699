import type { SigningKeyRotation } from '../../domain/key-rotation.js';
import type { SigningKeySummary } from '../../domain/keyring.js';

/** Gatehouse's key-rotation admin answers (Clerk rotates its keys itself, so no SDK type exists for them). */
export interface SigningKeyJSON {
  object: 'signing_key';
  kid: string;
  state: SigningKeySummary['state'];
  created_at: number;
  activates_at: number;
  retires_at: number | null;
}

export interface SigningKeyRotationJSON {
  object: 'signing_key_rotation';
  kid: string;
  activates_at: number;
  previous_keys_retire_at: number;
  retain_seconds: number;
  keys: SigningKeyJSON[];
}

export interface SecretKeyRotationJSON {
  object: 'secret_key';
  secret_key: string;
  previous_expires_at: number;
}

export function serializeSigningKey(key: SigningKeySummary): SigningKeyJSON {
  return {
    object: 'signing_key',
    kid: key.kid,
    state: key.state,
    created_at: key.createdAt,
    activates_at: key.activatesAt,
    retires_at: key.retiresAt,
  };
}

export function serializeSigningKeyRotation(rotation: SigningKeyRotation, keys: SigningKeySummary[]): SigningKeyRotationJSON {
  return {
    object: 'signing_key_rotation',
    kid: rotation.kid,
    activates_at: rotation.activatesAt,
    previous_keys_retire_at: rotation.previousKeysRetireAt,
    retain_seconds: rotation.retainSeconds,
    keys: keys.map(serializeSigningKey),
  };
}

export function serializeSecretKeyRotation(rotated: { secretKey: string; previousExpiresAt: number }): SecretKeyRotationJSON {
  return { object: 'secret_key', secret_key: rotated.secretKey, previous_expires_at: rotated.previousExpiresAt };
}
