import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import { cookieSuffix } from '../../domain/frontend/handshake.js';
import type { Domain } from '../../domain/index.js';
import { SESSION_STATUSES } from '../../domain/sessions.js';
import { backendCaller } from '../caller.js';
import { serializeCookie } from '../cookies.js';
import { emptyBody, idParams, pagination, tokenLifetimeSeconds } from '../params.js';
import { sendJson } from '../reply.js';
import { serializePage } from '../serializers/page.js';
import { serializeSession } from '../serializers/session.js';
import { serializeCookies, serializeToken } from '../serializers/token.js';
import { parseInput } from '../validation.js';

const listQuery = z
  .object({
    client_id: z.string().min(1).optional(),
    user_id: z.string().min(1).optional(),
    status: z.enum(SESSION_STATUSES).optional(),
    ...pagination,
  })
  .strict();
const createBody = z.object({ user_id: z.string().min(1) }).strict();
const tokenBody = z.object({ expires_in_seconds: tokenLifetimeSeconds.optional() }).strict();
const verifyBody = z.object({ token: z.string().min(1).max(16_384) }).strict();
const refreshBody = z
  .object({
    expired_token: z.string().min(1).max(16_384),
    refresh_token: z.string().min(1).max(512),
    request_origin: z.string().url().max(2048),
    request_originating_ip: z.string().max(100).optional(),
    request_headers: z.record(z.string(), z.array(z.string())).optional(),
    format: z.enum(['token', 'cookie']).optional(),
  })
  .strict();
const refreshQuery = z.object({ suffixed_cookies: z.enum(['true', 'false']).optional() }).strict();
const templateParams = z.object({ id: z.string().min(1), template: z.string().min(1) });

/** BAPI `/v1/sessions`: list, get, create, revoke, verify a token and mint tokens. */
export function registerSessionRoutes(app: FastifyInstance, domain: Domain): void {
  app.get('/v1/sessions', async (request, reply) => {
    const q = parseInput(listQuery, request.query);
    const page = await domain.sessions.list({ clientId: q.client_id, userId: q.user_id, status: q.status }, q.limit ?? 10, q.offset ?? 0);
    const activities = await domain.sessionActivities.forSessions(page.data.map((s) => s.id));
    const data = page.data.map((s) => serializeSession(s, activities.get(s.id)));
    // The SDK asks with `paginated=true`; older callers get Clerk's original bare array.
    return sendJson(reply, 200, q.paginated === 'true' ? serializePage(data, page.totalCount) : data);
  });

  app.get('/v1/sessions/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const activities = await domain.sessionActivities.forSessions([id]);
    return sendJson(reply, 200, serializeSession(await domain.sessions.get(id), activities.get(id)));
  });

  app.post('/v1/sessions', async (request, reply) => {
    const { user_id } = parseInput(createBody, request.body);
    return sendJson(reply, 200, serializeSession(await domain.sessions.create(user_id, backendCaller(request))));
  });

  app.post('/v1/sessions/:id/revoke', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    parseInput(emptyBody, request.body);
    return sendJson(reply, 200, serializeSession(await domain.sessions.revoke(id, backendCaller(request))));
  });

  app.post('/v1/sessions/:id/verify', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const { token } = parseInput(verifyBody, request.body);
    return sendJson(reply, 200, serializeSession(await domain.tokens.verifySessionToken(id, token)));
  });

  // `authenticateRequest`'s refresh of an expired session token (see tokens.refreshSessionToken).
  app.post('/v1/sessions/:id/refresh', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const query = parseInput(refreshQuery, request.query);
    const body = parseInput(refreshBody, request.body);
    const jwt = await domain.tokens.refreshSessionToken(id, {
      expiredToken: body.expired_token,
      refreshToken: body.refresh_token,
      requestOrigin: new URL(body.request_origin).origin,
    });
    if (body.format !== 'cookie') return sendJson(reply, 200, serializeToken(jwt));
    // The SDK sets these on the app's response and reads the new token from the `__session…` one.
    const options = { sameSite: 'Lax' as const, secure: body.request_origin.startsWith('https:') };
    const cookies = [serializeCookie('__session', jwt, options)];
    if (query.suffixed_cookies === 'true')
      cookies.push(serializeCookie(`__session_${cookieSuffix(domain.publishableKey())}`, jwt, options));
    return sendJson(reply, 200, serializeCookies(cookies));
  });

  app.post('/v1/sessions/:id/tokens', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(tokenBody, request.body);
    const jwt = await domain.tokens.mintSessionTokenFor(id, { expiresInSeconds: body.expires_in_seconds });
    return sendJson(reply, 200, serializeToken(jwt));
  });

  app.post('/v1/sessions/:id/tokens/:template', async (request, reply) => {
    const { id, template } = parseInput(templateParams, request.params);
    const body = parseInput(tokenBody, request.body);
    const jwt = await domain.tokens.mintTemplateTokenFor(id, template, { expiresInSeconds: body.expires_in_seconds });
    return sendJson(reply, 200, serializeToken(jwt));
  });
}
