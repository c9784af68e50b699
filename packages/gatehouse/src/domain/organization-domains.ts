import { errors } from '../errors.js';
import { newId } from '../ids.js';
import type { OrganizationDomain, OrganizationEnrollmentMode, VerificationCode } from '../model/index.js';
import { UniqueViolation } from '../store/errors.js';
import type { Store } from '../store/index.js';
import type { Repositories } from '../store/repositories/index.js';
import type { Caller } from './caller.js';
import type { Clock } from './clock.js';
import type { VerificationCodes } from './frontend/verification-codes.js';
import type { OrganizationService } from './organizations.js';
import type { EventService } from './webhooks/events.js';

export const ENROLLMENT_MODES: readonly OrganizationEnrollmentMode[] = [
  'manual_invitation',
  'automatic_invitation',
  'automatic_suggestion',
];

/** Public mail providers' domains: nobody's address there proves they belong to an organization. */
const COMMON_DOMAINS = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'hotmail.com',
  'outlook.com',
  'live.com',
  'msn.com',
  'icloud.com',
  'me.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'gmx.com',
  'gmx.de',
  'mail.ru',
  'yandex.ru',
]);

const DOMAIN_NAME = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** A domain with what its wire shape reports: the affiliation code in flight and pending counts. */
export interface OrganizationDomainRecord {
  domain: OrganizationDomain;
  code: VerificationCode | undefined;
  totalPendingInvitations: number;
  totalPendingSuggestions: number;
}

export function normalizeDomainName(name: string): string {
  const normalized = name.trim().toLowerCase().replace(/\.$/, '');
  if (!DOMAIN_NAME.test(normalized)) throw errors.paramInvalid('name', 'must be a domain name such as example.com');
  if (COMMON_DOMAINS.has(normalized)) throw errors.organizationDomainCommon();
  return normalized;
}

export function assertEnrollmentMode(mode: string, param = 'enrollment_mode'): OrganizationEnrollmentMode {
  if (!ENROLLMENT_MODES.includes(mode as OrganizationEnrollmentMode)) {
    throw errors.paramValueInvalid(param, `must be one of ${ENROLLMENT_MODES.join(', ')}`);
  }
  return mode as OrganizationEnrollmentMode;
}

/**
 * Organization domains (BAPI `/v1/organizations/{id}/domains`, FAPI the same path plus affiliation
 * verification by e-mail code and `update_enrollment_mode`). Every change raises
 * `organizationDomain.created|updated|deleted` in its transaction.
 */
