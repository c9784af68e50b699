import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';

const STATEMENT_CACHE_LIMIT = 500;

/**
 * Opens the embedded SQLite file in WAL mode. Kysely prepares a statement for every query; wrapping
 * `prepare` with a cache keyed by SQL text keeps the hot paths (token refresh, user lookup) from
 * re-compiling the same statement on every request.
 */
export function openSqlite(file: string): Kysely<Database> {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const raw = new BetterSqlite3(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  const cache = new Map<string, BetterSqlite3.Statement>();
  const database = {
    close: () => raw.close(),
    prepare: (sqlText: string) => {
      let statement = cache.get(sqlText);
      if (!statement) {
        statement = raw.prepare(sqlText);
        if (cache.size >= STATEMENT_CACHE_LIMIT) cache.clear();
        cache.set(sqlText, statement);
      }
      return statement;
    },
  };
  return new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
}
