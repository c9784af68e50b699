import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SignInSnapshot, SignUpSnapshot } from '../../domain/frontend/client-snapshot.js';
import { CLIENT_COOKIE_MAX_AGE_S, clientUatCookies } from '../../domain/frontend/clients.js';
import { cookieSuffix } from '../../domain/frontend/handshake.js';
import type { Domain } from '../../domain/index.js';
import { frontendErrors } from '../../errors.js';
import type { Client } from '../../model/index.js';
import { parseCookies, serializeCookie } from '../cookies.js';
import { queryValue } from '../params.js';
import { sendJson } from '../reply.js';
import { type ClientWireJSON, serializeClient } from '../serializers/client.js';

export const CLIENT_COOKIE = '__client';
/** How long a rotated-away token still finds its completed sign-up for a retry: a code's lifetime. */
const RETRY_WINDOW_MS = 10 * 60_000;

function appendSetCookie(reply: FastifyReply, cookie: string): void {
  const existing = reply.getHeader('set-cookie');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
  reply.header('set-cookie', [...list, cookie]);
}

/** The development browser token clerk-js sends (`?__clerk_db_jwt=`) and learns (`Clerk-Db-Jwt`) on development instances. */
export const DEV_BROWSER_PARAM = '__clerk_db_jwt';
export const DEV_BROWSER_HEADER = 'Clerk-Db-Jwt';

