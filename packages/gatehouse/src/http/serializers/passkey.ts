import type { PasskeyJSON } from '@clerk/shared/types';
import { ceremonyNonce } from '../../domain/frontend/passkeys.js';
import type { Passkey, VerificationCode } from '../../model/index.js';
import { serializeCodeVerification, type VerificationWireJSON } from './verification.js';
import type { Amended } from './wire.js';

/**
 * Clerk's `passkey`: @clerk/shared's `PasskeyJSON` with Clerk's verification object. A registration in
 * progress carries the creation options in `verification.nonce` (clerk-js parses it for WebAuthn).
 */
export type PasskeyWireJSON = Amended<PasskeyJSON, { verification: VerificationWireJSON | null }>;

export function serializePasskey(passkey: Passkey, ceremony?: VerificationCode): PasskeyWireJSON {
  let verification: VerificationWireJSON | null;
  if (passkey.verified) {
    verification = { object: 'verification', status: 'verified', strategy: 'passkey', attempts: null, expire_at: null };
  } else {
    const pending = serializeCodeVerification('passkey', ceremony);
    const nonce = ceremonyNonce(ceremony);
    verification = pending && nonce ? { ...pending, nonce } : pending;
  }
  return {
    object: 'passkey',
    id: passkey.id,
    name: passkey.name,
    verification,
    last_used_at: passkey.lastUsedAt,
    created_at: passkey.createdAt,
    updated_at: passkey.updatedAt,
  };
}
