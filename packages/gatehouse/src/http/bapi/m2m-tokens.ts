import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { Domain } from '../../domain/index.js';
import { idParams, metadataObject, pagination } from '../params.js';
import { sendJson } from '../reply.js';
import { serializeM2MToken, serializeM2MTokenPage } from '../serializers/m2m-token.js';
import { parseInput } from '../validation.js';
import { callerOf, MACHINE_AUTH } from './machine-caller.js';

const MAX_TTL_SECONDS = 10 * 365 * 24 * 3600;
const createBody = z
  .object({
    seconds_until_expiration: z.number().int().min(1).max(MAX_TTL_SECONDS).nullable().optional(),
    claims: metadataObject.nullable().optional(),
    min_remaining_ttl_seconds: z.number().int().min(0).max(MAX_TTL_SECONDS).optional(),
    token_format: z.enum(['opaque', 'jwt']).optional(),
  })
  .strict();
const revokeBody = z.object({ revocation_reason: z.string().max(1024).nullable().optional() }).strict();
const verifyBody = z.object({ token: z.string().min(1).max(8192) }).strict();
const flag = z.enum(['true', 'false']).optional();
const listQuery = z.object({ ...pagination, subject: z.string().min(1).max(128), revoked: flag, expired: flag }).strict();

/**
 * `/m2m_tokens` (no `/v1`). A machine calls it with its own secret key (`CLERK_MACHINE_SECRET_KEY`)
 * to mint, list and revoke its tokens, and to verify tokens sent to it; the instance secret key may
 * list, revoke and verify any machine's.
 */
export function registerM2MTokenRoutes(app: FastifyInstance, domain: Domain): void {
  const now = () => domain.clock();
  app.post('/m2m_tokens', { config: MACHINE_AUTH }, async (request, reply) => {
    const body = parseInput(createBody, request.body);
    const { token, secret } = await domain.m2mTokens.create(callerOf(request), {
      secondsUntilExpiration: body.seconds_until_expiration,
      claims: body.claims,
      minRemainingTtlSeconds: body.min_remaining_ttl_seconds,
      format: body.token_format,
    });
    return sendJson(reply, 200, serializeM2MToken(token, now(), secret));
  });
  app.get('/m2m_tokens', { config: MACHINE_AUTH }, async (request, reply) => {
    const q = parseInput(listQuery, request.query);
    const filter = { revoked: q.revoked === 'true', expired: q.expired === 'true' };
    const page = await domain.m2mTokens.list(callerOf(request), q.subject, filter, q.limit ?? 10, q.offset ?? 0);
    return sendJson(reply, 200, serializeM2MTokenPage(page.data, page.totalCount, now()));
  });
  app.post('/m2m_tokens/verify', { config: MACHINE_AUTH }, async (request, reply) => {
    const { token } = parseInput(verifyBody, request.body);
    return sendJson(reply, 200, serializeM2MToken(await domain.m2mTokens.verify(callerOf(request), token), now()));
  });
  app.post('/m2m_tokens/:id/revoke', { config: MACHINE_AUTH }, async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(revokeBody, request.body);
    const token = await domain.m2mTokens.revoke(callerOf(request), id, body.revocation_reason ?? null);
    return sendJson(reply, 200, serializeM2MToken(token, now()));
  });
}
