import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Domain } from '../../domain/index.js';
import type { RateLimiter, RateLimitRule } from '../../security/rate-limit.js';
import { queryValue } from '../params.js';

const testingTokenVerdicts = new WeakMap<FastifyRequest, Promise<boolean>>();

/**
 * Applies a rate limit unless the request carries a valid testing token (`__clerk_testing_token`),
 * which `@clerk/testing` adds so automated suites are not throttled. Tokens exist only on development instances.
 */
export async function enforceLimit(
  domain: Domain,
  limiter: RateLimiter,
  request: FastifyRequest,
  key: string,
  rule: RateLimitRule,
): Promise<void> {
  const token = queryValue(request.query, '__clerk_testing_token');
  if (token && domain.isDevelopment()) {
    // A route may apply several limits (per IP, per identifier): one lookup answers them all.
    let valid = testingTokenVerdicts.get(request);
    if (!valid) {
      valid = domain.store.testingTokens.isValid(createHash('sha256').update(token).digest('hex'), domain.clock());
      testingTokenVerdicts.set(request, valid);
    }
    if (await valid) return;
  }
  await limiter.consume(key, rule);
}
