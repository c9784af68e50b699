import type { SessionRow } from '../../domain/model.js';

/** The one wire shape of a session (Clerk's `session` object). */
export function serializeSession(row: SessionRow) {
  return {
    object: 'session',
    id: row.id,
    client_id: row.client_id,
    user_id: row.user_id,
    status: row.status,
    last_active_organization_id: row.last_active_organization_id,
    actor: null,
    latest_activity: null,
    last_active_at: row.last_active_at,
    expire_at: row.expire_at,
    abandon_at: row.abandon_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
