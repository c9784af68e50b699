import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../errors.js';
import { REDIS_URL, redisAvailable } from '../testing/services.js';
import { createRateLimiter } from './rate-limit.js';

const redisOk = await redisAvailable();

async function codeOf(promise: Promise<void>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error instanceof GatehouseError ? `${error.code}:${error.retryAfter}` : String(error);
  }
}

describe('rate limits in memory', () => {
  it('allows the limit, then answers 429 with Retry-After until the window resets', async () => {
    let t = 1_000_000;
    const limiter = createRateLimiter({ now: () => t });
    const rule = { limit: 3, windowMs: 10_000 };
    for (let i = 0; i < 3; i++) expect(await codeOf(limiter.consume('k', rule))).toBeUndefined();
    expect(await codeOf(limiter.consume('k', rule))).toBe('too_many_requests:10');
    expect(await codeOf(limiter.consume('other', rule))).toBeUndefined();
    t += 4_000;
    expect(await codeOf(limiter.consume('k', rule))).toBe('too_many_requests:6');
    t += 6_000;
    expect(await codeOf(limiter.consume('k', rule))).toBeUndefined();
  });
});

describe.skipIf(!redisOk)('rate limits in Redis', () => {
  it('shares one budget between limiters (nodes) and reports the remaining window', async () => {
    const a = createRateLimiter({ redisUrl: REDIS_URL });
    const b = createRateLimiter({ redisUrl: REDIS_URL });
    const key = `test:${randomBytes(6).toString('hex')}`;
    const rule = { limit: 2, windowMs: 30_000 };
    try {
      expect(await codeOf(a.consume(key, rule))).toBeUndefined();
      expect(await codeOf(b.consume(key, rule))).toBeUndefined();
      const third = await codeOf(a.consume(key, rule));
      expect(third).toMatch(/^too_many_requests:(29|30)$/);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
