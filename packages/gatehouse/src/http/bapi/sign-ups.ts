import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { Domain } from '../../domain/index.js';
import { idParams } from '../params.js';
import { sendJson } from '../reply.js';
import { serializeSignUp } from '../serializers/sign-up.js';
import { parseInput } from '../validation.js';

const updateBody = z
  .object({
    external_id: z.string().min(1).max(256).nullable().optional(),
    custom_action: z.boolean().nullable().optional(),
  })
  .strict();

/** BAPI `/v1/sign_ups`: read a sign-up attempt by id (`clerk.signUps.get`) and set its backend fields (`update`). */
export function registerSignUpRoutes(app: FastifyInstance, domain: Domain): void {
  app.get('/v1/sign_ups/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    return sendJson(reply, 200, serializeSignUp(await domain.signUps.get(id)));
  });

  app.patch('/v1/sign_ups/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(updateBody, request.body);
    const snapshot = await domain.signUps.updateFromBackend(id, { externalId: body.external_id, customAction: body.custom_action });
    return sendJson(reply, 200, serializeSignUp(snapshot));
  });
}
