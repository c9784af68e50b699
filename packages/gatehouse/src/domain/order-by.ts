import { errors } from '../errors.js';

/**
 * Clerk's `order_by`: one of `columns`, optionally prefixed with `+` (ascending, also the meaning of
 * no prefix) or `-` (descending). Absent means newest first.
 */
export function parseOrderBy<T extends string>(
  orderBy: string | undefined,
  columns: readonly T[],
): { column: T | 'created_at'; direction: 'asc' | 'desc' } {
  if (!orderBy) return { column: 'created_at', direction: 'desc' };
  const trimmed = orderBy.trim();
  const direction = trimmed.startsWith('-') ? 'desc' : 'asc';
  const column = trimmed.replace(/^[+-]/, '');
  if (!(columns as readonly string[]).includes(column)) {
    throw errors.paramValueInvalid('order_by', `must be one of ${columns.join(', ')}, optionally prefixed with + or -`);
  }
  return { column: column as T, direction };
}
