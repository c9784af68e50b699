import type { Kysely } from 'kysely';
import type { OrganizationDomain, OrganizationEnrollmentMode } from '../../model/index.js';
import { guardUnique } from '../errors.js';
import { organizationDomainMapping } from '../mappings.js';
import type { Database } from '../schema.js';

const read = organizationDomainMapping.read;

export interface OrganizationDomainFilter {
  organizationId: string;
  enrollmentModes?: OrganizationEnrollmentMode[];
  verified?: boolean;
}

/** Organizations' e-mail domains (`organization_domains`). */
export function createOrganizationDomainRepository(db: Kysely<Database>) {
  function filtered(filter: OrganizationDomainFilter) {
    let q = db.selectFrom('organization_domains').where('organization_id', '=', filter.organizationId);
    if (filter.enrollmentModes?.length) q = q.where('enrollment_mode', 'in', filter.enrollmentModes);
    if (filter.verified !== undefined) q = q.where('verified_at', filter.verified ? 'is not' : 'is', null);
    return q;
  }

  return {
    async insert(domain: OrganizationDomain): Promise<void> {
      await guardUnique(db.insertInto('organization_domains').values(organizationDomainMapping.write(domain)).execute());
    },
    async findById(id: string): Promise<OrganizationDomain | undefined> {
      const row = await db.selectFrom('organization_domains').selectAll().where('id', '=', id).executeTakeFirst();
      return row && read(row);
    },
    /** Verified domains among `names` (lowercase), with their organizations' ids. */
    async findVerifiedByNames(names: string[]): Promise<OrganizationDomain[]> {
      if (names.length === 0) return [];
      const rows = await db
        .selectFrom('organization_domains')
        .selectAll()
        .where('name', 'in', names)
        .where('verified_at', 'is not', null)
        .execute();
      return rows.map(read);
    },
    async list(filter: OrganizationDomainFilter & { limit: number; offset: number }): Promise<OrganizationDomain[]> {
      const rows = await filtered(filter)
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit)
        .offset(filter.offset)
        .execute();
      return rows.map(read);
    },
    async count(filter: OrganizationDomainFilter): Promise<number> {
      const row = await filtered(filter)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async update(id: string, changes: Partial<Omit<OrganizationDomain, 'id'>>): Promise<void> {
      // A rename onto another domain's name is the domain's refusal, not a crash.
      await guardUnique(
        db.updateTable('organization_domains').set(organizationDomainMapping.writeChanges(changes)).where('id', '=', id).execute(),
      );
    },
    async delete(id: string): Promise<boolean> {
      const result = await db.deleteFrom('organization_domains').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export type OrganizationDomainRepository = ReturnType<typeof createOrganizationDomainRepository>;
