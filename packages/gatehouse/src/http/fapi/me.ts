import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as z from 'zod';
import { emailCode, emailLink } from '../../domain/frontend/strategies/index.js';
import type { Domain } from '../../domain/index.js';
import type { UserRecord } from '../../domain/users.js';
import { errors, frontendErrors } from '../../errors.js';
import type { EmailAddress } from '../../model/index.js';
import type { RateLimiter } from '../../security/rate-limit.js';
import { frontendCaller } from '../caller.js';
import { queryValue } from '../params.js';
import { sendJson } from '../reply.js';
import { serializeDeleted } from '../serializers/deleted.js';
import { serializeEmailAddress } from '../serializers/email-address.js';
import { serializeExternalAccount } from '../serializers/external-account.js';
import { serializeSessionWithActivities } from '../serializers/session.js';
import { serializeFrontendUser } from '../serializers/user.js';
import { serializeCodeVerification } from '../serializers/verification.js';
import type { FapiContext } from './context.js';
import { formBoolean, formJsonObject, formText, parseForm } from './form.js';
import { enforceLimits } from './limits.js';
import { registerSecondFactorRoutes } from './me-second-factors.js';
import { assertRedirectAllowed } from './oauth.js';
import { checkedRedirect } from './passwordless-input.js';

const CODE_SENDS = { limit: 5, windowMs: 60_000 };
/** Per user: a stolen session must not test passwords or codes at full speed (the lockout counts them too). */
const CHANGE_PASSWORD = { limit: 10, windowMs: 60_000 };
const CODE_ATTEMPTS = { limit: 20, windowMs: 60_000 };

/** Profile fields `''` clears; every other field is unknown (422 `form_param_unknown`). */
const CLEARABLE = ['first_name', 'last_name', 'username'] as const;
const updateBody = z
  .object({
    first_name: formText(256).nullable().optional(),
    last_name: formText(256).nullable().optional(),
    username: formText(256).nullable().optional(),
    unsafe_metadata: formJsonObject.optional(),
    primary_email_address_id: formText(128).optional(),
    primary_phone_number_id: formText(128).optional(),
  })
  .strict();
const changePasswordBody = z.object({
  current_password: formText().optional(),
  new_password: formText(),
  sign_out_of_other_sessions: formBoolean.optional(),
});
const addEmailBody = z.object({ email_address: formText(320) });
const prepareBody = z.object({ strategy: formText(64), redirect_url: formText(2048).optional(), locale: z.string().optional() });
const attemptBody = z.object({ code: formText(16) });

/** The caller's session: `_clerk_session_id` if given, else the client's active one; it must belong to the cookie's client. */
export async function signedInCaller(
  domain: Domain,
  ctx: FapiContext,
  request: FastifyRequest,
): Promise<{ clientId: string; sessionId: string; userId: string }> {
  const client = await ctx.client(request);
  if (!client) throw frontendErrors.notSignedIn();
  const wanted = queryValue(request.query, '_clerk_session_id') || client.lastActiveSessionId;
  const sessions = await domain.clients.activeSessions(client.id);
  const entry = sessions.find((s) => s.session.id === wanted);
  if (!entry) throw frontendErrors.notSignedIn();
  return { clientId: client.id, sessionId: entry.session.id, userId: entry.session.userId };
}

/** `/v1/me`: the signed-in person's own profile, password and e-mail addresses. */
/** `additional_scope` as clerk-js sends it: repeated, or one comma- or space-separated value. */
const scopeList = z
  .union([formText(2000), z.array(formText(2000))])
  .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(/[ ,]+/)).filter(Boolean));
const connectBody = z.object({
  strategy: formText(64),
  redirect_url: formText(2048),
  additional_scope: scopeList.optional(),
  oidc_prompt: formText(64).optional(),
  oidc_login_hint: formText(320).optional(),
});
const reauthorizeBody = connectBody.omit({ strategy: true });

