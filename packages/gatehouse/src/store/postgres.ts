import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

// int8 columns hold Unix milliseconds, which fit a JS number exactly; pg would hand back strings.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));

export function openPostgres(connectionString: string, poolSize = 10): Kysely<Database> {
  const pool = new pg.Pool({ connectionString, max: poolSize });
  // An idle client's network error must not crash the process; the pool replaces the client.
  pool.on('error', () => {});
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
