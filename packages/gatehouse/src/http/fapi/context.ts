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
        entry.session.id === view.client.lastActiveSessionId
          ? await domain.tokens.mintSessionToken(
              { session: entry.session, user: entry.record.user, emailAddresses: entry.record.emailAddresses },
              { authorizedParty: origin },
            )
          : undefined;
      sessions.push(serializeFrontendSession(entry, now, domain.images.links, jwt));
    }
    const settings = (await domain.instance.settings()).frontend;
    const signIn = view.signIn
      ? serializeSignIn(
          view.signIn,
          await domain.signIns.factors(view.signIn),
          await signInCode(view.signIn.id, view.signIn.firstFactorStrategy),
          domain.images.links,
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
