import { createHash, randomBytes } from 'node:crypto';
import { hashToken } from '../../crypto/token-hash.js';
import { serializeCookie } from '../../set-cookie.js';
import type { Store } from '../../store/index.js';
import type { Clock } from '../clock.js';
import type { TokenService } from '../tokens.js';
import { type ClientService, clientUatCookies } from './clients.js';

/**
 * How long a nonce waits for its one resolve (the app's redirect back and its BAPI call). It is
 * single-use: a leaked URL carrying it (history, logs, Referer) is worth nothing once the app has
 * resolved it.
 */
export const HANDSHAKE_NONCE_TTL_MS = 5 * 60 * 1000;
const YEAR_S = 365 * 24 * 3600;

export interface CookieNames {
  /** The publishable key's cookie suffix (`getCookieSuffix`). */
  suffix: string;
  development: boolean;
}

/** `@clerk/shared`'s cookie suffix: SHA-1 of the whole publishable key, base64url, 8 characters. */
export function cookieSuffix(publishableKey: string): string {
  return createHash('sha1').update(publishableKey).digest('base64').replace(/\+/g, '-').replace(/\//g, '_').slice(0, 8);
}

/** An opaque dev-browser id: `@clerk/backend` only checks that a development browser has one. */
export function newDevBrowserId(): string {
  return `dvb_${randomBytes(16).toString('base64url')}`;
}

/**
 * The handshake `authenticateRequest` starts on page loads: FAPI stores a nonce for the browser's
 * client, and BAPI turns it into Set-Cookie directives for the app's domain, computed when asked so
 * the session token in them is fresh.
 */
export function createHandshakeService(deps: {
  store: Store;
  clock: Clock;
  clients: ClientService;
  tokens: TokenService;
  names: () => CookieNames;
}) {
  const { store, clock } = deps;

  /** `__refresh_<suffix>` for the app's domain: HttpOnly, as only the SDK on the server reads it; cleared without a session. */
  function refreshCookie(token: string | undefined, secure: boolean): string {
    const name = `__refresh_${deps.names().suffix}`;
    return serializeCookie(name, token ?? '', { httpOnly: true, sameSite: 'Lax', secure, maxAge: token ? YEAR_S : 0 });
  }

  function both(name: string, value: string, attributes: string): string[] {
    const { suffix } = deps.names();
    return [`${name}=${value}; ${attributes}`, `${name}_${suffix}=${value}; ${attributes}`];
  }

  return {
    async begin(input: { clientId: string | undefined; devBrowser: string | undefined; origin: string }): Promise<string> {
      const nonce = randomBytes(24).toString('base64url');
      const now = clock();
      await store.handshakeNonces.deleteExpired(now);
      await store.handshakeNonces.insert({
        nonceHash: hashToken(nonce),
        clientId: input.clientId ?? null,
        devBrowser: input.devBrowser ?? null,
        origin: input.origin,
        expireAt: now + HANDSHAKE_NONCE_TTL_MS,
        createdAt: now,
      });
      return nonce;
    },

    /** The directives for a nonce, or undefined when it is unknown, expired or already resolved. */
    async directives(nonce: string): Promise<string[] | undefined> {
      const row = await store.handshakeNonces.consume(hashToken(nonce), clock());
      if (!row) return undefined;
      const secure = row.origin.startsWith('https:') ? '; Secure' : '';
      const lax = `Path=/; SameSite=Lax${secure}`;
      const out: string[] = [];
      const client = row.clientId ? await deps.clients.reload(row.clientId) : undefined;
      const sessions = client ? await deps.clients.activeSessions(client.id) : [];
      const active = sessions.find((s) => s.session.id === client?.lastActiveSessionId) ?? sessions.at(-1);
      if (client && active) {
        const jwt = await deps.tokens.mintSessionToken(
          { session: active.session, user: active.record.user, emailAddresses: active.record.emailAddresses },
          { authorizedParty: row.origin },
        );
        out.push(...both('__session', jwt, lax));
        // `authenticateRequest` refreshes an expired token through BAPI with this cookie, without a
        // handshake; it reads the suffixed name only.
        out.push(refreshCookie(deps.tokens.refreshTokenFor(active.session.id), secure !== ''));
      } else {
        out.push(...both('__session', '', `${lax}; Max-Age=0`));
        out.push(refreshCookie(undefined, secure !== ''));
      }
      out.push(...clientUatCookies(client, Boolean(active), deps.names().suffix, row.origin.startsWith('https:')));
      if (deps.names().development) {
        out.push(...both('__clerk_db_jwt', row.devBrowser ?? newDevBrowserId(), `${lax}; Max-Age=${YEAR_S}`));
      }
      // Clear the carriers, or the SDK resolves the same handshake forever.
      out.push(`__clerk_handshake_nonce=; Path=/; Max-Age=0`, `__clerk_handshake=; Path=/; Max-Age=0`);
      return out;
    },
  };
}

export type HandshakeService = ReturnType<typeof createHandshakeService>;
