import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { Domain } from '../../domain/index.js';
import { MAX_SCOPES_PER_MACHINE } from '../../domain/machine-auth/machines.js';
import { idParams, pagination } from '../params.js';
import { sendJson } from '../reply.js';
import {
  serializeDeletedMachineScope,
  serializeMachine,
  serializeMachineScope,
  serializeMachineSecretKey,
} from '../serializers/machine.js';
import { serializePage } from '../serializers/page.js';
import { parseInput } from '../validation.js';

const machineId = z.string().min(1).max(128);
const ttl = z
  .number()
  .int()
  .min(1)
  .max(10 * 365 * 24 * 3600);
const createBody = z
  .object({
    name: z.string().trim().min(1).max(256),
    scoped_machines: z.array(machineId).max(MAX_SCOPES_PER_MACHINE).optional(),
    default_token_ttl: ttl.optional(),
  })
  .strict();
const updateBody = z.object({ name: z.string().trim().min(1).max(256).optional(), default_token_ttl: ttl.optional() }).strict();
const listQuery = z
  .object({
    ...pagination,
    query: z.string().max(256).optional(),
    order_by: z.enum(['name', '+name', '-name', 'created_at', '+created_at', '-created_at']).optional(),
  })
  .strict();
const rotateBody = z.object({ previous_token_ttl: z.number().int().min(0).max(28_800) }).strict();
const scopeBody = z.object({ to_machine_id: machineId }).strict();
const scopeParams = z.object({ id: z.string().min(1), otherId: z.string().min(1) });

/** BAPI `/v1/machines`: machines, the machines each may reach (scopes) and their secret keys. */
export function registerMachineRoutes(app: FastifyInstance, domain: Domain): void {
  const instanceId = () => domain.instance.get().id;
  app.get('/v1/machines', async (request, reply) => {
    const q = parseInput(listQuery, request.query);
    const order = q.order_by ?? '-created_at';
    const page = await domain.machines.list({
      query: q.query || undefined,
      orderBy: order.replace(/^[+-]/, '') as 'name' | 'created_at',
      descending: order.startsWith('-'),
      limit: q.limit ?? 10,
      offset: q.offset ?? 0,
    });
    const id = instanceId();
    return sendJson(
      reply,
      200,
      serializePage(
        page.data.map((view) => serializeMachine(view, id)),
        page.totalCount,
      ),
    );
  });
  app.post('/v1/machines', async (request, reply) => {
    const body = parseInput(createBody, request.body);
    const created = await domain.machines.create({
      name: body.name,
      scopedMachines: body.scoped_machines,
      defaultTokenTtl: body.default_token_ttl,
    });
    return sendJson(reply, 200, serializeMachine(created, instanceId(), created.secretKey));
  });
  app.get('/v1/machines/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    return sendJson(reply, 200, serializeMachine(await domain.machines.get(id), instanceId()));
  });
  app.patch('/v1/machines/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(updateBody, request.body);
    const view = await domain.machines.update(id, { name: body.name, defaultTokenTtl: body.default_token_ttl });
    return sendJson(reply, 200, serializeMachine(view, instanceId()));
  });
  app.delete('/v1/machines/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    return sendJson(reply, 200, serializeMachine(await domain.machines.delete(id), instanceId()));
  });
  app.get('/v1/machines/:id/secret_key', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    return sendJson(reply, 200, serializeMachineSecretKey(await domain.machines.secretKey(id)));
  });
  app.post('/v1/machines/:id/secret_key/rotate', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(rotateBody, request.body);
    return sendJson(reply, 200, serializeMachineSecretKey(await domain.machines.rotateSecretKey(id, body.previous_token_ttl)));
  });
  app.post('/v1/machines/:id/scopes', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(scopeBody, request.body);
    return sendJson(reply, 200, serializeMachineScope(await domain.machines.createScope(id, body.to_machine_id)));
  });
  app.delete('/v1/machines/:id/scopes/:otherId', async (request, reply) => {
    const { id, otherId } = parseInput(scopeParams, request.params);
    await domain.machines.deleteScope(id, otherId);
    return sendJson(reply, 200, serializeDeletedMachineScope(id, otherId));
  });
}
