import { hashToken } from '../crypto/token-hash.js';
import { errors, frontendErrors } from '../errors.js';
import { newId, randomBase62 } from '../ids.js';
import type { Invitation, InvitationKind, InvitationStatus, Organization } from '../model/index.js';
import { UniqueViolation } from '../store/errors.js';
import type { Store } from '../store/index.js';
import type { Repositories } from '../store/repositories/index.js';
import type { Caller } from './caller.js';
import type { Clock } from './clock.js';
import type { InvitationSender } from './frontend/delivery.js';
import type { InstanceSettings } from './instance.js';
import { type Metadata, sizedMetadata } from './metadata.js';
import { type RoleCatalog, roleCatalog } from './organization-settings.js';
import type { OrganizationService } from './organizations.js';
import { normalizeEmail, raiseUserUpdated } from './users.js';
import type { EventService } from './webhooks/events.js';

const DAY_MS = 24 * 3600 * 1000;
/** Clerk's defaults: invitations last 30 days, sign-in tokens 30 days. */
const DEFAULT_INVITATION_DAYS = 30;
const DEFAULT_SIGN_IN_TOKEN_SECONDS = 30 * 24 * 3600;

/** An invitation with its ticket, which exists only in the answer that creates it. */
export interface IssuedInvitation {
  invitation: Invitation;
  ticket: string;
  url: string;
}

/**
 * What `organizationInvitation.created|accepted|revoked` carry: the invitation as it is after the
 * change, its organization and role name, the link (in `created` only, as the Backend API's create
 * answer has it) and, once accepted, the user who accepted it.
 */
export interface OrganizationInvitationEvent {
  invitation: Invitation;
  organization: Organization | undefined;
  roleName: string;
  url: string | null;
  userId?: string;
}

/** An organization invitation with its organization (the FAPI shows the organization's public data). */
export interface OrganizationInvitationRecord {
  invitation: Invitation;
  organization: Organization;
}

export interface CreateOrganizationInvitationInput {
  emailAddress: string;
  role?: string;
  inviterUserId?: string;
  publicMetadata?: Metadata;
  privateMetadata?: Metadata;
  redirectUrl?: string;
  expiresInDays?: number;
  notify?: boolean;
  locale?: string;
  /** Set by enrollment: the domain whose `automatic_invitation` mode makes this invitation. */
  organizationDomainId?: string;
}

export interface CreateInstanceInvitationInput {
  emailAddress: string;
  publicMetadata?: Metadata;
  redirectUrl?: string;
  expiresInDays?: number;
  notify?: boolean;
  ignoreExisting?: boolean;
}

export interface ListInvitationsInput {
  statuses?: InvitationStatus[];
  query?: string;
  orderBy?: string;
  limit?: number;
  offset?: number;
}

/** The status as the wire shows it: a pending invitation past its expiry reads `expired`. */
export function effectiveStatus(invitation: Invitation, now: number): InvitationStatus {
  if (invitation.status === 'pending' && invitation.expiresAt !== null && invitation.expiresAt <= now) return 'expired';
  return invitation.status;
}

function assertDays(days: number | undefined): number {
  if (days === undefined) return DEFAULT_INVITATION_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > 365) throw errors.paramValueInvalid('expires_in_days', 'must be 1 to 365');
  return days;
}

/**
 * Organization invitations, instance invitations and sign-in tokens: each a single-use ticket
 * (`__clerk_ticket`), stored as its SHA-256. The ticket strategy (`redeem`/`consume`) uses them.
 */
