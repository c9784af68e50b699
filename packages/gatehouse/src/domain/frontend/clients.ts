import { createHash, randomBytes } from 'node:crypto';
import { newId } from '../../ids.js';
import type { Client, Session, SignIn, SignUp, User } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { Clock } from '../clock.js';
import { effectiveSession } from '../sessions.js';
import type { UserRecord } from '../users.js';

export const CLIENT_COOKIE_MAX_AGE_S = 365 * 24 * 3600;

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

export function hashClientToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Browser clients, identified by the `__client` cookie. The cookie holds a random token; only its
 * hash is stored, so a database leak does not hand out live browsers.
 */
export function createClientService(store: Store, clock: Clock) {
  // Rows this process has just created and handed out: such a client has no sessions yet.
  const created = new WeakSet<Client>();

  async function activeSessions(clientId: string): Promise<SessionWithUser[]> {
    const now = clock();
    const rows = (await store.sessions.listByClient(clientId))
      .map((row) => effectiveSession(row, now))
      .filter((s) => s.status === 'active');
    const out: SessionWithUser[] = [];
    for (const session of rows) {
      const record = await store.users.findWithEmailAddresses(session.userId);
      if (record) out.push({ session, record });
    }
    return out;
  }

  return {
    /** The client's first active session, if any; no query for a client created by this request. */
    async firstActiveSession(client: Client): Promise<SessionWithUser | undefined> {
      if (created.has(client)) return undefined;
      return (await activeSessions(client.id))[0];
    },

    async resolve(token: string | undefined): Promise<Client | undefined> {
      if (!token || token.length > 200) return undefined;
      return store.clients.findByTokenHash(hashClientToken(token));
    },

    /** The token-refresh lookup: session `sessionId` with its user, if it belongs to the browser holding `token`. */
    async sessionWithUser(token: string | undefined, sessionId: string): Promise<{ session: Session; user: User } | undefined> {
      if (!token || token.length > 200) return undefined;
      return store.sessions.findWithUserForClientToken(sessionId, hashClientToken(token));
    },

    async create(): Promise<{ client: Client; token: string }> {
      const token = randomBytes(32).toString('base64url');
      const now = clock();
      const client: Client = {
        id: newId('client'),
        tokenHash: hashClientToken(token),
        signInId: null,
        signUpId: null,
        lastActiveSessionId: null,
        createdAt: now,
        updatedAt: now,
      };
      await store.clients.insert(client);
      created.add(client);
      return { client, token };
    },

    async reload(clientId: string): Promise<Client | undefined> {
      return store.clients.findById(clientId);
    },

    async update(clientId: string, changes: Partial<Omit<Client, 'id' | 'tokenHash'>>): Promise<void> {
      await store.clients.update(clientId, { ...changes, updatedAt: clock() });
    },

    activeSessions,

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
    async endSessions(clientId: string, status: 'ended' | 'removed' | 'revoked', sessionId?: string): Promise<void> {
      const now = clock();
      if (sessionId) await store.sessions.update(sessionId, { status, updatedAt: now });
      else await store.sessions.endAllForClient(clientId, status, now);
      const remaining = await activeSessions(clientId);
      await store.clients.update(clientId, { lastActiveSessionId: remaining.at(-1)?.session.id ?? null, updatedAt: now });
    },
  };
}

export type ClientService = ReturnType<typeof createClientService>;
