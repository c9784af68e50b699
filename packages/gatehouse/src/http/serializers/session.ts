import type { Session, SessionActivity } from '../../model/index.js';
import { serializeSessionActivity } from './session-activity.js';

/** The one wire shape of a session (Clerk's `session` object). */
export function serializeSession(row: Session, activity?: SessionActivity) {
  return {
    object: 'session',
    id: row.id,
    client_id: row.clientId,
    user_id: row.userId,
    status: row.status,
    last_active_organization_id: row.lastActiveOrganizationId,
    actor: null,
    latest_activity: activity ? serializeSessionActivity(row.id, activity, { audience: 'backend' }) : null,
    last_active_at: row.lastActiveAt,
    expire_at: row.expireAt,
    abandon_at: row.abandonAt,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}
