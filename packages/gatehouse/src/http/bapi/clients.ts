import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { Domain } from '../../domain/index.js';
import { errors } from '../../errors.js';
import { sendJson } from '../reply.js';
import { serializeTestingToken } from '../serializers/testing-token.js';
import { parseInput } from '../validation.js';

const TESTING_TOKEN_TTL_MS = 60 * 60 * 1000;
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
    if (!domain.isDevelopment()) {
      throw errors.paramValueInvalid('instance', 'testing tokens exist only on development instances');
    }
    const token = `${Date.now()}-${randomBytes(24).toString('base64url')}`;
    const now = domain.clock();
    const expiresAt = now + TESTING_TOKEN_TTL_MS;
    await domain.store.testingTokens.insert(createHash('sha256').update(token).digest('hex'), expiresAt, now);
    return sendJson(reply, 200, serializeTestingToken(token, expiresAt));
  });
}
