import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as z from 'zod';
import type { SignUpSnapshot } from '../../domain/frontend/client-snapshot.js';
import type { Domain } from '../../domain/index.js';
import { frontendErrors } from '../../errors.js';
import type { Client } from '../../model/index.js';
import type { RateLimiter } from '../../security/rate-limit.js';
import { frontendCaller } from '../caller.js';
import { serializeSignUp } from '../serializers/sign-up.js';
import type { FapiContext } from './context.js';
import { formBoolean, formJsonObject, formText, parseForm } from './form.js';
import { enforceLimits } from './limits.js';
import { assertRedirectAllowed } from './oauth.js';
import { checkedRedirect } from './passwordless-input.js';
import { recordSignInDevice } from './sign-in-device.js';

const SIGN_UPS = { limit: 20, windowMs: 60_000 };
const CODE_SENDS = { limit: 5, windowMs: 60_000 };
const ATTEMPTS = { limit: 20, windowMs: 60_000 };

const fieldsBody = z.object({
  strategy: formText(64).optional(),
  ticket: formText(256).optional(),
  email_address: formText(320).optional(),
  password: formText().optional(),
  first_name: formText(256).optional(),
  last_name: formText(256).optional(),
  username: formText(64).optional(),
  phone_number: formText(32).optional(),
  unsafe_metadata: formJsonObject.optional(),
});
/** Creation also takes a provider (`strategy=oauth_…` with its redirect URLs) or `transfer` from a sign-in. */
const createBody = fieldsBody.extend({
  strategy: formText(64).optional(),
  redirect_url: formText(2048).optional(),
  action_complete_redirect_url: formText(2048).optional(),
  transfer: formBoolean.optional(),
});
const verificationBody = z.object({
  strategy: formText(64),
  code: formText(16).optional(),
  redirect_url: formText(2048).optional(),
  locale: z.string().optional(),
});

function signUpFields(body: z.infer<typeof fieldsBody>) {
  return {
    strategy: body.strategy,
    ticket: body.ticket,
    emailAddress: body.email_address,
    password: body.password,
    firstName: body.first_name,
    lastName: body.last_name,
    username: body.username,
    phoneNumber: body.phone_number,
    unsafeMetadata: body.unsafe_metadata,
  };
}

/** `/v1/client/sign_ups`: e-mail + password sign-up, verified by an e-mail code. */
export function registerSignUpRoutes(
  app: FastifyInstance,
  domain: Domain,
  ctx: FapiContext,
  limiter: RateLimiter,
  publicUrl: string,
): void {
  async function reply(request: FastifyRequest, res: FastifyReply, client: Client, signUp: SignUpSnapshot, rotate = false) {
    // A completed sign-up gets the browser a new client token (session fixation); the old one stays
    // good for retrying the completion only (a browser that never saw this answer still holds it).
    if (rotate && signUp.signUp.status === 'complete') await ctx.rotateClient(res, client.id, true);
    await recordSignInDevice(domain, request, signUp.signUp);
    return ctx.send(request, res, client.id, serializeSignUp(signUp), { signUp });
  }

  async function existingClient(request: FastifyRequest) {
    const client = await ctx.client(request);
    if (!client) throw frontendErrors.signUpNotFound();
    return client;
  }

  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;

  app.post('/v1/client/sign_ups', async (request, res) => {
    const body = parseForm(createBody, request.body);
    await enforceLimits(domain, limiter, request, [[`sign_up:ip:${request.ip}`, SIGN_UPS]]);
    await assertRedirectAllowed(domain, publicUrl, body.redirect_url, body.action_complete_redirect_url);
    const client = await ctx.ensureClient(request, res);
    const signUp = await domain.signUps.create(client, signUpFields(body), frontendCaller(request, undefined), {
      strategy: body.strategy,
      redirectUrl: body.redirect_url,
      actionCompleteRedirectUrl: body.action_complete_redirect_url,
      transfer: body.transfer,
    });
    return reply(request, res, client, signUp, true);
  });

  app.get('/v1/client/sign_ups/:id', async (request, res) => {
    const client = await existingClient(request);
    return reply(request, res, client, await domain.signUps.load(client, idOf(request)));
  });

  app.patch('/v1/client/sign_ups/:id', async (request, res) => {
    const client = await existingClient(request);
    const signUp = await domain.signUps.update(
      client,
      idOf(request),
      signUpFields(parseForm(fieldsBody, request.body)),
      frontendCaller(request, undefined),
    );
    return reply(request, res, client, signUp, true);
  });

  app.post('/v1/client/sign_ups/:id/prepare_verification', async (request, res) => {
    const client = await existingClient(request);
    const body = parseForm(verificationBody, request.body);
    await enforceLimits(domain, limiter, request, [[`code_send:${client.id}`, CODE_SENDS]]);
    const signUp = await domain.signUps.prepareVerification(
      client,
      idOf(request),
      body.strategy,
      ctx.locale(request, body),
      frontendCaller(request, undefined),
      await checkedRedirect(domain, body.redirect_url, publicUrl),
    );
    return reply(request, res, client, signUp);
  });

  app.post('/v1/client/sign_ups/:id/attempt_verification', async (request, res) => {
    const client = await ctx.clientForRetry(request);
    if (!client) throw frontendErrors.signUpNotFound();
    const body = parseForm(verificationBody, request.body);
    await enforceLimits(domain, limiter, request, [[`sign_up:attempt:${idOf(request)}`, ATTEMPTS]]);
    const signUp = await domain.signUps.attemptVerification(
      client,
      idOf(request),
      { strategy: body.strategy, code: body.code },
      frontendCaller(request, undefined),
    );
    return reply(request, res, client, signUp, true);
  });
}
