import type { ApiKey } from '../../model/index.js';
import type { APIKeyJSON } from './sdk-machine-json.js';

/**
 * Clerk's `api_key` object. `expired` is decided at `now`; the secret is in the answer only when it
 * is passed (the create call), and never its hash or sealed copy.
 */
export function serializeApiKey(key: ApiKey, now: number, secret?: string): APIKeyJSON {
  return {
    object: 'api_key',
    id: key.id,
    type: 'api_key',
    name: key.name,
    ...(secret ? { secret } : {}),
    subject: key.subject,
    scopes: key.scopes,
    claims: key.claims,
    revoked: key.revoked,
    revocation_reason: key.revocationReason,
    expired: key.expiration !== null && key.expiration <= now,
    expiration: key.expiration,
    created_by: key.createdBy,
    description: key.description,
    last_used_at: key.lastUsedAt,
    created_at: key.createdAt,
    updated_at: key.updatedAt,
  };
}
