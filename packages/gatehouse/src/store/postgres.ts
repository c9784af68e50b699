import { createHash } from 'node:crypto';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresDriver,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import pg from 'pg';
import postgres from 'postgres';
import { DatabaseTimeout } from './errors.js';
import { POINT_LOOKUP } from './prepared.js';
import type { Database } from './schema.js';

// int8 columns hold Unix milliseconds, which fit a JS number exactly; both drivers would hand back strings.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));

const PREPARED = Symbol('gatehouse.prepared');
const statementNames = new Map<string, string>();

function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `gh_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    // Queries with IN-lists of varying length make new texts; keep the map from growing without bound.
    if (statementNames.size >= 1000) statementNames.clear();
    statementNames.set(text, name);
  }
  return name;
}
const DML = /^\s*(select|insert|update|delete|with)\b/i;

// Bounds, so that a database that is down or unreachable costs a request about a second (answered
// 503 by the HTTP layer) instead of a hang; see README "PostgreSQL outages".
/** Connecting, and waiting for a pool connection (pg), at most this long. */
const CONNECT_TIMEOUT_MS = 1_000;
/**
 * A point lookup (one indexed row) never legitimately takes this long; one queued on the lookups
 * connection while it reconnects to a database that is gone would otherwise wait for it to return.
 */
const LOOKUP_TIMEOUT_MS = 1_000;
/**
 * Any other data statement (searches over large tables may take a while) on a connection that went
 * silent. Only data statements: DDL (migrations building an index on a large table) is unbounded.
 */
const STATEMENT_TIMEOUT_MS = 10_000;
/** postgres.js's pause before reconnecting, in seconds: constant, so it is back soon after the database. */
const RECONNECT_DELAY_S = 0.2;

/**
 * Sends every data query as a named prepared statement: PostgreSQL then parses and plans each
 * distinct query once per connection instead of on every call (+25–70% on the token-refresh and
 * getUser lookups, measured in bench/). The name is a hash of the SQL text, so it is stable.
 */
function preparing(client: pg.PoolClient): pg.PoolClient {
  const tagged = client as pg.PoolClient & { [PREPARED]?: true };
  if (tagged[PREPARED]) return client;
  // A checked-out client whose connection dies (PostgreSQL restarted, the backend terminated)
  // emits 'error'; with no listener that would crash the process. Its query fails all the same.
  client.on('error', () => {});
  const query = client.query.bind(client) as (config: unknown, values?: unknown) => Promise<unknown>;
  (client as unknown as { query: unknown }).query = (text: unknown, values?: unknown) => {
    if (typeof text === 'string' && DML.test(text)) {
      return query({ name: statementName(text), text, values, query_timeout: STATEMENT_TIMEOUT_MS });
    }
    return query(text, values);
  };
  tagged[PREPARED] = true;
  return client;
}

type LookupSql = postgres.Sql<Record<string, never>>;

/**
 * One Kysely connection. A point lookup (`compiledOnce`) outside a transaction goes to the single
 * lookups connection (postgres.js), where it is pipelined with the other requests' lookups:
 * several share one write and one read, so each costs PostgreSQL and us a fraction of a round trip
 * (bench/cost.mjs with 2 workers, Gatehouse and PostgreSQL CPU per request: getUser 323 → 211 µs,
 * token refresh 868 → 606 µs). Everything else, and every transaction, runs on a pg pool connection, taken only when
 * first needed: postgres.js 3.4.9 can crash the process when a connection dies inside a
 * transaction (porsager/postgres#1208, #1216), and a lookup needs no transaction.
 */
class RoutingConnection implements DatabaseConnection {
  #pooled: Promise<DatabaseConnection> | undefined;
  inTransaction = false;

  constructor(
    private readonly pool: PostgresDriver,
    private readonly lookups: LookupSql,
  ) {}

  /** The pg connection of this Kysely connection, acquired on first use. */
  pooled(): Promise<DatabaseConnection> {
    this.#pooled ??= this.pool.acquireConnection();
    return this.#pooled;
  }

  async release(): Promise<void> {
    // The connection came from this driver's acquireConnection, which is what releaseConnection takes.
    if (this.#pooled) await this.pool.releaseConnection((await this.#pooled) as Parameters<PostgresDriver['releaseConnection']>[0]);
  }

  async executeQuery<Row>(query: CompiledQuery): Promise<QueryResult<Row>> {
    const lookup = (query as CompiledQuery & { [POINT_LOOKUP]?: true })[POINT_LOOKUP];
    if (!lookup || this.inTransaction) return (await this.pooled()).executeQuery<Row>(query);
    const pending = this.lookups.unsafe(query.sql, query.parameters as postgres.ParameterOrJSON<never>[], { prepare: true });
    const rows = await withinLookupTimeout(pending);
    return { rows: rows as unknown as Row[] };
  }

  async *streamQuery<Row>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<Row>> {
    yield* (await this.pooled()).streamQuery<Row>(query, chunkSize);
  }
}

/**
 * The lookup's rows, or a `DatabaseTimeout` after LOOKUP_TIMEOUT_MS. A lookup still queued (never
 * sent: the connection is down) is taken out of the queue, so the backlog does not all run when the
 * database is back. One already sent is left to finish: postgres.js would cancel it over a new
 * connection and leave that attempt's failure unhandled.
 */
function withinLookupTimeout<T>(pending: Promise<T> & { cancel(): void; state?: unknown }): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new DatabaseTimeout('point lookup', LOOKUP_TIMEOUT_MS));
      // Its own rejection (cancelled, or the connection's failure) comes after ours: nobody's concern.
      pending.catch(() => {});
      // postgres.js sets `state` once the query is sent.
      if (!pending.state) pending.cancel();
    }, LOOKUP_TIMEOUT_MS);
    pending.then(
      (rows) => {
        clearTimeout(timer);
        resolve(rows);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Kysely's driver: the pg pool through Kysely's own PostgresDriver, plus the lookups connection. */
class RoutingPostgresDriver implements Driver {
  constructor(
    private readonly pool: PostgresDriver,
    private readonly lookups: LookupSql,
  ) {}

  init(): Promise<void> {
    return this.pool.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new RoutingConnection(this.pool, this.lookups);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const routing = connection as RoutingConnection;
    routing.inTransaction = true;
    await this.pool.beginTransaction(await routing.pooled(), settings);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await this.pool.commitTransaction(await (connection as RoutingConnection).pooled());
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await this.pool.rollbackTransaction(await (connection as RoutingConnection).pooled());
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.pool.savepoint(await (connection as RoutingConnection).pooled(), name, compile);
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.pool.rollbackToSavepoint(await (connection as RoutingConnection).pooled(), name, compile);
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.pool.releaseSavepoint(await (connection as RoutingConnection).pooled(), name, compile);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await (connection as RoutingConnection).release();
  }

  async destroy(): Promise<void> {
    await Promise.all([this.pool.destroy(), this.lookups.end({ timeout: 5 })]);
  }
}

/** The one postgres.js connection for point lookups: no transactions ever run on it. */
function openLookups(connectionString: string): LookupSql {
  return postgres(connectionString, {
    max: 1,
    prepare: true,
    connect_timeout: CONNECT_TIMEOUT_MS / 1000,
    backoff: () => RECONNECT_DELAY_S,
    onnotice: () => {},
    types: { int8: { to: 20, from: [20], serialize: (value: number) => String(value), parse: (value: string) => Number(value) } },
    // Kysely never binds undefined on purpose; if it happens, SQL NULL is what it meant.
    transform: { undefined: null },
  }) as unknown as LookupSql;
}

/** A pg pool of `poolSize` for statements and transactions, and one pipelined lookups connection. */
export function openPostgres(connectionString: string, poolSize = 4): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    // Waiting for a free connection and making a new one, together.
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  // An idle client's network error must not crash the process; the pool replaces the client.
  pool.on('error', () => {});
  const preparingPool = {
    connect: async () => preparing(await pool.connect()),
    end: () => pool.end(),
  };
  const driver = new RoutingPostgresDriver(new PostgresDriver({ pool: preparingPool }), openLookups(connectionString));
  return new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => driver,
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
}
