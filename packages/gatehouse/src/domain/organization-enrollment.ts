import { errors, GatehouseError } from '../errors.js';
import { newId } from '../ids.js';
import type {
  MembershipRequest,
  MembershipRequestStatus,
  Organization,
  OrganizationDomain,
  OrganizationSuggestion,
  OrganizationSuggestionStatus,
} from '../model/index.js';
import type { Store } from '../store/index.js';
import type { Caller } from './caller.js';
import type { Clock } from './clock.js';
import type { InvitationService } from './invitations.js';
import type { OrganizationService } from './organizations.js';
import type { UserRecord } from './users.js';

/** How many existing users a domain enrolls when it is verified or its mode changes (oldest addresses first). */
const BACKFILL_LIMIT = 1000;
/** How many pending invitations one withdrawal revokes (each is its own transaction with its webhook). */
const WITHDRAW_LIMIT = 1000;

export interface SuggestionRecord {
  suggestion: OrganizationSuggestion;
  organization: Organization;
}

export interface MembershipRequestRecord {
  request: MembershipRequest;
  user: UserRecord;
}

/** Why an automatic invitation is not made: a concurrent one won, the organization is full, or the user is in. */
const SKIPPED = new Set(['duplicate_record', 'organization_membership_quota_exceeded', 'already_a_member_in_organization']);

interface Page {
  limit: number;
  offset: number;
}

/**
 * Enrollment by verified domain: a user with a verified address at an organization's verified domain
 * gets a pending invitation (`automatic_invitation`) or a suggestion (`automatic_suggestion`) when
 * they sign up or verify the address, and existing users get theirs when the domain is verified or
 * its mode set. Accepting a suggestion files a membership request, which the organization's admins
 * accept (the user joins with the default role) or reject.
 */
