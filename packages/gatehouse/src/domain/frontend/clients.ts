import { randomBytes } from 'node:crypto';
import { hashToken } from '../../crypto/token-hash.js';
import { errors } from '../../errors.js';
import { newId } from '../../ids.js';
import type { Client, Session, SignIn, SignUp, User } from '../../model/index.js';
import { serializeCookie } from '../../set-cookie.js';
import type { Store } from '../../store/index.js';
import type { Caller } from '../caller.js';
import type { Clock } from '../clock.js';
import { effectiveSession, isSignedInStatus, type SessionService } from '../sessions.js';
import type { UserRecord } from '../users.js';
import type { EventService } from '../webhooks/events.js';

export const CLIENT_COOKIE_MAX_AGE_S = 365 * 24 * 3600;

/**
 * `__client_uat` and its suffixed twin: when the client last changed (Unix seconds), or `0` when it
 * has no session. The SDKs compare it with the session cookie to decide whether to handshake.
 */
export function clientUatCookies(client: { updatedAt: number } | undefined, signedIn: boolean, suffix: string, secure: boolean): string[] {
  const value = client && signedIn ? String(Math.floor(client.updatedAt / 1000)) : '0';
  const options = { maxAge: CLIENT_COOKIE_MAX_AGE_S, sameSite: 'Lax' as const, secure };
  return [serializeCookie('__client_uat', value, options), serializeCookie(`__client_uat_${suffix}`, value, options)];
}

export interface SessionWithUser {
  session: Session;
  record: UserRecord;
}

/** A browser's client with everything the Frontend API's `client` JSON shows. */
export interface ClientView {
  client: Client;
  sessions: SessionWithUser[];
  signIn: SignIn | undefined;
  signUp: SignUp | undefined;
}

/**
 * Browser clients, identified by the `__client` cookie. The cookie holds a random token; only its
 * hash is stored, so a database leak does not hand out live browsers.
 */
