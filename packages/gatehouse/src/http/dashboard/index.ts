import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as z from 'zod';
import type { EnvironmentReport } from '../../boot.js';
import type { AuditActor, AuditRecord } from '../../domain/dashboard/audit.js';
import { OPERATOR_SESSION_TTL_MS } from '../../domain/dashboard/operators.js';
import type { WebhookBacklog } from '../../domain/dashboard/overview.js';
import type { FrontendSettings } from '../../domain/frontend-settings.js';
import { type Domain, oauthCallbackUrl } from '../../domain/index.js';
import { METADATA_LIMIT_BYTES } from '../../domain/metadata.js';
import { SESSION_CLAIMS_LIMIT_BYTES } from '../../domain/session-token-settings.js';
import { DASHBOARD_PROVIDERS } from '../../domain/social-settings.js';
import type { UserListFilter } from '../../domain/users.js';
import { EVENT_TYPES } from '../../domain/webhooks/events.js';
import { errors } from '../../errors.js';
import type { Mailer } from '../../mail/mailer.js';
import type { RateLimiter } from '../../security/rate-limit.js';
import { callerOf } from '../caller.js';
import { idParams, metadataObject, queryInt } from '../params.js';
import { sendJson } from '../reply.js';
import { serializeActorToken } from '../serializers/actor-token.js';
import { serializeDeleted } from '../serializers/deleted.js';
import { serializeMembership } from '../serializers/organization-membership.js';
import { serializePage } from '../serializers/page.js';
import { serializeSession } from '../serializers/session.js';
import { serializeUser } from '../serializers/user.js';
import { serializeWebhookDelivery, serializeWebhookEndpoint } from '../serializers/webhook.js';
import { parseInput } from '../validation.js';
import { dashboardAssets } from './assets.js';
import { assertSameOrigin, authenticateOperator, clearOperatorCookie, type OperatorContext, operatorCookie } from './auth.js';
import { registerConfigureRoutes } from './configure.js';
import { registerDashboardOrganizations } from './organizations.js';
import { registerDashboardRoles } from './roles.js';
import type { DashboardContext, DashboardHandler } from './route.js';
import { registerDashboardTokens } from './tokens.js';

/** What the dashboard needs from outside the domain: the process's config and its services. */
export interface DashboardOptions {
  /** The keys and CLERK_* variables, as `gatehouse env` prints them (the Keys page). */
  environment(): EnvironmentReport;
  /** Settings the config file sets (`frontend.applicationName`, `sessionToken`, …): it wins, so the page cannot change them. */
  configLocked: string[];
  /** Health of what lies outside the database: mail and the rate-limit store. */
  checks: { mail(): Promise<string>; redis(): Promise<string> };
  /** The mailer, for the E-mail page's test message (where mail goes now, and sending one). */
  mailer?: Pick<Mailer, 'sendRendered' | 'where'>;
}

/** A webhook backlog is unhealthy once a delivery has waited this long (an endpoint down, or no worker running). */
const WEBHOOK_BACKLOG_STALE_MS = 15 * 60_000;

function webhookHealth(backlog: WebhookBacklog): { ok: boolean; detail: string } {
  const waited = backlog.oldestPendingAt === null ? 0 : Date.now() - backlog.oldestPendingAt;
  const parts = [
    backlog.pending === 0
      ? 'nothing waiting'
      : `${backlog.pending.toLocaleString('en-US')} waiting, the oldest for ${Math.round(waited / 60_000)} min`,
    `${backlog.failedLastDay.toLocaleString('en-US')} failed in the last day`,
  ];
  return { ok: waited < WEBHOOK_BACKLOG_STALE_MS, detail: parts.join('; ') };
}

/** Sign-in attempts per IP per minute, and per e-mail per 15 minutes (besides the operator lockout). */
const SIGN_IN_PER_IP = { limit: 10, windowMs: 60_000 };
const SIGN_IN_PER_EMAIL = { limit: 10, windowMs: 15 * 60_000 };
const SETUP_PER_IP = { limit: 20, windowMs: 60_000 };

