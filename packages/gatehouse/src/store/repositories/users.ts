import { type Kysely, sql } from 'kysely';
import { guardUnique } from '../errors.js';
import type { Database, UserRow } from '../schema.js';

export const USER_ORDER_COLUMNS = [
  'created_at',
  'updated_at',
  'first_name',
  'last_name',
  'username',
  'last_active_at',
  'last_sign_in_at',
] as const;
export type UserOrderColumn = (typeof USER_ORDER_COLUMNS)[number];

export interface UserListFilter {
  emailAddresses?: string[];
  userIds?: string[];
  externalIds?: string[];
  usernames?: string[];
  /** Case-insensitive substring of id, e-mail, username, first or last name. */
  query?: string;
}

export interface UserListOptions extends UserListFilter {
  orderBy: UserOrderColumn;
  direction: 'asc' | 'desc';
  limit: number;
  offset: number;
}

function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function createUserRepository(db: Kysely<Database>) {
  function filtered(filter: UserListFilter) {
    let q = db.selectFrom('users');
    if (filter.userIds?.length) q = q.where('users.id', 'in', filter.userIds);
    if (filter.externalIds?.length) q = q.where('users.external_id', 'in', filter.externalIds);
    if (filter.usernames?.length)
      q = q.where(
        'users.username',
        'in',
        filter.usernames.map((u) => u.toLowerCase()),
      );
    if (filter.emailAddresses?.length) {
      const emails = filter.emailAddresses.map((e) => e.toLowerCase());
      q = q.where('users.id', 'in', db.selectFrom('email_addresses').select('user_id').where('email_address', 'in', emails));
    }
    if (filter.query) {
      const pattern = likePattern(filter.query);
      q = q.where((eb) =>
        eb.or([
          eb(sql`lower(users.id)`, 'like', sql`${pattern} escape '\\'`),
          eb(sql`lower(coalesce(users.username, ''))`, 'like', sql`${pattern} escape '\\'`),
          eb(sql`lower(coalesce(users.first_name, ''))`, 'like', sql`${pattern} escape '\\'`),
          eb(sql`lower(coalesce(users.last_name, ''))`, 'like', sql`${pattern} escape '\\'`),
          eb(
            'users.id',
            'in',
            db.selectFrom('email_addresses').select('user_id').where(sql`email_address`, 'like', sql`${pattern} escape '\\'`),
          ),
        ]),
      );
    }
    return q;
  }

  return {
    async findById(id: string): Promise<UserRow | undefined> {
      return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async list(options: UserListOptions): Promise<UserRow[]> {
      return (
        filtered(options)
          .selectAll('users')
          // Explicit null placement: PostgreSQL sorts nulls last ascending and first descending, SQLite the
          // opposite; spelling PostgreSQL's rule out keeps both dialects' pages identical.
          .orderBy(`users.${options.orderBy}`, (ob) => (options.direction === 'asc' ? ob.asc().nullsLast() : ob.desc().nullsFirst()))
          .orderBy('users.id', options.direction)
          .limit(options.limit)
          .offset(options.offset)
          .execute()
      );
    },
    async count(filter: UserListFilter): Promise<number> {
      const row = await filtered(filter)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async insert(row: UserRow): Promise<void> {
      await guardUnique(db.insertInto('users').values(row).execute());
    },
    async update(id: string, changes: Partial<Omit<UserRow, 'id'>>): Promise<void> {
      await guardUnique(db.updateTable('users').set(changes).where('id', '=', id).execute());
    },
    async delete(id: string): Promise<boolean> {
      const result = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;