export function createClientService(store: Store, clock: Clock, sessions: SessionService, events: EventService) {
  /** The client's signed-in sessions: active ones, and pending ones (a session task still to do), as clerk-js lists them. */
  async function activeSessions(clientId: string): Promise<SessionWithUser[]> {
    const now = clock();
    const rows = (await store.sessions.listByClient(clientId))
      .map((row) => effectiveSession(row, now))
      .filter((s) => isSignedInStatus(s.status));
    const out: SessionWithUser[] = [];
    // The client's user JSON lists phone numbers, passkeys and social accounts (`<UserProfile/>` reads them there).
    for (const session of rows) {
      const record = await store.users.findWhole(session.userId);
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
    async firstActiveSession(client: Client): Promise<SessionWithUser | undefined> {
      if (client.lastActiveSessionId === null) return undefined;
      return (await activeSessions(client.id))[0];
    },

    async resolve(token: string | undefined): Promise<Client | undefined> {
      if (!token || token.length > 200) return undefined;
      return store.clients.findByTokenHash(hashToken(token));
    },

    /** The token-refresh lookup: session `sessionId` with its user, if it belongs to the browser holding `token`. */
    async sessionWithUser(token: string | undefined, sessionId: string): Promise<{ session: Session; user: User } | undefined> {
      if (!token || token.length > 200) return undefined;
      return store.sessions.findWithUserForClientToken(sessionId, hashToken(token));
    },

    async create(): Promise<{ client: Client; token: string }> {
      const token = randomBytes(32).toString('base64url');
      const now = clock();
      const client: Client = {
        id: newId('client'),
        tokenHash: hashToken(token),
        signInId: null,
        signUpId: null,
        lastActiveSessionId: null,
        createdAt: now,
        updatedAt: now,
      };
      await store.clients.insert(client);
      return { client, token };
    },

    /**
     * Gives the client a new token (session fixation: a value planted or seen before a sign-in, sign-up
     * or sign-out stops working). `retireForMs` keeps the old token resolvable for that long, but only
     * through `resolveRetired`, which the retry of a lost completion answer uses.
     */
    async rotateToken(clientId: string, options: { retireForMs?: number } = {}): Promise<string> {
      const token = randomBytes(32).toString('base64url');
      const now = clock();
      await store.transaction(async (tx) => {
        const current = await tx.clients.findById(clientId);
        if (current?.tokenHash && options.retireForMs)
          await tx.retiredClientTokens.insert(current.tokenHash, clientId, now + options.retireForMs);
        await tx.clients.update(clientId, { tokenHash: hashToken(token), updatedAt: now });
      });
      return token;
    },

    /** The client a retired token belonged to, while its retirement lasts. */
    async resolveRetired(token: string | undefined): Promise<Client | undefined> {
      if (!token || token.length > 200) return undefined;
      const clientId = await store.retiredClientTokens.findClientId(hashToken(token), clock());
      return clientId ? store.clients.findById(clientId) : undefined;
    },

    async reload(clientId: string): Promise<Client | undefined> {
      return store.clients.findById(clientId);
    },

    async update(clientId: string, changes: Partial<Omit<Client, 'id' | 'tokenHash'>>): Promise<void> {
      await store.clients.update(clientId, { ...changes, updatedAt: clock() });
    },

    activeSessions,

    /** Session `sessionId` if it belongs to this client, else 404: one browser never reaches another's sessions. */
    async ownSession(clientId: string, sessionId: string): Promise<Session> {
      const session = await store.sessions.findById(sessionId);
      if (!session || session.clientId !== clientId) throw errors.notFound('session');
      return session;
    },

    /**
     * `setActive`: marks the session (and its user) active now and makes it the client's active one;
     * `activeOrganizationId` (`''` or null for the personal account) switches its organization.
     */
    async touch(clientId: string, session: Session, activeOrganizationId?: string | null): Promise<void> {
      const now = clock();
      const live = effectiveSession(session, now);
      // clerk-js's setActive touches a pending session too (on its way to the task screen).
      if (!isSignedInStatus(live.status)) throw errors.sessionNotActive(session.id, live.status);
      await store.sessions.update(session.id, { lastActiveAt: now, updatedAt: now });
      if (activeOrganizationId !== undefined) await sessions.setActiveOrganization(session.id, activeOrganizationId || null);
      await store.users.update(session.userId, { lastActiveAt: now });
      await store.clients.update(clientId, { lastActiveSessionId: session.id, updatedAt: clock() });
    },

    /** The client `clientId` as it is now, with its active sessions and live attempts. */
    async viewById(clientId: string): Promise<ClientView | undefined> {
      const client = await store.clients.findById(clientId);
      return client ? this.view(client) : undefined;
    },

    async view(client: Client): Promise<ClientView> {
      const now = clock();
      const signIn = client.signInId ? await store.signIns.findById(client.signInId) : undefined;
      const signUp = client.signUpId ? await store.signUps.findById(client.signUpId) : undefined;
      return {
        client,
        sessions: await activeSessions(client.id),
        signIn: signIn && signIn.expireAt > now ? signIn : undefined,
        signUp: signUp && signUp.expireAt > now ? signUp : undefined,
      };
    },

    /** Ends sessions of this client: all of them (sign out), or one (`end`/`remove`, or a revoke from `/v1/me/sessions`). */
    async endSessions(clientId: string, status: 'ended' | 'removed' | 'revoked', caller: Caller, sessionId?: string): Promise<void> {
      const now = clock();
      const type = status === 'ended' ? 'session.ended' : status === 'removed' ? 'session.removed' : 'session.revoked';
      await store.transaction(async (tx) => {
        if (sessionId) {
          const before = await tx.sessions.findById(sessionId);
          await tx.sessions.update(sessionId, { status, updatedAt: now });
          if (before && isSignedInStatus(before.status)) await events.raise(tx, type, { ...before, status, updatedAt: now }, caller);
        } else {
          await events.raiseEach(tx, type, await tx.sessions.endActive({ clientId }, status, now), caller);
        }
      });
      const remaining = await activeSessions(clientId);
      await store.clients.update(clientId, { lastActiveSessionId: remaining.at(-1)?.session.id ?? null, updatedAt: now });
    },
  };
}

export type ClientService = ReturnType<typeof createClientService>;
