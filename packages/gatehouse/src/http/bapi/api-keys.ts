import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { Domain } from '../../domain/index.js';
import { idParams, metadataObject, pagination } from '../params.js';
import { sendJson } from '../reply.js';
import { serializeApiKey } from '../serializers/api-key.js';
import { serializeDeleted } from '../serializers/deleted.js';
import { serializePage } from '../serializers/page.js';
import { parseInput } from '../validation.js';

/** Ten years: longer is "never", which is `null`. */
const MAX_EXPIRATION_SECONDS = 10 * 365 * 24 * 3600;
const subjectId = z.string().regex(/^(user|org)_[A-Za-z0-9]{1,64}$/, 'must be a user or organization id');
const fields = {
  name: z.string().trim().min(1).max(256),
  subject: subjectId,
  description: z.string().max(1024).nullable().optional(),
  claims: metadataObject.nullable().optional(),
  scopes: z.array(z.string().min(1).max(256)).max(150).optional(),
  seconds_until_expiration: z.number().int().min(1).max(MAX_EXPIRATION_SECONDS).nullable().optional(),
};
const createBody = z.object({ ...fields, created_by: z.string().max(256).nullable().optional() }).strict();
const updateBody = z.object(fields).partial().strict();
const revokeBody = z.object({ revocation_reason: z.string().max(1024).nullable().optional() }).strict();
const verifyBody = z.object({ secret: z.string().min(1).max(512) }).strict();
const listQuery = z.object({ ...pagination, subject: subjectId, include_invalid: z.enum(['true', 'false']).optional() }).strict();

/**
 * `/api_keys` (no `/v1`: `@clerk/backend` calls it at the API root). Apps verify a key a program
 * sends them with `POST /api_keys/verify`, which `authenticateRequest` does for `ak_` bearers.
 */
export function registerApiKeyRoutes(app: FastifyInstance, domain: Domain): void {
  const now = () => domain.clock();
  app.get('/api_keys', async (request, reply) => {
    const q = parseInput(listQuery, request.query);
    const page = await domain.apiKeys.list(q.subject, q.include_invalid === 'true', q.limit ?? 10, q.offset ?? 0);
    const at = now();
    return sendJson(
      reply,
      200,
      serializePage(
        page.data.map((key) => serializeApiKey(key, at)),
        page.totalCount,
      ),
    );
  });
  app.post('/api_keys', async (request, reply) => {
    const body = parseInput(createBody, request.body);
    const { key, secret } = await domain.apiKeys.create({
      name: body.name,
      subject: body.subject,
      description: body.description,
      claims: body.claims,
      scopes: body.scopes,
      createdBy: body.created_by,
      secondsUntilExpiration: body.seconds_until_expiration,
    });
    return sendJson(reply, 200, serializeApiKey(key, now(), secret));
  });
  // Before `/api_keys/:id`, which would otherwise take "verify" for an id on other methods.
  app.post('/api_keys/verify', async (request, reply) => {
    const { secret } = parseInput(verifyBody, request.body);
    return sendJson(reply, 200, serializeApiKey(await domain.apiKeys.verify(secret), now()));
  });
  app.get('/api_keys/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    return sendJson(reply, 200, serializeApiKey(await domain.apiKeys.get(id), now()));
  });
  app.patch('/api_keys/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(updateBody, request.body);
    const key = await domain.apiKeys.update(id, {
      name: body.name,
      subject: body.subject,
      description: body.description,
      claims: body.claims,
      scopes: body.scopes,
      secondsUntilExpiration: body.seconds_until_expiration,
    });
    return sendJson(reply, 200, serializeApiKey(key, now()));
  });
  app.delete('/api_keys/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    await domain.apiKeys.delete(id);
    return sendJson(reply, 200, serializeDeleted('api_key', id));
  });
  app.post('/api_keys/:id/revoke', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(revokeBody, request.body);
    return sendJson(reply, 200, serializeApiKey(await domain.apiKeys.revoke(id, body.revocation_reason ?? null), now()));
  });
  app.get('/api_keys/:id/secret', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    return sendJson(reply, 200, { secret: await domain.apiKeys.secret(id) });
  });
}
