import type { Store } from '../../store/index.js';
import type { Clock } from '../clock.js';

const DAY_MS = 86_400_000;

export interface DailyActivity {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  signUps: number;
  signIns: number;
  activeUsers: number;
}

/**
 * The overview page's figures, per UTC day: sign-ups (users created), sign-ins (sessions created),
 * and active users (distinct users with a session alive that day: created by its end, last active
 * after its start).
 */
export function createOverviewService(store: Store, clock: Clock) {
  return {
    async activity(days = 30): Promise<DailyActivity[]> {
      const today = Math.floor(clock() / DAY_MS) * DAY_MS;
      const since = today - (days - 1) * DAY_MS;
      const [created, sessions, spans] = await Promise.all([
        store.activity.userCreationTimes(since),
        store.activity.sessionCreationTimes(since),
        store.activity.sessionSpans(since),
      ]);
      const bucket = (at: number) => Math.floor((at - since) / DAY_MS);
      const rows = Array.from({ length: days }, (_, i) => ({
        day: new Date(since + i * DAY_MS).toISOString().slice(0, 10),
        signUps: 0,
        signIns: 0,
        active: new Set<string>(),
      }));
      for (const at of created) {
        const row = rows[bucket(at)];
        if (row) row.signUps += 1;
      }
      for (const at of sessions) {
        const row = rows[bucket(at)];
        if (row) row.signIns += 1;
      }
      for (const span of spans) {
        for (let i = Math.max(0, bucket(span.from)); i <= Math.min(days - 1, bucket(span.to)); i++) rows[i]?.active.add(span.userId);
      }
      return rows.map(({ active, ...row }) => ({ ...row, activeUsers: active.size }));
    },
  };
}

export type OverviewService = ReturnType<typeof createOverviewService>;