export function createOrganizationEnrollmentService(deps: {
  store: Store;
  clock: Clock;
  organizations: OrganizationService;
  invitations: InvitationService;
}) {
  const { store, clock, organizations, invitations } = deps;

  /** Offers the domain's organization to one user at one address, once: never twice, never to a member. */
  async function offer(domain: OrganizationDomain, userId: string, emailAddress: string, caller: Caller): Promise<void> {
    if (domain.verifiedAt === null || domain.enrollmentMode === 'manual_invitation') return;
    if (await organizations.isMember(domain.organizationId, userId)) return;
    if (domain.enrollmentMode === 'automatic_invitation') {
      // Any earlier invitation of the address to the organization (pending, accepted, revoked) stands.
      const earlier = await store.invitations.count({
        kind: 'organization',
        organizationId: domain.organizationId,
        emailAddress,
        now: clock(),
      });
      if (earlier > 0) return;
      try {
        await invitations.createForOrganization(
          domain.organizationId,
          { emailAddress, notify: false, organizationDomainId: domain.id },
          caller,
        );
      } catch (error) {
        // A concurrent enrollment invited first, or the organization is full: nothing to offer.
        if (!(error instanceof GatehouseError) || !SKIPPED.has(error.code)) throw error;
      }
      return;
    }
    const now = clock();
    await store.organizationSuggestions.insertOnce({
      id: newId('orgsug'),
      organizationId: domain.organizationId,
      organizationDomainId: domain.id,
      userId,
      status: 'pending',
      createdAt: now,
      updatedAt: now,
    });
  }

  async function suggestionRecords(rows: OrganizationSuggestion[]): Promise<SuggestionRecord[]> {
    const orgs = new Map((await store.organizations.findByIds([...new Set(rows.map((r) => r.organizationId))])).map((o) => [o.id, o]));
    return rows.flatMap((suggestion) => {
      const organization = orgs.get(suggestion.organizationId);
      return organization ? [{ suggestion, organization }] : [];
    });
  }

  async function requestRecord(request: MembershipRequest): Promise<MembershipRequestRecord> {
    const user = await store.users.findById(request.userId);
    if (!user) throw errors.notFound('organization membership request');
    return { request, user: { user, emailAddresses: await store.emailAddresses.listByUser(user.id) } };
  }

  async function loadRequest(organizationId: string, id: string): Promise<MembershipRequest> {
    const request = await store.membershipRequests.findById(id);
    if (request?.organizationId !== organizationId) throw errors.notFound('organization membership request');
    return request;
  }

  /** After a sign-up or an address verification: what the user's verified addresses earn them. */
  async function enrollUser(userId: string, caller: Caller): Promise<void> {
    const emails = (await store.emailAddresses.listByUser(userId)).filter((e) => e.verified);
    const byDomain = new Map(emails.map((e) => [e.emailAddress.split('@')[1] ?? '', e.emailAddress]));
    const domains = await store.organizationDomains.findVerifiedByNames([...byDomain.keys()].filter(Boolean));
    for (const domain of domains) {
      const address = byDomain.get(domain.name);
      if (address) await offer(domain, userId, address, caller);
    }
  }

  /** Revokes pending invitations (with `organizationInvitation.revoked`); one settled meanwhile is skipped. */
  async function revokeAll(
    organizationId: string,
    filter: { emailDomain?: string; organizationDomainId?: string },
    caller: Caller,
  ): Promise<void> {
    const pending = await store.invitations.list({
      kind: 'organization',
      organizationId,
      statuses: ['pending'],
      ...filter,
      now: clock(),
      orderBy: 'created_at',
      direction: 'asc',
      limit: WITHDRAW_LIMIT,
      offset: 0,
    });
    for (const invitation of pending) {
      try {
        await invitations.revokeForOrganization(organizationId, invitation.id, caller);
      } catch (error) {
        if (!(error instanceof GatehouseError) || error.code !== 'organization_invitation_not_pending') throw error;
      }
    }
  }

  return {
    enrollUser,

    /**
     * After a domain change that took back its pending suggestions (in the change's own transaction,
     * `organizationSuggestions.deletePendingByDomain`): `invitations` says which pending invitations
     * are revoked now, each in its own transaction with `organizationInvitation.revoked`: those the
     * domain made (`made`, a deleted domain), every one addressed to the domain (`addressed`, Clerk's
     * `delete_pending`), or none. The `users` whose suggestion went are enrolled again, so another
     * verified domain of the organization that matches them offers it in its own name.
     */
    async withdraw(
      domain: OrganizationDomain,
      options: { invitations: 'made' | 'addressed' | 'none'; users: string[] },
      caller: Caller,
    ): Promise<void> {
      if (options.invitations === 'made') await revokeAll(domain.organizationId, { organizationDomainId: domain.id }, caller);
      if (options.invitations === 'addressed') await revokeAll(domain.organizationId, { emailDomain: domain.name }, caller);
      for (const userId of options.users) await enrollUser(userId, caller);
    },

    /** After a domain is verified or its mode changes: the users who already have an address there. */
    async enrollDomain(domain: OrganizationDomain, caller: Caller): Promise<void> {
      if (domain.verifiedAt === null || domain.enrollmentMode === 'manual_invitation') return;
      for (const email of await store.emailAddresses.listVerifiedAtDomain(domain.name, BACKFILL_LIMIT)) {
        await offer(domain, email.userId, email.emailAddress, caller);
      }
    },

    async listSuggestions(
      userId: string,
      input: Page & { statuses?: OrganizationSuggestionStatus[] },
    ): Promise<{ data: SuggestionRecord[]; totalCount: number }> {
      const [rows, totalCount] = await Promise.all([
        store.organizationSuggestions.listByUser(userId, input),
        store.organizationSuggestions.countByUser(userId, input.statuses),
      ]);
      return { data: await suggestionRecords(rows), totalCount };
    },

    /** The user asks to join: the suggestion reads `accepted` and the organization gets a membership request. */
    async acceptSuggestion(userId: string, id: string): Promise<SuggestionRecord> {
      const suggestion = await store.organizationSuggestions.findById(id);
      if (suggestion?.userId !== userId) throw errors.notFound('organization suggestion');
      const [record] = await suggestionRecords([suggestion]);
      if (!record) throw errors.notFound('organization suggestion');
      if (suggestion.status === 'accepted') return record;
      const now = clock();
      await store.transaction(async (tx) => {
        if (!(await tx.organizationSuggestions.accept(id, now))) return;
        await tx.membershipRequests.insertOnce({
          id: newId('orgreq'),
          organizationId: suggestion.organizationId,
          userId,
          status: 'pending',
          createdAt: now,
          updatedAt: now,
        });
      });
      return { ...record, suggestion: { ...suggestion, status: 'accepted', updatedAt: now } };
    },

    async listRequests(
      organizationId: string,
      input: Page & { statuses?: MembershipRequestStatus[] },
    ): Promise<{ data: MembershipRequestRecord[]; totalCount: number }> {
      const [rows, totalCount] = await Promise.all([
        store.membershipRequests.list(organizationId, input),
        store.membershipRequests.count(organizationId, input.statuses),
      ]);
      const data: MembershipRequestRecord[] = [];
      for (const row of rows) {
        const user = await store.users.findById(row.userId);
        if (user) data.push({ request: row, user: { user, emailAddresses: await store.emailAddresses.listByUser(user.id) } });
      }
      return { data, totalCount };
    },

    /** An admin admits the requester: they join with the default role, in the request's transaction. */
    async acceptRequest(organizationId: string, id: string, caller: Caller): Promise<MembershipRequestRecord> {
      const request = await loadRequest(organizationId, id);
      const { organization } = await organizations.get(organizationId);
      const roles = await organizations.catalog();
      const now = clock();
      await store.transaction(async (tx) => {
        if (!(await tx.membershipRequests.settle(id, 'accepted', now))) throw errors.membershipRequestNotPending();
        await organizations.addMemberIn(tx, organization, { userId: request.userId, role: roles.defaultRole }, roles, caller);
      });
      return requestRecord({ ...request, status: 'accepted', updatedAt: now });
    },

    async rejectRequest(organizationId: string, id: string): Promise<MembershipRequestRecord> {
      const request = await loadRequest(organizationId, id);
      const now = clock();
      if (!(await store.membershipRequests.settle(id, 'revoked', now))) throw errors.membershipRequestNotPending();
      return requestRecord({ ...request, status: 'revoked', updatedAt: now });
    },
  };
}

export type OrganizationEnrollmentService = ReturnType<typeof createOrganizationEnrollmentService>;
