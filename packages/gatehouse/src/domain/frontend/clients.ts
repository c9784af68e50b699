import { randomBytes } from 'node:crypto';
import { hashToken } from '../../crypto/token-hash.js';
import { errors } from '../../errors.js';
import { newId } from '../../ids.js';
import { serializeCookie } from '../../set-cookie.js';
import type { Store } from '../../store/index.js';
import type { ClientRow, SessionRow, SignInRow, SignUpRow, UserRow } from '../../store/schema.js';
import type { Clock } from '../clock.js';
import { effectiveSession, type SessionService } from '../sessions.js';
import type { UserRecord } from '../users.js';

export const CLIENT_COOKIE_MAX_AGE_S = 365 * 24 * 3600;

/**
 * `__client_uat` and its suffixed twin: when the client last changed (Unix seconds), or `0` when it
 * has no session. The SDKs compare it with the session cookie to decide whether to handshake.
 */
export function clientUatCookies(client: { updated_at: number } | undefined, signedIn: boolean, suffix: string, secure: boolean): string[] {
  const value = client && signedIn ? String(Math.floor(client.updated_at / 1000)) : '0';
  const options = { maxAge: CLIENT_COOKIE_MAX_AGE_S, sameSite: 'Lax' as const, secure };
  return [serializeCookie('__client_uat', value, options), serializeCookie(`__client_uat_${suffix}`, value, options)];
}

export interface SessionWithUser {
  session: SessionRow;
  record: UserRecord;
}

/** A browser's client with everything the Frontend API's `client` JSON shows. */
export interface ClientView {
  client: ClientRow;
  sessions: SessionWithUser[];
  signIn: SignInRow | undefined;
  signUp: SignUpRow | undefined;
}

/**
 * Browser clients, identified by the `__client` cookie. The cookie holds a random token; only its
 * hash is stored, so a database leak does not hand out live browsers.
 */
export function createClientService(store: Store, clock: Clock, sessions: SessionService) {
  async function activeSessions(clientId: string): Promise<SessionWithUser[]> {
    const now = clock();
    const rows = (await store.sessions.listByClient(clientId))
      .map((row) => effectiveSession(row, now))
      .filter((s) => s.status === 'active');
    const out: SessionWithUser[] = [];
    for (const session of rows) {
      const record = await store.users.findWithEmailAddresses(session.user_id);
      if (record) out.push({ session, record });
    }
    return out;
  }

  return {
    /**
     * The client's first active session, if any. Every new session becomes its client's
     * `last_active_session_id`, and ending sessions resets it, so a client without one (a new
     * browser, or one signed out) has no active session and costs no query.
     */
    async firstActiveSession(client: ClientRow): Promise<SessionWithUser | undefined> {
      if (client.last_active_session_id === null) return undefined;
      return (await activeSessions(client.id))[0];
    },

    async resolve(token: string | undefined): Promise<ClientRow | undefined> {
      if (!token || token.length > 200) return undefined;
      return store.clients.findByTokenHash(hashToken(token));
    },

    /** The token-refresh lookup: session `sessionId` with its user, if it belongs to the browser holding `token`. */
    async sessionWithUser(token: string | undefined, sessionId: string): Promise<{ session: SessionRow; user: UserRow } | undefined> {
      if (!token || token.length > 200) return undefined;
      return store.sessions.findWithUserForClientToken(sessionId, hashToken(token));
    },

    async create(): Promise<{ client: ClientRow; token: string }> {
      const token = randomBytes(32).toString('base64url');
      const now = clock();
      const client: ClientRow = {
        id: newId('client'),
        token_hash: hashToken(token),
        sign_in_id: null,
        sign_up_id: null,
        last_active_session_id: null,
        created_at: now,
        updated_at: now,
      };
      await store.clients.insert(client);
      return { client, token };
    },

    async reload(clientId: string): Promise<ClientRow | undefined> {
      return store.clients.findById(clientId);
    },

    async update(clientId: string, changes: Partial<Omit<ClientRow, 'id' | 'token_hash'>>): Promise<void> {
      await store.clients.update(clientId, { ...changes, updated_at: clock() });
    },

    activeSessions,

    /** Session `sessionId` if it belongs to this client, else 404: one browser never reaches another's sessions. */
    async ownSession(clientId: string, sessionId: string): Promise<SessionRow> {
      const session = await store.sessions.findById(sessionId);
      if (!session || session.client_id !== clientId) throw errors.notFound('session');
      return session;
    },

    /**
     * `setActive`: marks the session (and its user) active now and makes it the client's active one;
     * `activeOrganizationId` (`''` or null for the personal account) switches its organization.
     */
    async touch(clientId: string, session: SessionRow, activeOrganizationId?: string | null): Promise<void> {
      const now = clock();
      const live = effectiveSession(session, now);
      if (live.status !== 'active') throw errors.sessionNotActive(session.id, live.status);
      await store.sessions.update(session.id, { last_active_at: now, updated_at: now });
      if (activeOrganizationId !== undefined) await sessions.setActiveOrganization(session.id, activeOrganizationId || null);
      await store.users.update(session.user_id, { last_active_at: now });
      await store.clients.update(clientId, { last_active_session_id: session.id, updated_at: clock() });
    },

    /** The client `clientId` as it is now, with its active sessions and live attempts. */
    async viewById(clientId: string): Promise<ClientView | undefined> {
      const client = await store.clients.findById(clientId);
      return client ? this.view(client) : undefined;
    },

    async view(client: ClientRow): Promise<ClientView> {
      const now = clock();
      const signIn = client.sign_in_id ? await store.signIns.findById(client.sign_in_id) : undefined;
      const signUp = client.sign_up_id ? await store.signUps.findById(client.sign_up_id) : undefined;
      return {
        client,
        sessions: await activeSessions(client.id),
        signIn: signIn && signIn.expire_at > now ? signIn : undefined,
        signUp: signUp && signUp.expire_at > now ? signUp : undefined,
      };
    },

    /** Ends sessions of this client: all of them (sign out), or one (`end`/`remove`, or a revoke from `/v1/me/sessions`). */
    async endSessions(clientId: string, status: 'ended' | 'removed' | 'revoked', sessionId?: string): Promise<void> {
      const now = clock();
      if (sessionId) await store.sessions.update(sessionId, { status, updated_at: now });
      else await store.sessions.endAllForClient(clientId, status, now);
      const remaining = await activeSessions(clientId);
      await store.clients.update(clientId, { last_active_session_id: remaining.at(-1)?.session.id ?? null, updated_at: now });
    },
  };
}

export type ClientService = ReturnType<typeof createClientService>;
