import type { FastifyReply, FastifyRequest } from 'fastify';
import { CLIENT_COOKIE_MAX_AGE_S, type ClientView } from '../../domain/frontend/clients.js';
import { cookieSuffix } from '../../domain/frontend/handshake.js';
import { signUpRequirements } from '../../domain/frontend/sign-ups.js';
import type { Domain } from '../../domain/index.js';
import type { Client } from '../../model/index.js';
import { parseCookies, serializeCookie } from '../cookies.js';
import { sendJson } from '../reply.js';
import { serializeClient, serializeFrontendSession, serializeSignIn, serializeSignUp } from '../serializers/frontend.js';

export const CLIENT_COOKIE = '__client';
/** How long a rotated-away token still finds its completed sign-up for a retry: a code's lifetime. */
const RETRY_WINDOW_MS = 10 * 60_000;

function appendSetCookie(reply: FastifyReply, cookie: string): void {
  const existing = reply.getHeader('set-cookie');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
  reply.header('set-cookie', [...list, cookie]);
}

/** Per-request helpers of the Frontend API: the browser's client, and the `{response, client}` envelope. */
export function createFapiContext(domain: Domain, publicUrl: string) {
  const secureCookies = new URL(publicUrl).protocol === 'https:';

  function setClientCookie(reply: FastifyReply, token: string): void {
    appendSetCookie(
      reply,
      serializeCookie(CLIENT_COOKIE, token, { httpOnly: true, sameSite: 'Lax', secure: secureCookies, maxAge: CLIENT_COOKIE_MAX_AGE_S }),
    );
  }

  function clientToken(request: FastifyRequest): string | undefined {
    return parseCookies(request.headers.cookie).get(CLIENT_COOKIE);
  }

  async function clientJson(view: ClientView, origin: string | undefined) {
    const now = domain.clock();
    const sessions = [];
    for (const entry of view.sessions) {
      // Only the active session carries a fresh token: signing one per session would waste the hot path.
      const jwt =
        entry.session.id === view.client.lastActiveSessionId
          ? await domain.tokens.mintSessionToken(
              { session: entry.session, user: entry.record.user, emailAddresses: entry.record.emailAddresses },
              { authorizedParty: origin },
            )
          : undefined;
      sessions.push(serializeFrontendSession(entry, now, domain.protection.state(entry.record.user), jwt));
    }
    const settings = (await domain.instance.settings()).frontend;
    const signIn = view.signIn
      ? serializeSignIn(
          view.signIn,
          await domain.signIns.factors(view.signIn),
          await signInCode(view.signIn.id, view.signIn.firstFactorStrategy),
        )
      : null;
    const signUp = view.signUp
      ? serializeSignUp(view.signUp, signUpRequirements(view.signUp, settings), await domain.signUps.verification(view.signUp.id))
      : null;
    return serializeClient(view.client, {
      sessions,
      signIn,
      signUp,
      cookieExpiresAt: view.client.createdAt + CLIENT_COOKIE_MAX_AGE_S * 1000,
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
    const value = view?.sessions.length ? String(Math.floor(view.client.updatedAt / 1000)) : '0';
    const options = { maxAge: CLIENT_COOKIE_MAX_AGE_S, sameSite: 'Lax' as const, secure: secureCookies };
    return [
      serializeCookie('__client_uat', value, options),
      serializeCookie(`__client_uat_${cookieSuffix(domain.publishableKey())}`, value, options),
    ];
  }

  return {
    signInCode,
    clientToken,

    async client(request: FastifyRequest): Promise<Client | undefined> {
      return domain.clients.resolve(clientToken(request));
    },

    /** The browser's client, created (and its HttpOnly cookie set) on first need. */
    async ensureClient(request: FastifyRequest, reply: FastifyReply): Promise<Client> {
      const existing = await domain.clients.resolve(clientToken(request));
      if (existing) return existing;
      const { client, token } = await domain.clients.create();
      setClientCookie(reply, token);
      return client;
    },

    /**
     * The client, also through a token retired by the completion being retried: a browser whose
     * completion answer was lost still holds the old value (only the retry routes accept it).
     */
    async clientForRetry(request: FastifyRequest): Promise<Client | undefined> {
      const token = clientToken(request);
      return (await domain.clients.resolve(token)) ?? (await domain.clients.resolveRetired(token));
    },

    /**
     * A new `__client` value after a sign-in or sign-up completes and on sign-out (ASVS 3.2.1): a value
     * planted in or read from the browser before then gets nothing. `retire` keeps the old value for
     * retrying the completion (see clientForRetry).
     */
    async rotateClient(reply: FastifyReply, clientId: string, retire = false): Promise<void> {
      setClientCookie(reply, await domain.clients.rotateToken(clientId, retire ? { retireForMs: RETRY_WINDOW_MS } : {}));
    },

    clientJson,

    /** Sends `{response, client}` with the client as it is after the change. */
    async send(request: FastifyRequest, reply: FastifyReply, clientId: string | undefined, response: unknown, status = 200) {
      const client = clientId ? await domain.clients.reload(clientId) : undefined;
      const view = client ? await domain.clients.view(client) : undefined;
      const origin = request.headers.origin;
      const body = { response, client: view ? await clientJson(view, origin) : null };
      for (const cookie of clientUatCookies(view)) appendSetCookie(reply, cookie);
      return sendJson(reply, status, body);
    },

    locale(request: FastifyRequest, body: { locale?: unknown } | undefined): string {
      const explicit = typeof body?.locale === 'string' ? body.locale : undefined;
      return explicit ?? request.headers['accept-language']?.split(',')[0] ?? 'en';
    },
  };
}

export type FapiContext = ReturnType<typeof createFapiContext>;
