import { errors } from '../errors.js';
import type { User } from '../model/index.js';
import type { Store } from '../store/index.js';
import type { Caller } from './caller.js';
import type { Clock } from './clock.js';
import { METADATA_FIELDS, METADATA_KEYS, type Metadata, mergeMetadata, sizedMetadata } from './metadata.js';
import type { UserRecord } from './users.js';
import type { EventService } from './webhooks/events.js';

export type MetadataPatch = Partial<Record<(typeof METADATA_FIELDS)[number], Metadata>>;

/**
 * Merge (PATCH) and replace (PUT) of a user's three metadata objects. `claimsFitCheck` lets the
 * token service refuse a write that would push this user's session claims over the size limit,
 * so a metadata write can never make the user's sessions unusable. It is prepared before the
 * transaction and runs inside it without I/O (on SQLite, I/O outside the transaction would deadlock).
 */
export function createUserMetadataService(
  store: Store,
  clock: Clock,
  events: EventService,
  claimsFitCheck: () => Promise<(record: UserRecord) => void> = async () => () => {},
) {
  async function write(userId: string, patch: MetadataPatch, mode: 'merge' | 'replace', caller: Caller): Promise<UserRecord> {
    const assertClaimsFit = await claimsFitCheck();
    return store.transaction(async (tx) => {
      // Read through the transaction: on SQLite a read outside it would wait on the same connection.
      const user = await tx.users.findById(userId);
      if (!user) throw errors.notFound('user');
      const current: UserRecord = { user, emailAddresses: await tx.emailAddresses.listByUser(userId) };
      const changes: Partial<User> = { updatedAt: clock() };
      for (const field of METADATA_FIELDS) {
        const value = patch[field];
        if (value === undefined) continue;
        const key = METADATA_KEYS[field];
        changes[key] = sizedMetadata(field, mode === 'merge' ? mergeMetadata(current.user[key], value) : value);
      }
      const next: UserRecord = { ...current, user: { ...current.user, ...changes } };
      assertClaimsFit(next);
      await tx.users.update(userId, changes);
      await events.raise(tx, 'user.updated', next, caller);
      return next;
    });
  }
  return {
    merge: (userId: string, patch: MetadataPatch, caller: Caller) => write(userId, patch, 'merge', caller),
    replace: (userId: string, patch: MetadataPatch, caller: Caller) => write(userId, patch, 'replace', caller),
  };
}

export type UserMetadataService = ReturnType<typeof createUserMetadataService>;
