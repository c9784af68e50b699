import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Domain } from '../../domain/index.js';
import { errors, frontendErrors } from '../../errors.js';
import type { EmailAddress } from '../../model/index.js';
import type { RateLimiter } from '../../security/rate-limit.js';
import { queryValue } from '../params.js';
import { sendJson } from '../reply.js';
import { serializeSessionWithActivities, serializeVerification } from '../serializers/frontend.js';
import { serializeEmailAddress, serializeUser } from '../serializers/user.js';
import type { FapiContext } from './context.js';
import { formFields, optionalBoolean, optionalJsonObject, optionalString, requiredString } from './form.js';
import { enforceLimit } from './limits.js';

const CODE_SENDS = { limit: 5, windowMs: 60_000 };

/** `/v1/me`: the signed-in person's own profile, password and e-mail addresses. */
export function registerMeRoutes(app: FastifyInstance, domain: Domain, ctx: FapiContext, limiter: RateLimiter): void {
  /** The caller's session: `_clerk_session_id` if given, else the client's active one; it must belong to the cookie's client. */
  async function signedIn(request: FastifyRequest): Promise<{ clientId: string; sessionId: string; userId: string }> {
    const client = await ctx.client(request);
    if (!client) throw frontendErrors.notSignedIn();
    const wanted = queryValue(request.query, '_clerk_session_id') || client.lastActiveSessionId;
    const sessions = await domain.clients.activeSessions(client.id);
    const entry = sessions.find((s) => s.session.id === wanted);
    if (!entry) throw frontendErrors.notSignedIn();
    return { clientId: client.id, sessionId: entry.session.id, userId: entry.session.userId };
  }

  async function emailJson(email: EmailAddress) {
    const code = await domain.me.verification(email.id);
    return {
      ...serializeEmailAddress(email),
      verification: email.verified ? serializeEmailAddress(email).verification : serializeVerification('email_code', code),
    };
  }

  const sendUser = async (request: FastifyRequest, reply: FastifyReply, clientId: string, userId: string) =>
    ctx.send(request, reply, clientId, serializeUser(await domain.users.get(userId), { audience: 'frontend', links: domain.images.links }));

  app.get('/v1/me', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    return sendUser(request, reply, clientId, userId);
  });

  app.patch('/v1/me', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    const fields = formFields(request.body);
    const allowed = new Set(['first_name', 'last_name', 'username', 'unsafe_metadata', 'primary_email_address_id']);
    const unknown = Object.keys(fields).find((key) => !allowed.has(key));
    if (unknown) throw errors.paramUnknown(unknown);
    const nullable = (name: string) => (name in fields ? (fields[name] === '' ? null : optionalString(fields, name, 256)) : undefined);
    await domain.me.update(userId, {
      firstName: nullable('first_name'),
      lastName: nullable('last_name'),
      username: nullable('username'),
      unsafeMetadata: optionalJsonObject(fields, 'unsafe_metadata'),
      primaryEmailAddressId: optionalString(fields, 'primary_email_address_id', 128),
    });
    return sendUser(request, reply, clientId, userId);
  });

  app.post('/v1/me/change_password', async (request, reply) => {
    const { clientId, sessionId, userId } = await signedIn(request);
    const fields = formFields(request.body);
    await domain.me.changePassword(userId, sessionId, {
      currentPassword: optionalString(fields, 'current_password'),
      newPassword: requiredString(fields, 'new_password'),
      signOutOfOtherSessions: optionalBoolean(fields, 'sign_out_of_other_sessions'),
    });
    return sendUser(request, reply, clientId, userId);
  });

  app.delete('/v1/me', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    await domain.me.deleteSelf(userId);
    return ctx.send(request, reply, clientId, { object: 'user', id: userId, deleted: true });
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
    const session = await domain.store.sessions.findById((request.params as { id: string }).id);
    if (!session || session.userId !== userId) throw errors.notFound('session');
    if ((await domain.sessions.get(session.id)).status === 'active') {
      // One of this browser's own sessions also stops being its active one.
      if (session.clientId === clientId) await domain.clients.endSessions(clientId, 'revoked', session.id);
      else await domain.sessions.revoke(session.id);
    }
    const activities = await domain.sessionActivities.forSessions([session.id]);
    return ctx.send(
      request,
      reply,
      clientId,
      serializeSessionWithActivities(await domain.sessions.get(session.id), activities.get(session.id)),
    );
  });

  app.get('/v1/me/email_addresses', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    const record = await domain.users.get(userId);
    return ctx.send(request, reply, clientId, await Promise.all(record.emailAddresses.map(emailJson)));
  });

  app.post('/v1/me/email_addresses', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    const email = await domain.me.addEmail(userId, requiredString(formFields(request.body), 'email_address', 320));
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
    const fields = formFields(request.body);
    if (requiredString(fields, 'strategy', 64) !== 'email_code') throw frontendErrors.strategyInvalid(fields.strategy ?? '');
    await enforceLimit(domain, limiter, request, `code_send:${clientId}`, CODE_SENDS);
    const email = await domain.me.prepareEmailVerification(userId, emailId(request), ctx.locale(request, fields));
    return ctx.send(request, reply, clientId, await emailJson(email));
  });

  app.post('/v1/me/email_addresses/:id/attempt_verification', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    const email = await domain.me.attemptEmailVerification(userId, emailId(request), requiredString(formFields(request.body), 'code', 16));
    return ctx.send(request, reply, clientId, await emailJson(email));
  });

  app.delete('/v1/me/email_addresses/:id', async (request, reply) => {
    const { clientId, userId } = await signedIn(request);
    await domain.me.removeEmail(userId, emailId(request));
    return ctx.send(request, reply, clientId, { object: 'email_address', id: emailId(request), deleted: true });
  });
}
