import type { FastifyRequest } from 'fastify';
import type { Domain } from '../../domain/index.js';

/**
 * Records the browser and address a sign-in or sign-up came from on the session it created, as Clerk
 * does (`latest_activity`). Called with every answer about an attempt; only a completed one with a
 * session records anything, and a session keeps its first record.
 */
export async function recordSignInDevice(
  domain: Domain,
  request: FastifyRequest,
  attempt: { status: string; createdSessionId: string | null },
): Promise<void> {
  if (attempt.status !== 'complete' || !attempt.createdSessionId) return;
  await domain.sessionActivities.record(attempt.createdSessionId, { userAgent: request.headers['user-agent'], ipAddress: request.ip });
}
