import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { Domain } from '../../domain/index.js';
import { errors } from '../../errors.js';
import { idParams, pagination } from '../params.js';
import { sendJson } from '../reply.js';
import { serializeBackendClient } from '../serializers/backend-client.js';
import { serializePage } from '../serializers/page.js';
import { serializeTestingToken } from '../serializers/testing-token.js';
import { parseInput } from '../validation.js';

const nonceQuery = z.object({ nonce: z.string().min(1).max(256) }).strict();
const listQuery = z.object({ ...pagination }).strict();
const verifyBody = z.object({ token: z.string().min(1) }).strict();

/** BAPI `/v1/clients` (list, get, verify a `__client` token), the handshake payload `authenticateRequest` fetches, and testing tokens. */
export function registerClientRoutes(app: FastifyInstance, domain: Domain): void {
  app.get('/v1/clients/handshake_payload', async (request, reply) => {
    const { nonce } = parseInput(nonceQuery, request.query);
    const directives = await domain.handshake.directives(nonce);
    if (!directives) throw errors.notFound('handshake nonce');
    return sendJson(reply, 200, { directives });
  });

  app.get('/v1/clients', async (request, reply) => {
    const q = parseInput(listQuery, request.query);
    const page = await domain.backendClients.list(q.limit ?? 10, q.offset ?? 0);
    const data = page.data.map(serializeBackendClient);
    // The SDK asks with `paginated=true`; older callers get Clerk's original bare array.
    return sendJson(reply, 200, q.paginated === 'true' ? serializePage(data, page.totalCount) : data);
  });

  app.post('/v1/clients/verify', async (request, reply) => {
    const { token } = parseInput(verifyBody, request.body);
    return sendJson(reply, 200, serializeBackendClient(await domain.backendClients.verify(token)));
  });

  app.get('/v1/clients/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    return sendJson(reply, 200, serializeBackendClient(await domain.backendClients.get(id)));
  });

  // `@clerk/testing` fetches one token per run and adds it to every FAPI call to skip rate limits.
  app.post('/v1/testing_tokens', async (_request, reply) => {
    const { token, expiresAt } = await domain.testingTokens.issue();
    return sendJson(reply, 200, serializeTestingToken(token, expiresAt));
  });
}
