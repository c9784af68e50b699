import type { FastifyRequest } from 'fastify';
import type { Domain } from '../../domain/index.js';
import type { RateLimiter, RateLimitRule } from '../../security/rate-limit.js';
import { queryValue } from '../params.js';

/**
 * Applies a route's rate limits (per IP, per identifier, …) unless the request carries a valid
 * testing token (`__clerk_testing_token`), which `@clerk/testing` adds so automated suites are not
 * throttled. All of a route's limits are passed at once, so one token lookup answers them all.
 */
export async function enforceLimits(
  domain: Domain,
  limiter: RateLimiter,
  request: FastifyRequest,
  limits: readonly (readonly [key: string, rule: RateLimitRule])[],
): Promise<void> {
  const token = queryValue(request.query, '__clerk_testing_token');
  if (token && (await domain.testingTokens.isValid(token))) return;
  for (const [key, rule] of limits) await limiter.consume(key, rule);
}
