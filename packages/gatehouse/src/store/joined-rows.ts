import { USER_COLUMNS, type UserRow } from './schema.js';

/**
 * Rows read beside another table's in one query (token refresh, sign-in by e-mail, a user with their
 * addresses): one side's columns come back under a prefix (`u__id`, `e__id`) so they cannot collide
 * with the other's (`id`, `created_at`, …).
 */
export type PrefixedColumns<Row, Prefix extends string> = { [K in keyof Row & string as `${Prefix}${K}`]: Row[K] };
export type PrefixedUserColumns = PrefixedColumns<UserRow, 'u__'>;

/** The select list that reads `columns` of `table` under `prefix`. */
export function prefixedSelection<const Table extends string, const Column extends string, const Prefix extends string>(
  table: Table,
  columns: readonly Column[],
  prefix: Prefix,
): `${Table}.${Column} as ${Prefix}${Column}`[] {
  return columns.map((column) => `${table}.${column} as ${prefix}${column}` as const);
}

/** Every column of `users` under `u__`. */
export const PREFIXED_USER_SELECTION = prefixedSelection('users', USER_COLUMNS, 'u__');

/**
 * A function that reads the row made of `columns` out of a joined row where they sit under `prefix`
 * ('' for none). It is compiled once per table and prefix into an object literal with constant keys,
 * so every call is plain property loads into one object shape: a loop over the names built each key
 * (`u__` + name), looked it up megamorphically and grew the object a property at a time, a visible
 * share of getUser and token refresh (bench/). The names are our schema's own; JSON.stringify makes
 * each a plain string literal.
 */
export function columnPicker<Row>(columns: readonly (keyof Row & string)[], prefix = ''): (joined: object) => Row {
  const fields = columns.map((column) => `${JSON.stringify(column)}: joined[${JSON.stringify(`${prefix}${column}`)}]`).join(', ');
  return new Function('joined', `return { ${fields} };`) as (joined: object) => Row;
}

/** The user held in a joined row's `u__` columns. */
export const prefixedUser: (joined: PrefixedUserColumns) => UserRow = columnPicker<UserRow>(USER_COLUMNS, 'u__');
