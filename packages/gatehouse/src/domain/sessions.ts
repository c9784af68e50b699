import { errors } from '../errors.js';
import { newId } from '../ids.js';
import type { ActorClaim, Session, SessionStatus, SessionTaskKey } from '../model/index.js';
import type { Store } from '../store/index.js';
import type { Repositories } from '../store/repositories/index.js';
import type { SessionListFilter, TaskTransition } from '../store/repositories/sessions.js';
import type { Caller } from './caller.js';
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

export type { SessionTaskKey } from '../model/index.js';

/**
 * The session tasks Gatehouse raises, in the order a session waits for them (clerk-js shows the
 * first, `session.currentTask`): setting up a second factor (`factors.mfaRequired`), then choosing
 * an organization (`organizations.forceOrganizationSelection`). Which ones a new session gets is
 * decided in frontend/session-tasks.ts.
 */
export const SESSION_TASK_ORDER: readonly SessionTaskKey[] = ['setup-mfa', 'choose-organization'];

/** A session's tasks, as Clerk's `session.tasks` lists them: a pending session's, else null. */
export function sessionTasks(session: Pick<Session, 'status' | 'tasks'>): { key: SessionTaskKey }[] | null {
  return session.status === 'pending' && session.tasks.length > 0 ? session.tasks.map((key) => ({ key })) : null;
}

/** Every task list a session can hold with `key` in it, and that list once `key` is done. */
export function taskDone(key: SessionTaskKey): TaskTransition[] {
  const others = SESSION_TASK_ORDER.filter((k) => k !== key);
  const transitions: TaskTransition[] = [];
  for (let mask = 0; mask < 1 << others.length; mask++) {
    const to = others.filter((_, i) => (mask >> i) & 1);
    transitions.push({ from: SESSION_TASK_ORDER.filter((k) => k === key || to.includes(k)), to });
  }
  return transitions;
}

/**
 * Marks task `key` done on the pending sessions of a user (or on one session), inside `tx`: each
 * drops it from its list, and a session with nothing left to do becomes `active`. Returns the
 * sessions changed, as they are now.
 */
export async function completeSessionTask(
  tx: Repositories,
  key: SessionTaskKey,
  by: { userId: string } | { sessionId: string },
  now: number,
): Promise<Session[]> {
  return tx.sessions.updateTasks(by, taskDone(key), now);
}

/** What a stored session is now: a signed-in row past its expiry is `expired`. */
export function effectiveSession(row: Session, now: number): Session {
  if (isSignedInStatus(row.status) && row.expireAt <= now) return { ...row, status: 'expired' };
  if (isSignedInStatus(row.status) && row.abandonAt <= now) return { ...row, status: 'abandoned' };
  return row;
}

/** A new session of `userId` on `clientId`, starting at `now`: active, or pending while it has tasks to do. */
export function newSession(
  userId: string,
  clientId: string,
  now: number,
  actor: ActorClaim | null = null,
  lifetimeMs = SESSION_LIFETIME_MS,
  tasks: SessionTaskKey[] = [],
): Session {
  return {
    id: newId('sess'),
    clientId: clientId,
    userId: userId,
    status: tasks.length > 0 ? 'pending' : 'active',
    tasks,
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

  /**
   * Sets the organization a session acts in (`null` or `''` for the personal account), as clerk-js's
   * `setActive({ organization })` does through the Frontend API's touch. The session's user must be a
   * member; the organization may be given by id or slug. Later session tokens carry its `o` claim.
   * An organization chosen by a pending session completes its `choose-organization` task (the
   * personal account does not): with no other task left, the session becomes `active`.
   */
  async function setActiveOrganization(sessionId: string, organizationIdOrSlug: string | null): Promise<Session> {
    const session = await load(sessionId);
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
    const choosing = organizationId !== null && session.status === 'pending' && session.tasks.includes('choose-organization');
    if (!choosing) {
      await store.sessions.update(session.id, { lastActiveOrganizationId: organizationId, updatedAt: now });
      return { ...session, lastActiveOrganizationId: organizationId, updatedAt: now };
    }
    return store.transaction(async (tx) => {
      await tx.sessions.update(session.id, { lastActiveOrganizationId: organizationId, updatedAt: now });
      await completeSessionTask(tx, 'choose-organization', { sessionId: session.id }, now);
      const updated = await tx.sessions.findById(session.id);
      if (!updated) throw errors.notFound('session');
      return updated;
    });
  }

  return {
    get: load,

    /** Creates a session (and its client) for a user, as BAPI `POST /v1/sessions` does. */
    /** `impersonation`: a session for an actor (an accepted actor token): `act` in its tokens, a shorter life. */
    /** `tasks`: the session tasks a sign-in leaves to do (the session is then `pending`; see `sessionTasks`). */
    async create(
      userId: string,
      caller: Caller,
      clientId?: string,
      impersonation?: { actor: ActorClaim; maxDurationMs: number },
      tasks: SessionTaskKey[] = [],
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
        tasks,
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
        await events.raise(tx, 'session.created', session, caller);
      });
      return session;
    },

    async list(filter: SessionListFilter, limit: number, offset: number): Promise<{ data: Session[]; totalCount: number }> {
      const now = clock();
      const [rows, totalCount] = await Promise.all([store.sessions.list(filter, limit, offset), store.sessions.count(filter)]);
      return { data: rows.map((row) => effectiveSession(row, now)), totalCount };
    },

    setActiveOrganization,

    /** Ends a session for good; its tokens stop being refreshable at once. */
    async revoke(id: string, caller: Caller): Promise<Session> {
      const session = await load(id);
      if (!isSignedInStatus(session.status)) return session;
      const now = clock();
      const revoked: Session = { ...session, status: 'revoked', updatedAt: now };
      await store.transaction(async (tx) => {
        await tx.sessions.update(id, { status: 'revoked', updatedAt: now });
        await events.raise(tx, 'session.revoked', revoked, caller);
      });
      return revoked;
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
