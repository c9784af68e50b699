import { USER_COLUMNS, type UserRow } from './schema.js';

/**
 * A user read beside another row in one query (token refresh, sign-in by e-mail): its columns come
 * back as `u__<column>` so they cannot collide with the other table's (`id`, `created_at`, …).
 */
export type PrefixedUserColumns = { [K in keyof UserRow as `u__${K}`]: UserRow[K] };

/** The select list that reads every column of `users` under its `u__` name. */
export const PREFIXED_USER_SELECTION = USER_COLUMNS.map((column) => `users.${column} as u__${column}` as const);

/** The user held in a joined row's `u__` columns. */
export function prefixedUser(row: PrefixedUserColumns): UserRow {
  const user = {} as Record<string, unknown>;
  for (const column of USER_COLUMNS) user[column] = row[`u__${column}`];
  return user as unknown as UserRow;
}
