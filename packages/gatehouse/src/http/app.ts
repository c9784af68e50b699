import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Domain } from '../domain/index.js';
import { errors, GatehouseError } from '../errors.js';
import { registerBackendApi } from './bapi/index.js';
import { type HealthState, registerHealthRoutes } from './ops/health.js';
import { sendError, sendJson } from './reply.js';

export interface AppOptions {
  domain: Domain;
  logger?: FastifyServerOptions['logger'];
  health?: HealthState;
}

function parseJsonBody(body: string): unknown {
  if (body.trim() === '') return {};
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    throw errors.malformedBody((error as Error).message);
  }
}

/** Maps anything thrown by a route onto Clerk's envelope; unexpected errors are logged, never shown. */
function toGatehouseError(error: unknown): GatehouseError {
  if (error instanceof GatehouseError) return error;
  const e = error as { statusCode?: number; code?: string; message?: string };
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return errors.unsupportedContentType();
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return errors.paramValueInvalid('body', 'the request body is too large');
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return errors.malformedBody(e.message ?? 'bad request');
  return errors.internal();
}

/** Builds the whole HTTP surface over a domain; `inject()` drives it in tests without a socket. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    genReqId: () => randomBytes(12).toString('hex'),
    bodyLimit: 1024 * 1024,
    // Clerk ids are long; the default would 414 a few legitimate list queries.
    routerOptions: { maxParamLength: 512, ignoreTrailingSlash: true },
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.setErrorHandler((error, request, reply) => {
    const gatehouseError = toGatehouseError(error);
    if (gatehouseError.status >= 500) request.log.error({ err: error }, 'unhandled error');
    return sendError(reply, gatehouseError, request.id);
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, errors.routeNotFound(request.url.split('?')[0] ?? ''), request.id));

  const { domain } = options;
  registerHealthRoutes(app, domain, options.health ?? { draining: false });
  app.get('/.well-known/jwks.json', async (_request, reply) => sendJson(reply, 200, domain.keyring.jwks()));
  await app.register(
    (api, _opts, done) => {
      registerBackendApi(api, domain).then(() => done(), done);
    },
    { prefix: '/api' },
  );
  return app;
}
