import type { Kysely } from 'kysely';
import type {
  MembershipRequest,
  MembershipRequestStatus,
  OrganizationSuggestion,
  OrganizationSuggestionStatus,
} from '../../model/index.js';
import { guardUnique, UniqueViolation } from '../errors.js';
import { membershipRequestMapping, organizationSuggestionMapping } from '../mappings.js';
import type { Database } from '../schema.js';

const readSuggestion = organizationSuggestionMapping.read;
const readRequest = membershipRequestMapping.read;

/** Inserts unless the (user, organization) pair has one already; says whether it inserted. */
async function insertOnce(write: Promise<unknown>): Promise<boolean> {
  try {
    await guardUnique(write);
    return true;
  } catch (error) {
    if (error instanceof UniqueViolation) return false;
    throw error;
  }
}

/** Organization suggestions (`organization_suggestions`): one per user and organization. */
export function createOrganizationSuggestionRepository(db: Kysely<Database>) {
  function byUser(userId: string, statuses?: OrganizationSuggestionStatus[]) {
    let q = db.selectFrom('organization_suggestions').where('user_id', '=', userId);
    if (statuses?.length) q = q.where('status', 'in', statuses);
    return q;
  }
  return {
    insertOnce: (suggestion: OrganizationSuggestion) =>
      insertOnce(db.insertInto('organization_suggestions').values(organizationSuggestionMapping.write(suggestion)).execute()),
    async findById(id: string): Promise<OrganizationSuggestion | undefined> {
      const row = await db.selectFrom('organization_suggestions').selectAll().where('id', '=', id).executeTakeFirst();
      return row && readSuggestion(row);
    },
    async listByUser(
      userId: string,
      options: { statuses?: OrganizationSuggestionStatus[]; limit: number; offset: number },
    ): Promise<OrganizationSuggestion[]> {
      const rows = await byUser(userId, options.statuses)
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(options.limit)
        .offset(options.offset)
        .execute();
      return rows.map(readSuggestion);
    },
    async countByUser(userId: string, statuses?: OrganizationSuggestionStatus[]): Promise<number> {
      const row = await byUser(userId, statuses)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    /** A domain's pending suggestions (its `total_pending_suggestions`). */
    async countPendingByDomain(organizationDomainId: string): Promise<number> {
      const row = await db
        .selectFrom('organization_suggestions')
        .where('organization_domain_id', '=', organizationDomainId)
        .where('status', '=', 'pending')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    /** Deletes a domain's pending suggestions (accepted ones stay, as records); answers whose they were. */
    async deletePendingByDomain(organizationDomainId: string): Promise<string[]> {
      const rows = await db
        .deleteFrom('organization_suggestions')
        .where('organization_domain_id', '=', organizationDomainId)
        .where('status', '=', 'pending')
        .returning('user_id')
        .execute();
      return rows.map((r) => r.user_id);
    },
    /** Moves a pending suggestion to `accepted`; false when it was not pending (a concurrent accept won). */
    async accept(id: string, now: number): Promise<boolean> {
      const result = await db
        .updateTable('organization_suggestions')
        .set({ status: 'accepted', updated_at: now })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}

/** Membership requests (`organization_membership_requests`): one per user and organization. */
export function createMembershipRequestRepository(db: Kysely<Database>) {
  function byOrganization(organizationId: string, statuses?: MembershipRequestStatus[]) {
    let q = db.selectFrom('organization_membership_requests').where('organization_id', '=', organizationId);
    if (statuses?.length) q = q.where('status', 'in', statuses);
    return q;
  }
  return {
    insertOnce: (request: MembershipRequest) =>
      insertOnce(db.insertInto('organization_membership_requests').values(membershipRequestMapping.write(request)).execute()),
    async findById(id: string): Promise<MembershipRequest | undefined> {
      const row = await db.selectFrom('organization_membership_requests').selectAll().where('id', '=', id).executeTakeFirst();
      return row && readRequest(row);
    },
    async find(organizationId: string, userId: string): Promise<MembershipRequest | undefined> {
      const row = await db
        .selectFrom('organization_membership_requests')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row && readRequest(row);
    },
    async list(
      organizationId: string,
      options: { statuses?: MembershipRequestStatus[]; limit: number; offset: number },
    ): Promise<MembershipRequest[]> {
      const rows = await byOrganization(organizationId, options.statuses)
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(options.limit)
        .offset(options.offset)
        .execute();
      return rows.map(readRequest);
    },
    async count(organizationId: string, statuses?: MembershipRequestStatus[]): Promise<number> {
      const row = await byOrganization(organizationId, statuses)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    /** Settles a pending request; false when it was not pending (settled already, or concurrently). */
    async settle(id: string, status: 'accepted' | 'revoked', now: number): Promise<boolean> {
      const result = await db
        .updateTable('organization_membership_requests')
        .set({ status, updated_at: now })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}

export type OrganizationSuggestionRepository = ReturnType<typeof createOrganizationSuggestionRepository>;
export type MembershipRequestRepository = ReturnType<typeof createMembershipRequestRepository>;
