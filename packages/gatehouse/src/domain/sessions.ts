import { errors } from '../errors.js';
import { newId } from '../ids.js';
import type { Store } from '../store/index.js';
import type { SessionListFilter } from '../store/repositories/sessions.js';
import type { SessionRow } from '../store/schema.js';
import type { Clock } from './clock.js';

/** Clerk's defaults: a session lives 7 days, and is abandoned after 30 days without a touch. */
export const SESSION_LIFETIME_MS = 7 * 24 * 3600 * 1000;
export const SESSION_ABANDON_MS = 30 * 24 * 3600 * 1000;

export const SESSION_STATUSES = ['active', 'ended', 'expired', 'removed', 'replaced', 'revoked', 'abandoned', 'pending'] as const;

/** What a stored session is now: an `active` row past its expiry is `expired`. */
export function effectiveSession(row: SessionRow, now: number): SessionRow {
  if (row.status === 'active' && row.expire_at <= now) return { ...row, status: 'expired' };
  if (row.status === 'active' && row.abandon_at <= now) return { ...row, status: 'abandoned' };
  return row;
}

/** A new active session row of `userId` on `clientId`, starting at `now`. */
export function newSessionRow(userId: string, clientId: string, now: number): SessionRow {
  return {
    id: newId('sess'),
    client_id: clientId,
    user_id: userId,
    status: 'active',
    last_active_organization_id: null,
    last_active_at: now,
    expire_at: now + SESSION_LIFETIME_MS,
    abandon_at: now + SESSION_ABANDON_MS,
    created_at: now,
    updated_at: now,
  };
}

export function createSessionService(store: Store, clock: Clock) {
  async function load(id: string): Promise<SessionRow> {
    const row = await store.sessions.findById(id);
    if (!row) throw errors.notFound('session');
    return effectiveSession(row, clock());
  }

  return {
    get: load,

    /** Creates a session (and its client) for a user, as BAPI `POST /v1/sessions` does. */
    async create(userId: string, clientId?: string): Promise<SessionRow> {
      const user = await store.users.findById(userId);
      if (!user) throw errors.paramValueInvalid('user_id', `no user has the id ${userId}`);
      if (user.banned) throw errors.userBanned();
      if (user.locked) throw errors.userLocked();
      const now = clock();
      const session = newSessionRow(userId, clientId ?? newId('client'), now);
      await store.transaction(async (tx) => {
        if (!clientId)
          await tx.clients.insert({
            id: session.client_id,
            token_hash: null,
            sign_in_id: null,
            sign_up_id: null,
            last_active_session_id: session.id,
            created_at: now,
            updated_at: now,
          });
        else await tx.clients.update(clientId, { last_active_session_id: session.id, updated_at: now });
        await tx.sessions.insert(session);
        await tx.users.update(userId, { last_sign_in_at: now, last_active_at: now, updated_at: now });
      });
      return session;
    },

    async list(filter: SessionListFilter, limit: number, offset: number): Promise<{ data: SessionRow[]; totalCount: number }> {
      const now = clock();
      const [rows, totalCount] = await Promise.all([store.sessions.list(filter, limit, offset), store.sessions.count(filter)]);
      return { data: rows.map((row) => effectiveSession(row, now)), totalCount };
    },

    /**
     * Sets the organization a session acts in (`null` or `''` for the personal account), as clerk-js's
     * `setActive({ organization })` does through the Frontend API's touch. The session's user must be a
     * member; the organization may be given by id or slug. Later session tokens carry its `o` claim.
     */
    async setActiveOrganization(sessionId: string, organizationIdOrSlug: string | null): Promise<SessionRow> {
      const session = await load(sessionId);
      if (session.status !== 'active') throw errors.sessionNotActive(session.id, session.status);
      let organizationId: string | null = null;
      if (organizationIdOrSlug) {
        const organization = organizationIdOrSlug.startsWith('org_')
          ? await store.organizations.findById(organizationIdOrSlug)
          : await store.organizations.findBySlug(organizationIdOrSlug.toLowerCase());
        if (!organization || !(await store.organizationMemberships.find(organization.id, session.user_id))) {
          throw errors.organizationNotFoundOrUnauthorized();
        }
        organizationId = organization.id;
      }
      const now = clock();
      await store.sessions.update(session.id, { last_active_organization_id: organizationId, updated_at: now });
      return { ...session, last_active_organization_id: organizationId, updated_at: now };
    },

    /** Ends a session for good; its tokens stop being refreshable at once. */
    async revoke(id: string): Promise<SessionRow> {
      const session = await load(id);
      if (session.status !== 'active') return session;
      const now = clock();
      await store.sessions.update(id, { status: 'revoked', updated_at: now });
      return { ...session, status: 'revoked', updated_at: now };
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
