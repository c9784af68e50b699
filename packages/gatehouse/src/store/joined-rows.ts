import { userMapping } from './mappings.js';
import type { UserRow } from './schema.js';

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
export const PREFIXED_USER_SELECTION = prefixedSelection('users', userMapping.columns, 'u__');

/** The user held in a joined row's `u__` columns. */
export const prefixedUser = userMapping.readPrefixed('u__');
