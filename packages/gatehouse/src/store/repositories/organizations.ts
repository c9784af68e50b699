import { type Kysely, sql } from 'kysely';
import type { Organization, OrganizationMembership } from '../../model/index.js';
import { guardUnique } from '../errors.js';
import { organizationMapping, organizationMembershipMapping } from '../mappings.js';
import type { Database } from '../schema.js';

const readOrganization = organizationMapping.read;
const readMembership = organizationMembershipMapping.read;

export const ORGANIZATION_ORDER_COLUMNS = ['created_at', 'name', 'members_count'] as const;
export type OrganizationOrderColumn = (typeof ORGANIZATION_ORDER_COLUMNS)[number];

export interface OrganizationListFilter {
  organizationIds?: string[];
  /** Case-insensitive substring of id, name or slug. */
  query?: string;
}

export interface OrganizationListOptions extends OrganizationListFilter {
  orderBy: OrganizationOrderColumn;
  direction: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export const MEMBERSHIP_ORDER_COLUMNS = ['created_at', 'first_name', 'last_name', 'username', 'email_address'] as const;
export type MembershipOrderColumn = (typeof MEMBERSHIP_ORDER_COLUMNS)[number];

export interface MembershipListFilter {
  /** Absent: every organization's memberships (`GET /v1/organization_memberships`). */
  organizationId?: string;
  userIds?: string[];
  roles?: string[];
  /** Members with any of these e-mail addresses (case-insensitive). */
  emailAddresses?: string[];
  usernames?: string[];
  /** Case-insensitive substring of the member's id, e-mail, username, first or last name. */
  query?: string;
}

export interface MembershipListOptions extends MembershipListFilter {
  orderBy: MembershipOrderColumn;
  direction: 'asc' | 'desc';
  limit: number;
  offset: number;
}

function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function createOrganizationRepository(db: Kysely<Database>) {
  function filtered(filter: OrganizationListFilter) {
    let q = db.selectFrom('organizations');
    if (filter.organizationIds?.length) q = q.where('organizations.id', 'in', filter.organizationIds);
    if (filter.query) {
      const pattern = likePattern(filter.query);
      q = q.where((eb) =>
        eb.or([
          eb(sql`lower(organizations.id)`, 'like', sql`${pattern} escape '\\'`),
          eb(sql`lower(organizations.name)`, 'like', sql`${pattern} escape '\\'`),
          eb(sql`lower(organizations.slug)`, 'like', sql`${pattern} escape '\\'`),
        ]),
      );
    }
    return q;
  }

  return {
    async findById(id: string): Promise<Organization | undefined> {
      const row = await db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
      return row && readOrganization(row);
    },
    async findBySlug(slug: string): Promise<Organization | undefined> {
      const row = await db.selectFrom('organizations').selectAll().where('slug', '=', slug).executeTakeFirst();
      return row && readOrganization(row);
    },
    /** One query for the organizations of a page of memberships. */
    async findByIds(ids: string[]): Promise<Organization[]> {
      if (ids.length === 0) return [];
      const rows = await db.selectFrom('organizations').selectAll().where('id', 'in', ids).execute();
      return rows.map(readOrganization);
    },
    async list(options: OrganizationListOptions): Promise<Organization[]> {
      const direction = options.direction;
      let q = filtered(options).selectAll('organizations');
      if (options.orderBy === 'members_count') {
        q = q.orderBy(
          sql`(select count(*) from organization_memberships where organization_memberships.organization_id = organizations.id)`,
          direction,
        );
      } else {
        q = q.orderBy(`organizations.${options.orderBy}`, direction);
      }
      const rows = await q.orderBy('organizations.id', direction).limit(options.limit).offset(options.offset).execute();
      return rows.map(readOrganization);
    },
    async count(filter: OrganizationListFilter): Promise<number> {
      const row = await filtered(filter)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async insert(organization: Organization): Promise<void> {
      await guardUnique(db.insertInto('organizations').values(organizationMapping.write(organization)).execute());
    },
    async update(id: string, changes: Partial<Omit<Organization, 'id'>>): Promise<void> {
      await guardUnique(db.updateTable('organizations').set(organizationMapping.writeChanges(changes)).where('id', '=', id).execute());
    },
    /** Deletes the organization; its memberships go with it (foreign-key cascade). */
    async delete(id: string): Promise<boolean> {
      const result = await db.deleteFrom('organizations').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export function createOrganizationMembershipRepository(db: Kysely<Database>) {
  function filtered(filter: MembershipListFilter) {
    let q = db.selectFrom('organization_memberships as m').innerJoin('users as u', 'u.id', 'm.user_id');
    if (filter.organizationId !== undefined) q = q.where('m.organization_id', '=', filter.organizationId);
    if (filter.userIds?.length) q = q.where('m.user_id', 'in', filter.userIds);
    if (filter.roles?.length) q = q.where('m.role', 'in', filter.roles);
    if (filter.usernames?.length)
      q = q.where(
        'u.username',
        'in',
        filter.usernames.map((u) => u.toLowerCase()),
      );
    if (filter.emailAddresses?.length) {
      const emails = filter.emailAddresses.map((e) => e.toLowerCase());
      q = q.where('m.user_id', 'in', db.selectFrom('email_addresses').select('user_id').where('email_address', 'in', emails));
    }
    if (filter.query) {
      const pattern = likePattern(filter.query);
      q = q.where((eb) =>
        eb.or([
          eb(sql`lower(u.id)`, 'like', sql`${pattern} escape '\\'`),
          eb(sql`lower(coalesce(u.username, ''))`, 'like', sql`${pattern} escape '\\'`),
          eb(sql`lower(coalesce(u.first_name, ''))`, 'like', sql`${pattern} escape '\\'`),
          eb(sql`lower(coalesce(u.last_name, ''))`, 'like', sql`${pattern} escape '\\'`),
          eb(
            'm.user_id',
            'in',
            db.selectFrom('email_addresses').select('user_id').where(sql`email_address`, 'like', sql`${pattern} escape '\\'`),
          ),
        ]),
      );
    }
    return q;
  }

  return {
    async find(organizationId: string, userId: string): Promise<OrganizationMembership | undefined> {
      const row = await db
        .selectFrom('organization_memberships')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row && readMembership(row);
    },
    async list(options: MembershipListOptions): Promise<OrganizationMembership[]> {
      const { direction } = options;
      let q = filtered(options).selectAll('m');
      if (options.orderBy === 'created_at') q = q.orderBy('m.created_at', direction);
      else {
        const column =
          options.orderBy === 'email_address'
            ? sql`(select e.email_address from email_addresses e where e.id = u.primary_email_address_id)`
            : sql.ref(`u.${options.orderBy}`);
        // Explicit null placement, as for users: both dialects page identically.
        q = q.orderBy(column, (ob) => (direction === 'asc' ? ob.asc().nullsLast() : ob.desc().nullsFirst()));
      }
      const rows = await q.orderBy('m.id', direction).limit(options.limit).offset(options.offset).execute();
      return rows.map(readMembership);
    },
    async count(filter: MembershipListFilter): Promise<number> {
      const row = await filtered(filter)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    /** A user's memberships, newest first. */
    async listByUser(userId: string, limit: number, offset: number): Promise<OrganizationMembership[]> {
      const rows = await db
        .selectFrom('organization_memberships')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute();
      return rows.map(readMembership);
    },
    async countByUser(userId: string): Promise<number> {
      const row = await db
        .selectFrom('organization_memberships')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    /** Members per organization, for `members_count`; organizations without members are absent. */
    async countByOrganizations(organizationIds: string[]): Promise<Map<string, number>> {
      if (organizationIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('organization_memberships')
        .select(['organization_id', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('organization_id', 'in', organizationIds)
        .groupBy('organization_id')
        .execute();
      return new Map(rows.map((r) => [r.organization_id, Number(r.n)]));
    },
    async insert(membership: OrganizationMembership): Promise<void> {
      await guardUnique(db.insertInto('organization_memberships').values(organizationMembershipMapping.write(membership)).execute());
    },
    async update(id: string, changes: Partial<Omit<OrganizationMembership, 'id' | 'organizationId' | 'userId'>>): Promise<void> {
      await db
        .updateTable('organization_memberships')
        .set(organizationMembershipMapping.writeChanges(changes))
        .where('id', '=', id)
        .execute();
    },
    async delete(id: string): Promise<boolean> {
      const result = await db.deleteFrom('organization_memberships').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export type OrganizationRepository = ReturnType<typeof createOrganizationRepository>;
export type OrganizationMembershipRepository = ReturnType<typeof createOrganizationMembershipRepository>;
