import type { FastifyReply, FastifyRequest } from 'fastify';
import { CLIENT_COOKIE_MAX_AGE_S, type ClientView } from '../../domain/frontend/clients.js';
import { cookieSuffix } from '../../domain/frontend/handshake.js';
import { signUpRequirements } from '../../domain/frontend/sign-ups.js';
import type { Domain } from '../../domain/index.js';
import type { ClientRow } from '../../store/schema.js';
import { parseCookies, serializeCookie } from '../cookies.js';
import { queryValue } from '../params.js';
import { sendJson } from '../reply.js';
import { serializeClient, serializeFrontendSession, serializeSignIn, serializeSignUp } from '../serializers/frontend.js';

export const CLIENT_COOKIE = '__client';

/** The development browser token clerk-js sends (`?__clerk_db_jwt=`) and learns (`Clerk-Db-Jwt`) on development instances. */
export const DEV_BROWSER_PARAM = '__clerk_db_jwt';
export const DEV_BROWSER_HEADER = 'Clerk-Db-Jwt';

/** Per-request helpers of the Frontend API: the browser's client, and the `{response, client}` envelope. */
export function createFapiContext(domain: Domain, publicUrl: string) {
  const secureCookies = new URL(publicUrl).protocol === 'https:';

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

  async function resolveClient(request: FastifyRequest): Promise<ClientRow | undefined> {
    for (const token of candidateTokens(request)) {
      const client = await domain.clients.resolve(token);
      if (client) {
        noteResolved(request, token);
        return client;
      }
    }
    return undefined;
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
      ? serializeSignIn(
          view.signIn,
          await domain.signIns.factors(view.signIn),
          await signInCode(view.signIn.id, view.signIn.first_factor_strategy),
        )
      : null;
    const signUp = view.signUp
      ? serializeSignUp(view.signUp, signUpRequirements(view.signUp, settings), await domain.signUps.verification(view.signUp.id))
      : null;
    return serializeClient(view.client, {
      sessions,
      signIn,
      signUp,
      cookieExpiresAt: view.client.created_at + CLIENT_COOKIE_MAX_AGE_S * 1000,
    });
  }

  async function signInCode(signInId: string, strategy: string | null) {
    if (strategy === 'email_code') return domain.store.verificationCodes.find(signInId, 'sign_in_email_code');
    if (strategy === 'reset_password_email_code') return domain.store.verificationCodes.find(signInId, 'reset_password');
    return undefined;
  }

  /** Production apps get `__client_uat` from us: clerk-js writes it only for development instances. */
  function clientUatCookies(view: ClientView | undefined): string[] {
    if (domain.isDevelopment()) return [];
    const value = view?.sessions.length ? String(Math.floor(view.client.updated_at / 1000)) : '0';
    const options = { maxAge: CLIENT_COOKIE_MAX_AGE_S, sameSite: 'Lax' as const, secure: secureCookies };
    return [
      serializeCookie('__client_uat', value, options),
      serializeCookie(`__client_uat_${cookieSuffix(domain.publishableKey())}`, value, options),
    ];
  }

  return {
    signInCode,
    clientToken,

    client: resolveClient,

    /** The dev browser token to send back in `Clerk-Db-Jwt` for this request, if any (development only). */
    devBrowserToAnnounce(request: FastifyRequest): string | undefined {
      return announce.get(request);
    },

    /** The browser's client, created (and its HttpOnly cookie set) on first need. */
    async ensureClient(request: FastifyRequest, reply: FastifyReply): Promise<ClientRow> {
      const existing = await resolveClient(request);
      if (existing) return existing;
      const { client, token } = await domain.clients.create();
      noteResolved(request, token);
      reply.header(
        'set-cookie',
        serializeCookie(CLIENT_COOKIE, token, { httpOnly: true, sameSite: 'Lax', secure: secureCookies, maxAge: CLIENT_COOKIE_MAX_AGE_S }),
      );
      return client;
    },

    clientJson,

    /** Sends `{response, client}` with the client as it is after the change. */
    async send(request: FastifyRequest, reply: FastifyReply, clientId: string | undefined, response: unknown, status = 200) {
      const client = clientId ? await domain.clients.reload(clientId) : undefined;
      const view = client ? await domain.clients.view(client) : undefined;
      const origin = request.headers.origin;
      const body = { response, client: view ? await clientJson(view, origin) : null };
      const uat = clientUatCookies(view);
      if (uat.length) {
        const existing = reply.getHeader('set-cookie');
        const list = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
        reply.header('set-cookie', [...list, ...uat]);
      }
      return sendJson(reply, status, body);
    },

    locale(request: FastifyRequest, body: { locale?: unknown } | undefined): string {
      const explicit = typeof body?.locale === 'string' ? body.locale : undefined;
      return explicit ?? request.headers['accept-language']?.split(',')[0] ?? 'en';
    },
  };
}

export type FapiContext = ReturnType<typeof createFapiContext>;