export function registerMeRoutes(app: FastifyInstance, domain: Domain, ctx: FapiContext, limiter: RateLimiter, publicUrl: string): void {
  const frontendUser = (record: UserRecord) => serializeFrontendUser(record, domain.protection.state(record.user), domain.images.links);
  /** The caller's session: `_clerk_session_id` if given, else the client's active one; it must belong to the cookie's client. */
  const signedIn = (request: FastifyRequest) => signedInCaller(domain, ctx, request);

  async function emailJson(email: EmailAddress) {
    if (email.verified) return serializeEmailAddress(email);
    const code = await domain.me.verification(email.id);
    const link = await domain.meFactors.emailLinkVerification(email.id);
    const pending =
      link && (!code || link.createdAt > code.createdAt)
        ? serializeCodeVerification('email_link', link)
        : serializeCodeVerification('email_code', code);
    return serializeEmailAddress(email, pending);
  }

  const sendUser = async (request: FastifyRequest, reply: FastifyReply, clientId: string, userId: string) =>
    ctx.send(request, reply, clientId, frontendUser(await domain.users.get(userId)));

  app.get('/v1/me', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    return sendUser(request, reply, clientId, userId);
  });

  app.patch('/v1/me', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    const body = parseForm(updateBody, request.body, CLEARABLE);
    if (body.primary_phone_number_id) await domain.meFactors.makePhonePrimary(userId, body.primary_phone_number_id);
    await domain.me.update(
      userId,
      {
        firstName: body.first_name,
        lastName: body.last_name,
        username: body.username,
        unsafeMetadata: body.unsafe_metadata,
        primaryEmailAddressId: body.primary_email_address_id,
      },
      frontendCaller(request, userId),
    );
    return sendUser(request, reply, clientId, userId);
  });

  app.post('/v1/me/change_password', async (request, reply) => {
    const { clientId, sessionId, userId } = await signedIn(request);
    const body = parseForm(changePasswordBody, request.body);
    await enforceLimits(domain, limiter, request, [[`change_password:${userId}`, CHANGE_PASSWORD]]);
    await domain.me.changePassword(
      userId,
      sessionId,
      {
        currentPassword: body.current_password,
        newPassword: body.new_password,
        signOutOfOtherSessions: body.sign_out_of_other_sessions,
      },
      frontendCaller(request, userId),
    );
    return sendUser(request, reply, clientId, userId);
  });

  app.delete('/v1/me', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    await domain.me.deleteSelf(userId, frontendCaller(request, userId));
    return ctx.send(request, reply, clientId, serializeDeleted('user', userId));
  });

  // A bare array, not the envelope: clerk-js maps the payload itself (`SessionWithActivities.retrieve`).
  app.get('/v1/me/sessions/active', async (request, reply) => {
    const { userId } = await signedIn(request);
    const { data } = await domain.sessions.list({ userId, status: 'active' }, 100, 0);
    const active = data.filter((s) => s.status === 'active');
    const activities = await domain.sessionActivities.forSessions(active.map((s) => s.id));
    return sendJson(
      reply,
      200,
      active.map((s) => serializeSessionWithActivities(s, activities.get(s.id))),
    );
  });

  app.post('/v1/me/sessions/:id/revoke', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    const session = await domain.me.revokeSession(userId, clientId, (request.params as { id: string }).id, frontendCaller(request, userId));
    const activities = await domain.sessionActivities.forSessions([session.id]);
    return ctx.send(request, reply, clientId, serializeSessionWithActivities(session, activities.get(session.id)));
  });

  app.get('/v1/me/email_addresses', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    const record = await domain.users.get(userId);
    return ctx.send(request, reply, clientId, await Promise.all(record.emailAddresses.map(emailJson)));
  });

  app.post('/v1/me/email_addresses', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    const email = await domain.me.addEmail(userId, parseForm(addEmailBody, request.body).email_address, frontendCaller(request, userId));
    return ctx.send(request, reply, clientId, await emailJson(email));
  });

  const emailId = (request: FastifyRequest) => (request.params as { id: string }).id;

  app.get('/v1/me/email_addresses/:id', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    const email = (await domain.users.get(userId)).emailAddresses.find((e) => e.id === emailId(request));
    if (!email) throw errors.notFound('email address');
    return ctx.send(request, reply, clientId, await emailJson(email));
  });

  app.post('/v1/me/email_addresses/:id/prepare_verification', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    const body = parseForm(prepareBody, request.body);
    if (body.strategy !== emailCode.name && body.strategy !== emailLink.name) throw frontendErrors.strategyInvalid(body.strategy);
    await enforceLimits(domain, limiter, request, [[`code_send:${clientId}`, CODE_SENDS]]);
    if (body.strategy === emailLink.name) {
      const own = (await domain.users.get(userId)).emailAddresses.find((e) => e.id === emailId(request));
      if (!own) throw errors.notFound('email address');
      await domain.meFactors.prepareEmailLink(
        own,
        ctx.locale(request, body),
        await checkedRedirect(domain, body.redirect_url, publicUrl),
        frontendCaller(request, userId),
      );
      return ctx.send(request, reply, clientId, await emailJson(own));
    }
    const email = await domain.me.prepareEmailVerification(
      userId,
      emailId(request),
      ctx.locale(request, body),
      frontendCaller(request, userId),
    );
    return ctx.send(request, reply, clientId, await emailJson(email));
  });

  app.post('/v1/me/email_addresses/:id/attempt_verification', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    await enforceLimits(domain, limiter, request, [[`me_code:${userId}`, CODE_ATTEMPTS]]);
    const email = await domain.me.attemptEmailVerification(
      userId,
      emailId(request),
      parseForm(attemptBody, request.body).code,
      frontendCaller(request, userId),
    );
    return ctx.send(request, reply, clientId, await emailJson(email));
  });

  app.delete('/v1/me/email_addresses/:id', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    await domain.me.removeEmail(userId, emailId(request), frontendCaller(request, userId));
    return ctx.send(request, reply, clientId, serializeDeleted('email_address', emailId(request)));
  });

  // Connected accounts (`<UserProfile/>`): connect a provider (with extra scopes), re-authorize, remove.
  const connectLimit = { limit: 20, windowMs: 60_000 };
  app.post('/v1/me/external_accounts', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    const body = parseForm(connectBody, request.body);
    await enforceLimits(domain, limiter, request, [[`me_connect:${userId}`, connectLimit]]);
    await assertRedirectAllowed(domain, publicUrl, body.redirect_url);
    const { account, flow } = await domain.oauthCallback.connect({
      clientId,
      userId,
      strategy: body.strategy,
      redirectUrl: body.redirect_url,
      additionalScopes: body.additional_scope ?? [],
    });
    const pending = await domain.social.verificationOfFlow(flow.id);
    return ctx.send(request, reply, clientId, serializeExternalAccount(account, 'frontend', pending));
  });

  app.patch('/v1/me/external_accounts/:id/reauthorize', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    const body = parseForm(reauthorizeBody, request.body);
    await enforceLimits(domain, limiter, request, [[`me_connect:${userId}`, connectLimit]]);
    await assertRedirectAllowed(domain, publicUrl, body.redirect_url);
    const id = (request.params as { id: string }).id;
    const existing = (await domain.social.accountsOf(userId)).find((a) => a.id === id);
    if (!existing) throw errors.notFound('external account');
    const { account, flow } = await domain.oauthCallback.connect({
      clientId,
      userId,
      strategy: `oauth_${existing.provider}`,
      redirectUrl: body.redirect_url,
      additionalScopes: body.additional_scope ?? [],
      accountId: id,
    });
    const pending = await domain.social.verificationOfFlow(flow.id);
    return ctx.send(request, reply, clientId, serializeExternalAccount(account, 'frontend', pending));
  });

  app.delete('/v1/me/external_accounts/:id', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    const id = (request.params as { id: string }).id;
    await domain.social.removeAccount(userId, id);
    return ctx.send(request, reply, clientId, serializeDeleted('external_account', id));
  });
  registerSecondFactorRoutes(app, domain, ctx, limiter, signedIn);
}
