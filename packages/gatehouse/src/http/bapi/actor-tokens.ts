import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { Domain } from '../../domain/index.js';
import { backendCaller } from '../caller.js';
import { emptyBody, idParams } from '../params.js';
import { sendJson } from '../reply.js';
import { serializeActorToken } from '../serializers/actor-token.js';
import { parseInput } from '../validation.js';

// @clerk/backend snake-cases the top-level keys only: `actor` keeps its own (`sub`, `additionalProperties`).
const createBody = z
  .object({
    user_id: z.string().min(1),
    actor: z.object({ sub: z.string().min(1) }).catchall(z.unknown()),
    expires_in_seconds: z.number().int().optional(),
    session_max_duration_in_seconds: z.number().int().optional(),
  })
  .strict();

/** BAPI `/v1/actor_tokens` (impersonation), as @clerk/backend's `actorTokens` group calls it. */
export function registerActorTokenRoutes(app: FastifyInstance, domain: Domain): void {
  app.post('/v1/actor_tokens', async (request, reply) => {
    const body = parseInput(createBody, request.body);
    const created = await domain.actorTokens.create(
      {
        userId: body.user_id,
        actor: body.actor,
        expiresInSeconds: body.expires_in_seconds,
        sessionMaxDurationInSeconds: body.session_max_duration_in_seconds,
      },
      backendCaller(request),
    );
    return sendJson(reply, 200, serializeActorToken(created.token, created));
  });

  app.post('/v1/actor_tokens/:id/revoke', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    parseInput(emptyBody, request.body);
    return sendJson(reply, 200, serializeActorToken(await domain.actorTokens.revoke(id, backendCaller(request))));
  });
}
