import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { signUpRequirements } from '../../domain/frontend/sign-ups.js';
import type { Domain } from '../../domain/index.js';
import { frontendErrors } from '../../errors.js';
import type { Client, SignUp } from '../../model/index.js';
import type { RateLimiter } from '../../security/rate-limit.js';
import { serializeSignUp } from '../serializers/frontend.js';
import type { FapiContext } from './context.js';
import { formFields, optionalJsonObject, optionalString, requiredString } from './form.js';
import { enforceLimit } from './limits.js';
import { recordSignInDevice } from './sign-in-device.js';

const SIGN_UPS = { limit: 20, windowMs: 60_000 };
const CODE_SENDS = { limit: 5, windowMs: 60_000 };
const ATTEMPTS = { limit: 20, windowMs: 60_000 };

function signUpFields(fields: Record<string, string>) {
  return {
    emailAddress: optionalString(fields, 'email_address', 320),
    password: optionalString(fields, 'password'),
    firstName: optionalString(fields, 'first_name', 256),
    lastName: optionalString(fields, 'last_name', 256),
    username: optionalString(fields, 'username', 64),
    unsafeMetadata: optionalJsonObject(fields, 'unsafe_metadata'),
  };
}

/** `/v1/client/sign_ups`: e-mail + password sign-up, verified by an e-mail code. */
export function registerSignUpRoutes(app: FastifyInstance, domain: Domain, ctx: FapiContext, limiter: RateLimiter): void {
  async function reply(request: FastifyRequest, res: FastifyReply, client: Client, signUp: SignUp) {
    const settings = (await domain.instance.settings()).frontend;
    const json = serializeSignUp(signUp, signUpRequirements(signUp, settings), await domain.signUps.verification(signUp.id));
    await recordSignInDevice(domain, request, signUp);
    return ctx.send(request, res, client.id, json);
  }

  async function existingClient(request: FastifyRequest) {
    const client = await ctx.client(request);
    if (!client) throw frontendErrors.signUpNotFound();
    return client;
  }

  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;

  app.post('/v1/client/sign_ups', async (request, res) => {
    const fields = formFields(request.body);
    await enforceLimit(domain, limiter, request, `sign_up:ip:${request.ip}`, SIGN_UPS);
    const client = await ctx.ensureClient(request, res);
    const signUp = await domain.signUps.create(client, signUpFields(fields), ctx.locale(request, fields));
    return reply(request, res, client, signUp);
  });

  app.get('/v1/client/sign_ups/:id', async (request, res) => {
    const client = await existingClient(request);
    return reply(request, res, client, await domain.signUps.load(client, idOf(request)));
  });

  app.patch('/v1/client/sign_ups/:id', async (request, res) => {
    const client = await existingClient(request);
    const fields = formFields(request.body);
    const signUp = await domain.signUps.update(client, idOf(request), signUpFields(fields), ctx.locale(request, fields));
    return reply(request, res, client, signUp);
  });

  app.post('/v1/client/sign_ups/:id/prepare_verification', async (request, res) => {
    const client = await existingClient(request);
    const fields = formFields(request.body);
    await enforceLimit(domain, limiter, request, `code_send:${client.id}`, CODE_SENDS);
    const signUp = await domain.signUps.prepareVerification(
      client,
      idOf(request),
      requiredString(fields, 'strategy', 64),
      ctx.locale(request, fields),
    );
    return reply(request, res, client, signUp);
  });

  app.post('/v1/client/sign_ups/:id/attempt_verification', async (request, res) => {
    const client = await existingClient(request);
    const fields = formFields(request.body);
    await enforceLimit(domain, limiter, request, `sign_up:attempt:${idOf(request)}`, ATTEMPTS);
    const signUp = await domain.signUps.attemptVerification(client, idOf(request), {
      strategy: requiredString(fields, 'strategy', 64),
      code: optionalString(fields, 'code', 16),
    });
    return reply(request, res, client, signUp);
  });
}
