import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import postgres from 'postgres';
import { POINT_LOOKUP } from './prepared.js';
import type { Database } from './schema.js';

type Sql = postgres.Sql<Record<string, never>>;
type Parameters = postgres.ParameterOrJSON<never>[];

/** The statements whose result reports a row count Kysely passes on as `numAffectedRows`. */
const COUNTED = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

/** Where a connection's queries go: quick lookups, everything else, or a transaction's own connection. */
interface Pools {
  /** One connection on which the hot paths' point lookups pipeline. */
  lookups: Sql;
  /** The pool for other statements (lists, searches, writes) and for transactions. */
  general: Sql;
}

/**
 * One Kysely connection. Outside a transaction, a point lookup (`compiledOnce`) goes to the single
 * lookups connection, where postgres.js pipelines it with the other requests' lookups: several
 * share one write and one read, so each costs PostgreSQL and us a fraction of a round trip
 * (bench/cost.mjs, getUser with 2 workers: 323 → 179 µs of CPU per request). Other statements,
 * which may be slow, go to the general pool so they never hold up a lookup queued behind them.
 * A transaction reserves a general connection of its own from BEGIN to COMMIT or ROLLBACK.
 */
class PooledConnection implements DatabaseConnection {
  #reserved: postgres.ReservedSql<Record<string, never>> | undefined;

  constructor(private readonly pools: Pools) {}

  async executeQuery<Row>(query: CompiledQuery): Promise<QueryResult<Row>> {
    const lookup = (query as CompiledQuery & { [POINT_LOOKUP]?: true })[POINT_LOOKUP];
    const target = this.#reserved ?? (lookup ? this.pools.lookups : this.pools.general);
    const result = await target.unsafe(query.sql, query.parameters as Parameters, { prepare: true });
    return {
      rows: result as unknown as Row[],
      numAffectedRows: COUNTED.has(result.command) ? BigInt(result.count) : undefined,
    };
  }

  // biome-ignore lint/correctness/useYield: nothing here streams; Kysely requires the method.
  async *streamQuery<Row>(): AsyncIterableIterator<QueryResult<Row>> {
    throw new Error('streaming queries are not used by Gatehouse');
  }

  async begin(settings: TransactionSettings): Promise<void> {
    this.#reserved = await this.pools.general.reserve();
    const modes = [settings.isolationLevel ? `isolation level ${settings.isolationLevel}` : '', settings.accessMode ?? ''].filter(Boolean);
    try {
      await this.#reserved.unsafe(modes.length ? `begin ${modes.join(', ')}` : 'begin');
    } catch (error) {
      this.#release();
      throw error;
    }
  }

  async end(command: 'commit' | 'rollback'): Promise<void> {
    try {
      await this.#reserved?.unsafe(command);
    } finally {
      this.#release();
    }
  }

  #release(): void {
    this.#reserved?.release();
    this.#reserved = undefined;
  }
}

/** Kysely's driver over postgres.js pools; `acquireConnection` costs nothing outside a transaction. */
class PipelinedPostgresDriver implements Driver {
  constructor(private readonly pools: Pools) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new PooledConnection(this.pools);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await (connection as PooledConnection).begin(settings);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PooledConnection).end('commit');
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PooledConnection).end('rollback');
  }

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {
    await Promise.all([this.pools.lookups.end({ timeout: 5 }), this.pools.general.end({ timeout: 5 })]);
  }
}

function openPool(connectionString: string, max: number): Sql {
  return postgres(connectionString, {
    max,
    prepare: true,
    // fetch_types stays on (one pg_type query per new connection): with it off, postgres.js 3.4.9's
    // reserve() on a connection not yet opened never resolves, and a transaction would hang.
    // Notices ("relation already exists, skipping") are not errors; postgres.js would print them.
    onnotice: () => {},
    // int8 columns hold Unix milliseconds, which fit a JS number exactly; the default is a string.
    types: { int8: { to: 20, from: [20], serialize: (value: number) => String(value), parse: (value: string) => Number(value) } },
    // Kysely never binds undefined on purpose; if it happens, SQL NULL is what it meant.
    transform: { undefined: null },
  }) as unknown as Sql;
}

/**
 * Opens one pipelined lookups connection and a general pool of `poolSize`. Statements are prepared
 * once per connection (postgres.js names them by their text).
 */
export function openPostgres(connectionString: string, poolSize = 4): Kysely<Database> {
  const pools: Pools = { lookups: openPool(connectionString, 1), general: openPool(connectionString, poolSize) };
  return new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new PipelinedPostgresDriver(pools),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
}
