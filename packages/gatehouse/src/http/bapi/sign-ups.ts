import type { FastifyInstance } from 'fastify';
import type { Domain } from '../../domain/index.js';
import { idParams } from '../params.js';
import { sendJson } from '../reply.js';
import { serializeSignUp } from '../serializers/sign-up.js';
import { parseInput } from '../validation.js';

/** BAPI `/v1/sign_ups`: read a sign-up attempt by id (`clerk.signUps.get`). */
export function registerSignUpRoutes(app: FastifyInstance, domain: Domain): void {
  app.get('/v1/sign_ups/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    return sendJson(reply, 200, serializeSignUp(await domain.signUps.get(id)));
  });
}
