import { errors } from '../errors.js';
import { newId } from '../ids.js';
import type { Session, SessionStatus } from '../model/index.js';
import type { Store } from '../store/index.js';
import type { SessionListFilter } from '../store/repositories/sessions.js';
import type { Clock } from './clock.js';
import type { EventService } from './webhooks/events.js';

/** Clerk's defaults: a session lives 7 days, and is abandoned after 30 days without a touch. */
export const SESSION_LIFETIME_MS = 7 * 24 * 3600 * 1000;
export const SESSION_ABANDON_MS = 30 * 24 * 3600 * 1000;

export const SESSION_STATUSES = [
  'active',
  'ended',
  'expired',
  'removed',
  'replaced',
  'revoked',
  'abandoned',
  'pending',
] as const satisfies readonly SessionStatus[];

/**
 * Whether someone is signed in with a session of this status: `active`, or `pending` (signed in, with
 * a session task still to do; clerk-js lists both among the client's signed-in sessions).
 */
export function isSignedInStatus(status: SessionStatus): status is 'active' | 'pending' {
  return status === 'active' || status === 'pending';
}

/** Clerk's session task keys (`@clerk/shared`'s `SessionTask['key']`); Gatehouse raises `setup-mfa` only. */
export type SessionTaskKey = 'setup-mfa';

/**
 * A session's tasks, as Clerk's `session.tasks` lists them: a pending session must set up a second
 * factor (the instance requires MFA, `factors.mfaRequired`, and the user had none when signing in).
 * Null for any other session. The one task Gatehouse raises follows from the status, so it is not stored.
 */
export function sessionTasks(session: Pick<Session, 'status'>): { key: SessionTaskKey }[] | null {
  return session.status === 'pending' ? [{ key: 'setup-mfa' }] : null;
}

/** What a stored session is now: a signed-in row past its expiry is `expired`. */
export function effectiveSession(row: Session, now: number): Session {
  if (isSignedInStatus(row.status) && row.expireAt <= now) return { ...row, status: 'expired' };
  if (isSignedInStatus(row.status) && row.abandonAt <= now) return { ...row, status: 'abandoned' };
  return row;
}

/** A new session of `userId` on `clientId`, starting at `now`: active, or pending with a task to do. */
export function newSession(
  userId: string,
  clientId: string,
  now: number,
  actor: Record<string, unknown> | null = null,
  lifetimeMs = SESSION_LIFETIME_MS,
  status: 'active' | 'pending' = 'active',
): Session {
  return {
    id: newId('sess'),
    clientId: clientId,
    userId: userId,
    status,
    lastActiveOrganizationId: null,
    lastActiveAt: now,
    expireAt: now + lifetimeMs,
    abandonAt: now + SESSION_ABANDON_MS,
    createdAt: now,
    updatedAt: now,
    actor,
  };
}

export function createSessionService(store: Store, clock: Clock, events: EventService) {
  async function load(id: string): Promise<Session> {
    const row = await store.sessions.findById(id);
    if (!row) throw errors.notFound('session');
    return effectiveSession(row, clock());
  }

  return {
    get: load,

    /** Creates a session (and its client) for a user, as BAPI `POST /v1/sessions` does. */
    /** `impersonation`: a session for an actor (an accepted actor token): `act` in its tokens, a shorter life. */
    /** `status`: `pending` for a sign-in that leaves a session task to do (see `sessionTasks`). */
    async create(
      userId: string,
      clientId?: string,
      impersonation?: { actor: Record<string, unknown>; maxDurationMs: number },
      status: 'active' | 'pending' = 'active',
    ): Promise<Session> {
      const user = await store.users.findById(userId);
      if (!user) throw errors.paramValueInvalid('user_id', `no user has the id ${userId}`);
      if (user.banned) throw errors.userBanned();
      if (user.locked) throw errors.userLocked();
      const now = clock();
      const session = newSession(
        userId,
        clientId ?? newId('client'),
        now,
        impersonation?.actor ?? null,
        impersonation?.maxDurationMs,
        status,
      );
      await store.transaction(async (tx) => {
        if (!clientId)
          await tx.clients.insert({
            id: session.clientId,
            tokenHash: null,
            signInId: null,
            signUpId: null,
            lastActiveSessionId: session.id,
            createdAt: now,
            updatedAt: now,
          });
        else await tx.clients.update(clientId, { lastActiveSessionId: session.id, updatedAt: now });
        await tx.sessions.insert(session);
        // An operator acting as the user is not the user signing in.
        if (!impersonation) await tx.users.update(userId, { lastSignInAt: now, lastActiveAt: now, updatedAt: now });
        await events.raise(tx, 'session.created', session);
      });
      return session;
    },

    async list(filter: SessionListFilter, limit: number, offset: number): Promise<{ data: Session[]; totalCount: number }> {
      const now = clock();
      const [rows, totalCount] = await Promise.all([store.sessions.list(filter, limit, offset), store.sessions.count(filter)]);
      return { data: rows.map((row) => effectiveSession(row, now)), totalCount };
    },

    /**
     * Sets the organization a session acts in (`null` or `''` for the personal account), as clerk-js's
     * `setActive({ organization })` does through the Frontend API's touch. The session's user must be a
     * member; the organization may be given by id or slug. Later session tokens carry its `o` claim.
     */
    async setActiveOrganization(sessionId: string, organizationIdOrSlug: string | null): Promise<Session> {
      const session = await load(sessionId);
      // A pending session may choose its organization too (Clerk's `choose-organization` task does).
      if (!isSignedInStatus(session.status)) throw errors.sessionNotActive(session.id, session.status);
      let organizationId: string | null = null;
      if (organizationIdOrSlug) {
        const organization = organizationIdOrSlug.startsWith('org_')
          ? await store.organizations.findById(organizationIdOrSlug)
          : await store.organizations.findBySlug(organizationIdOrSlug.toLowerCase());
        if (!organization || !(await store.organizationMemberships.find(organization.id, session.userId))) {
          throw errors.organizationNotFoundOrUnauthorized();
        }
        organizationId = organization.id;
      }
      const now = clock();
      await store.sessions.update(session.id, { lastActiveOrganizationId: organizationId, updatedAt: now });
      return { ...session, lastActiveOrganizationId: organizationId, updatedAt: now };
    },

    /** Ends a session for good; its tokens stop being refreshable at once. */
    async revoke(id: string): Promise<Session> {
      const session = await load(id);
      if (!isSignedInStatus(session.status)) return session;
      const now = clock();
      const revoked: Session = { ...session, status: 'revoked', updatedAt: now };
      await store.transaction(async (tx) => {
        await tx.sessions.update(id, { status: 'revoked', updatedAt: now });
        await events.raise(tx, 'session.revoked', revoked);
      });
      return revoked;
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
