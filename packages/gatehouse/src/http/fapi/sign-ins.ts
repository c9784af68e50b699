import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as z from 'zod';
import type { SignInSnapshot } from '../../domain/frontend/client-snapshot.js';
import type { Domain } from '../../domain/index.js';
import { frontendErrors } from '../../errors.js';
import type { Client } from '../../model/index.js';
import type { RateLimiter } from '../../security/rate-limit.js';
import { frontendCaller } from '../caller.js';
import { serializeSignIn } from '../serializers/sign-in.js';
import type { FapiContext } from './context.js';
import { formBoolean, formText, parseForm } from './form.js';
import { enforceLimits } from './limits.js';
import { assertRedirectAllowed } from './oauth.js';
import { checkedRedirect, requestRelyingParty } from './passwordless-input.js';
import { recordSignInDevice } from './sign-in-device.js';

/** Per identifier and per attempt; per IP allows more, since many people can share one address. */
const ATTEMPTS = { limit: 20, windowMs: 60_000 };
const PER_IP = { limit: 120, windowMs: 60_000 };
const CODE_SENDS = { limit: 5, windowMs: 60_000 };

const createBody = z.object({
  identifier: formText(320).optional(),
  password: formText().optional(),
  strategy: formText(64).optional(),
  ticket: formText(256).optional(),
  redirect_url: formText(2048).optional(),
  action_complete_redirect_url: formText(2048).optional(),
  transfer: formBoolean.optional(),
});
const prepareBody = z.object({
  strategy: formText(64),
  email_address_id: formText(128).optional(),
  phone_number_id: formText(128).optional(),
  redirect_url: formText(2048).optional(),
  locale: z.string().optional(),
});
const attemptBody = z.object({
  strategy: formText(64),
  password: formText().optional(),
  code: formText(16).optional(),
  public_key_credential: formText(16_384).optional(),
});
const prepareSecondBody = z.object({
  strategy: formText(64),
  phone_number_id: formText(128).optional(),
  email_address_id: formText(128).optional(),
  locale: z.string().optional(),
});
const attemptSecondBody = z.object({ strategy: formText(64), code: formText(32).optional() });
const resetPasswordBody = z.object({ password: formText(), sign_out_of_other_sessions: formBoolean.optional() });

