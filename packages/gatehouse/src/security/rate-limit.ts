import type { Redis } from 'ioredis';
import { errors } from '../errors.js';

export interface RateLimitRule {
  limit: number;
  windowMs: number;
}

/** Counts one hit for `key` in the rule's window; returns the count and ms until the window resets. */
interface CounterStore {
  hit(key: string, windowMs: number): Promise<{ count: number; resetInMs: number }>;
  /** Where the counters live, after checking it answers (throws when it does not). */
  check(): Promise<string>;
  close(): Promise<void>;
}

/** Fixed-window counters in this process's memory: exact for one process. */
function memoryStore(now: () => number): CounterStore {
  const windows = new Map<string, { count: number; resetAt: number }>();
  let sweptAt = now();
  return {
    async hit(key, windowMs) {
      const t = now();
      if (t - sweptAt > 60_000) {
        sweptAt = t;
        for (const [k, w] of windows) if (w.resetAt <= t) windows.delete(k);
      }
      let window = windows.get(key);
      if (!window || window.resetAt <= t) {
        window = { count: 0, resetAt: t + windowMs };
        windows.set(key, window);
      }
      window.count += 1;
      return { count: window.count, resetInMs: window.resetAt - t };
    },
    check: async () => 'in memory (no Redis configured)',
    async close() {},
  };
}

/** The same counters in Redis, shared by every node behind the load balancer. */
function redisStore(url: string): CounterStore {
  // ioredis loads only when Redis is configured.
  const connection: Promise<Redis> = import('ioredis').then(({ Redis }) => {
    const redis = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
    // A Redis outage must not take sign-in down with it: the error surfaces per call instead.
    redis.on('error', () => {});
    return redis;
  });
  return {
    async hit(key, windowMs) {
      const redis = await connection;
      const redisKey = `gatehouse:rl:${key}`;
      const result = await redis.multi().incr(redisKey).pexpire(redisKey, windowMs, 'NX').pttl(redisKey).exec();
      const count = Number(result?.[0]?.[1] ?? 1);
      const ttl = Number(result?.[2]?.[1] ?? windowMs);
      return { count, resetInMs: ttl > 0 ? ttl : windowMs };
    },
    async check() {
      const redis = await connection;
      await Promise.race([
        redis.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2000).unref()),
      ]);
      return 'Redis answers';
    },
    async close() {
      (await connection).disconnect();
    },
  };
}

/**
 * Rate limits with Clerk's 429 + Retry-After. In memory by default; in Redis when `redisUrl` is set,
 * so several nodes share one budget.
 */
export function createRateLimiter(options: { redisUrl?: string; now?: () => number } = {}) {
  const store = options.redisUrl ? redisStore(options.redisUrl) : memoryStore(options.now ?? Date.now);
  return {
    /** Counts one hit; throws `too_many_requests` once the rule's limit is passed. */
    async consume(key: string, rule: RateLimitRule): Promise<void> {
      const { count, resetInMs } = await store.hit(key, rule.windowMs);
      if (count > rule.limit) throw errors.tooManyRequests(Math.max(1, Math.ceil(resetInMs / 1000)));
    },
    check: () => store.check(),
    close: () => store.close(),
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
