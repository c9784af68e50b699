import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { type Driver, Kysely, SqliteDialect } from 'kysely';
import { DatabaseTimeout } from './errors.js';
import { registerImmediateReads } from './prepared.js';
import type { Database } from './schema.js';
import { insideTransaction, QUERY_OUTSIDE_TRANSACTION } from './transaction-scope.js';

const STATEMENT_CACHE_LIMIT = 500;
/**
 * Reads go through a memory map of the database file (up to better-sqlite3's compile-time maximum,
 * ~2 GiB): a page found in the OS cache costs no read() system call and no copy into SQLite's own
 * cache. On 1,000,000 users the getUser lookup took ~15 µs without it and ~10.5 µs with it (bench/);
 * a database that fits the 16 MB page cache gains nothing. The mapped pages count towards RSS once
 * read, as file-backed memory the kernel can drop.
 */
const MMAP_SIZE = 0x7fff0000;

type Row = Record<string, unknown>;

/** What Kysely's SQLite driver calls on a prepared statement. */
interface KyselyStatement {
  readonly reader: boolean;
  all(parameters: readonly unknown[]): Row[];
  run(parameters: readonly unknown[]): BetterSqlite3.RunResult;
  iterate(parameters: readonly unknown[]): IterableIterator<Row>;
}

/**
 * A function that turns one raw result array of `columns` into a row object. It is an object
 * literal with the column names as constant keys, so every row of a statement shares one hidden
 * class; better-sqlite3 adds the keys one by one, which on the 30-column joins of the hot paths
 * took twice as long (bench/: ~17 µs → ~9.5 µs for the getUser join on 10,000 users). The names
 * come from our own SQL, and JSON.stringify makes each a plain string literal. A repeated name
 * keeps its last value, as better-sqlite3's objects do.
 */
function rowBuilder(columns: readonly string[]): (values: unknown[]) => Row {
  const fields = columns.map((name, index) => `${JSON.stringify(name)}: values[${index}]`).join(', ');
  return new Function('values', `return { ${fields} };`) as (values: unknown[]) => Row;
}

/** A statement that reads rows as arrays and builds the objects with `rowBuilder`. */
function fastRows(statement: BetterSqlite3.Statement): KyselyStatement {
  const run = (parameters: readonly unknown[]) => statement.run(parameters);
  if (!statement.reader) {
    const noRows = () => {
      throw new Error('this statement returns no rows');
    };
    return { reader: false, all: noRows, run, iterate: noRows };
  }
  const columns = statement.columns().map((column) => column.name);
  // In an object literal `"__proto__": v` is not a property but the prototype; such a statement
  // keeps better-sqlite3's own objects, whatever they make of it. None of our queries has one.
  if (columns.includes('__proto__')) return statement as unknown as KyselyStatement;
  statement.raw(true);
  let width = columns.length;
  let buildRow = rowBuilder(columns);
  // SQLite re-prepares a statement whose tables another process has altered (a migration adding a
  // column under a cached `select *`): the builder follows when the row's width changes.
  const build = (values: unknown[]) => {
    if (values.length !== width) {
      const current = statement.columns().map((column) => column.name);
      width = current.length;
      buildRow = rowBuilder(current);
    }
    return buildRow(values);
  };
  return {
    reader: true,
    all: (parameters) => (statement.all(parameters) as unknown[][]).map(build),
    run,
    *iterate(parameters) {
      for (const values of statement.iterate(parameters) as IterableIterator<unknown[]>) yield build(values);
    },
  };
}

/**
 * How long a query may wait for the one connection before it fails with a 503. Transactions here
 * take milliseconds; a wait this long means the connection is stuck — above all a query made from
 * inside a transaction's work outside it, which would otherwise wait forever and every request
 * after it with it (transaction-scope.ts catches that at once when its check is on).
 */
export const CONNECTION_WAIT_LIMIT_MS = 10_000;

/**
 * Kysely's SQLite dialect, refusing a query from inside a transaction's work that would wait for it
 * (see transaction-scope.ts), failing a query that waited too long for the connection, and counting
 * who holds or waits for it: when nobody does, `registerImmediateReads` may read at once (see
 * prepared.ts).
 */
class OneConnectionDialect extends SqliteDialect {
  /** Connections acquired or waited for and not yet released. */
  claims = 0;

  constructor(
    config: ConstructorParameters<typeof SqliteDialect>[0],
    private readonly waitLimitMs: number,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    const driver = super.createDriver();
    const acquire = driver.acquireConnection.bind(driver);
    const release = driver.releaseConnection.bind(driver);
    driver.acquireConnection = async () => {
      if (insideTransaction()) throw new Error(QUERY_OUTSIDE_TRANSACTION);
      // A free connection is handed over at once: only a query that has to queue arms the timer.
      const queued = this.claims !== 0;
      this.claims++;
      const acquiring = acquire();
      if (!queued) {
        try {
          return await acquiring;
        } catch (error) {
          this.claims--;
          throw error;
        }
      }
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new DatabaseTimeout('waiting for the SQLite connection', this.waitLimitMs)), this.waitLimitMs);
      });
      try {
        return await Promise.race([acquiring, timeout]);
      } catch (error) {
        if (error instanceof DatabaseTimeout) {
          // The wait is given up, not the place in the queue: the connection, once it comes, goes
          // straight back (and with it this claim).
          acquiring.then(
            (connection) => driver.releaseConnection(connection),
            () => this.claims--,
          );
        } else {
          this.claims--;
        }
        throw error;
      } finally {
        clearTimeout(timer);
      }
    };
    driver.releaseConnection = async (connection) => {
      try {
        await release(connection);
      } finally {
        this.claims--;
      }
    };
    return driver;
  }
}

/**
 * Opens the embedded SQLite file in WAL mode. Kysely prepares a statement for every query; wrapping
 * `prepare` with a cache keyed by SQL text keeps the hot paths (token refresh, user lookup) from
 * re-compiling the same statement on every request.
 */
export function openSqlite(file: string, options: { connectionWaitLimitMs?: number } = {}): Kysely<Database> {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const raw = new BetterSqlite3(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  raw.pragma(`mmap_size = ${MMAP_SIZE}`);
  const cache = new Map<string, KyselyStatement>();
  const database = {
    close: () => raw.close(),
    prepare: (sqlText: string) => {
      let statement = cache.get(sqlText);
      if (!statement) {
        statement = fastRows(raw.prepare(sqlText));
        if (cache.size >= STATEMENT_CACHE_LIMIT) cache.clear();
        cache.set(sqlText, statement);
      }
      return statement;
    },
  };
  const dialect = new OneConnectionDialect({ database }, options.connectionWaitLimitMs ?? CONNECTION_WAIT_LIMIT_MS);
  const db = new Kysely<Database>({ dialect });
  // better-sqlite3 is synchronous: a compiled point lookup made while no query or transaction holds
  // or waits for the connection runs at once. It cannot see a transaction's uncommitted rows (none is
  // open) nor pass a waiting query, and it skips the mutex and promises of Kysely's path.
  registerImmediateReads(db, (sqlText, parameters) => {
    if (dialect.claims !== 0) return undefined;
    const statement = database.prepare(sqlText);
    return statement.reader ? statement.all(parameters) : undefined;
  });
  return db;
}
