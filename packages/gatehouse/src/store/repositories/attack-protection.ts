import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';

/**
 * Counters that must hold under concurrency (several requests, several nodes): every change is one
 * statement that increments and returns the new value, so no two requests read the same old count.
 */
export function createAttemptCounterRepository(db: Kysely<Database>) {
  return {
    /** Counts one event for `key` in a fixed window; a window older than `windowMs` starts over at 1. */
    async hit(key: string, windowMs: number, now: number): Promise<{ count: number; windowStart: number }> {
      const stale = now - windowMs;
      const row = await db
        .insertInto('attempt_counters')
        .values({ key, count: 1, window_start: now })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            count: sql<number>`case when attempt_counters.window_start <= ${stale} then 1 else attempt_counters.count + 1 end`,
            window_start: sql<number>`case when attempt_counters.window_start <= ${stale} then ${now} else attempt_counters.window_start end`,
          }),
        )
        .returning(['count', 'window_start'])
        .executeTakeFirstOrThrow();
      return { count: Number(row.count), windowStart: Number(row.window_start) };
    },
    async peek(key: string): Promise<{ count: number; windowStart: number } | undefined> {
      const row = await db.selectFrom('attempt_counters').select(['count', 'window_start']).where('key', '=', key).executeTakeFirst();
      return row ? { count: Number(row.count), windowStart: Number(row.window_start) } : undefined;
    },
    async clear(key: string): Promise<void> {
      await db.deleteFrom('attempt_counters').where('key', '=', key).execute();
    },
  };
}

/** A user's failed verifications and automatic lockout, kept on the user row. */
export function createUserLockoutRepository(db: Kysely<Database>) {
  return {
    /**
     * Counts one failed password or code in one statement; at `maxAttempts` within the window the user
     * is locked out until `now + lockoutMs`. Returns the count and the lockout's end (null: none).
     */
    async recordFailure(
      userId: string,
      rule: { windowMs: number; maxAttempts: number; lockoutMs: number },
      now: number,
    ): Promise<{ attempts: number; lockoutUntil: number | null } | undefined> {
      const stale = now - rule.windowMs;
      const fresh = sql<boolean>`(failed_verification_window_start is null or failed_verification_window_start <= ${stale})`;
      const next = sql<number>`case when ${fresh} then 1 else failed_verification_attempts + 1 end`;
      const row = await db
        .updateTable('users')
        .set({
          failed_verification_attempts: next,
          failed_verification_window_start: sql<number>`case when ${fresh} then ${now} else failed_verification_window_start end`,
          lockout_until: sql<number | null>`case when ${next} >= ${rule.maxAttempts} then ${now + rule.lockoutMs} else lockout_until end`,
        })
        .where('id', '=', userId)
        .returning(['failed_verification_attempts', 'lockout_until'])
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        attempts: Number(row.failed_verification_attempts),
        lockoutUntil: row.lockout_until === null ? null : Number(row.lockout_until),
      };
    },
    async reset(userId: string): Promise<void> {
      await db
        .updateTable('users')
        .set({ failed_verification_attempts: 0, failed_verification_window_start: null, lockout_until: null })
        .where('id', '=', userId)
        .execute();
    },
  };
}

/** `__client` tokens replaced by a rotation (see RetiredClientTokenTable). */
export function createRetiredClientTokenRepository(db: Kysely<Database>) {
  return {
    async insert(tokenHash: string, clientId: string, expireAt: number): Promise<void> {
      await db.insertInto('retired_client_tokens').values({ token_hash: tokenHash, client_id: clientId, expire_at: expireAt }).execute();
    },
    async findClientId(tokenHash: string, now: number): Promise<string | undefined> {
      const row = await db
        .selectFrom('retired_client_tokens')
        .select('client_id')
        .where('token_hash', '=', tokenHash)
        .where('expire_at', '>', now)
        .executeTakeFirst();
      return row?.client_id;
    },
  };
}

export type AttemptCounterRepository = ReturnType<typeof createAttemptCounterRepository>;
export type UserLockoutRepository = ReturnType<typeof createUserLockoutRepository>;
export type RetiredClientTokenRepository = ReturnType<typeof createRetiredClientTokenRepository>;