const signInBody = z
  .object({ email: z.string().min(1).max(320), password: z.string().min(1).max(256), code: z.string().max(16).optional() })
  .strict();
const setupBody = z
  .object({
    token: z.string().min(1).max(128),
    email: z.string().max(320).optional(),
    password: z.string().min(1).max(256),
    totp_secret: z.string().max(64).optional(),
    totp_code: z.string().max(16).optional(),
  })
  .strict();
const usersQuery = z
  .object({
    query: z.string().max(200).optional(),
    order_by: z
      .enum([
        '-created_at',
        '+created_at',
        '-last_sign_in_at',
        '+last_sign_in_at',
        '-last_active_at',
        '+last_active_at',
        '+email_address',
        '-updated_at',
      ])
      .optional(),
    limit: queryInt(1, 100),
    offset: queryInt(0, 10_000_000),
  })
  .strict();
const createUserBody = z
  .object({
    email_address: z.string().max(320).optional(),
    username: z.string().max(64).optional(),
    first_name: z.string().max(256).optional(),
    last_name: z.string().max(256).optional(),
    external_id: z.string().max(256).optional(),
    password: z.string().max(256).optional(),
  })
  .strict();
const metadataBody = z
  .object({
    public_metadata: metadataObject.optional(),
    private_metadata: metadataObject.optional(),
    unsafe_metadata: metadataObject.optional(),
  })
  .strict();
const settingsBody = z
  .object({
    applicationName: z.string().min(1).max(100).optional(),
    allowedOrigins: z.array(z.string().url().max(2048)).max(100).optional(),
    firstName: z.enum(['off', 'optional', 'required']).optional(),
    lastName: z.enum(['off', 'optional', 'required']).optional(),
    username: z.enum(['off', 'optional', 'required']).optional(),
    deleteSelfEnabled: z.boolean().optional(),
  })
  .strict();
const rotateSigningBody = z.object({ overlap_seconds: z.number().int().optional() }).strict();
const rotateSecretBody = z.object({ grace_seconds: z.number().int().min(0).optional() }).strict();
const auditQuery = z
  .object({
    action: z.string().max(100).optional(),
    actor_type: z.enum(['operator', 'backend_api', 'cli', 'end_user', 'system']).optional(),
    target_id: z.string().max(200).optional(),
    limit: queryInt(1, 200),
    offset: queryInt(0, 100_000_000),
  })
  .strict();

const SETTINGS_FIELDS = ['applicationName', 'allowedOrigins', 'firstName', 'lastName', 'username', 'deleteSelfEnabled'] as const;

/**
 * The dashboard at `/dashboard`: the page (Preact, built into the package) and its API at
 * `/dashboard/api/*`. Only operators get in (their own sessions; never an end user's); every
 * action goes through the same domain services as the Backend API and lands in the audit log.
 */
