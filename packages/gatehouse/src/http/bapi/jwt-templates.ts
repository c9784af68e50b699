import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { Domain } from '../../domain/index.js';
import { idParams, metadataObject, pagination, tokenLifetimeSeconds } from '../params.js';
import { sendJson } from '../reply.js';
import { serializeDeleted } from '../serializers/deleted.js';
import { serializeJwtTemplate } from '../serializers/jwt-template.js';
import { serializePage } from '../serializers/page.js';
import { parseInput } from '../validation.js';

const fields = {
  name: z.string().min(1).max(256),
  claims: metadataObject,
  lifetime: tokenLifetimeSeconds.optional(),
  allowed_clock_skew: z.number().int().min(0).max(300).optional(),
  custom_signing_key: z.boolean().optional(),
  signing_algorithm: z.string().max(16).optional(),
  signing_key: z.string().min(1).max(16_384).optional(),
};
const createBody = z.object(fields).strict();
const updateBody = z.object(fields).partial().strict();
const listQuery = z.object(pagination).strict();

function toInput(body: z.infer<typeof updateBody>) {
  return {
    name: body.name,
    claims: body.claims,
    lifetime: body.lifetime,
    allowedClockSkew: body.allowed_clock_skew,
    customSigningKey: body.custom_signing_key,
    signingAlgorithm: body.signing_algorithm,
    signingKey: body.signing_key,
  };
}

/** BAPI `/v1/jwt_templates` CRUD. */
export function registerJwtTemplateRoutes(app: FastifyInstance, domain: Domain): void {
  app.get('/v1/jwt_templates', async (request, reply) => {
    const q = parseInput(listQuery, request.query);
    const page = await domain.jwtTemplates.list(q.limit ?? 10, q.offset ?? 0);
    const data = page.data.map(serializeJwtTemplate);
    return sendJson(reply, 200, q.paginated === 'true' ? serializePage(data, page.totalCount) : data);
  });
  app.get('/v1/jwt_templates/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    return sendJson(reply, 200, serializeJwtTemplate(await domain.jwtTemplates.get(id)));
  });
  app.post('/v1/jwt_templates', async (request, reply) => {
    const row = await domain.jwtTemplates.create(toInput(parseInput(createBody, request.body)));
    return sendJson(reply, 200, serializeJwtTemplate(row));
  });
  app.patch('/v1/jwt_templates/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const row = await domain.jwtTemplates.update(id, toInput(parseInput(updateBody, request.body)));
    return sendJson(reply, 200, serializeJwtTemplate(row));
  });
  app.delete('/v1/jwt_templates/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    await domain.jwtTemplates.delete(id);
    return sendJson(reply, 200, serializeDeleted('jwt_template', id));
  });
}
