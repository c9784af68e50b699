import { errors } from '../errors.js';

export interface RateLimitRule {
  limit: number;
  windowMs: number;
}

/**
 * Fixed-window counters in memory. One process is exact; several processes each count on their
 * own, so the effective limit is per process until the Redis store lands.
 */
export function createRateLimiter(now: () => number = Date.now) {
  const windows = new Map<string, { count: number; resetAt: number }>();
  let sweptAt = now();

  function sweep(t: number) {
    if (t - sweptAt < 60_000) return;
    sweptAt = t;
    for (const [key, window] of windows) if (window.resetAt <= t) windows.delete(key);
  }

  return {
    /** Counts one hit; throws Clerk's 429 with Retry-After once the rule's limit is passed. */
    consume(key: string, rule: RateLimitRule): void {
      const t = now();
      sweep(t);
      let window = windows.get(key);
      if (!window || window.resetAt <= t) {
        window = { count: 0, resetAt: t + rule.windowMs };
        windows.set(key, window);
      }
      window.count += 1;
      if (window.count > rule.limit) throw errors.tooManyRequests(Math.max(1, Math.ceil((window.resetAt - t) / 1000)));
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
