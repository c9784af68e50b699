import type { Store } from '../../store/index.js';
import type { Clock } from '../clock.js';

const DAY_MS = 86_400_000;
/**
 * How long a node reuses the figures: counting active users reads every session active in the
 * window (about 4 s for a million sessions on SQLite), and the past days do not change.
 */
const ACTIVITY_CACHE_MS = 60_000;

export interface DailyActivity {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  signUps: number;
  signIns: number;
  activeUsers: number;
}

export interface WebhookBacklog {
  pending: number;
  oldestPendingAt: number | null;
  failedLastDay: number;
}

/**
 * The overview page's figures, per UTC day: sign-ups (users created), sign-ins (sessions created),
 * and active users (distinct users with a session alive that day: created by its end, last active
 * after its start). The database does the counting (see the activity repository).
 */
export function createOverviewService(store: Store, clock: Clock) {
  let cached: { days: number; at: number; rows: Promise<DailyActivity[]> } | undefined;
  /** When the figures `activity` returns were counted (ms). */
  const countedAt = (): number => cached?.at ?? clock();
  async function count(days: number): Promise<DailyActivity[]> {
    const today = Math.floor(clock() / DAY_MS) * DAY_MS;
    const since = today - (days - 1) * DAY_MS;
    const [signUps, signIns, active] = await Promise.all([
      store.activity.userSignUpsPerDay(since, days),
      store.activity.sessionSignInsPerDay(since, days),
      store.activity.activeUsersPerDay(since, days),
    ]);
    return Array.from({ length: days }, (_, i) => ({
      day: new Date(since + i * DAY_MS).toISOString().slice(0, 10),
      signUps: signUps[i] ?? 0,
      signIns: signIns[i] ?? 0,
      activeUsers: active[i] ?? 0,
    }));
  }
  return {
    /** The last `days` days; computed at most once a minute per node (concurrent callers share one count). */
    activity(days = 30): Promise<DailyActivity[]> {
      const now = clock();
      if (!cached || cached.days !== days || now - cached.at >= ACTIVITY_CACHE_MS) {
        const rows = count(days);
        cached = { days, at: now, rows };
        rows.catch(() => {
          if (cached?.rows === rows) cached = undefined;
        });
      }
      return cached.rows;
    },
    /** Deliveries waiting (the oldest's age tells a stuck endpoint) and those that gave up in the last day. */
    countedAt,
    webhookBacklog: (): Promise<WebhookBacklog> => store.activity.webhookBacklog(clock()),
  };
}

export type OverviewService = ReturnType<typeof createOverviewService>;
