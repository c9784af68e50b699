import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Domain } from '../../domain/index.js';
import { frontendErrors } from '../../errors.js';
import type { Client, SignIn } from '../../model/index.js';
import type { RateLimiter } from '../../security/rate-limit.js';
import { serializeSignIn } from '../serializers/frontend.js';
import type { FapiContext } from './context.js';
import { formFields, optionalBoolean, optionalString, requiredString } from './form.js';
import { enforceLimit } from './limits.js';
import { recordSignInDevice } from './sign-in-device.js';

/** Per identifier and per attempt; per IP allows more, since many people can share one address. */
const ATTEMPTS = { limit: 20, windowMs: 60_000 };
const PER_IP = { limit: 120, windowMs: 60_000 };
const CODE_SENDS = { limit: 5, windowMs: 60_000 };

/** `/v1/client/sign_ins`: password, e-mail code and password-reset sign-ins. */
export function registerSignInRoutes(app: FastifyInstance, domain: Domain, ctx: FapiContext, limiter: RateLimiter): void {
  async function reply(request: FastifyRequest, reply: FastifyReply, client: Client, signIn: SignIn) {
    const json = serializeSignIn(
      signIn,
      await domain.signIns.factors(signIn),
      await ctx.signInCode(signIn.id, signIn.firstFactorStrategy),
      domain.images.links,
    );
    await recordSignInDevice(domain, request, signIn);
    return ctx.send(request, reply, client.id, json);
  }

  async function existingClient(request: FastifyRequest) {
    const client = await ctx.client(request);
    if (!client) throw frontendErrors.signInNotFound();
    return client;
  }

  app.post('/v1/client/sign_ins', async (request, res) => {
    const fields = formFields(request.body);
    const identifier = optionalString(fields, 'identifier', 320);
    await enforceLimit(domain, limiter, request, `sign_in:ip:${request.ip}`, PER_IP);
    if (identifier) await enforceLimit(domain, limiter, request, `sign_in:id:${identifier.toLowerCase()}`, ATTEMPTS);
    const client = await ctx.ensureClient(request, res);
    const signIn = await domain.signIns.create(client, {
      identifier,
      password: optionalString(fields, 'password'),
      strategy: optionalString(fields, 'strategy', 64),
    });
    return reply(request, res, client, signIn);
  });

  app.get('/v1/client/sign_ins/:id', async (request, res) => {
    const client = await existingClient(request);
    const signIn = await domain.signIns.load(client, (request.params as { id: string }).id);
    return reply(request, res, client, signIn);
  });

  app.post('/v1/client/sign_ins/:id/prepare_first_factor', async (request, res) => {
    const client = await existingClient(request);
    const fields = formFields(request.body);
    await enforceLimit(domain, limiter, request, `code_send:${client.id}`, CODE_SENDS);
    const signIn = await domain.signIns.prepareFirstFactor(client, (request.params as { id: string }).id, {
      strategy: requiredString(fields, 'strategy', 64),
      emailAddressId: optionalString(fields, 'email_address_id', 128),
      locale: ctx.locale(request, fields),
    });
    return reply(request, res, client, signIn);
  });

  app.post('/v1/client/sign_ins/:id/attempt_first_factor', async (request, res) => {
    const client = await existingClient(request);
    const fields = formFields(request.body);
    const id = (request.params as { id: string }).id;
    await enforceLimit(domain, limiter, request, `sign_in:ip:${request.ip}`, PER_IP);
    await enforceLimit(domain, limiter, request, `sign_in:attempt:${id}`, ATTEMPTS);
    const signIn = await domain.signIns.attemptFirstFactor(client, id, {
      strategy: requiredString(fields, 'strategy', 64),
      password: optionalString(fields, 'password'),
      code: optionalString(fields, 'code', 16),
    });
    return reply(request, res, client, signIn);
  });

  app.post('/v1/client/sign_ins/:id/reset_password', async (request, res) => {
    const client = await existingClient(request);
    const fields = formFields(request.body);
    const signIn = await domain.signIns.resetPassword(client, (request.params as { id: string }).id, {
      password: requiredString(fields, 'password'),
      signOutOfOtherSessions: optionalBoolean(fields, 'sign_out_of_other_sessions'),
    });
    return reply(request, res, client, signIn);
  });
}
