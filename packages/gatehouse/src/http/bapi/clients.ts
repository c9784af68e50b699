import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { Domain } from '../../domain/index.js';
import { errors } from '../../errors.js';
import { sendJson } from '../reply.js';
import { serializeTestingToken } from '../serializers/testing-token.js';
import { parseInput } from '../validation.js';

const nonceQuery = z.object({ nonce: z.string().min(1).max(256) }).strict();

/** BAPI pieces of the browser flows: the handshake payload `authenticateRequest` fetches, and testing tokens. */
export function registerClientRoutes(app: FastifyInstance, domain: Domain): void {
  app.get('/v1/clients/handshake_payload', async (request, reply) => {
    const { nonce } = parseInput(nonceQuery, request.query);
    const directives = await domain.handshake.directives(nonce);
    if (!directives) throw errors.notFound('handshake nonce');
    return sendJson(reply, 200, { directives });
  });

  // `@clerk/testing` fetches one token per run and adds it to every FAPI call to skip rate limits.
  app.post('/v1/testing_tokens', async (_request, reply) => {
    const { token, expiresAt } = await domain.testingTokens.issue();
    return sendJson(reply, 200, serializeTestingToken(token, expiresAt));
  });
}