/** Per-request helpers of the Frontend API: the browser's client, and the `{response, client}` envelope. */
export function createFapiContext(domain: Domain, publicUrl: string) {
  const secureCookies = new URL(publicUrl).protocol === 'https:';

  function setClientCookie(reply: FastifyReply, token: string): void {
    appendSetCookie(
      reply,
      serializeCookie(CLIENT_COOKIE, token, { httpOnly: true, sameSite: 'Lax', secure: secureCookies, maxAge: CLIENT_COOKIE_MAX_AGE_S }),
    );
  }

  /**
   * Where the browser's client token can come from, most explicit first. On a development instance
   * the dev browser token (which is the client token) rides in the query string, as on Clerk: an app
   * on http://localhost talking to us on 127.0.0.1 is cross-site, so our SameSite=Lax cookie never
   * reaches us from it. Production instances read the HttpOnly cookie only.
   */
  function candidateTokens(request: FastifyRequest): string[] {
    const fromQuery = domain.isDevelopment() ? queryValue(request.query, DEV_BROWSER_PARAM) : undefined;
    const fromCookie = parseCookies(request.headers.cookie).get(CLIENT_COOKIE);
    return [fromQuery, fromCookie].filter((token): token is string => Boolean(token));
  }

  function clientToken(request: FastifyRequest): string | undefined {
    return candidateTokens(request)[0];
  }

  // The token to announce in `Clerk-Db-Jwt` when the browser did not send it as the dev browser token.
  const announce = new WeakMap<FastifyRequest, string>();

  function noteResolved(request: FastifyRequest, token: string): void {
    if (domain.isDevelopment() && queryValue(request.query, DEV_BROWSER_PARAM) !== token) announce.set(request, token);
  }

  async function resolveClient(request: FastifyRequest): Promise<Client | undefined> {
    for (const token of candidateTokens(request)) {
      const client = await domain.clients.resolve(token);
      if (client) {
        noteResolved(request, token);
        return client;
      }
    }
    return undefined;
  }

  /** The client as JSON, from one domain snapshot; `known` is a sign-in or sign-up snapshot this request already has. */
  async function clientJson(clientId: string, origin: string | undefined, known?: KnownAttempts): Promise<ClientWireJSON | null> {
    const snapshot = await domain.clientSnapshots.snapshot(clientId, { origin, known });
    return snapshot ? serializeClient(snapshot, domain.images.links) : null;
  }

  /**
   * Production apps get `__client_uat` from us: clerk-js writes it only for development instances.
   * They also get `__refresh_<suffix>` for the active session, so `authenticateRequest` can refresh
   * an expired token through BAPI without a handshake (a production app shares our site).
   */
  function uatCookies(json: ClientWireJSON | null): string[] {
    if (domain.isDevelopment()) return [];
    const suffix = cookieSuffix(domain.publishableKey());
    const active = json?.last_active_session_id ?? undefined;
    const refresh = serializeCookie(`__refresh_${suffix}`, active ? domain.tokens.refreshTokenFor(active) : '', {
      httpOnly: true,
      sameSite: 'Lax',
      secure: secureCookies,
      maxAge: active ? CLIENT_COOKIE_MAX_AGE_S : 0,
    });
    const uat = clientUatCookies(json ? { updatedAt: json.updated_at } : undefined, Boolean(json?.sessions.length), suffix, secureCookies);
    return [...uat, refresh];
  }

  async function sendEnvelope(
    request: FastifyRequest,
    reply: FastifyReply,
    clientId: string | undefined,
    response: (client: ClientWireJSON | null) => unknown,
    options: { status?: number; known?: KnownAttempts } = {},
  ) {
    const json = clientId ? await clientJson(clientId, request.headers.origin, options.known) : null;
    for (const cookie of uatCookies(json)) appendSetCookie(reply, cookie);
    return sendJson(reply, options.status ?? 200, { response: response(json), client: json });
  }

  return {
    clientToken,

    client: resolveClient,

    /** The dev browser token to send back in `Clerk-Db-Jwt` for this request, if any (development only). */
    devBrowserToAnnounce(request: FastifyRequest): string | undefined {
      return announce.get(request);
    },

    /** The browser's client, created (and its HttpOnly cookie set) on first need. */
    async ensureClient(request: FastifyRequest, reply: FastifyReply): Promise<Client> {
      const existing = await resolveClient(request);
      if (existing) return existing;
      const { client, token } = await domain.clients.create();
      noteResolved(request, token);
      setClientCookie(reply, token);
      return client;
    },

    /**
     * The client, also through a token retired by the completion being retried: a browser whose
     * completion answer was lost still holds the old value (only the retry routes accept it).
     */
    async clientForRetry(request: FastifyRequest): Promise<Client | undefined> {
      const live = await resolveClient(request);
      if (live) return live;
      for (const token of candidateTokens(request)) {
        const retired = await domain.clients.resolveRetired(token);
        if (retired) return retired;
      }
      return undefined;
    },

    /**
     * A new `__client` value after a sign-in or sign-up completes and on sign-out (ASVS 3.2.1): a value
     * planted in or read from the browser before then gets nothing. `retire` keeps the old value for
     * retrying the completion (see clientForRetry).
     */
    async rotateClient(reply: FastifyReply, clientId: string, retire = false): Promise<void> {
      // A development browser that names its client in the query keeps that token, as Clerk's dev
      // browser outlives sign-ins: an app on another site (http://localhost) holds it and could not
      // learn a new one from a hosted page. Production instances, and the HttpOnly cookie, always rotate.
      const viaQuery = domain.isDevelopment() ? queryValue(reply.request.query, DEV_BROWSER_PARAM) : undefined;
      if (viaQuery && (await domain.clients.resolve(viaQuery))?.id === clientId) return;
      const token = await domain.clients.rotateToken(clientId, retire ? { retireForMs: RETRY_WINDOW_MS } : {});
      setClientCookie(reply, token);
      // A development browser that names its client in the query learns the new value from `Clerk-Db-Jwt`.
      if (domain.isDevelopment()) announce.set(reply.request, token);
    },

    clientJson,

    /** The caller's session: `_clerk_session_id` if given, else the client's active one; it must belong to the cookie's client. */
    async signedIn(request: FastifyRequest): Promise<{ clientId: string; sessionId: string; userId: string }> {
      const client = await resolveClient(request);
      if (!client) throw frontendErrors.notSignedIn();
      const wanted = queryValue(request.query, '_clerk_session_id') || client.lastActiveSessionId;
      const sessions = await domain.clients.activeSessions(client.id);
      const entry = sessions.find((s) => s.session.id === wanted);
      if (!entry) throw frontendErrors.notSignedIn();
      return { clientId: client.id, sessionId: entry.session.id, userId: entry.session.userId };
    },

    /** Sends `{response, client}` with the client as it is after the change. */
    async send(request: FastifyRequest, reply: FastifyReply, clientId: string | undefined, response: unknown, known?: KnownAttempts) {
      return sendEnvelope(request, reply, clientId, () => response, { known });
    },

    /**
     * Sends the client itself as `response` (and as `client`): clerk-js reads `response || envelope`
     * as the client after `DELETE /v1/client/sessions`, so a null response would turn the whole
     * envelope into a client without an id.
     */
    async sendClient(request: FastifyRequest, reply: FastifyReply, clientId: string) {
      return sendEnvelope(request, reply, clientId, (client) => client);
    },

    /**
     * The browser's client for an error's `meta.client`: clerk-js refreshes its client from it, so
     * a stale tab that is told `session_exists` learns which session exists. Null without a client.
     */
    async errorClient(request: FastifyRequest) {
      const client = await resolveClient(request);
      return client ? clientJson(client.id, request.headers.origin) : null;
    },

    locale(request: FastifyRequest, body: { locale?: unknown } | undefined): string {
      const explicit = typeof body?.locale === 'string' ? body.locale : undefined;
      return explicit ?? request.headers['accept-language']?.split(',')[0] ?? 'en';
    },
  };
}

export type FapiContext = ReturnType<typeof createFapiContext>;
type KnownAttempts = { signIn?: SignInSnapshot; signUp?: SignUpSnapshot };