/** `/v1/client/sign_ins`: password, e-mail code and password-reset sign-ins. */
export function registerSignInRoutes(
  app: FastifyInstance,
  domain: Domain,
  ctx: FapiContext,
  limiter: RateLimiter,
  publicUrl: string,
): void {
  async function reply(request: FastifyRequest, reply: FastifyReply, client: Client, signIn: SignInSnapshot, rotate = false) {
    // A completed sign-in gets the browser a new client token (session fixation).
    if (rotate && signIn.signIn.status === 'complete') await ctx.rotateClient(reply, client.id);
    await recordSignInDevice(domain, request, signIn.signIn);
    return ctx.send(request, reply, client.id, serializeSignIn(signIn, domain.images.links), { signIn });
  }

  async function existingClient(request: FastifyRequest) {
    const client = await ctx.client(request);
    if (!client) throw frontendErrors.signInNotFound();
    return client;
  }

  app.post('/v1/client/sign_ins', async (request, res) => {
    const body = parseForm(createBody, request.body);
    await enforceLimits(domain, limiter, request, [
      [`sign_in:ip:${request.ip}`, PER_IP],
      // Keyed as the account is looked up (trimmed, lower case), so spelling variants share one budget.
      ...(body.identifier ? ([[`sign_in:id:${body.identifier.trim().toLowerCase()}`, ATTEMPTS]] as const) : []),
    ]);
    await assertRedirectAllowed(domain, publicUrl, body.redirect_url, body.action_complete_redirect_url);
    const client = await ctx.ensureClient(request, res);
    const signIn = await domain.signIns.create(
      client,
      {
        identifier: body.identifier,
        password: body.password,
        strategy: body.strategy,
        redirectUrl: body.redirect_url,
        actionCompleteRedirectUrl: body.action_complete_redirect_url,
        transfer: body.transfer,
        ...(body.ticket !== undefined ? { ticket: body.ticket } : {}),
        rp: body.strategy === 'passkey' ? await requestRelyingParty(domain, request, publicUrl) : undefined,
      },
      frontendCaller(request, undefined),
    );
    return reply(request, res, client, signIn, true);
  });

  app.get('/v1/client/sign_ins/:id', async (request, res) => {
    const client = await existingClient(request);
    const signIn = await domain.signIns.load(client, (request.params as { id: string }).id);
    return reply(request, res, client, signIn);
  });

  app.post('/v1/client/sign_ins/:id/prepare_first_factor', async (request, res) => {
    const client = await existingClient(request);
    const body = parseForm(prepareBody, request.body);
    await enforceLimits(domain, limiter, request, [[`code_send:${client.id}`, CODE_SENDS]]);
    const signIn = await domain.signIns.prepareFirstFactor(
      client,
      (request.params as { id: string }).id,
      {
        strategy: body.strategy,
        emailAddressId: body.email_address_id,
        phoneNumberId: body.phone_number_id,
        locale: ctx.locale(request, body),
        redirectUrl: await checkedRedirect(domain, body.redirect_url, publicUrl),
        rp: body.strategy === 'passkey' ? await requestRelyingParty(domain, request, publicUrl) : undefined,
      },
      frontendCaller(request, undefined),
    );
    return reply(request, res, client, signIn);
  });

  app.post('/v1/client/sign_ins/:id/attempt_first_factor', async (request, res) => {
    const client = await existingClient(request);
    const body = parseForm(attemptBody, request.body);
    const id = (request.params as { id: string }).id;
    await enforceLimits(domain, limiter, request, [
      [`sign_in:ip:${request.ip}`, PER_IP],
      [`sign_in:attempt:${id}`, ATTEMPTS],
    ]);
    const signIn = await domain.signIns.attemptFirstFactor(
      client,
      id,
      {
        strategy: body.strategy,
        password: body.password,
        code: body.code,
        publicKeyCredential: body.public_key_credential,
      },
      frontendCaller(request, undefined),
    );
    return reply(request, res, client, signIn, true);
  });

  app.post('/v1/client/sign_ins/:id/prepare_second_factor', async (request, res) => {
    const client = await existingClient(request);
    const body = parseForm(prepareSecondBody, request.body);
    await enforceLimits(domain, limiter, request, [[`code_send:${client.id}`, CODE_SENDS]]);
    const signIn = await domain.signIns.prepareSecondFactor(
      client,
      (request.params as { id: string }).id,
      {
        strategy: body.strategy,
        locale: ctx.locale(request, body),
        params: { phoneNumberId: body.phone_number_id, emailAddressId: body.email_address_id },
      },
      frontendCaller(request, undefined),
    );
    return reply(request, res, client, signIn);
  });

  app.post('/v1/client/sign_ins/:id/attempt_second_factor', async (request, res) => {
    const client = await existingClient(request);
    const body = parseForm(attemptSecondBody, request.body);
    const id = (request.params as { id: string }).id;
    await enforceLimits(domain, limiter, request, [
      [`sign_in:ip:${request.ip}`, PER_IP],
      [`sign_in:attempt:${id}`, ATTEMPTS],
    ]);
    const signIn = await domain.signIns.attemptSecondFactor(client, id, body, frontendCaller(request, undefined));
    return reply(request, res, client, signIn, true);
  });

  app.post('/v1/client/sign_ins/:id/reset_password', async (request, res) => {
    const client = await existingClient(request);
    const body = parseForm(resetPasswordBody, request.body);
    const signIn = await domain.signIns.resetPassword(
      client,
      (request.params as { id: string }).id,
      {
        password: body.password,
        signOutOfOtherSessions: body.sign_out_of_other_sessions,
      },
      frontendCaller(request, undefined),
    );
    return reply(request, res, client, signIn, true);
  });
}