export function createInvitationService(deps: {
  store: Store;
  clock: Clock;
  organizations: OrganizationService;
  settings: () => Promise<InstanceSettings>;
  sendInvitation: InvitationSender;
  publicUrl: string;
  events: EventService;
}) {
  const { store, clock, organizations, events } = deps;

  /**
   * Raises an organization invitation's event inside `tx`, the transaction of the change. `roles`
   * is read before the transaction: re-reading the settings through the store inside it would wait
   * for it on SQLite (one connection).
   */
  async function raiseInvitation(
    tx: Repositories,
    type: 'organizationInvitation.created' | 'organizationInvitation.accepted' | 'organizationInvitation.revoked',
    invitation: Invitation,
    roles: RoleCatalog,
    caller: Caller,
    extra: { url?: string; userId?: string } = {},
  ): Promise<void> {
    const organization = invitation.organizationId ? await tx.organizations.findById(invitation.organizationId) : undefined;
    await events.raise(
      tx,
      type,
      {
        invitation,
        organization,
        roleName: roles.roleName(invitation.role ?? ''),
        url: extra.url ?? null,
        ...(extra.userId ? { userId: extra.userId } : {}),
      },
      caller,
    );
  }

  function newTicket(): { ticket: string; hash: string } {
    const ticket = `gtk_${randomBase62(48)}`;
    return { ticket, hash: hashToken(ticket) };
  }

  /** The link a mail carries: Gatehouse's ticket endpoint, which sends the browser on to sign-in or sign-up. */
  function acceptUrl(ticket: string): string {
    const url = new URL('/v1/tickets/accept', deps.publicUrl);
    url.searchParams.set('ticket', ticket);
    return url.toString();
  }

  async function insert(invitation: Invitation, tx: Repositories = store): Promise<void> {
    try {
      await tx.invitations.insert(invitation);
    } catch (error) {
      if (error instanceof UniqueViolation) throw errors.duplicateInvitation('email_address');
      throw error;
    }
  }

  async function loadOrganizationInvitation(organizationId: string, id: string): Promise<Invitation> {
    const invitation = await store.invitations.findById(id);
    if (invitation?.kind !== 'organization' || invitation.organizationId !== organizationId) {
      throw errors.notFound('organization invitation');
    }
    return invitation;
  }

  async function list(kind: InvitationKind, organizationId: string | undefined, input: ListInvitationsInput) {
    const now = clock();
    const raw = input.orderBy ?? '-created_at';
    const direction = raw.startsWith('-') ? 'desc' : 'asc';
    const column = raw.replace(/^[+-]/, '');
    if (column !== 'created_at' && column !== 'email_address' && column !== 'expires_at') {
      throw errors.paramValueInvalid('order_by', 'must be [+-]created_at, email_address or expires_at');
    }
    const filter = { kind, organizationId, statuses: input.statuses, query: input.query, now };
    const [rows, totalCount] = await Promise.all([
      store.invitations.list({
        ...filter,
        orderBy: column,
        direction,
        limit: input.limit ?? 10,
        offset: input.offset ?? 0,
      }),
      store.invitations.count(filter),
    ]);
    return { data: rows, totalCount };
  }

  async function createForOrganization(
    organizationIdOrSlug: string,
    input: CreateOrganizationInvitationInput,
    caller: Caller,
  ): Promise<IssuedInvitation> {
    const { organization } = await organizations.get(organizationIdOrSlug);
    const catalog = roleCatalog((await deps.settings()).organizations);
    const role = input.role ?? catalog.defaultRole;
    if (!catalog.find(role)) throw errors.paramValueInvalid('role', `must be one of ${catalog.roles.map((r) => r.key).join(', ')}`);
    const emailAddress = normalizeEmail(input.emailAddress);
    if (!emailAddress.includes('@')) throw errors.paramInvalid('email_address', 'must be an e-mail address');
    const now = clock();
    // Already a member (by a verified address): Clerk refuses the invitation.
    const owner = await store.emailAddresses.findWithOwner(emailAddress);
    if (owner?.email.verified && owner.user && (await organizations.isMember(organization.id, owner.user.id))) throw errors.alreadyMember();
    const pending = await store.invitations.count({
      kind: 'organization',
      organizationId: organization.id,
      emailAddress,
      statuses: ['pending'],
      now,
    });
    if (pending > 0) throw errors.duplicateInvitation('email_address');
    const limit = organization.maxAllowedMemberships;
    if (limit > 0) {
      const members = (await organizations.listMemberships(organization.id, { limit: 1 })).totalCount;
      const invited = await store.invitations.countPending(organization.id, now);
      if (members + invited >= limit) throw errors.membershipQuotaExceeded(limit);
    }
    const days = assertDays(input.expiresInDays);
    const { ticket, hash } = newTicket();
    const invitation: Invitation = {
      id: newId('orginv'),
      kind: 'organization',
      organizationId: organization.id,
      userId: null,
      emailAddress,
      role,
      status: 'pending',
      publicMetadata: sizedMetadata('public_metadata', input.publicMetadata ?? {}),
      privateMetadata: sizedMetadata('private_metadata', input.privateMetadata ?? {}),
      redirectUrl: input.redirectUrl ?? null,
      inviterUserId: input.inviterUserId ?? null,
      ticketHash: hash,
      signUpId: null,
      organizationDomainId: input.organizationDomainId ?? null,
      expiresAt: now + days * DAY_MS,
      createdAt: now,
      updatedAt: now,
    };
    const url = acceptUrl(ticket);
    await store.transaction(async (tx) => {
      await insert(invitation, tx);
      await raiseInvitation(tx, 'organizationInvitation.created', invitation, catalog, caller, { url });
    });
    if (input.notify !== false) {
      await deps.sendInvitation({
        to: emailAddress,
        locale: input.locale ?? 'en',
        url,
        organizationName: organization.name,
        expiresInDays: days,
        caller,
      });
    }
    return { invitation, ticket, url };
  }

  /**
   * Marks the invitation used and, for an organization invitation, makes the user a member
   * (idempotent), in one transaction with its events (`organizationInvitation.accepted`,
   * `organizationMembership.created`; `user.updated` when an instance invitation adds metadata).
   */
  async function consume(invitation: Invitation, userId: string, caller: Caller): Promise<void> {
    const now = clock();
    const roles = await organizations.catalog();
    await store.transaction(async (tx) => {
      if (!(await tx.invitations.settle(invitation.id, 'accepted', now))) throw frontendErrors.ticketInvalid();
      if (invitation.kind === 'organization' && invitation.organizationId && invitation.role) {
        const accepted: Invitation = { ...invitation, status: 'accepted', updatedAt: now };
        await raiseInvitation(tx, 'organizationInvitation.accepted', accepted, roles, caller, { userId });
        const organization = await tx.organizations.findById(invitation.organizationId);
        if (organization) await organizations.addMemberIn(tx, organization, { userId, role: invitation.role }, roles, caller);
      }
      if (invitation.kind === 'instance' && Object.keys(invitation.publicMetadata).length > 0) {
        const user = await tx.users.findById(userId);
        if (user) {
          await tx.users.update(userId, { publicMetadata: { ...user.publicMetadata, ...invitation.publicMetadata }, updatedAt: now });
          await raiseUserUpdated(events, tx, userId, caller);
        }
      }
    });
  }

  return {
    acceptUrl,
    effectiveStatus: (invitation: Invitation) => effectiveStatus(invitation, clock()),

    createForOrganization,

    async createForOrganizationBulk(
      organizationIdOrSlug: string,
      inputs: CreateOrganizationInvitationInput[],
      caller: Caller,
    ): Promise<IssuedInvitation[]> {
      if (inputs.length === 0) throw errors.paramMissing('email_address');
      if (inputs.length > 50) throw errors.paramValueInvalid('email_address', 'at most 50 invitations at once');
      const issued: IssuedInvitation[] = [];
      for (const input of inputs) issued.push(await createForOrganization(organizationIdOrSlug, input, caller));
      return issued;
    },

    async listForOrganization(organizationIdOrSlug: string, input: ListInvitationsInput) {
      const { organization } = await organizations.get(organizationIdOrSlug);
      return list('organization', organization.id, input);
    },

    async getForOrganization(organizationIdOrSlug: string, id: string): Promise<Invitation> {
      const { organization } = await organizations.get(organizationIdOrSlug);
      return loadOrganizationInvitation(organization.id, id);
    },

    async revokeForOrganization(organizationIdOrSlug: string, id: string, caller: Caller): Promise<Invitation> {
      const { organization } = await organizations.get(organizationIdOrSlug);
      const invitation = await loadOrganizationInvitation(organization.id, id);
      if (effectiveStatus(invitation, clock()) !== 'pending') throw errors.invitationNotPending();
      const now = clock();
      const revoked: Invitation = { ...invitation, status: 'revoked', updatedAt: now };
      const roles = await organizations.catalog();
      await store.transaction(async (tx) => {
        if (!(await tx.invitations.settle(id, 'revoked', now))) throw errors.invitationNotPending();
        await raiseInvitation(tx, 'organizationInvitation.revoked', revoked, roles, caller);
      });
      return revoked;
    },

    /** Pending organization invitations addressed to any of the user's verified addresses (`/v1/me/organization_invitations`). */
    async listForUser(
      userId: string,
      input: { statuses?: InvitationStatus[]; limit?: number; offset?: number },
    ): Promise<{ data: OrganizationInvitationRecord[]; totalCount: number }> {
      const emails = (await store.emailAddresses.listByUser(userId)).filter((e) => e.verified).map((e) => e.emailAddress);
      const now = clock();
      const all: Invitation[] = [];
      for (const emailAddress of emails) {
        all.push(
          ...(await store.invitations.list({
            kind: 'organization',
            emailAddress,
            statuses: input.statuses ?? ['pending'],
            now,
            orderBy: 'created_at',
            direction: 'desc',
            limit: 500,
            offset: 0,
          })),
        );
      }
      all.sort((a, b) => b.createdAt - a.createdAt);
      const page = all.slice(input.offset ?? 0, (input.offset ?? 0) + (input.limit ?? 10));
      const orgs = new Map<string, Organization>();
      for (const inv of page) {
        if (inv.organizationId && !orgs.has(inv.organizationId)) {
          const org = await store.organizations.findById(inv.organizationId);
          if (org) orgs.set(org.id, org);
        }
      }
      const data = page.flatMap((invitation) => {
        const organization = invitation.organizationId ? orgs.get(invitation.organizationId) : undefined;
        return organization ? [{ invitation, organization }] : [];
      });
      return { data, totalCount: all.length };
    },

    /** Accepts an invitation addressed to one of the user's verified addresses. */
    async acceptForUser(userId: string, id: string, caller: Caller): Promise<OrganizationInvitationRecord> {
      const invitation = await store.invitations.findById(id);
      const emails = (await store.emailAddresses.listByUser(userId)).filter((e) => e.verified).map((e) => e.emailAddress);
      if (invitation?.kind !== 'organization' || !invitation.emailAddress || !emails.includes(invitation.emailAddress)) {
        throw errors.notFound('organization invitation');
      }
      if (effectiveStatus(invitation, clock()) !== 'pending') throw errors.invitationNotPending();
      await consume(invitation, userId, caller);
      const organization = invitation.organizationId ? await store.organizations.findById(invitation.organizationId) : undefined;
      if (!organization) throw errors.notFound('organization');
      return { invitation: { ...invitation, status: 'accepted', updatedAt: clock() }, organization };
    },

    async countPending(organizationId: string): Promise<number> {
      return store.invitations.countPending(organizationId, clock());
    },

    // Instance invitations (`/v1/invitations`).
    async createForInstance(input: CreateInstanceInvitationInput, caller: Caller): Promise<IssuedInvitation> {
      const emailAddress = normalizeEmail(input.emailAddress);
      if (!emailAddress.includes('@')) throw errors.paramInvalid('email_address', 'must be an e-mail address');
      const now = clock();
      if (!input.ignoreExisting) {
        if ((await store.emailAddresses.findByAddress(emailAddress))?.verified) throw errors.identifierExists('email_address');
        const pending = await store.invitations.count({ kind: 'instance', emailAddress, statuses: ['pending'], now });
        if (pending > 0) throw errors.duplicateInvitation('email_address');
      }
      const days = assertDays(input.expiresInDays);
      const { ticket, hash } = newTicket();
      const invitation: Invitation = {
        id: newId('inv'),
        kind: 'instance',
        organizationId: null,
        userId: null,
        emailAddress,
        role: null,
        status: 'pending',
        publicMetadata: sizedMetadata('public_metadata', input.publicMetadata ?? {}),
        privateMetadata: {},
        redirectUrl: input.redirectUrl ?? null,
        inviterUserId: null,
        ticketHash: hash,
        signUpId: null,
        organizationDomainId: null,
        expiresAt: now + days * DAY_MS,
        createdAt: now,
        updatedAt: now,
      };
      await insert(invitation);
      const url = acceptUrl(ticket);
      if (input.notify !== false) await deps.sendInvitation({ to: emailAddress, locale: 'en', url, expiresInDays: days, caller });
      return { invitation, ticket, url };
    },

    listForInstance: (input: ListInvitationsInput) => list('instance', undefined, input),

    async revokeForInstance(id: string): Promise<Invitation> {
      const invitation = await store.invitations.findById(id);
      if (invitation?.kind !== 'instance') throw errors.notFound('invitation');
      const now = clock();
      if (effectiveStatus(invitation, now) !== 'pending' || !(await store.invitations.settle(id, 'revoked', now))) {
        throw errors.invitationNotPending();
      }
      return { ...invitation, status: 'revoked', updatedAt: now };
    },

    async deleteForInstance(id: string): Promise<string> {
      const invitation = await store.invitations.findById(id);
      if (invitation?.kind !== 'instance') throw errors.notFound('invitation');
      await store.invitations.delete(id);
      return id;
    },

    // Sign-in tokens (`/v1/sign_in_tokens`).
    async createSignInToken(input: { userId: string; expiresInSeconds?: number }): Promise<IssuedInvitation> {
      const user = await store.users.findById(input.userId);
      if (!user) throw errors.paramValueInvalid('user_id', `no user has the id ${input.userId}`);
      const seconds = input.expiresInSeconds ?? DEFAULT_SIGN_IN_TOKEN_SECONDS;
      if (!Number.isInteger(seconds) || seconds < 1 || seconds > 315_360_000) {
        throw errors.paramValueInvalid('expires_in_seconds', 'must be a whole number of seconds, at least 1');
      }
      const now = clock();
      const { ticket, hash } = newTicket();
      const invitation: Invitation = {
        id: newId('sitkn'),
        kind: 'sign_in_token',
        organizationId: null,
        userId: user.id,
        emailAddress: null,
        role: null,
        status: 'pending',
        publicMetadata: {},
        privateMetadata: {},
        redirectUrl: null,
        inviterUserId: null,
        ticketHash: hash,
        signUpId: null,
        organizationDomainId: null,
        expiresAt: now + seconds * 1000,
        createdAt: now,
        updatedAt: now,
      };
      await insert(invitation);
      return { invitation, ticket, url: acceptUrl(ticket) };
    },

    async revokeSignInToken(id: string): Promise<Invitation> {
      const invitation = await store.invitations.findById(id);
      if (invitation?.kind !== 'sign_in_token') throw errors.notFound('sign-in token');
      const now = clock();
      if (effectiveStatus(invitation, now) !== 'pending' || !(await store.invitations.settle(id, 'revoked', now))) {
        throw errors.invitationNotPending();
      }
      return { ...invitation, status: 'revoked', updatedAt: now };
    },

    /** The pending invitation or sign-in token behind a ticket, or Clerk's ticket errors. */
    async redeem(ticket: string): Promise<Invitation> {
      const invitation = ticket ? await store.invitations.findByTicketHash(hashToken(ticket)) : undefined;
      if (!invitation) throw frontendErrors.ticketInvalid();
      const status = effectiveStatus(invitation, clock());
      if (status === 'expired') throw frontendErrors.ticketExpired();
      if (status !== 'pending') throw frontendErrors.ticketInvalid();
      return invitation;
    },

    /** Where a ticket's link leads: sign-in when the invitee has an account, sign-up otherwise. */
    async destination(ticket: string): Promise<{ invitation: Invitation; signIn: boolean }> {
      const invitation = await this.redeem(ticket);
      if (invitation.kind === 'sign_in_token') return { invitation, signIn: true };
      const owner = invitation.emailAddress ? await store.emailAddresses.findWithOwner(invitation.emailAddress) : undefined;
      return { invitation, signIn: Boolean(owner?.email.verified && owner.user) };
    },

    /** Notes the sign-up that presented the ticket: its completion consumes it. */
    async attachToSignUp(invitation: Invitation, signUpId: string): Promise<void> {
      await store.invitations.update(invitation.id, { signUpId, updatedAt: clock() });
    },

    findBySignUp: (signUpId: string) => store.invitations.findBySignUp(signUpId),

    consume,
  };
}

export type InvitationService = ReturnType<typeof createInvitationService>;