export function createOrganizationDomainService(deps: {
  store: Store;
  clock: Clock;
  organizations: OrganizationService;
  codes: VerificationCodes;
  events: EventService;
  /** Enrolls the users a verified domain in an automatic mode now reaches (organization-enrollment.ts). */
  enroll: (domain: OrganizationDomain, caller: Caller) => Promise<void>;
  /**
   * After a change that took back the domain's pending suggestions: revokes pending invitations as
   * asked and enrolls again the users whose suggestion went (organization-enrollment.ts).
   */
  withdraw: (
    domain: OrganizationDomain,
    options: { invitations: 'made' | 'addressed' | 'none'; users: string[] },
    caller: Caller,
  ) => Promise<void>;
}) {
  const { store, clock, organizations, codes, events, enroll, withdraw } = deps;

  /** The domain as the wire shows it, read through `repos`: the store, or a transaction's. */
  async function record(domain: OrganizationDomain, repos: Repositories = store): Promise<OrganizationDomainRecord> {
    const [code, totalPendingInvitations, totalPendingSuggestions] = await Promise.all([
      // An affiliation code is a plain code (`codes.find` adds nothing for it): read through `repos`, a transaction's too.
      repos.verificationCodes.find(domain.id, 'organization_domain'),
      // Clerk: pending invitations sent to addresses at the domain, whoever sent them.
      repos.invitations.count({
        kind: 'organization',
        organizationId: domain.organizationId,
        statuses: ['pending'],
        emailDomain: domain.name,
        now: clock(),
      }),
      repos.organizationSuggestions.countPendingByDomain(domain.id),
    ]);
    return { domain, code, totalPendingInvitations, totalPendingSuggestions };
  }

  /** A domain that no longer enrolls (unverified, renamed, or `manual_invitation`) takes back its pending suggestions. */
  const stopsEnrolling = (before: OrganizationDomain, after: OrganizationDomain) =>
    after.verifiedAt === null || after.enrollmentMode === 'manual_invitation' || after.name !== before.name;

  async function load(organizationIdOrSlug: string, domainId: string): Promise<OrganizationDomain> {
    const { organization } = await organizations.get(organizationIdOrSlug);
    const domain = await store.organizationDomains.findById(domainId);
    if (!domain || domain.organizationId !== organization.id) throw errors.notFound('organization domain');
    return domain;
  }

  /**
   * Writes `changes` and raises `organizationDomain.updated` with the domain as it then is, in one
   * transaction; with `takeBack`, the domain's pending suggestions go in that same transaction (a
   * refused or failed change keeps them). Answers the domain and the users whose suggestion went.
   */
  async function write(
    current: OrganizationDomain,
    changes: Partial<OrganizationDomain>,
    caller: Caller,
    takeBack = false,
  ): Promise<{ next: OrganizationDomain; users: string[] }> {
    const next = { ...current, ...changes };
    let users: string[] = [];
    try {
      await store.transaction(async (tx) => {
        await tx.organizationDomains.update(current.id, changes);
        users = takeBack ? await tx.organizationSuggestions.deletePendingByDomain(current.id) : [];
        await events.raise(tx, 'organizationDomain.updated', await record(next, tx), caller);
      });
    } catch (error) {
      if (error instanceof UniqueViolation) throw errors.organizationDomainExists();
      throw error;
    }
    return { next, users };
  }

  return {
    async list(
      organizationIdOrSlug: string,
      input: { enrollmentModes?: OrganizationEnrollmentMode[]; verified?: boolean; limit?: number; offset?: number },
    ): Promise<{ data: OrganizationDomainRecord[]; totalCount: number }> {
      const { organization } = await organizations.get(organizationIdOrSlug);
      const filter = { organizationId: organization.id, enrollmentModes: input.enrollmentModes, verified: input.verified };
      const [rows, totalCount] = await Promise.all([
        store.organizationDomains.list({ ...filter, limit: input.limit ?? 10, offset: input.offset ?? 0 }),
        store.organizationDomains.count(filter),
      ]);
      return { data: await Promise.all(rows.map((row) => record(row))), totalCount };
    },

    get: async (organizationIdOrSlug: string, domainId: string) => record(await load(organizationIdOrSlug, domainId)),

    /** Claims a domain for the organization; unverified unless `verified` (the Backend API's default). */
    async create(
      organizationIdOrSlug: string,
      input: { name: string; enrollmentMode?: string; verified?: boolean },
      caller: Caller,
    ): Promise<OrganizationDomainRecord> {
      const { organization } = await organizations.get(organizationIdOrSlug);
      const now = clock();
      const domain: OrganizationDomain = {
        id: newId('orgdmn'),
        organizationId: organization.id,
        name: normalizeDomainName(input.name),
        enrollmentMode: input.enrollmentMode === undefined ? 'manual_invitation' : assertEnrollmentMode(input.enrollmentMode),
        verifiedAt: input.verified ? now : null,
        affiliationEmailAddress: null,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await store.transaction(async (tx) => {
          await tx.organizationDomains.insert(domain);
          await events.raise(tx, 'organizationDomain.created', await record(domain, tx), caller);
        });
      } catch (error) {
        if (error instanceof UniqueViolation) throw errors.organizationDomainExists();
        throw error;
      }
      await enroll(domain, caller);
      return record(domain);
    },

    async update(
      organizationIdOrSlug: string,
      domainId: string,
      input: { name?: string; enrollmentMode?: string; verified?: boolean },
      caller: Caller,
    ): Promise<OrganizationDomainRecord> {
      const current = await load(organizationIdOrSlug, domainId);
      const changes: Partial<OrganizationDomain> = { updatedAt: clock() };
      if (input.name !== undefined) {
        changes.name = normalizeDomainName(input.name);
        // A renamed domain is not the one that was verified.
        if (changes.name !== current.name && input.verified === undefined) changes.verifiedAt = null;
      }
      if (input.enrollmentMode !== undefined) changes.enrollmentMode = assertEnrollmentMode(input.enrollmentMode);
      if (input.verified !== undefined) changes.verifiedAt = input.verified ? (current.verifiedAt ?? clock()) : null;
      const { next, users } = await write(current, changes, caller, stopsEnrolling(current, { ...current, ...changes }));
      await withdraw(next, { invitations: 'none', users }, caller);
      await enroll(next, caller);
      return record(next);
    },

    /**
     * Deletes the domain and takes back what it offered: its pending suggestions in the same
     * transaction, then the pending invitations it made.
     */
    async delete(organizationIdOrSlug: string, domainId: string, caller: Caller): Promise<OrganizationDomainRecord> {
      const current = await record(await load(organizationIdOrSlug, domainId));
      let users: string[] = [];
      await store.transaction(async (tx) => {
        if (!(await tx.organizationDomains.delete(domainId))) throw errors.notFound('organization domain');
        users = await tx.organizationSuggestions.deletePendingByDomain(domainId);
        await events.raise(tx, 'organizationDomain.deleted', { id: domainId }, caller);
      });
      await withdraw(current.domain, { invitations: 'made', users }, caller);
      return current;
    },

    /** Mails a code to an address at the domain; proving it verifies the domain (FAPI `prepare_affiliation_verification`). */
    async prepareAffiliation(
      organizationIdOrSlug: string,
      domainId: string,
      emailAddress: string,
      locale: string,
      caller: Caller,
    ): Promise<OrganizationDomainRecord> {
      const current = await load(organizationIdOrSlug, domainId);
      const address = emailAddress.trim().toLowerCase();
      if (!/^[^@\s]+@[^@\s]+$/.test(address)) throw errors.paramInvalid('affiliation_email_address', 'must be an e-mail address');
      if (address.split('@')[1] !== current.name) throw errors.organizationDomainMismatch();
      await codes.send({ subjectId: current.id, purpose: 'organization_domain', to: address, kind: 'verification_code', locale, caller });
      return record((await write(current, { affiliationEmailAddress: address, updatedAt: clock() }, caller)).next);
    },

    /** Checks the mailed code (three tries, ten minutes) and marks the domain verified. */
    async attemptAffiliation(
      organizationIdOrSlug: string,
      domainId: string,
      code: string,
      caller: Caller,
    ): Promise<OrganizationDomainRecord> {
      const current = await load(organizationIdOrSlug, domainId);
      await codes.check(current.id, 'organization_domain', code);
      const { next } = await write(current, { verifiedAt: clock(), updatedAt: clock() }, caller);
      await enroll(next, caller);
      return record(next);
    },

    /**
     * Sets the enrollment mode; `deletePending` also takes back the domain's pending suggestions and
     * revokes the pending invitations addressed to the domain (Clerk's "Delete pending invitations and
     * suggestions"). `manual_invitation` takes back the suggestions in any case.
     */
    async updateEnrollmentMode(
      organizationIdOrSlug: string,
      domainId: string,
      mode: string,
      caller: Caller,
      deletePending = false,
    ): Promise<OrganizationDomainRecord> {
      const current = await load(organizationIdOrSlug, domainId);
      const changes = { enrollmentMode: assertEnrollmentMode(mode), updatedAt: clock() };
      const takeBack = deletePending || stopsEnrolling(current, { ...current, ...changes });
      const { next, users } = await write(current, changes, caller, takeBack);
      // Revocations raise `organizationInvitation.revoked` each, through the invitation service.
      await withdraw(next, { invitations: deletePending ? 'addressed' : 'none', users }, caller);
      await enroll(next, caller);
      return record(next);
    },
  };
}

export type OrganizationDomainService = ReturnType<typeof createOrganizationDomainService>;
