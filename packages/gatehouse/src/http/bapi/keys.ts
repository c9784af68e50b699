import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as z from 'zod';
import type { Domain } from '../../domain/index.js';
import { errors } from '../../errors.js';
import { backendCaller } from '../caller.js';
import { sendJson } from '../reply.js';
import { serializePage } from '../serializers/page.js';
import { serializeSecretKeyRotation, serializeSigningKey, serializeSigningKeyRotation } from '../serializers/signing-key.js';
import { parseInput } from '../validation.js';

const rotateSigningKeyBody = z
  .object({ overlap_seconds: z.number().int().optional(), retain_seconds: z.number().int().optional() })
  .strict();
const rotateSecretKeyBody = z.object({ grace_seconds: z.number().int().optional() }).strict();

/**
 * A key in its grace period (perhaps the leaked one being replaced) must not be able to rotate the
 * keys and so lock out the new one: rotation takes the current secret key only.
 */
async function requireCurrentSecretKey(domain: Domain, request: FastifyRequest): Promise<void> {
  const presented = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
  if ((await domain.instance.authenticateSecretKey(presented)) !== 'current') throw errors.secretKeyNotCurrent();
}

/**
 * Gatehouse's admin endpoints for key rotation (Clerk rotates keys itself), authenticated with the
 * secret key like the rest of the Backend API.
 */
export function registerKeyRoutes(app: FastifyInstance, domain: Domain): void {
  app.get('/v1/instance/signing_keys', async (_request, reply) => {
    const keys = await domain.keyring.list();
    return sendJson(reply, 200, serializePage(keys.map(serializeSigningKey), keys.length));
  });

  app.post('/v1/instance/signing_keys/rotate', async (request, reply) => {
    await requireCurrentSecretKey(domain, request);
    const body = parseInput(rotateSigningKeyBody, request.body);
    const rotation = await domain.keyRotation.rotateSigningKey(
      {
        overlapSeconds: body.overlap_seconds,
        retainSeconds: body.retain_seconds,
      },
      backendCaller(request),
    );
    const keys = await domain.keyring.list();
    return sendJson(reply, 200, serializeSigningKeyRotation(rotation, keys));
  });

  app.post('/v1/instance/secret_key/rotate', async (request, reply) => {
    await requireCurrentSecretKey(domain, request);
    const body = parseInput(rotateSecretKeyBody, request.body);
    const rotated = await domain.keyRotation.rotateSecretKey({ graceSeconds: body.grace_seconds }, backendCaller(request));
    return sendJson(reply, 200, serializeSecretKeyRotation(rotated));
  });
}
