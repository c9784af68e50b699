import { type Kysely, sql } from 'kysely';
import type { WaitlistEntry, WaitlistEntryStatus } from '../../model/index.js';
import { guardUnique } from '../errors.js';
import { waitlistEntryMapping } from '../mappings.js';
import type { Database } from '../schema.js';

const read = waitlistEntryMapping.read;

export interface WaitlistFilter {
  statuses?: WaitlistEntryStatus[];
  /** Case-insensitive substring of the address, or the id. */
  query?: string;
}

/** Waitlist entries (`waitlist_entries`): one per address. */
export function createWaitlistRepository(db: Kysely<Database>) {
  function filtered(filter: WaitlistFilter) {
    let q = db.selectFrom('waitlist_entries');
    if (filter.statuses?.length) q = q.where('status', 'in', filter.statuses);
    if (filter.query) {
      const needle = `%${filter.query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const id = filter.query;
      q = q.where((eb) => eb.or([eb('email_address', 'like', sql<string>`${needle} escape '\\'`), eb('id', '=', id)]));
    }
    return q;
  }
  return {
    async insert(entry: WaitlistEntry): Promise<void> {
      await guardUnique(db.insertInto('waitlist_entries').values(waitlistEntryMapping.write(entry)).execute());
    },
    async findById(id: string): Promise<WaitlistEntry | undefined> {
      const row = await db.selectFrom('waitlist_entries').selectAll().where('id', '=', id).executeTakeFirst();
      return row && read(row);
    },
    async findByAddress(address: string): Promise<WaitlistEntry | undefined> {
      const row = await db.selectFrom('waitlist_entries').selectAll().where('email_address', '=', address).executeTakeFirst();
      return row && read(row);
    },
    async list(
      filter: WaitlistFilter & {
        orderBy: 'created_at' | 'invited_at' | 'email_address';
        direction: 'asc' | 'desc';
        limit: number;
        offset: number;
      },
    ): Promise<WaitlistEntry[]> {
      const rows = await filtered(filter)
        .selectAll()
        .orderBy(filter.orderBy, filter.direction)
        .orderBy('id', filter.direction)
        .limit(filter.limit)
        .offset(filter.offset)
        .execute();
      return rows.map(read);
    },
    async count(filter: WaitlistFilter): Promise<number> {
      const row = await filtered(filter)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    /** Changes an entry whose status is one of `from`; false when it was not (a concurrent change won). */
    async transition(id: string, from: WaitlistEntryStatus[], changes: Partial<Omit<WaitlistEntry, 'id'>>): Promise<boolean> {
      const result = await db
        .updateTable('waitlist_entries')
        .set(waitlistEntryMapping.writeChanges(changes))
        .where('id', '=', id)
        .where('status', 'in', from)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async delete(id: string): Promise<boolean> {
      const result = await db.deleteFrom('waitlist_entries').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export type WaitlistRepository = ReturnType<typeof createWaitlistRepository>;
