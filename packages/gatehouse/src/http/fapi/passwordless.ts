import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as z from 'zod';
import type { Domain } from '../../domain/index.js';
import { frontendErrors } from '../../errors.js';
import type { PhoneNumber } from '../../model/index.js';
import type { RateLimiter } from '../../security/rate-limit.js';
import { frontendCaller } from '../caller.js';
import { queryValue } from '../params.js';
import { serializeDeleted } from '../serializers/deleted.js';
import { serializePasskey } from '../serializers/passkey.js';
import { serializePhoneNumber } from '../serializers/phone-number.js';
import type { FapiContext } from './context.js';
import { formBoolean, formText, parseForm } from './form.js';
import { enforceLimits } from './limits.js';
import { signedInCaller } from './me.js';
import { requestRelyingParty } from './passwordless-input.js';

const CODE_SENDS = { limit: 5, windowMs: 60_000 };
const CODE_ATTEMPTS = { limit: 20, windowMs: 60_000 };
const PASSKEY_CEREMONIES = { limit: 20, windowMs: 60_000 };

const addPhoneBody = z.object({ phone_number: formText(32) });
const updatePhoneBody = z
  .object({ reserved_for_second_factor: formBoolean.optional(), default_second_factor: formBoolean.optional() })
  .strict();
const preparePhoneBody = z.object({ strategy: formText(64), locale: z.string().optional() });
const attemptCodeBody = z.object({ code: formText(16) });
const attemptPasskeyBody = z.object({ strategy: formText(64).optional(), public_key_credential: formText(16_384) });
const renamePasskeyBody = z.object({ name: formText(100) }).strict();

/**
 * The passwordless routes of the Frontend API: `GET /v1/verify` (an e-mail link opened), and the
 * signed-in person's phone numbers (`/v1/me/phone_numbers`) and passkeys (`/v1/me/passkeys`).
 */
export function registerPasswordlessRoutes(
  app: FastifyInstance,
  domain: Domain,
  ctx: FapiContext,
  limiter: RateLimiter,
  publicUrl: string,
) {
  const signedIn = (request: FastifyRequest) => signedInCaller(domain, ctx, request);
  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;

  /**
   * An e-mail link: verifies the flow it was sent for, then goes back to the page that asked, with
   * `__clerk_status` (`verified`, `expired`, `failed`) and, when a session was made, `__clerk_created_session`,
   * which clerk-js's `handleEmailLinkVerification` reads. The same browser (another tab) gets a fresh
   * client cookie, as any completed sign-in does; another device learns only the status.
   */
  app.get('/v1/verify', async (request, reply) => {
    const token = queryValue(request.query, 'token') ?? '';
    const visit = await domain.emailLinks.visit(token, frontendCaller(request, undefined));
    if (!visit.returnTo) throw visit.status === 'expired' ? frontendErrors.verificationExpired() : frontendErrors.verificationFailed();
    const target = new URL(visit.returnTo);
    target.searchParams.set('__clerk_status', visit.status);
    if (visit.createdSessionId) target.searchParams.set('__clerk_created_session', visit.createdSessionId);
    const browser = await ctx.client(request);
    if (visit.createdSessionId && visit.clientId && browser?.id === visit.clientId) await ctx.rotateClient(reply, visit.clientId);
    reply.header('cache-control', 'no-store');
    return reply.redirect(target.toString(), 303);
  });

  async function phoneJson(phone: PhoneNumber, backupCodes?: string[]) {
    return serializePhoneNumber(phone, phone.verified ? undefined : await domain.meFactors.phoneVerification(phone.id), backupCodes);
  }

  app.get('/v1/me/phone_numbers', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    const phones = await domain.phoneNumbers.listByUsers([userId]);
    return ctx.send(request, reply, clientId, await Promise.all(phones.map((phone) => phoneJson(phone))));
  });

  app.post('/v1/me/phone_numbers', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    const phone = await domain.meFactors.addPhone(userId, parseForm(addPhoneBody, request.body).phone_number);
    return ctx.send(request, reply, clientId, await phoneJson(phone));
  });

  app.get('/v1/me/phone_numbers/:id', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    return ctx.send(request, reply, clientId, await phoneJson(await domain.meFactors.ownPhone(userId, idOf(request))));
  });

  app.patch('/v1/me/phone_numbers/:id', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    const body = parseForm(updatePhoneBody, request.body);
    const { phone, backupCodes } = await domain.meFactors.updatePhone(userId, idOf(request), {
      reservedForSecondFactor: body.reserved_for_second_factor,
    });
    return ctx.send(request, reply, clientId, await phoneJson(phone, backupCodes));
  });

  app.post('/v1/me/phone_numbers/:id/prepare_verification', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    const body = parseForm(preparePhoneBody, request.body);
    if (body.strategy !== 'phone_code') throw frontendErrors.strategyInvalid(body.strategy);
    await enforceLimits(domain, limiter, request, [[`code_send:${clientId}`, CODE_SENDS]]);
    const phone = await domain.meFactors.preparePhoneVerification(
      userId,
      idOf(request),
      ctx.locale(request, body),
      frontendCaller(request, userId),
    );
    return ctx.send(request, reply, clientId, await phoneJson(phone));
  });

  app.post('/v1/me/phone_numbers/:id/attempt_verification', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    await enforceLimits(domain, limiter, request, [[`me_code:${userId}`, CODE_ATTEMPTS]]);
    const phone = await domain.meFactors.attemptPhoneVerification(
      userId,
      idOf(request),
      parseForm(attemptCodeBody, request.body).code,
      frontendCaller(request, userId),
    );
    return ctx.send(request, reply, clientId, await phoneJson(phone));
  });

  app.delete('/v1/me/phone_numbers/:id', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    await domain.meFactors.removePhone(userId, idOf(request));
    return ctx.send(request, reply, clientId, serializeDeleted('phone_number', idOf(request)));
  });

  app.post('/v1/me/passkeys', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    await enforceLimits(domain, limiter, request, [[`passkey:${userId}`, PASSKEY_CEREMONIES]]);
    const passkey = await domain.meFactors.startPasskey(userId, await requestRelyingParty(domain, request, publicUrl));
    return ctx.send(request, reply, clientId, serializePasskey(passkey, await domain.meFactors.passkeyVerification(passkey.id)));
  });

  app.post('/v1/me/passkeys/:id/attempt_verification', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    await enforceLimits(domain, limiter, request, [[`passkey:${userId}`, PASSKEY_CEREMONIES]]);
    const body = parseForm(attemptPasskeyBody, request.body);
    if (body.strategy !== undefined && body.strategy !== 'passkey') throw frontendErrors.strategyInvalid(body.strategy);
    const passkey = await domain.meFactors.finishPasskey(userId, idOf(request), body.public_key_credential);
    return ctx.send(request, reply, clientId, serializePasskey(passkey));
  });

  app.patch('/v1/me/passkeys/:id', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    const passkey = await domain.meFactors.renamePasskey(userId, idOf(request), parseForm(renamePasskeyBody, request.body).name);
    return ctx.send(request, reply, clientId, serializePasskey(passkey));
  });

  app.delete('/v1/me/passkeys/:id', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    await domain.meFactors.deletePasskey(userId, idOf(request));
    return ctx.send(request, reply, clientId, serializeDeleted('passkey', idOf(request)));
  });
}
