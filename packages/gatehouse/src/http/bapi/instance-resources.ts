import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { Domain } from '../../domain/index.js';
import { emptyBody, idParams } from '../params.js';
import { sendJson } from '../reply.js';
import { serializeDeleted } from '../serializers/deleted.js';
import { serializeDomain, serializeInstance, serializeRedirectUrl } from '../serializers/instance-resources.js';
import { serializePage } from '../serializers/page.js';
import { parseInput } from '../validation.js';

const updateInstanceBody = z
  .object({
    test_mode: z.boolean().nullable().optional(),
    hibp: z.boolean().nullable().optional(),
    enhanced_email_deliverability: z.boolean().nullable().optional(),
    support_email: z
      .union([z.literal(''), z.email().max(320)])
      .nullable()
      .optional(),
    clerk_js_version: z.string().max(64).nullable().optional(),
    development_origin: z.string().max(2048).nullable().optional(),
    allowed_origins: z.array(z.string().min(1).max(2048)).max(100).optional(),
    url_based_session_syncing: z.boolean().nullable().optional(),
    preferred_sign_in_strategy_when_password_required: z.enum(['password', 'otp', '']).nullable().optional(),
  })
  .strict();
const listQuery = z.object({ paginated: z.enum(['true', 'false']).optional() }).strict();
const createRedirectUrlBody = z.object({ url: z.string().min(1).max(2048) }).strict();
const addDomainBody = z
  .object({
    name: z.string().min(1).max(253),
    is_satellite: z.boolean(),
    proxy_url: z.string().max(2048).nullable().optional(),
  })
  .strict();
const updateDomainBody = z
  .object({
    name: z.string().min(1).max(253).optional(),
    proxy_url: z.string().max(2048).nullable().optional(),
    is_secondary: z.boolean().nullable().optional(),
  })
  .strict();

const orUndefined = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

/** BAPI `GET/PATCH /v1/instance`, `/v1/redirect_urls` and `/v1/domains` (see domain/instance-api.ts). */
export function registerInstanceResourceRoutes(app: FastifyInstance, domain: Domain): void {
  const api = domain.instanceApi;
  const { publicUrl } = api;

  app.get('/v1/instance', async (_request, reply) => sendJson(reply, 200, serializeInstance(await api.describe())));

  // Clerk answers 204, and the SDK's `instance.update` resolves to nothing.
  app.patch('/v1/instance', async (request, reply) => {
    const body = parseInput(updateInstanceBody, request.body);
    const preferred = body.preferred_sign_in_strategy_when_password_required;
    await api.update({
      allowedOrigins: body.allowed_origins,
      supportEmail: body.support_email,
      developmentOrigin: body.development_origin,
      testMode: orUndefined(body.test_mode),
      hibp: orUndefined(body.hibp),
      enhancedEmailDeliverability: orUndefined(body.enhanced_email_deliverability),
      clerkJsVersion: orUndefined(body.clerk_js_version),
      urlBasedSessionSyncing: orUndefined(body.url_based_session_syncing),
      preferredSignInStrategyWhenPasswordRequired: preferred === '' ? undefined : orUndefined(preferred),
    });
    return reply.code(204).send();
  });

  app.get('/v1/redirect_urls', async (request, reply) => {
    const q = parseInput(listQuery, request.query);
    const data = (await api.redirectUrls.list()).map(serializeRedirectUrl);
    // The SDK asks with `paginated=true`; Clerk's original answer is the bare array.
    return sendJson(reply, 200, q.paginated === 'true' ? serializePage(data, data.length) : data);
  });

  app.post('/v1/redirect_urls', async (request, reply) => {
    const { url } = parseInput(createRedirectUrlBody, request.body);
    return sendJson(reply, 200, serializeRedirectUrl(await api.redirectUrls.create(url)));
  });

  app.get('/v1/redirect_urls/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    return sendJson(reply, 200, serializeRedirectUrl(await api.redirectUrls.get(id)));
  });

  app.delete('/v1/redirect_urls/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    parseInput(emptyBody, request.body);
    await api.redirectUrls.delete(id);
    return sendJson(reply, 200, serializeDeleted('redirect_url', id));
  });

  const domainJson = async () => {
    const { developmentOrigin } = (await domain.instance.settings()).frontend;
    return (d: Parameters<typeof serializeDomain>[0]) => serializeDomain(d, { publicUrl, developmentOrigin });
  };

  app.get('/v1/domains', async (_request, reply) => {
    const json = await domainJson();
    const data = (await api.domains.list()).map(json);
    return sendJson(reply, 200, serializePage(data, data.length));
  });

  app.post('/v1/domains', async (request, reply) => {
    const body = parseInput(addDomainBody, request.body);
    const added = await api.domains.add({ name: body.name, isSatellite: body.is_satellite, proxyUrl: body.proxy_url });
    return sendJson(reply, 200, (await domainJson())(added));
  });

  app.patch('/v1/domains/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(updateDomainBody, request.body);
    // `is_secondary` matters to Clerk's cookie scoping on a shared root domain; Gatehouse's cookies do not depend on it.
    const updated = await api.domains.update(id, { name: body.name, proxyUrl: body.proxy_url });
    return sendJson(reply, 200, (await domainJson())(updated));
  });

  app.delete('/v1/domains/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    parseInput(emptyBody, request.body);
    await api.domains.delete(id);
    return sendJson(reply, 200, serializeDeleted('domain', id));
  });
}
