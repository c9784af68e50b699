import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as z from 'zod';
import type { Domain } from '../../domain/index.js';
import type { RateLimiter } from '../../security/rate-limit.js';
import { serializeDeleted } from '../serializers/deleted.js';
import { serializeBackupCodes, serializeTotp } from '../serializers/second-factors.js';
import type { FapiContext } from './context.js';
import { formText, parseForm } from './form.js';
import { enforceLimits } from './limits.js';

/** Per user, beside the per-user budget of wrong second-factor codes the domain keeps. */
const CODE_ATTEMPTS = { limit: 20, windowMs: 60_000 };
const CREATES = { limit: 10, windowMs: 60_000 };
const attemptBody = z.object({ code: formText(16) });

type SignedIn = (request: FastifyRequest) => Promise<{ clientId: string; sessionId: string; userId: string }>;

/** `/v1/me/totp` and `/v1/me/backup_codes`: the signed-in person's authenticator app and backup codes. */
export function registerSecondFactorRoutes(
  app: FastifyInstance,
  domain: Domain,
  ctx: FapiContext,
  limiter: RateLimiter,
  signedIn: SignedIn,
): void {
  app.post('/v1/me/totp', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    await enforceLimits(domain, limiter, request, [[`totp_create:${userId}`, CREATES]]);
    const { totp, secret, uri } = await domain.secondFactors.createTotp(userId);
    return ctx.send(request, reply, clientId, serializeTotp(totp, { secret, uri }));
  });

  app.post('/v1/me/totp/attempt_verification', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    const body = parseForm(attemptBody, request.body);
    await enforceLimits(domain, limiter, request, [[`me_second_factor:${userId}`, CODE_ATTEMPTS]]);
    const { totp, backupCodes } = await domain.secondFactors.verifyTotp(userId, body.code);
    return ctx.send(request, reply, clientId, serializeTotp(totp, { backupCodes }));
  });

  app.delete('/v1/me/totp', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    const totp = await domain.secondFactors.deleteTotp(userId, { enforceRequired: true });
    return ctx.send(request, reply, clientId, serializeDeleted('totp', totp.id));
  });

  // clerk-js posts to `/v1/me/backup_codes/` (with the slash; the router ignores it).
  app.post('/v1/me/backup_codes', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    await enforceLimits(domain, limiter, request, [[`backup_codes:${userId}`, CREATES]]);
    return ctx.send(request, reply, clientId, serializeBackupCodes(await domain.secondFactors.regenerateBackupCodes(userId)));
  });
}
