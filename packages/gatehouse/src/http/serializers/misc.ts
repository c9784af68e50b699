import type { JwtTemplate } from '../../model/index.js';

/** Clerk's answer to a delete: the object type, its id and `deleted: true`. */
export function serializeDeleted(object: string, id: string) {
  return { object, id, deleted: true };
}

export function serializeToken(jwt: string) {
  return { object: 'token', jwt };
}

/** Paginated lists: `{ data, total_count }` (users are the exception, see the users route). */
export function serializePage<T>(data: T[], totalCount: number) {
  return { data, total_count: totalCount };
}

export function serializeJwtTemplate(row: JwtTemplate) {
  return {
    object: 'jwt_template',
    id: row.id,
    name: row.name,
    claims: row.claims,
    lifetime: row.lifetime,
    allowed_clock_skew: row.allowedClockSkew,
    custom_signing_key: row.customSigningKey,
    signing_algorithm: row.signingAlgorithm,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}
