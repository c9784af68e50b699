import type { FastifyReply, FastifyRequest } from 'fastify';
import { CLIENT_COOKIE_MAX_AGE_S, type ClientView, clientUatCookies } from '../../domain/frontend/clients.js';
import { cookieSuffix } from '../../domain/frontend/handshake.js';
import { signUpRequirements } from '../../domain/frontend/sign-ups.js';
import type { Domain } from '../../domain/index.js';
import type { Client } from '../../domain/model.js';
import { parseCookies, serializeCookie } from '../cookies.js';
import { sendJson } from '../reply.js';
import { serializeClient, serializeFrontendSession, serializeSignIn, serializeSignUp } from '../serializers/frontend.js';

export const CLIENT_COOKIE = '__client';

/** Per-request helpers of the Frontend API: the browser's client, and the `{response, client}` envelope. */
export function createFapiContext(domain: Domain, publicUrl: string) {
  const secureCookies = new URL(publicUrl).protocol === 'https:';

  function clientToken(request: FastifyRequest): string | undefined {
    return parseCookies(request.headers.cookie).get(CLIENT_COOKIE);
  }

  async function clientJson(view: ClientView, origin: string | undefined) {
    const now = domain.clock();
    const sessions = [];
    for (const entry of view.sessions) {
      // Only the active session carries a fresh token: signing one per session would waste the hot path.
      const jwt =
        entry.session.id === view.client.last_active_session_id
          ? await domain.tokens.mintSessionToken(
              { session: entry.session, user: entry.record.user, emailAddresses: entry.record.emailAddresses },
              { authorizedParty: origin },
            )
          : undefined;
      sessions.push(serializeFrontendSession(entry, now, jwt));
    }
    const settings = (await domain.instance.settings()).frontend;
    const signIn = view.signIn
      ? serializeSignIn(view.signIn, await domain.signIns.factors(view.signIn), await domain.signIns.verification(view.signIn))
      : null;
    const signUp = view.signUp
      ? serializeSignUp(view.signUp, signUpRequirements(view.signUp, settings), await domain.signUps.verification(view.signUp))
      : null;
    return serializeClient(view.client, {
      sessions,
      signIn,
      signUp,
      cookieExpiresAt: view.client.created_at + CLIENT_COOKIE_MAX_AGE_S * 1000,
    });
  }

  /** Production apps get `__client_uat` from us: clerk-js writes it only for development instances. */
  function uatCookies(view: ClientView | undefined): string[] {
    if (domain.isDevelopment()) return [];
    return clientUatCookies(view?.client, Boolean(view?.sessions.length), cookieSuffix(domain.publishableKey()), secureCookies);
  }

  async function sendEnvelope(
    request: FastifyRequest,
    reply: FastifyReply,
    clientId: string | undefined,
    response: (client: ClientJson | null) => unknown,
    status = 200,
  ) {
    const client = clientId ? await domain.clients.reload(clientId) : undefined;
    const view = client ? await domain.clients.view(client) : undefined;
    const json = view ? await clientJson(view, request.headers.origin) : null;
    const uat = uatCookies(view);
    if (uat.length) {
      const existing = reply.getHeader('set-cookie');
      const list = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
      reply.header('set-cookie', [...list, ...uat]);
    }
    return sendJson(reply, status, { response: response(json), client: json });
  }

  return {
    clientToken,

    async client(request: FastifyRequest): Promise<Client | undefined> {
      return domain.clients.resolve(clientToken(request));
    },

    /** The browser's client, created (and its HttpOnly cookie set) on first need. */
    async ensureClient(request: FastifyRequest, reply: FastifyReply): Promise<Client> {
      const existing = await domain.clients.resolve(clientToken(request));
      if (existing) return existing;
      const { client, token } = await domain.clients.create();
      reply.header(
        'set-cookie',
        serializeCookie(CLIENT_COOKIE, token, { httpOnly: true, sameSite: 'Lax', secure: secureCookies, maxAge: CLIENT_COOKIE_MAX_AGE_S }),
      );
      return client;
    },

    clientJson,

    /** Sends `{response, client}` with the client as it is after the change. */
    async send(request: FastifyRequest, reply: FastifyReply, clientId: string | undefined, response: unknown, status = 200) {
      return sendEnvelope(request, reply, clientId, () => response, status);
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
      const client = await domain.clients.resolve(clientToken(request));
      if (!client) return null;
      return clientJson(await domain.clients.view(client), request.headers.origin);
    },

    locale(request: FastifyRequest, body: { locale?: unknown } | undefined): string {
      const explicit = typeof body?.locale === 'string' ? body.locale : undefined;
      return explicit ?? request.headers['accept-language']?.split(',')[0] ?? 'en';
    },
  };
}

export type FapiContext = ReturnType<typeof createFapiContext>;
type ClientJson = ReturnType<typeof serializeClient>;
