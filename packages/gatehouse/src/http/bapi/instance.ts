import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { Domain } from '../../domain/index.js';
import { metadataObject } from '../params.js';
import { sendJson } from '../reply.js';
import { serializeSessionTokenTemplate } from '../serializers/session-token-template.js';
import { parseInput } from '../validation.js';

const sessionTokenBody = z.object({ claims: metadataObject.optional(), lifetime: z.number().int().optional() }).strict();

/**
 * Gatehouse's admin endpoint for the instance's session-token template (Clerk sets it in its
 * dashboard): `GET|PATCH /v1/instance/session_token`, authenticated with the secret key.
 */
export function registerInstanceRoutes(app: FastifyInstance, domain: Domain): void {
  app.get('/v1/jwks', async (_request, reply) => sendJson(reply, 200, await domain.keyring.jwks()));

  app.get('/v1/instance/session_token', async (_request, reply) => {
    const { sessionToken } = await domain.instance.settings();
    return sendJson(reply, 200, serializeSessionTokenTemplate(sessionToken));
  });

  app.patch('/v1/instance/session_token', async (request, reply) => {
    const body = parseInput(sessionTokenBody, request.body);
    const next = await domain.instance.updateSessionToken({ claims: body.claims, lifetimeSeconds: body.lifetime });
    return sendJson(reply, 200, serializeSessionTokenTemplate(next.sessionToken));
  });
}
