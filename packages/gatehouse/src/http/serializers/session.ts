import type { Session } from '../../model/index.js';

/** The one wire shape of a session (Clerk's `session` object). */
export function serializeSession(row: Session) {
  return {
    object: 'session',
    id: row.id,
    client_id: row.clientId,
    user_id: row.userId,
    status: row.status,
    last_active_organization_id: row.lastActiveOrganizationId,
    actor: null,
    latest_activity: null,
    last_active_at: row.lastActiveAt,
    expire_at: row.expireAt,
    abandon_at: row.abandonAt,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}
