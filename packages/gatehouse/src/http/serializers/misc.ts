import type { JwtTemplateRow } from '../../domain/model.js';

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

export function serializeJwtTemplate(row: JwtTemplateRow) {
  return {
    object: 'jwt_template',
    id: row.id,
    name: row.name,
    claims: JSON.parse(row.claims) as Record<string, unknown>,
    lifetime: row.lifetime,
    allowed_clock_skew: row.allowed_clock_skew,
    custom_signing_key: row.custom_signing_key === 1,
    signing_algorithm: row.signing_algorithm,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
