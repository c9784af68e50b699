import { type Kysely, sql } from 'kysely';
import type { ActorToken, ActorTokenStatus, AuditEvent, Operator, OperatorSession, OperatorToken } from '../../model/index.js';
import { guardUnique } from '../errors.js';
import { actorTokenMapping, auditEventMapping, operatorMapping, operatorSessionMapping, operatorTokenMapping } from '../mappings.js';
import type { Database } from '../schema.js';

export function createOperatorRepository(db: Kysely<Database>) {
  return {
    async list(): Promise<Operator[]> {
      const rows = await db.selectFrom('operators').selectAll().orderBy('created_at', 'asc').execute();
      return rows.map(operatorMapping.read);
    },
    async count(): Promise<number> {
      const row = await db
        .selectFrom('operators')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async findById(id: string): Promise<Operator | undefined> {
      const row = await db.selectFrom('operators').selectAll().where('id', '=', id).executeTakeFirst();
      return row && operatorMapping.read(row);
    },
    async findByEmail(email: string): Promise<Operator | undefined> {
      const row = await db.selectFrom('operators').selectAll().where('email', '=', email).executeTakeFirst();
      return row && operatorMapping.read(row);
    },
    async insert(operator: Operator): Promise<void> {
      await guardUnique(db.insertInto('operators').values(operatorMapping.write(operator)).execute());
    },
    async update(id: string, changes: Partial<Omit<Operator, 'id'>>): Promise<void> {
      await db.updateTable('operators').set(operatorMapping.writeChanges(changes)).where('id', '=', id).execute();
    },
    /** Counts a failed sign-in in one statement; returns the count after it. */
    async recordFailure(id: string, now: number): Promise<number> {
      await db
        .updateTable('operators')
        .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1), updated_at: now }))
        .where('id', '=', id)
        .execute();
      const row = await db.selectFrom('operators').select('failed_attempts').where('id', '=', id).executeTakeFirst();
      return Number(row?.failed_attempts ?? 0);
    },
    async delete(id: string): Promise<boolean> {
      const result = await db.deleteFrom('operators').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export function createOperatorTokenRepository(db: Kysely<Database>) {
  return {
    async insert(token: OperatorToken): Promise<void> {
      await db.insertInto('operator_tokens').values(operatorTokenMapping.write(token)).execute();
    },
    /** Deletes and returns the token (one use), if it exists. */
    async take(tokenHash: string): Promise<OperatorToken | undefined> {
      const row = await db.selectFrom('operator_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      if (!row) return undefined;
      const deleted = await db.deleteFrom('operator_tokens').where('token_hash', '=', tokenHash).executeTakeFirst();
      return Number(deleted.numDeletedRows) > 0 ? operatorTokenMapping.read(row) : undefined;
    },
    async find(tokenHash: string): Promise<OperatorToken | undefined> {
      const row = await db.selectFrom('operator_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      return row && operatorTokenMapping.read(row);
    },
    async deleteForOperator(operatorId: string): Promise<void> {
      await db.deleteFrom('operator_tokens').where('operator_id', '=', operatorId).execute();
    },
    async deleteExpired(now: number): Promise<void> {
      await db.deleteFrom('operator_tokens').where('expires_at', '<=', now).execute();
    },
  };
}

export function createOperatorSessionRepository(db: Kysely<Database>) {
  return {
    async insert(session: OperatorSession): Promise<void> {
      await db.insertInto('operator_sessions').values(operatorSessionMapping.write(session)).execute();
    },
    async findByTokenHash(tokenHash: string): Promise<OperatorSession | undefined> {
      const row = await db.selectFrom('operator_sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      return row && operatorSessionMapping.read(row);
    },
    async list(): Promise<OperatorSession[]> {
      const rows = await db.selectFrom('operator_sessions').selectAll().orderBy('last_active_at', 'desc').execute();
      return rows.map(operatorSessionMapping.read);
    },
    async touch(id: string, now: number): Promise<void> {
      await db.updateTable('operator_sessions').set({ last_active_at: now }).where('id', '=', id).execute();
    },
    async delete(id: string): Promise<boolean> {
      const result = await db.deleteFrom('operator_sessions').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async deleteForOperator(operatorId: string): Promise<void> {
      await db.deleteFrom('operator_sessions').where('operator_id', '=', operatorId).execute();
    },
    async deleteExpired(now: number): Promise<void> {
      await db.deleteFrom('operator_sessions').where('expires_at', '<=', now).execute();
    },
  };
}

export interface AuditFilter {
  action?: string;
  /** Prefix of the action (`user.` for every user action). */
  actionPrefix?: string;
  actorType?: string;
  actorId?: string;
  targetId?: string;
  after?: number;
  before?: number;
}

export function createAuditLogRepository(db: Kysely<Database>) {
  function filtered(filter: AuditFilter) {
    let q = db.selectFrom('audit_log');
    if (filter.action) q = q.where('action', '=', filter.action);
    // SQLite has no default LIKE escape character: name it, so `session_token.` matches only itself.
    if (filter.actionPrefix) {
      const pattern = `${filter.actionPrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where('action', 'like', sql<string>`${pattern} escape '\\'`);
    }
    if (filter.actorType) q = q.where('actor_type', '=', filter.actorType);
    if (filter.actorId) q = q.where('actor_id', '=', filter.actorId);
    if (filter.targetId) q = q.where('target_id', '=', filter.targetId);
    if (filter.after !== undefined) q = q.where('at', '>=', filter.after);
    if (filter.before !== undefined) q = q.where('at', '<', filter.before);
    return q;
  }
  return {
    async insert(event: AuditEvent): Promise<void> {
      await db.insertInto('audit_log').values(auditEventMapping.write(event)).execute();
    },
    async list(filter: AuditFilter, limit: number, offset: number): Promise<AuditEvent[]> {
      const rows = await filtered(filter).selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
      return rows.map(auditEventMapping.read);
    },
    async count(filter: AuditFilter): Promise<number> {
      const row = await filtered(filter)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

const DAY_MS = 86_400_000;

/** `count` per day index (0 = the day starting at `since`), as the database grouped them. */
function byDay(rows: { day: unknown; n: unknown }[], days: number): number[] {
  const counts = new Array<number>(days).fill(0);
  for (const row of rows) {
    const day = Number(row.day);
    if (day >= 0 && day < days) counts[day] = Number(row.n);
  }
  return counts;
}

/**
 * The overview's figures, aggregated by the database (one row per day comes back, never one per
 * user or session): a million users cost an index range scan, not a million rows over the wire.
 */
export function createActivityRepository(db: Kysely<Database>) {
  /**
   * Rows created per UTC day of `[since, since + days)`, from `table`'s indexed `created_at`. The
   * cast keeps the division an integer one (better-sqlite3 binds a JS number as a REAL).
   */
  async function createdPerDay(table: 'users' | 'sessions', since: number, days: number): Promise<number[]> {
    const { rows } = await sql<{ day: number; n: number }>`
      SELECT (created_at - CAST(${since} AS BIGINT)) / ${sql.raw(String(DAY_MS))} AS day, COUNT(*) AS n
      FROM ${sql.table(table)}
      WHERE created_at >= ${since}
      GROUP BY 1`.execute(db);
    return byDay(rows, days);
  }
  return {
    userSignUpsPerDay: (since: number, days: number) => createdPerDay('users', since, days),
    sessionSignInsPerDay: (since: number, days: number) => createdPerDay('sessions', since, days),
    /**
     * Distinct users with a session alive on each day (created before its end, last active after
     * its start). The recent sessions are read once (materialized), then joined to the days.
     */
    async activeUsersPerDay(since: number, days: number): Promise<number[]> {
      // Integers computed here, not input: safe as literals (and typed bigint by PostgreSQL).
      const starts = Array.from({ length: days }, (_, i) => `(${i}, ${since + i * DAY_MS})`).join(', ');
      const { rows } = await sql<{ day: number; n: number }>`
        WITH recent AS MATERIALIZED (
          SELECT user_id, created_at, last_active_at FROM sessions WHERE last_active_at >= ${since}
        ),
        days AS (SELECT column1 AS day, column2 AS day_start FROM (VALUES ${sql.raw(starts)}) AS d)
        SELECT days.day AS day, COUNT(DISTINCT recent.user_id) AS n
        FROM days JOIN recent ON recent.created_at < days.day_start + ${sql.raw(String(DAY_MS))} AND recent.last_active_at >= days.day_start
        GROUP BY days.day`.execute(db);
      return byDay(rows, days);
    },
    /** Webhook deliveries waiting to be sent (and since when), and those that gave up in the last day. */
    async webhookBacklog(now: number): Promise<{ pending: number; oldestPendingAt: number | null; failedLastDay: number }> {
      const pending = await db
        .selectFrom('webhook_deliveries')
        .select((eb) => [eb.fn.countAll<number | string>().as('n'), eb.fn.min('created_at').as('oldest')])
        .where('status', '=', 'pending')
        .executeTakeFirstOrThrow();
      const failed = await db
        .selectFrom('webhook_deliveries')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('status', '=', 'failed')
        .where('updated_at', '>=', now - DAY_MS)
        .executeTakeFirstOrThrow();
      return {
        pending: Number(pending.n),
        oldestPendingAt: pending.oldest === null || pending.oldest === undefined ? null : Number(pending.oldest),
        failedLastDay: Number(failed.n),
      };
    },
  };
}

export type OperatorRepository = ReturnType<typeof createOperatorRepository>;
export type OperatorTokenRepository = ReturnType<typeof createOperatorTokenRepository>;
export type OperatorSessionRepository = ReturnType<typeof createOperatorSessionRepository>;
export type AuditLogRepository = ReturnType<typeof createAuditLogRepository>;
export type ActivityRepository = ReturnType<typeof createActivityRepository>;

export function createActorTokenRepository(db: Kysely<Database>) {
  return {
    async insert(token: ActorToken): Promise<void> {
      await db.insertInto('actor_tokens').values(actorTokenMapping.write(token)).execute();
    },
    async findById(id: string): Promise<ActorToken | undefined> {
      const row = await db.selectFrom('actor_tokens').selectAll().where('id', '=', id).executeTakeFirst();
      return row && actorTokenMapping.read(row);
    },
    async findByTokenHash(tokenHash: string): Promise<ActorToken | undefined> {
      const row = await db.selectFrom('actor_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      return row && actorTokenMapping.read(row);
    },
    /** Moves a token from `from` to `to` in one statement; false when it was not in `from` (a race lost). */
    async transition(id: string, from: ActorTokenStatus, to: ActorTokenStatus, now: number): Promise<boolean> {
      const result = await db
        .updateTable('actor_tokens')
        .set({ status: to, updated_at: now })
        .where('id', '=', id)
        .where('status', '=', from)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}

export type ActorTokenRepository = ReturnType<typeof createActorTokenRepository>;
