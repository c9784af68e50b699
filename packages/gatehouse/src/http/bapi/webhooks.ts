import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { Domain } from '../../domain/index.js';
import { emptyBody, idParams, pagination } from '../params.js';
import { sendJson } from '../reply.js';
import { serializeDeleted } from '../serializers/deleted.js';
import { serializePage } from '../serializers/page.js';
import { serializeWebhookDelivery, serializeWebhookEndpoint, serializeWebhookReplay } from '../serializers/webhook.js';
import { parseInput } from '../validation.js';

const url = z.string().min(1).max(2048);
const events = z.array(z.string().min(1).max(128)).max(100);
const createBody = z.object({ url, events: events.optional() }).strict();
const updateBody = z.object({ url: url.optional(), events: events.optional(), disabled: z.boolean().optional() }).strict();
const listQuery = z.object({ ...pagination }).strict();
const replayBody = z.object({ since: z.number().int().min(0).max(8_640_000_000_000_000) }).strict();

/**
 * BAPI `/v1/webhook_endpoints` and `/v1/webhook_deliveries` (a Gatehouse extension: Clerk manages
 * endpoints in Svix's dashboard). See README "Webhooks".
 */
export function registerWebhookRoutes(app: FastifyInstance, domain: Domain): void {
  const endpoints = domain.webhookEndpoints;
  app.get('/v1/webhook_endpoints', async (request, reply) => {
    const q = parseInput(listQuery, request.query);
    const page = await endpoints.list(q.limit ?? 10, q.offset ?? 0);
    return sendJson(reply, 200, serializePage(page.data.map(serializeWebhookEndpoint), page.totalCount));
  });
  app.post('/v1/webhook_endpoints', async (request, reply) => {
    const body = parseInput(createBody, request.body);
    return sendJson(reply, 200, serializeWebhookEndpoint(await endpoints.create({ url: body.url, events: body.events })));
  });
  app.get('/v1/webhook_endpoints/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    return sendJson(reply, 200, serializeWebhookEndpoint(await endpoints.get(id)));
  });
  app.patch('/v1/webhook_endpoints/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(updateBody, request.body);
    return sendJson(reply, 200, serializeWebhookEndpoint(await endpoints.update(id, body)));
  });
  app.delete('/v1/webhook_endpoints/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    await endpoints.delete(id);
    return sendJson(reply, 200, serializeDeleted('webhook_endpoint', id));
  });
  app.post('/v1/webhook_endpoints/:id/rotate_secret', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    parseInput(emptyBody, request.body);
    return sendJson(reply, 200, serializeWebhookEndpoint(await endpoints.rotateSecret(id)));
  });
  app.get('/v1/webhook_endpoints/:id/deliveries', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const q = parseInput(listQuery, request.query);
    const page = await endpoints.deliveries(id, q.limit ?? 10, q.offset ?? 0);
    return sendJson(reply, 200, serializePage(page.data.map(serializeWebhookDelivery), page.totalCount));
  });
  app.post('/v1/webhook_endpoints/:id/replay', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(replayBody, request.body);
    const { queued } = await endpoints.replay(id, body.since);
    return sendJson(reply, 200, serializeWebhookReplay(id, body.since, queued));
  });
  app.post('/v1/webhook_deliveries/:id/retry', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    parseInput(emptyBody, request.body);
    return sendJson(reply, 200, serializeWebhookDelivery(await endpoints.retry(id)));
  });
}
