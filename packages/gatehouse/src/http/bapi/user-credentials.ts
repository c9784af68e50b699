import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { Domain } from '../../domain/index.js';
import { backendCaller } from '../caller.js';
import { emptyBody, idParams } from '../params.js';
import { sendJson } from '../reply.js';
import { serializeEmailAddress } from '../serializers/email-address.js';
import { serializeUser } from '../serializers/user.js';
import { parseInput } from '../validation.js';

const setCompromisedBody = z.object({ revoke_all_sessions: z.boolean().optional() }).strict();
const replaceEmailBody = z.object({ email_address: z.string().min(1).max(320) }).strict();

/**
 * BAPI `/v1/users/{id}/password/set_compromised|unset_compromised` (a sign-in with the password must
 * replace it) and `PUT /v1/users/{id}/email_address` (replace the primary address).
 */
export function registerUserCredentialRoutes(app: FastifyInstance, domain: Domain): void {
  const { links } = domain.images;

  app.post('/v1/users/:id/password/set_compromised', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(setCompromisedBody, request.body);
    const record = await domain.users.setPasswordCompromised(id, true, backendCaller(request), body.revoke_all_sessions ?? false);
    return sendJson(reply, 200, serializeUser(record, domain.protection.state(record.user), links));
  });

  app.post('/v1/users/:id/password/unset_compromised', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    parseInput(emptyBody, request.body);
    const record = await domain.users.setPasswordCompromised(id, false, backendCaller(request));
    return sendJson(reply, 200, serializeUser(record, domain.protection.state(record.user), links));
  });

  app.put('/v1/users/:id/email_address', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const { email_address } = parseInput(replaceEmailBody, request.body);
    const address = await domain.users.replaceEmailAddress(id, email_address, backendCaller(request));
    // The new primary address is verified: it earns what a sign-up's would (as POST /v1/users does).
    await domain.enrollment.enrollUser(id, backendCaller(request));
    return sendJson(reply, 200, serializeEmailAddress(address));
  });
}
