import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Domain } from '../domain/index.js';
import { errors } from '../errors.js';
import { createRateLimiter, type RateLimiter } from '../security/rate-limit.js';
import { registerBackendApi } from './bapi/index.js';
import { clientErrorHandler } from './client-errors.js';
import { type DashboardOptions, registerDashboard } from './dashboard/index.js';
import { registerFrontendApi } from './fapi/index.js';
import { MAX_JSON_DEPTH, withinJsonDepth } from './json-depth.js';
import { createKnownPaths } from './known-paths.js';
import { nulCharacterError } from './nul-characters.js';
import { type HealthState, registerHealthRoutes } from './ops/health.js';
import { registerBundles } from './pages/bundles.js';
import { registerHostedPages } from './pages/hosted.js';
import { registerDevMailbox } from './pages/mailbox.js';
import { sendError, sendJson, toGatehouseError } from './reply.js';

export interface AppOptions {
  domain: Domain;
  /** The URL browsers reach us at: the Frontend API's origin and the tokens' issuer. */
  publicUrl: string;
  /** Show `/dev/mailbox` (development instances delivering to the dev outbox only: it shows live codes). */
  mailbox?: boolean;
  limiter?: RateLimiter;
  logger?: FastifyServerOptions['logger'];
  health?: HealthState;
  /**
   * Reverse proxies (addresses or CIDRs) whose `X-Forwarded-For` names the client (`request.ip`);
   * empty or absent: the socket's peer is the client, and the header is ignored.
   */
  trustedProxies?: string[];
  /** How long a request may take to arrive in full before it is answered 408 (default 30 s). */
  requestTimeoutMs?: number;
  /** Serve the operators' dashboard at `/dashboard` (the server always does; in-process tests may leave it out). */
  dashboard?: DashboardOptions;
}

const REQUEST_TIMEOUT_MS = 30_000;
/** During an outage every request fails alike: one log line per this interval says so. */
const UNAVAILABLE_LOG_INTERVAL_MS = 10_000;

function parseJsonBody(body: string): unknown {
  if (body.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(body) as unknown;
  } catch (error) {
    throw errors.malformedBody((error as Error).message);
  }
  // Endpoints take named parameters (or, for Clerk's `/bulk` ones, an array of them): `null` and
  // scalars would otherwise slip through as "no params". `parseInput` refuses an array where the
  // route's schema wants an object.
  if (value === null || typeof value !== 'object') throw errors.malformedBody('the body must be a JSON object or array');
  if (!withinJsonDepth(value)) throw errors.malformedBody(`the body nests more than ${MAX_JSON_DEPTH} levels deep`);
  return value;
}

/**
 * Trace ids (`clerk_trace_id`, log lines): a random per-process prefix and a counter. Unique across
 * processes and restarts, and free on the hot path, where random bytes per request cost ~1.5% of a
 * token refresh.
 */
function traceIds(): () => string {
  const prefix = randomBytes(8).toString('hex');
  let next = 0;
  return () => prefix + (next++).toString(16).padStart(8, '0');
}

function noSchemas(): never {
  throw new Error('Gatehouse routes validate with zod; Fastify route schemas are not supported');
}

