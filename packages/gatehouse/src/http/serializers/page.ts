import type { PaginatedResponseJSON } from '@clerk/backend';

/** A paginated list, `{ data, total_count }` (users are the exception, see the users route). */
export function serializePage<T extends object>(data: T[], totalCount: number): PaginatedResponseJSON & { data: T[]; total_count: number } {
  return { data, total_count: totalCount };
}

/** A bare count (`GET /v1/users/count`). */
export function serializeTotalCount(totalCount: number): { object: 'total_count'; total_count: number } {
  return { object: 'total_count', total_count: totalCount };
}