export function registerDashboard(
  app: FastifyInstance,
  deps: { domain: Domain; publicUrl: string; limiter: RateLimiter; options: DashboardOptions },
) {
  const { domain, publicUrl, limiter, options } = deps;
  const publicOrigin = new URL(publicUrl).origin;
  const { links } = domain.images;
  const userJson = (record: Parameters<typeof serializeUser>[0]) => serializeUser(record, domain.protection.state(record.user), links);

  const actorOf = (context: OperatorContext, request: FastifyRequest): AuditActor => ({
    type: 'operator',
    id: context.operator.id,
    label: context.operator.email,
    ip: request.ip,
  });

  /** An operator-only route: authenticated (401), CSRF-checked for writes (403), run as the operator for the audit log. */
  function route(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, handler: DashboardHandler) {
    app.route({
      method,
      url: `/dashboard/api${url}`,
      handler: async (request, reply) => {
        reply.header('cache-control', 'no-store');
        const context = await authenticateOperator(domain, request, publicOrigin);
        return handler(request, reply, { ...context, caller: callerOf(request, actorOf(context, request)) });
      },
    });
  }
  const record = (context: DashboardContext, event: Omit<AuditRecord, 'actor'>) =>
    domain.audit.record({ ...event, actor: context.caller.actor });

  // ---- the page
  const page = async (_request: FastifyRequest, reply: FastifyReply) => {
    const { version } = await dashboardAssets();
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header(
        'content-security-policy',
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
      )
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'no-referrer')
      .send(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Gatehouse dashboard</title><link rel="stylesheet" href="/dashboard/assets/app.css?v=${version}"></head><body><div id="app"></div><script src="/dashboard/assets/app.js?v=${version}"></script></body></html>`,
      );
  };
  app.get('/dashboard', page);
  app.get('/dashboard/*', async (request, reply) => {
    if (request.url.startsWith('/dashboard/api/')) throw errors.routeNotFound(request.url.split('?')[0] ?? '');
    return page(request, reply);
  });
  app.get('/dashboard/assets/app.js', async (_request, reply) =>
    reply
      .header('content-type', 'application/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send((await dashboardAssets()).js),
  );
  app.get('/dashboard/assets/app.css', async (_request, reply) =>
    reply
      .header('content-type', 'text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send((await dashboardAssets()).css),
  );

  // ---- signing in (no operator yet)
  app.post('/dashboard/api/sign-in', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    assertSameOrigin(request, publicOrigin);
    const body = parseInput(signInBody, request.body);
    await limiter.consume(`dashboard:sign-in:ip:${request.ip}`, SIGN_IN_PER_IP);
    await limiter.consume(`dashboard:sign-in:email:${body.email.trim().toLowerCase()}`, SIGN_IN_PER_EMAIL);
    const result = await domain.operators.signIn({
      email: body.email,
      password: body.password,
      code: body.code,
      ip: request.ip,
      userAgent: String(request.headers['user-agent'] ?? ''),
    });
    reply.header('set-cookie', operatorCookie(publicUrl, result.token, OPERATOR_SESSION_TTL_MS / 1000));
    return sendJson(reply, 200, { operator: result.operator, csrf_token: result.csrfToken });
  });

  app.get('/dashboard/api/setup', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const { token } = parseInput(z.object({ token: z.string().min(1).max(128) }).strict(), request.query);
    await limiter.consume(`dashboard:setup:ip:${request.ip}`, SETUP_PER_IP);
    const info = await domain.operators.describeLink(token);
    const totp = domain.operators.newTotpSecret(info.email ?? 'operator');
    return sendJson(reply, 200, { ...info, totp_secret: totp.secret, totp_uri: totp.uri });
  });

  app.post('/dashboard/api/setup', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    assertSameOrigin(request, publicOrigin);
    await limiter.consume(`dashboard:setup:ip:${request.ip}`, SETUP_PER_IP);
    const body = parseInput(setupBody, request.body);
    const operator = await domain.operators.completeSetup({
      token: body.token,
      email: body.email,
      password: body.password,
      totpSecret: body.totp_secret || undefined,
      totpCode: body.totp_code,
    });
    return sendJson(reply, 200, { operator });
  });

  // ---- the operator's own session
  route('GET', '/me', async (_request, reply, context) =>
    sendJson(reply, 200, {
      operator: context.operator,
      session_id: context.session.id,
      csrf_token: context.csrfToken,
      instance: { id: domain.instance.get().id, environment_type: domain.instance.get().environmentType },
    }),
  );
  route('POST', '/sign-out', async (_request, reply, context) => {
    await domain.operators.signOut(context.session.id, context.caller);
    clearOperatorCookie(reply, publicUrl);
    return sendJson(reply, 200, { signed_out: true });
  });
  route('GET', '/operators', async (_request, reply) => sendJson(reply, 200, { data: await domain.operators.list() }));
  route('GET', '/operator-sessions', async (_request, reply, context) => {
    const sessions = await domain.operators.listSessions();
    return sendJson(reply, 200, {
      data: sessions.map((s) => ({
        id: s.id,
        operator_id: s.operatorId,
        email: s.email,
        ip: s.ip,
        user_agent: s.userAgent,
        created_at: s.createdAt,
        last_active_at: s.lastActiveAt,
        expires_at: s.expiresAt,
        current: s.id === context.session.id,
      })),
    });
  });
  route('DELETE', '/operator-sessions/:id', async (request, reply, context) => {
    const { id } = parseInput(idParams, request.params);
    await domain.operators.revokeSession(id, context.caller);
    return sendJson(reply, 200, { id, deleted: true });
  });

  // ---- users (the Backend API's services and wire shapes)
  route('GET', '/users', async (request, reply) => {
    const q = parseInput(usersQuery, request.query);
    const filter = await userSearchFilter(q.query?.trim() ?? '');
    const [records, total] = await Promise.all([
      domain.users.list({ ...filter, orderBy: q.order_by ?? '-created_at', limit: q.limit ?? 25, offset: q.offset ?? 0 }),
      domain.users.count(filter),
    ]);
    return sendJson(reply, 200, serializePage(records.map(userJson), total));
  });
  /**
   * Exact identifiers first, each an indexed lookup (an e-mail address, a user id, an external id, a
   * username); only when none matches, the Backend API's substring search (a scan: about 2 s on a
   * million users in SQLite).
   */
  async function userSearchFilter(text: string): Promise<UserListFilter> {
    if (!text) return {};
    const lower = text.toLowerCase();
    const candidates: UserListFilter[] = [
      ...(lower.includes('@') ? [{ emailAddresses: [lower] }] : []),
      ...(text.startsWith('user_') ? [{ userIds: [text] }] : []),
      { externalIds: [text] },
      { usernames: [lower] },
    ];
    for (const exact of candidates) if ((await domain.users.count(exact)) > 0) return exact;
    return { query: text };
  }

  route('POST', '/users', async (request, reply, context) => {
    const body = parseInput(createUserBody, request.body);
    const created = await domain.users.create(
      {
        emailAddresses: body.email_address ? [body.email_address] : undefined,
        username: body.username || undefined,
        firstName: body.first_name || undefined,
        lastName: body.last_name || undefined,
        externalId: body.external_id || undefined,
        password: body.password || undefined,
        emailVerificationStrategy: 'admin',
      },
      context.caller,
    );
    await record(context, { action: 'user.create', targetType: 'user', targetId: created.user.id });
    return sendJson(reply, 200, userJson(created));
  });
  route('GET', '/users/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const user = await domain.users.get(id);
    const [sessions, memberships] = await Promise.all([
      domain.sessions.list({ userId: id }, 100, 0),
      domain.organizations.listUserMemberships(id, 100, 0),
    ]);
    return sendJson(reply, 200, {
      user: userJson(user),
      sessions: sessions.data.map((s) => serializeSession(s)),
      memberships: memberships.data.map((m) => serializeMembership(m, links)),
      limits: { metadata_bytes: METADATA_LIMIT_BYTES, session_claims_bytes: SESSION_CLAIMS_LIMIT_BYTES },
    });
  });
  route('PUT', '/users/:id/metadata', async (request, reply, context) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(metadataBody, request.body);
    const updated = await domain.userMetadata.replace(id, body, context.caller);
    await record(context, { action: 'user.metadata_update', targetType: 'user', targetId: id, detail: { fields: Object.keys(body) } });
    return sendJson(reply, 200, userJson(updated));
  });
  for (const [action, flags] of [
    ['ban', { banned: true }],
    ['unban', { banned: false }],
    ['lock', { locked: true }],
    ['unlock', { locked: false }],
  ] as const) {
    // Recorded by the user service itself (as Backend API bans are).
    route('POST', `/users/:id/${action}`, async (request, reply, context) => {
      const { id } = parseInput(idParams, request.params);
      return sendJson(reply, 200, userJson(await domain.users.setFlags(id, flags, context.caller)));
    });
  }
  // Impersonation: an actor token for this operator (recorded by the actor-token service as user.impersonate).
  route('POST', '/users/:id/impersonate', async (request, reply, context) => {
    const { id } = parseInput(idParams, request.params);
    const created = await domain.actorTokens.create(
      { userId: id, actor: { sub: context.operator.id, email: context.operator.email } },
      context.caller,
    );
    return sendJson(reply, 200, serializeActorToken(created.token, created));
  });
  route('DELETE', '/users/:id', async (request, reply, context) => {
    const { id } = parseInput(idParams, request.params);
    await domain.users.delete(id, context.caller);
    return sendJson(reply, 200, serializeDeleted('user', id));
  });
  route('POST', '/sessions/:id/revoke', async (request, reply, context) => {
    const { id } = parseInput(idParams, request.params);
    const session = await domain.sessions.revoke(id, context.caller);
    await record(context, { action: 'session.revoke', targetType: 'session', targetId: id, detail: { user_id: session.userId } });
    return sendJson(reply, 200, serializeSession(session));
  });
  route('POST', '/users/:id/sessions/revoke', async (request, reply, context) => {
    const { id } = parseInput(idParams, request.params);
    await domain.users.get(id);
    const sessions = await domain.sessions.list({ userId: id, status: 'active' }, 500, 0);
    for (const session of sessions.data) await domain.sessions.revoke(session.id, context.caller);
    await record(context, {
      action: 'user.sessions_revoke_all',
      targetType: 'user',
      targetId: id,
      detail: { count: sessions.data.length },
    });
    return sendJson(reply, 200, { revoked: sessions.data.length });
  });

  // ---- sessions & tokens: the session-token template, JWT templates and their signing keys (tokens.ts)
  registerDashboardTokens(
    { route, domain, record },
    { sessionTokenLocked: options.configLocked.includes('sessionToken'), issuer: publicOrigin },
  );

  // ---- keys
  route('GET', '/keys', async (_request, reply) => {
    const env = options.environment();
    const keys = await domain.keyring.list();
    return sendJson(reply, 200, {
      environment_type: env.environmentType,
      publishable_key: env.publishableKey,
      secret_key: env.secretKey,
      api_url: env.apiUrl,
      jwks_url: env.jwksUrl,
      jwt_key: env.jwtKey,
      env: env.env,
      signing_keys: keys.map((k) => ({ kid: k.kid, state: k.state, activates_at: k.activatesAt, retires_at: k.retiresAt })),
    });
  });
  route('POST', '/keys/rotate-signing-key', async (request, reply, context) => {
    const body = parseInput(rotateSigningBody, request.body);
    const rotation = await domain.keyRotation.rotateSigningKey({ overlapSeconds: body.overlap_seconds }, context.caller);
    return sendJson(reply, 200, {
      kid: rotation.kid,
      activates_at: rotation.activatesAt,
      previous_keys_retire_at: rotation.previousKeysRetireAt,
    });
  });
  route('POST', '/keys/rotate-secret-key', async (request, reply, context) => {
    const body = parseInput(rotateSecretBody, request.body);
    const rotated = await domain.keyRotation.rotateSecretKey({ graceSeconds: body.grace_seconds }, context.caller);
    return sendJson(reply, 200, { secret_key: rotated.secretKey, previous_expires_at: rotated.previousExpiresAt });
  });

  // ---- configure
  const lockedByConfig = (field: string) =>
    errors.paramValueInvalid(field, 'is set by the config file, which wins over the dashboard; change it there and restart');
  route('GET', '/settings', async (_request, reply) => {
    const { frontend } = await domain.instance.settings();
    return sendJson(reply, 200, {
      settings: Object.fromEntries(SETTINGS_FIELDS.map((f) => [f, frontend[f]])),
      config_locked: options.configLocked.filter((f) => f.startsWith('frontend.')).map((f) => f.slice('frontend.'.length)),
    });
  });
  route('PATCH', '/settings', async (request, reply, context) => {
    const body = parseInput(settingsBody, request.body);
    for (const field of Object.keys(body)) if (options.configLocked.includes(`frontend.${field}`)) throw lockedByConfig(field);
    const next = await domain.instance.updateSettings((current) => ({
      ...current,
      frontend: { ...current.frontend, ...(body as Partial<FrontendSettings>) },
    }));
    await record(context, { action: 'settings.update', targetType: 'instance', detail: { changed: body } });
    return sendJson(reply, 200, { settings: Object.fromEntries(SETTINGS_FIELDS.map((f) => [f, next.frontend[f]])) });
  });

  // ---- sign-in options, allow/block lists, redirect URLs and domains, logo, e-mail (configure.ts)
  registerConfigureRoutes({ route, domain, record, configLocked: options.configLocked, publicUrl, limiter, mailer: options.mailer });

  // ---- overview
  route('GET', '/overview', async (_request, reply) => {
    const outcome = async (check: () => Promise<string | undefined>) => {
      try {
        return { ok: true, detail: (await check()) ?? 'answers' };
      } catch (error) {
        return { ok: false, detail: (error as Error).message };
      }
    };
    const [activity, totalUsers, database, mail, redis, webhooks] = await Promise.all([
      domain.overview.activity(30),
      domain.users.count({}),
      outcome(async () => {
        const started = performance.now();
        await domain.ping();
        return `answers in ${Math.max(1, Math.round(performance.now() - started))} ms`;
      }),
      outcome(options.checks.mail),
      outcome(options.checks.redis),
      domain.overview.webhookBacklog().then(webhookHealth, (error: Error) => ({ ok: false, detail: error.message })),
    ]);
    return sendJson(reply, 200, {
      activity,
      counted_at: domain.overview.countedAt(),
      total_users: totalUsers,
      health: { database, mail, redis, webhooks },
    });
  });

  // ---- organizations, their members, invitations and domains (organizations.ts); roles, permissions and role settings (roles.ts)
  registerDashboardOrganizations({ route, domain, record });
  registerDashboardRoles({ route, domain, record }, { configLocked: options.configLocked });

  // ---- social connections (stored in the instance settings; the config file's `oauth` wins)
  const socialBody = z
    .object({
      enabled: z.boolean(),
      client_id: z.string().max(500).optional(),
      client_secret: z.string().max(2000).optional(),
      scopes: z.array(z.string().min(1).max(200)).max(50).nullable().optional(),
    })
    .strict();
  const socialJson = (list: Awaited<ReturnType<typeof domain.socialConnections.list>>) => ({
    data: list.map((c) => ({
      key: c.key,
      enabled: c.enabled,
      client_id: c.clientId,
      has_secret: c.hasSecret,
      scopes: c.scopes,
      config_locked: c.configLocked,
    })),
    callback_url: oauthCallbackUrl(publicUrl),
  });
  route('GET', '/social', async (_request, reply) => sendJson(reply, 200, socialJson(await domain.socialConnections.list())));
  route('PUT', '/social/:id', async (request, reply, context) => {
    const { id } = parseInput(z.object({ id: z.enum(DASHBOARD_PROVIDERS) }), request.params);
    const body = parseInput(socialBody, request.body);
    const list = await domain.socialConnections.set(id, {
      enabled: body.enabled,
      clientId: body.client_id,
      clientSecret: body.client_secret || undefined,
      scopes: body.scopes,
    });
    await record(context, {
      action: 'social_connection.update',
      targetType: 'instance',
      targetId: id,
      detail: { enabled: body.enabled, client_id: body.client_id, secret_changed: Boolean(body.client_secret) },
    });
    return sendJson(reply, 200, socialJson(list));
  });

  // ---- webhooks (the Backend API's endpoint service and wire shapes; README "Webhooks")
  const webhookBody = z
    .object({
      url: z.string().min(1).max(2048).optional(),
      events: z.array(z.string().min(1).max(128)).max(100).optional(),
      disabled: z.boolean().optional(),
    })
    .strict();
  const pageQuery = z.object({ limit: queryInt(1, 100), offset: queryInt(0, 10_000_000) }).strict();
  const endpoints = domain.webhookEndpoints;
  route('GET', '/webhooks', async (request, reply) => {
    const q = parseInput(pageQuery, request.query);
    const page = await endpoints.list(q.limit ?? 50, q.offset ?? 0);
    return sendJson(reply, 200, { ...serializePage(page.data.map(serializeWebhookEndpoint), page.totalCount), event_types: EVENT_TYPES });
  });
  route('POST', '/webhooks', async (request, reply, context) => {
    const body = parseInput(webhookBody, request.body);
    if (!body.url) throw errors.paramMissing('url');
    const created = await endpoints.create({ url: body.url, events: body.events });
    await record(context, {
      action: 'webhook_endpoint.create',
      targetType: 'webhook_endpoint',
      targetId: created.endpoint.id,
      detail: { url: body.url },
    });
    return sendJson(reply, 200, serializeWebhookEndpoint(created));
  });
  route('GET', '/webhooks/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const q = parseInput(pageQuery, request.query);
    const [endpoint, deliveries] = await Promise.all([endpoints.get(id), endpoints.deliveries(id, q.limit ?? 25, q.offset ?? 0)]);
    return sendJson(reply, 200, {
      endpoint: serializeWebhookEndpoint(endpoint),
      deliveries: serializePage(deliveries.data.map(serializeWebhookDelivery), deliveries.totalCount),
      event_types: EVENT_TYPES,
    });
  });
  route('PATCH', '/webhooks/:id', async (request, reply, context) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(webhookBody, request.body);
    const updated = await endpoints.update(id, body);
    await record(context, { action: 'webhook_endpoint.update', targetType: 'webhook_endpoint', targetId: id, detail: { changed: body } });
    return sendJson(reply, 200, serializeWebhookEndpoint(updated));
  });
  route('DELETE', '/webhooks/:id', async (request, reply, context) => {
    const { id } = parseInput(idParams, request.params);
    await endpoints.delete(id);
    await record(context, { action: 'webhook_endpoint.delete', targetType: 'webhook_endpoint', targetId: id });
    return sendJson(reply, 200, serializeDeleted('webhook_endpoint', id));
  });
  route('POST', '/webhooks/:id/rotate-secret', async (request, reply, context) => {
    const { id } = parseInput(idParams, request.params);
    const rotated = await endpoints.rotateSecret(id);
    await record(context, { action: 'webhook_endpoint.rotate_secret', targetType: 'webhook_endpoint', targetId: id });
    return sendJson(reply, 200, serializeWebhookEndpoint(rotated));
  });
  route('POST', '/webhooks/:id/replay', async (request, reply, context) => {
    const { id } = parseInput(idParams, request.params);
    const { since } = parseInput(z.object({ since: z.number().int().min(0).max(8_640_000_000_000_000) }).strict(), request.body);
    const { queued } = await endpoints.replay(id, since);
    await record(context, { action: 'webhook_endpoint.replay', targetType: 'webhook_endpoint', targetId: id, detail: { since, queued } });
    return sendJson(reply, 200, { queued });
  });
  route('POST', '/webhook-deliveries/:id/retry', async (request, reply, context) => {
    const { id } = parseInput(idParams, request.params);
    const retried = await endpoints.retry(id);
    await record(context, { action: 'webhook_delivery.retry', targetType: 'webhook_delivery', targetId: id });
    return sendJson(reply, 200, serializeWebhookDelivery(retried));
  });

  // ---- audit log
  const auditFilter = (q: z.infer<typeof auditQuery>) => ({
    actionPrefix: q.action || undefined,
    actorType: q.actor_type,
    targetId: q.target_id || undefined,
  });
  route('GET', '/audit', async (request, reply) => {
    const q = parseInput(auditQuery, request.query);
    const page = await domain.audit.list(auditFilter(q), q.limit ?? 50, q.offset ?? 0);
    return sendJson(reply, 200, {
      data: page.data.map((e) => ({
        id: e.id,
        at: e.at,
        actor_type: e.actorType,
        actor_id: e.actorId,
        actor: e.actorLabel,
        action: e.action,
        target_type: e.targetType,
        target_id: e.targetId,
        ip: e.ip,
        detail: e.detail,
      })),
      total_count: page.totalCount,
    });
  });
  route('GET', '/audit.csv', async (request, reply, context) => {
    const q = parseInput(auditQuery, request.query);
    const csv = await domain.audit.csv(auditFilter(q));
    await record(context, { action: 'audit.export', detail: { filter: q } });
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="gatehouse-audit.csv"')
      .send(csv);
  });
}
