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

/** The overview's activity figures: timestamps in a window, bucketed by the domain. */
export function createActivityRepository(db: Kysely<Database>) {
  return {
    async userCreationTimes(since: number): Promise<number[]> {
      const rows = await db.selectFrom('users').select('created_at').where('created_at', '>=', since).execute();
      return rows.map((r) => Number(r.created_at));
    },
    async sessionCreationTimes(since: number): Promise<number[]> {
      const rows = await db.selectFrom('sessions').select('created_at').where('created_at', '>=', since).execute();
      return rows.map((r) => Number(r.created_at));
    },
    /** Sessions alive at some point since `since`: who was active, from when to when. */
    async sessionSpans(since: number): Promise<{ userId: string; from: number; to: number }[]> {
      const rows = await db
        .selectFrom('sessions')
        .select(['user_id', 'created_at', 'last_active_at'])
        .where('last_active_at', '>=', since)
        .execute();
      return rows.map((r) => ({ userId: r.user_id, from: Number(r.created_at), to: Number(r.last_active_at) }));
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
