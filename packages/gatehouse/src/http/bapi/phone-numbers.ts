import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { Domain } from '../../domain/index.js';
import { idParams } from '../params.js';
import { sendJson } from '../reply.js';
import { serializeDeleted } from '../serializers/deleted.js';
import { serializePhoneNumber } from '../serializers/phone-number.js';
import { parseInput } from '../validation.js';

const createBody = z
  .object({
    user_id: z.string().min(1),
    phone_number: z.string().min(1).max(32),
    verified: z.boolean().optional(),
    primary: z.boolean().optional(),
    reserved_for_second_factor: z.boolean().optional(),
  })
  .strict();
const updateBody = z
  .object({ verified: z.boolean().optional(), primary: z.boolean().optional(), reserved_for_second_factor: z.boolean().optional() })
  .strict();
const passkeyParams = z.object({ id: z.string().min(1), passkeyId: z.string().min(1) }).strict();

/** BAPI `/v1/phone_numbers` (@clerk/backend's `phoneNumbers`), and `DELETE /v1/users/{id}/passkeys/{passkey}`. */
export function registerPhoneNumberRoutes(app: FastifyInstance, domain: Domain): void {
  app.post('/v1/phone_numbers', async (request, reply) => {
    const body = parseInput(createBody, request.body);
    const row = await domain.phoneNumbers.create({
      userId: body.user_id,
      phoneNumber: body.phone_number,
      verified: body.verified,
      primary: body.primary,
      reservedForSecondFactor: body.reserved_for_second_factor,
    });
    return sendJson(reply, 200, serializePhoneNumber(row));
  });

  app.get('/v1/phone_numbers/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    return sendJson(reply, 200, serializePhoneNumber(await domain.phoneNumbers.get(id)));
  });

  app.patch('/v1/phone_numbers/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(updateBody, request.body);
    const row = await domain.phoneNumbers.update(id, {
      verified: body.verified,
      primary: body.primary,
      reservedForSecondFactor: body.reserved_for_second_factor,
    });
    return sendJson(reply, 200, serializePhoneNumber(row));
  });

  app.delete('/v1/phone_numbers/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    await domain.phoneNumbers.delete(id);
    return sendJson(reply, 200, serializeDeleted('phone_number', id));
  });

  app.delete('/v1/users/:id/passkeys/:passkeyId', async (request, reply) => {
    const { id, passkeyId } = parseInput(passkeyParams, request.params);
    await domain.meFactors.deletePasskey(id, passkeyId);
    return sendJson(reply, 200, serializeDeleted('passkey', passkeyId));
  });
}
