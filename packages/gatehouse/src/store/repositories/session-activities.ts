import type { Kysely } from 'kysely';
import type { SessionActivity } from '../../model/index.js';
import type { Database, SessionActivityTable } from '../schema.js';

function fromRow(row: SessionActivityTable): SessionActivity {
  return {
    sessionId: row.session_id,
    browserName: row.browser_name,
    browserVersion: row.browser_version,
    osName: row.os_name,
    deviceType: row.device_type,
    isMobile: Number(row.is_mobile) === 1,
    ipAddress: row.ip_address,
    city: row.city,
    country: row.country,
    createdAt: Number(row.created_at),
  };
}

export function createSessionActivityRepository(db: Kysely<Database>) {
  return {
    /** Keeps the first activity of a session: the sign-in that made it. */
    async insertIfAbsent(activity: SessionActivity): Promise<void> {
      await db
        .insertInto('session_activities')
        .values({
          session_id: activity.sessionId,
          browser_name: activity.browserName,
          browser_version: activity.browserVersion,
          os_name: activity.osName,
          device_type: activity.deviceType,
          is_mobile: activity.isMobile ? 1 : 0,
          ip_address: activity.ipAddress,
          city: activity.city,
          country: activity.country,
          created_at: activity.createdAt,
        })
        .onConflict((oc) => oc.column('session_id').doNothing())
        .execute();
    },
    async listBySessionIds(sessionIds: readonly string[]): Promise<SessionActivity[]> {
      if (sessionIds.length === 0) return [];
      const rows = await db.selectFrom('session_activities').selectAll().where('session_id', 'in', sessionIds).execute();
      return rows.map(fromRow);
    },
  };
}

export type SessionActivityRepository = ReturnType<typeof createSessionActivityRepository>;
