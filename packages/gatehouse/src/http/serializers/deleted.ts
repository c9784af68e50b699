import type { DeletedObjectJSON } from '@clerk/backend';

/** Clerk's answer to a delete: the object type, its id and `deleted: true`. */
export function serializeDeleted(object: string, id: string): DeletedObjectJSON {
  return { object, id, deleted: true };
}
