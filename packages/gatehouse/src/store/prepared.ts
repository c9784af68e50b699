import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Set on the queries `compiledOnce` runs: indexed lookups of one row or a handful, never slow. The
 * PostgreSQL driver sends them over one pipelined connection (see postgres.ts); other drivers ignore it.
 */
export const POINT_LOOKUP = Symbol('gatehouse.point-lookup');

/**
 * Runs a compiled read at once and returns its rows, or undefined when it cannot now (the query then
 * takes Kysely's path). Registered by a dialect whose driver is synchronous (SQLite's).
 */
export type ImmediateRead = (sql: string, parameters: readonly unknown[]) => unknown[] | undefined;

const immediateReads = new WeakMap<Kysely<Database>, ImmediateRead>();

/** Lets `compiledOnce` queries on `db` (never on its transactions) be read by `read` when it can. */
export function registerImmediateReads(db: Kysely<Database>, read: ImmediateRead): void {
  immediateReads.set(db, read);
}

/** A value `build` passes where a run's argument goes; never a legitimate query value. */
const marker = (index: number) => `\u0000gatehouse-argument-${index}\u0000`;

/**
 * A query built and compiled once, then run with each call's arguments. Kysely rebuilds and compiles
 * a query's SQL on every call, a measurable share of the hot paths (token refresh, getUser) next to
 * an indexed lookup that takes a few microseconds. `build` gets one placeholder per argument; where
 * each lands in the compiled parameter list is found once. Constants written in the query stay put.
 * Only for indexed lookups of a few rows: they are tagged `POINT_LOOKUP`.
 */
export function compiledOnce<Row, Args extends unknown[]>(
  db: Kysely<Database>,
  arity: Args['length'],
  build: (...placeholders: string[]) => Compilable<Row>,
): (...args: Args) => Promise<Row[]> {
  let compiled: CompiledQuery<Row> | undefined;
  let slots: { argument: number; constant?: unknown }[] = [];
  // A transaction's queries always take its own connection: `db` is then a Transaction, never registered.
  const immediate = immediateReads.get(db);
  return async (...args) => {
    if (!compiled) {
      const markers = Array.from({ length: arity }, (_, i) => marker(i));
      compiled = build(...markers).compile();
      slots = compiled.parameters.map((value) => ({ argument: markers.indexOf(value as string), constant: value }));
    }
    const parameters = slots.map((slot) => (slot.argument >= 0 ? args[slot.argument] : slot.constant));
    const rows = immediate?.(compiled.sql, parameters);
    if (rows) return rows as Row[];
    const lookup: CompiledQuery<Row> & { [POINT_LOOKUP]: true } = { ...compiled, parameters, [POINT_LOOKUP]: true };
    const result = await db.executeQuery<Row>(lookup);
    return result.rows;
  };
}
