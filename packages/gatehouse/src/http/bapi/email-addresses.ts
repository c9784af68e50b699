import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { Domain } from '../../domain/index.js';
import { backendCaller } from '../caller.js';
import { idParams } from '../params.js';
import { sendJson } from '../reply.js';
import { serializeDeleted } from '../serializers/deleted.js';
import { serializeEmailAddress } from '../serializers/email-address.js';
import { parseInput } from '../validation.js';

const createBody = z
  .object({
    user_id: z.string().min(1),
    email_address: z.string().min(1).max(320),
    verified: z.boolean().optional(),
    primary: z.boolean().optional(),
  })
  .strict();
const updateBody = z.object({ verified: z.boolean().optional(), primary: z.boolean().optional() }).strict();

/** BAPI `/v1/email_addresses`. */
export function registerEmailAddressRoutes(app: FastifyInstance, domain: Domain): void {
  app.post('/v1/email_addresses', async (request, reply) => {
    const body = parseInput(createBody, request.body);
    const row = await domain.emailAddresses.create(
      {
        userId: body.user_id,
        emailAddress: body.email_address,
        verified: body.verified,
        primary: body.primary,
      },
      backendCaller(request),
    );
    return sendJson(reply, 200, serializeEmailAddress(row));
  });

  app.get('/v1/email_addresses/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    return sendJson(reply, 200, serializeEmailAddress(await domain.emailAddresses.get(id)));
  });

  app.patch('/v1/email_addresses/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const row = await domain.emailAddresses.update(id, parseInput(updateBody, request.body), backendCaller(request));
    return sendJson(reply, 200, serializeEmailAddress(row));
  });

  app.delete('/v1/email_addresses/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    await domain.emailAddresses.delete(id, backendCaller(request));
    return sendJson(reply, 200, serializeDeleted('email_address', id));
  });
}
