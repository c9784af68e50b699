import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

// int8 columns hold Unix milliseconds, which fit a JS number exactly; pg would hand back strings.
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

/**
 * Sends every data query as a named prepared statement: PostgreSQL then parses and plans each
 * distinct query once per connection instead of on every call (+25–70% on the token-refresh and
 * getUser lookups, measured in bench/). The name is a hash of the SQL text, so it is stable.
 */
function preparing(client: pg.PoolClient): pg.PoolClient {
  const tagged = client as pg.PoolClient & { [PREPARED]?: true };
  if (tagged[PREPARED]) return client;
  const query = client.query.bind(client) as (config: unknown, values?: unknown) => Promise<unknown>;
  (client as unknown as { query: unknown }).query = (text: unknown, values?: unknown) => {
    if (typeof text === 'string' && DML.test(text)) {
      return query({ name: statementName(text), text, values });
    }
    return query(text, values);
  };
  tagged[PREPARED] = true;
  return client;
}

export function openPostgres(connectionString: string, poolSize = 10): Kysely<Database> {
  const pool = new pg.Pool({ connectionString, max: poolSize });
  // An idle client's network error must not crash the process; the pool replaces the client.
  pool.on('error', () => {});
  const preparingPool = {
    connect: async () => preparing(await pool.connect()),
    end: () => pool.end(),
  };
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool }) });
}
