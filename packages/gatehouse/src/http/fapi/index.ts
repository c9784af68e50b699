import type { FastifyInstance } from 'fastify';
import { newDevBrowserId } from '../../domain/frontend/handshake.js';
import type { Domain } from '../../domain/index.js';
import { errors, frontendErrors } from '../../errors.js';
import { isAllowedOrigin } from '../../security/origins.js';
import type { RateLimiter } from '../../security/rate-limit.js';
import { registerImageFrontendRoutes } from '../images/fapi.js';
import { registerImageServing } from '../images/serve.js';
import { sendError, sendJson, toGatehouseError } from '../reply.js';
import { serializeDevBrowser } from '../serializers/dev-browser.js';
import { serializeEnvironment } from '../serializers/environment.js';
import { registerClientRoutes } from './client.js';
import { createFapiContext, DEV_BROWSER_HEADER } from './context.js';
import { registerEnrollmentRoutes } from './enrollment.js';
import { registerMeRoutes } from './me.js';
import { registerOAuthRoutes } from './oauth.js';
import { registerOrganizationRoutes } from './organizations.js';
import { registerPasswordlessRoutes } from './passwordless.js';
import { registerSessionRoutes } from './sessions.js';
import { registerSignInRoutes } from './sign-ins.js';
import { registerSignUpRoutes } from './sign-ups.js';
import { registerWaitlistRoutes } from './waitlist.js';

export interface FrontendApiOptions {
  domain: Domain;
  publicUrl: string;
  limiter: RateLimiter;
}

/**
 * The Frontend API clerk-js talks to, at the public URL's root (`/v1/...`). Browsers call it with
 * credentials from the app's origin: allowed origins get CORS with credentials; a state-changing
 * request from any other origin is refused (CSRF).
 */
export async function registerFrontendApi(app: FastifyInstance, options: FrontendApiOptions): Promise<void> {
  const { domain, publicUrl } = options;
  const ctx = createFapiContext(domain, publicUrl);

  // Errors carry the browser's client in `meta.client`, as Clerk's do: clerk-js refreshes its state
  // from it. Not for refused cross-origin writes (that origin may not read it anyway) nor for rate
  // limits (a flood should not cost a client read and a token signature per refused request).
  app.setErrorHandler(async (error, request, reply) => {
    const gatehouseError = toGatehouseError(error);
    // 503: the database is away and every request fails alike; /readyz and the Backend API log say so.
    if (gatehouseError.status >= 500 && gatehouseError.status !== 503) request.log.error({ err: error }, 'unhandled error');
    const code = gatehouseError.errors[0]?.code;
    const withClient = gatehouseError.status < 500 && code !== 'origin_invalid' && code !== 'too_many_requests';
    const client = withClient ? await ctx.errorClient(request).catch(() => null) : null;
    return sendError(reply, gatehouseError, request.id, client ? { client } : undefined);
  });

  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (!origin) return;
    const allowed = isAllowedOrigin(origin, {
      publicUrl,
      settings: (await domain.instance.settings()).frontend,
      development: domain.isDevelopment(),
    });
    if (allowed) {
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-allow-credentials', 'true');
      reply.header('vary', 'Origin');
      reply.header('access-control-expose-headers', DEV_BROWSER_HEADER);
    } else if (request.method !== 'GET' && request.method !== 'OPTIONS') {
      throw frontendErrors.originInvalid();
    }
  });

  app.options('/v1/*', async (request, reply) => {
    reply.header('access-control-allow-methods', 'GET, POST, PATCH, PUT, DELETE, OPTIONS');
    reply.header('access-control-allow-headers', request.headers['access-control-request-headers'] ?? 'content-type');
    reply.header('access-control-max-age', '600');
    return reply.code(204).send();
  });

  const environment = async () => {
    const instance = domain.instance.get();
    const all = await domain.instance.settings();
    return serializeEnvironment({
      instanceId: instance.id,
      development: domain.isDevelopment(),
      settings: all.frontend,
      organizations: all.organizations,
      restrictions: all.restrictions,
      factors: all.factors,
      publicUrl,
      lockout: domain.protection.policy(),
      social: domain.social.providers(),
      passwordless: await domain.passwordless(),
    });
  };
  app.get('/v1/environment', async (_request, reply) => sendJson(reply, 200, await environment()));
  app.patch('/v1/environment', async (_request, reply) => sendJson(reply, 200, await environment()));

  app.addHook('onSend', async (request, reply, payload) => {
    const token = ctx.devBrowserToAnnounce(request);
    if (token) reply.header(DEV_BROWSER_HEADER, token);
    return payload;
  });

  // clerk-js asks for a dev browser only on Clerk's own hosts; the loader Gatehouse serves (and other
  // clients) may. On a development instance the dev browser is a fresh client, its token the id.
  app.post('/v1/dev_browser', async (_request, reply) => {
    if (!domain.isDevelopment()) return sendJson(reply, 200, serializeDevBrowser(newDevBrowserId()));
    const { token } = await domain.clients.create();
    return sendJson(reply, 200, serializeDevBrowser(token));
  });

  registerClientRoutes(app, domain, ctx, publicUrl);
  registerSignInRoutes(app, domain, ctx, options.limiter, publicUrl);
  registerSignUpRoutes(app, domain, ctx, options.limiter, publicUrl);
  registerOAuthRoutes(app, domain, ctx, options.limiter);
  registerSessionRoutes(app, domain, ctx);
  registerMeRoutes(app, domain, ctx, options.limiter, publicUrl);
  registerOrganizationRoutes(app, domain, ctx, options.limiter);
  registerEnrollmentRoutes(app, domain, ctx);
  registerWaitlistRoutes(app, domain, options.limiter);
  registerPasswordlessRoutes(app, domain, ctx, options.limiter, publicUrl);
  registerImageServing(app, domain);
  await registerImageFrontendRoutes(app, { domain, ctx, limiter: options.limiter });

  // Unknown Frontend API paths answer here rather than in the root 404 handler, so the answer carries
  // the CORS headers above: clerk-js then sees Clerk's 404 instead of a CORS failure it retries.
  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/v1/*',
    handler: async (request) => {
      throw errors.routeNotFound(request.url.split('?')[0] ?? '');
    },
  });
}
