import { type Kysely, Migrator, sql } from 'kysely';
import { migrations } from './migrations/index.js';
import { createRepositories, type Repositories } from './repositories/index.js';
import type { Database } from './schema.js';
import { withinTransaction } from './transaction-scope.js';

export type Dialect = 'sqlite' | 'postgres';

/**
 * The one storage interface: per-entity repositories plus `transaction`. Domain services take a
 * `Store`; inside `transaction` they get the same shape bound to the transaction.
 */
export interface Store extends Repositories {
  readonly dialect: Dialect;
  transaction<T>(work: (store: Repositories) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** `sqlite:<file>` or `postgres://…` */
  url: string;
  /** Print progress of migrations. */
  log?: (line: string) => void;
  /**
   * Apply pending migrations (the default). A cluster worker passes false: its primary has just
   * migrated, and each migrator run costs round trips and a lock on every start.
   */
  migrate?: boolean;
  /** SQLite: how long a query may wait for the one connection (default CONNECTION_WAIT_LIMIT_MS in sqlite.ts). */
  connectionWaitLimitMs?: number;
}

export function dialectOf(url: string): Dialect {
  return url.startsWith('sqlite:') ? 'sqlite' : 'postgres';
}

export async function migrateToLatest(db: Kysely<Database>, log?: (line: string) => void): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'gatehouse_migrations',
    migrationLockTableName: 'gatehouse_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  for (const result of results ?? []) log?.(`migration ${result.migrationName}: ${result.status}`);
  if (error) throw error;
}

/** Opens the database named by `url` and applies pending migrations (unless `migrate: false`). */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const dialect = dialectOf(options.url);
  // Only the driver in use is loaded (each costs start-up time and memory).
  const db =
    dialect === 'sqlite'
      ? (await import('./sqlite.js')).openSqlite(options.url.slice('sqlite:'.length), {
          connectionWaitLimitMs: options.connectionWaitLimitMs,
        })
      : (await import('./postgres.js')).openPostgres(options.url);
  try {
    if (options.migrate !== false) await migrateToLatest(db, options.log);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return {
    dialect,
    ...createRepositories(db),
    transaction: (work) =>
      dialect === 'sqlite'
        ? db.transaction().execute((trx) => withinTransaction(() => work(createRepositories(trx))))
        : db.transaction().execute((trx) => work(createRepositories(trx))),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}
