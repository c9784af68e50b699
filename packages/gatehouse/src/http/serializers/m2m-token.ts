import type { M2MToken } from '../../model/index.js';
import type { M2MTokenJSON } from './sdk-machine-json.js';

/** Clerk's `machine_to_machine_token` object; the token itself only in the create call's answer. */
export function serializeM2MToken(token: M2MToken, now: number, secret?: string): M2MTokenJSON {
  return {
    object: 'machine_to_machine_token',
    id: token.id,
    ...(secret ? { token: secret } : {}),
    subject: token.subject,
    scopes: token.scopes,
    claims: token.claims,
    revoked: token.revoked,
    revocation_reason: token.revocationReason,
    expired: token.expiration !== null && token.expiration <= now,
    expiration: token.expiration,
    created_at: token.createdAt,
    updated_at: token.updatedAt,
  };
}

/** A list of M2M tokens: Clerk names the array `m2m_tokens`, not `data`, and the SDK reads that. */
export function serializeM2MTokenPage(
  tokens: M2MToken[],
  totalCount: number,
  now: number,
): { m2m_tokens: M2MTokenJSON[]; total_count: number } {
  return { m2m_tokens: tokens.map((t) => serializeM2MToken(t, now)), total_count: totalCount };
}