/** Builds the whole HTTP surface over a domain; `inject()` drives it in tests without a socket. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const nextTraceId = traceIds();
  const requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const app = Fastify({
    logger: options.logger ?? false,
    genReqId: nextTraceId,
    // Fastify (proxy-addr) walks X-Forwarded-For from the right and stops at the first hop that is
    // not a trusted proxy: that is the client. A client cannot name itself by sending the header,
    // since only what trusted proxies appended is believed.
    trustProxy: options.trustedProxies && options.trustedProxies.length > 0 ? options.trustedProxies : false,
    clientErrorHandler: clientErrorHandler(nextTraceId),
    // A body that never arrives in full is answered 408 (Node looks every few seconds) instead of
    // holding the connection for Node's default of 5 minutes. Node reads it when the server is made:
    // Fastify's own `requestTimeout`, set on the server afterwards, is not enough on Node 20.
    requestTimeout: requestTimeoutMs,
    // While draining, a request that arrives on a connection still open is served (with
    // `Connection: close`), not refused: the load balancer may not have seen /readyz go 503 yet.
    return503OnClosing: false,
    http: { requestTimeout: requestTimeoutMs, connectionsCheckingInterval: Math.min(5_000, requestTimeoutMs) },
    // No route declares a JSON schema (inputs are checked with zod): without these, Fastify would load
    // Ajv and fast-json-stringify at start-up in every worker for nothing.
    schemaController: { compilersFactory: { buildValidator: noSchemas, buildSerializer: noSchemas } },
    bodyLimit: 1024 * 1024,
    // Clerk ids are long; the default would 414 a few legitimate list queries.
    routerOptions: { maxParamLength: 512, ignoreTrailingSlash: true },
    // clerk-js sends PATCH and DELETE as POST with `?_method=`; the override must happen before routing.
    rewriteUrl: (req) => {
      const url = req.url ?? '/';
      if (req.method === 'POST' && !url.startsWith('/api/')) {
        const override = /[?&]_method=(PATCH|PUT|DELETE)(?:&|$)/i.exec(url)?.[1];
        if (override) req.method = override.toUpperCase();
      }
      return url;
    },
    // Errors the router raises before any route runs (a bad percent-escape, an over-long id) get the
    // same envelope: no endpoint matches such a URL.
    frameworkErrors: (error, request, reply) => {
      const e = error as { code?: string };
      const gatehouseError =
        e.code === 'FST_ERR_BAD_URL' || e.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? errors.routeNotFound(request.url.split('?')[0] ?? '')
          : toGatehouseError(error);
      return sendError(reply, gatehouseError, request.id);
    },
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  // An empty POST or DELETE body is no body, whatever it claims to be: Clerk's Python SDK 1.0–1.4
  // labels its empty bodies `application/octet-stream`. A non-empty body of another type is a 415.
  // On a path nothing serves the body is never read: the answer is the 404 or 405, not a 415.
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    if ((body as string).length === 0 || request.is404) done(null, {});
    else done(errors.unsupportedContentType(), undefined);
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  // Every request passes here (token refresh too): callback hooks, so they cost no promise.
  // No answer is ever sniffed into another type (JSON or a bundle run as HTML, say).
  app.addHook('onRequest', (_request, reply, done) => {
    reply.header('x-content-type-options', 'nosniff');
    done();
  });
  app.addHook('preValidation', (request, _reply, done) => done(nulCharacterError(request)));
  const health = options.health;
  if (health) {
    // After SIGTERM every answer closes its connection, also for requests that were already in
    // flight then: a busy keep-alive client never holds the process open.
    app.addHook('onSend', (_request, reply, payload, done) => {
      if (health.draining) reply.header('connection', 'close');
      done(null, payload);
    });
  }

  let unavailableLoggedAt = 0;
  app.setErrorHandler((error, request, reply) => {
    const gatehouseError = toGatehouseError(error);
    if (gatehouseError.status === 503) {
      const now = Date.now();
      if (now - unavailableLoggedAt >= UNAVAILABLE_LOG_INTERVAL_MS) {
        unavailableLoggedAt = now;
        request.log.warn({ err: error }, 'database unavailable: answering 503 until it is back');
      }
    } else if (gatehouseError.status >= 500) {
      request.log.error({ err: error }, 'unhandled error');
    }
    return sendError(reply, gatehouseError, request.id);
  });
  const knownPaths = createKnownPaths();
  app.addHook('onRoute', (route) => knownPaths.add(route.method, route.url));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = knownPaths.methodsFor(path);
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return sendError(reply, errors.methodNotAllowed(), request.id);
    }
    return sendError(reply, errors.routeNotFound(path), request.id);
  });

  const { domain } = options;
  registerHealthRoutes(app, domain, options.health ?? { draining: false });
  app.get('/.well-known/jwks.json', async (_request, reply) => sendJson(reply, 200, await domain.keyring.jwks()));
  await app.register(
    (api, _opts, done) => {
      registerBackendApi(api, domain).then(() => done(), done);
    },
    { prefix: '/api' },
  );
  const limiter = options.limiter ?? createRateLimiter();
  await app.register((fapi, _opts, done) => {
    registerFrontendApi(fapi, { domain, publicUrl: options.publicUrl, limiter }).then(() => done(), done);
  });
  registerBundles(app);
  registerHostedPages(app, domain, options.publicUrl);
  if (options.mailbox) registerDevMailbox(app, domain.devOutbox);
  if (options.dashboard) registerDashboard(app, { domain, publicUrl: options.publicUrl, limiter, options: options.dashboard });
  return app;
}
