import type { Kysely } from 'kysely';
import type { Invitation, InvitationKind, InvitationStatus } from '../../model/index.js';
import { guardUnique } from '../errors.js';
import { invitationMapping } from '../mappings.js';
import type { Database } from '../schema.js';

const read = invitationMapping.read;

export interface InvitationListFilter {
  kind: InvitationKind;
  organizationId?: string;
  /** Stored statuses; `expired` is matched by time (pending and past `expires_at`) against `now`. */
  statuses?: InvitationStatus[];
  emailAddress?: string;
  /** Addresses at this e-mail domain (lowercase, as organization domains are stored). */
  emailDomain?: string;
  /** Made by this organization domain's automatic enrollment. */
  organizationDomainId?: string;
  /** Case-insensitive substring of the address or the id. */
  query?: string;
  now: number;
}

export interface InvitationListOptions extends InvitationListFilter {
  orderBy: 'created_at' | 'email_address' | 'expires_at';
  direction: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** Invitations, instance invitations and sign-in tokens (one table, by `kind`). */
export function createInvitationRepository(db: Kysely<Database>) {
  function filtered(filter: InvitationListFilter) {
    let q = db.selectFrom('invitations').where('kind', '=', filter.kind);
    if (filter.organizationId) q = q.where('organization_id', '=', filter.organizationId);
    if (filter.emailAddress) q = q.where('email_address', '=', filter.emailAddress.toLowerCase());
    // Domain names hold no LIKE wildcards (letters, digits, dots, dashes: organization-domains.ts).
    if (filter.emailDomain) q = q.where('email_address', 'like', `%@${filter.emailDomain}`);
    if (filter.organizationDomainId) q = q.where('organization_domain_id', '=', filter.organizationDomainId);
    if (filter.query) {
      const needle = `%${filter.query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where((eb) => eb.or([eb('email_address', 'like', needle), eb('id', 'like', needle)]));
    }
    const statuses = filter.statuses;
    if (statuses?.length) {
      q = q.where((eb) =>
        eb.or(
          statuses.map((status) => {
            if (status === 'expired') {
              return eb.and([eb('status', '=', 'pending'), eb('expires_at', 'is not', null), eb('expires_at', '<=', filter.now)]);
            }
            if (status === 'pending') {
              return eb.and([eb('status', '=', 'pending'), eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', filter.now)])]);
            }
            return eb('status', '=', status);
          }),
        ),
      );
    }
    return q;
  }

  return {
    async insert(invitation: Invitation): Promise<void> {
      await guardUnique(db.insertInto('invitations').values(invitationMapping.write(invitation)).execute());
    },
    async findById(id: string): Promise<Invitation | undefined> {
      const row = await db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
      return row && read(row);
    },
    async findByTicketHash(hash: string): Promise<Invitation | undefined> {
      const row = await db.selectFrom('invitations').selectAll().where('ticket_hash', '=', hash).executeTakeFirst();
      return row && read(row);
    },
    async findBySignUp(signUpId: string): Promise<Invitation | undefined> {
      const row = await db.selectFrom('invitations').selectAll().where('sign_up_id', '=', signUpId).executeTakeFirst();
      return row && read(row);
    },
    async list(options: InvitationListOptions): Promise<Invitation[]> {
      const rows = await filtered(options)
        .selectAll()
        .orderBy(options.orderBy, options.direction)
        .orderBy('id', options.direction)
        .limit(options.limit)
        .offset(options.offset)
        .execute();
      return rows.map(read);
    },
    async count(filter: InvitationListFilter): Promise<number> {
      const row = await filtered(filter)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    /** Pending invitations per organization, for `pending_invitations_count`. */
    async countPending(organizationId: string, now: number): Promise<number> {
      return this.count({ kind: 'organization', organizationId, statuses: ['pending'], now });
    },
    /** Pending invitations of each organization, for `pending_invitations_count`; organizations without any are absent. */
    async countPendingByOrganizations(organizationIds: string[], now: number): Promise<Map<string, number>> {
      if (organizationIds.length === 0) return new Map();
      const rows = await filtered({ kind: 'organization', statuses: ['pending'], now })
        .where('organization_id', 'in', organizationIds)
        .select(['organization_id', (eb) => eb.fn.countAll<number | string>().as('n')])
        .groupBy('organization_id')
        .execute();
      return new Map(rows.map((r) => [r.organization_id ?? '', Number(r.n)]));
    },
    async update(id: string, changes: Partial<Omit<Invitation, 'id'>>): Promise<void> {
      await db.updateTable('invitations').set(invitationMapping.writeChanges(changes)).where('id', '=', id).execute();
    },
    /** Moves a pending invitation to `status` only if it is still pending: true when this call won. */
    async settle(id: string, status: InvitationStatus, now: number): Promise<boolean> {
      const result = await db
        .updateTable('invitations')
        .set({ status, updated_at: now })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async delete(id: string): Promise<boolean> {
      const result = await db.deleteFrom('invitations').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export type InvitationRepository = ReturnType<typeof createInvitationRepository>;
