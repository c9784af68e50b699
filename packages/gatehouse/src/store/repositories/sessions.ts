import { type Kysely, sql } from 'kysely';
import type { Client, Session, SessionStatus, SessionTaskKey, User } from '../../model/index.js';
import { PREFIXED_USER_SELECTION, type PrefixedUserColumns, prefixedUser } from '../joined-rows.js';
import { clientMapping, sessionMapping } from '../mappings.js';
import { compiledOnce } from '../prepared.js';
import type { ClientRow, Database, SessionRow } from '../schema.js';

/** A pending session's task list `from` (as stored, in order) becomes `to`; an empty `to` makes it active. */
export interface TaskTransition {
  from: SessionTaskKey[];
  to: SessionTaskKey[];
}

export interface SessionListFilter {
  clientId?: string;
  userId?: string;
  status?: SessionStatus;
}

const readSession = sessionMapping.read;
/** A session someone is signed in with: active, or pending (signed in, a session task still to do). */
const SIGNED_IN: SessionStatus[] = ['active', 'pending'];
const readClient = clientMapping.read;

export function createClientRepository(db: Kysely<Database>) {
  const byId = compiledOnce<ClientRow, [string]>(db, 1, (id) => db.selectFrom('clients').selectAll().where('id', '=', id));
  const byTokenHash = compiledOnce<ClientRow, [string]>(db, 1, (hash) =>
    db.selectFrom('clients').selectAll().where('token_hash', '=', hash),
  );
  return {
    async findById(id: string): Promise<Client | undefined> {
      const [row] = await byId(id);
      return row && readClient(row);
    },
    async findByTokenHash(tokenHash: string): Promise<Client | undefined> {
      const [row] = await byTokenHash(tokenHash);
      return row && readClient(row);
    },
    /** Newest first, as Clerk lists clients. */
    async list(limit: number, offset: number): Promise<Client[]> {
      const rows = await db
        .selectFrom('clients')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute();
      return rows.map(readClient);
    },
    async count(): Promise<number> {
      const row = await db
        .selectFrom('clients')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    async insert(client: Client): Promise<void> {
      await db.insertInto('clients').values(clientMapping.write(client)).execute();
    },
    async update(id: string, changes: Partial<Omit<Client, 'id'>>): Promise<void> {
      await db.updateTable('clients').set(clientMapping.writeChanges(changes)).where('id', '=', id).execute();
    },
  };
}

export function createSessionRepository(db: Kysely<Database>) {
  function filtered(filter: SessionListFilter) {
    let q = db.selectFrom('sessions');
    if (filter.clientId) q = q.where('client_id', '=', filter.clientId);
    if (filter.userId) q = q.where('user_id', '=', filter.userId);
    if (filter.status) q = q.where('status', '=', filter.status);
    return q;
  }
  const byId = compiledOnce<SessionRow, [string]>(db, 1, (id) => db.selectFrom('sessions').selectAll().where('id', '=', id));
  // The token refresh in one round trip: the session, only if it belongs to the browser's client, and its user.
  const ofClientToken = compiledOnce<SessionRow & PrefixedUserColumns, [string, string]>(db, 2, (sessionId, tokenHash) =>
    db
      .selectFrom('sessions')
      .innerJoin('clients', 'clients.id', 'sessions.client_id')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .selectAll('sessions')
      .select(PREFIXED_USER_SELECTION)
      .where('sessions.id', '=', sessionId)
      .where('clients.token_hash', '=', tokenHash),
  );
  return {
    async findById(id: string): Promise<Session | undefined> {
      const [row] = await byId(id);
      return row && readSession(row);
    },
    /**
     * The session `sessionId` with its user, if it belongs to the client whose cookie hashes to
     * `tokenHash`; undefined otherwise (no such client, someone else's session, or no user).
     */
    async findWithUserForClientToken(sessionId: string, tokenHash: string): Promise<{ session: Session; user: User } | undefined> {
      const [row] = await ofClientToken(sessionId, tokenHash);
      if (!row) return undefined;
      return { session: readSession(row), user: prefixedUser(row) };
    },
    async list(filter: SessionListFilter, limit: number, offset: number): Promise<Session[]> {
      const rows = await filtered(filter)
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute();
      return rows.map(readSession);
    },
    async listByClient(clientId: string): Promise<Session[]> {
      const rows = await db.selectFrom('sessions').selectAll().where('client_id', '=', clientId).orderBy('created_at', 'asc').execute();
      return rows.map(readSession);
    },
    async count(filter: SessionListFilter): Promise<number> {
      const row = await filtered(filter)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async insert(session: Session): Promise<void> {
      await db.insertInto('sessions').values(sessionMapping.write(session)).execute();
    },
    async update(id: string, changes: Partial<Omit<Session, 'id'>>): Promise<void> {
      await db.updateTable('sessions').set(sessionMapping.writeChanges(changes)).where('id', '=', id).execute();
    },
    /** Ends every live session of a client (sign out of all); returns how many changed. */
    async endAllForClient(clientId: string, status: SessionStatus, now: number): Promise<number> {
      const result = await db
        .updateTable('sessions')
        .set({ status, updated_at: now })
        .where('client_id', '=', clientId)
        .where('status', 'in', SIGNED_IN)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    /**
     * Clears the active organization of sessions acting in it (the organization was deleted, or, with
     * `userId`, that user left it); returns how many changed.
     */
    async clearActiveOrganization(organizationId: string, now: number, userId?: string): Promise<number> {
      let q = db
        .updateTable('sessions')
        .set({ last_active_organization_id: null, updated_at: now })
        .where('last_active_organization_id', '=', organizationId);
      if (userId) q = q.where('user_id', '=', userId);
      const result = await q.executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    /** Ends the live sessions of a user or a client, returning them as they are now (for their events). */
    async endActive(by: { userId: string } | { clientId: string }, status: SessionStatus, now: number): Promise<Session[]> {
      const rows = await db
        .updateTable('sessions')
        .set({ status, updated_at: now })
        .where('userId' in by ? 'user_id' : 'client_id', '=', 'userId' in by ? by.userId : by.clientId)
        .where('status', 'in', SIGNED_IN)
        .returningAll()
        .execute();
      return rows.map(readSession);
    },
    /** Ends every live session of a user (ban, delete); returns how many changed. */
    async endAllForUser(userId: string, status: SessionStatus, now: number): Promise<number> {
      const result = await db
        .updateTable('sessions')
        .set({ status, updated_at: now })
        .where('user_id', '=', userId)
        .where('status', 'in', SIGNED_IN)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    /**
     * Moves the pending sessions of a user (or one session) whose task list is one of the transitions'
     * `from` to its `to`; a session left with no task becomes active. Returns the sessions changed, as
     * they are now. One statement, whose CASEs read the row as it was: two tasks done at the same time
     * (on PostgreSQL, the second update re-reads the row the first wrote) both count.
     */
    async updateTasks(by: { userId: string } | { sessionId: string }, transitions: TaskTransition[], now: number): Promise<Session[]> {
      if (transitions.length === 0) return [];
      const encode = (keys: SessionTaskKey[]) => JSON.stringify(keys);
      const froms = transitions.map((t) => encode(t.from));
      const finishing = transitions.filter((t) => t.to.length === 0).map((t) => encode(t.from));
      const nextTasks = sql<string>`case tasks ${sql.join(
        transitions.map((t) => sql`when ${encode(t.from)} then ${encode(t.to)}`),
        sql` `,
      )} else tasks end`;
      const nextStatus =
        finishing.length > 0
          ? sql<string>`case when tasks in (${sql.join(finishing)}) then ${'active'} else status end`
          : sql<string>`status`;
      const rows = await db
        .updateTable('sessions')
        .set({ tasks: nextTasks, status: nextStatus, updated_at: now })
        .where('userId' in by ? 'user_id' : 'id', '=', 'userId' in by ? by.userId : by.sessionId)
        .where('status', '=', 'pending')
        .where('tasks', 'in', froms)
        .returningAll()
        .execute();
      return rows.map(readSession);
    },
  };
}

export type ClientRepository = ReturnType<typeof createClientRepository>;
export type SessionRepository = ReturnType<typeof createSessionRepository>;
