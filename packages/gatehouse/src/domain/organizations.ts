import { errors } from '../errors.js';
import { newId, randomBase62 } from '../ids.js';
import type { Organization, OrganizationMembership } from '../model/index.js';
import { UniqueViolation } from '../store/errors.js';
import type { Store } from '../store/index.js';
import type { Repositories } from '../store/repositories/index.js';
import {
  MEMBERSHIP_ORDER_COLUMNS,
  type MembershipOrderColumn,
  ORGANIZATION_ORDER_COLUMNS,
  type OrganizationOrderColumn,
} from '../store/repositories/organizations.js';
import type { Caller } from './caller.js';
import type { Clock } from './clock.js';
import type { InstanceSettings } from './instance.js';
import { METADATA_KEYS, type Metadata, mergeMetadata, sizedMetadata } from './metadata.js';
import { parseOrderBy } from './order-by.js';
import { BUILT_IN_ROLES, type RoleCatalog, roleCatalog } from './organization-settings.js';
import { type UserRecord, userRecordIn } from './users.js';
import type { EventService } from './webhooks/events.js';

/** The built-in roles' permissions (custom roles come from the instance settings: see `RoleCatalog`). */
export const ROLE_PERMISSIONS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  BUILT_IN_ROLES.map((role) => [role.key, role.permissions]),
);
export const ORGANIZATION_ROLES = Object.keys(ROLE_PERMISSIONS);

/** The built-in roles' permissions; prefer `RoleCatalog.permissionsFor`, which knows the custom ones. */
export function permissionsForRole(role: string): string[] {
  return [...(ROLE_PERMISSIONS[role] ?? [])];
}

function assertRole(catalog: RoleCatalog, role: string, param = 'role'): void {
  if (!catalog.find(role)) {
    throw errors.paramValueInvalid(param, `must be one of ${catalog.roles.map((r) => r.key).join(', ')}`);
  }
}

/** An organization, with its member count when it was asked for. */
export interface OrganizationRecord {
  organization: Organization;
  /** Read when asked for (`include_members_count`): members, and invitations still pending. */
  counts?: OrganizationCounts;
}

export interface OrganizationCounts {
  members: number;
  pendingInvitations: number;
}

/** A membership with what its wire shape embeds: the whole organization and the member's public data. */
export interface MembershipRecord {
  membership: OrganizationMembership;
  organization: Organization;
  user: UserRecord;
  /** The role's permissions and display name, from the instance's roles. */
  permissions: string[];
  roleName: string;
}

/** The organization a session is acting in, as session tokens and `{{org.*}}` shortcodes see it. */
export interface ActiveOrganization {
  organization: Organization;
  membership: OrganizationMembership;
  permissions: string[];
}

export interface CreateOrganizationInput {
  name: string;
  slug?: string;
  createdBy?: string;
  maxAllowedMemberships?: number;
  adminDeleteEnabled?: boolean;
  publicMetadata?: Metadata;
  privateMetadata?: Metadata;
}

export interface UpdateOrganizationInput {
  name?: string;
  slug?: string;
  maxAllowedMemberships?: number;
  adminDeleteEnabled?: boolean;
  publicMetadata?: Metadata;
  privateMetadata?: Metadata;
}

export interface ListOrganizationsInput {
  query?: string;
  organizationIds?: string[];
  /** `[+-]created_at` (default `-created_at`), `[+-]name`, `[+-]members_count`. */
  orderBy?: string;
  limit?: number;
  offset?: number;
  includeMembersCount?: boolean;
}

export interface ListMembershipsInput {
  userIds?: string[];
  roles?: string[];
  emailAddresses?: string[];
  usernames?: string[];
  query?: string;
  /** `[+-]created_at` (default `-created_at`), `first_name`, `last_name`, `username`, `email_address`. */
  orderBy?: string;
  limit?: number;
  offset?: number;
}

export type OrganizationMetadataPatch = { public_metadata?: Metadata | null; private_metadata?: Metadata | null };

const SLUG = /^[a-z0-9-]{1,100}$/;
const METADATA_FIELDS = ['public_metadata', 'private_metadata'] as const;

function normalizeName(name: string | undefined): string {
  const trimmed = name?.trim() ?? '';
  if (!trimmed) throw errors.paramMissing('name');
  if (trimmed.length > 256) throw errors.paramValueInvalid('name', 'must be at most 256 characters');
  return trimmed;
}

export function normalizeSlug(slug: string): string {
  const normalized = slug.trim().toLowerCase();
  if (!SLUG.test(normalized)) {
    throw errors.paramInvalid('slug', 'must be 1 to 100 lowercase letters, digits or "-"');
  }
  return normalized;
}

/** A slug made from a name: `Acme, Inc.` → `acme-inc`; a name with no usable letters gets a random one. */
export function slugFromName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return slug || `org-${randomBase62(10).toLowerCase()}`;
}

function assertMaxMemberships(value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
    throw errors.paramValueInvalid('max_allowed_memberships', 'must be a whole number, 0 for no limit');
  }
}

async function withSlugCheck<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof UniqueViolation) throw errors.identifierExists('slug');
    throw error;
  }
}

/** Loads the organization a session acts in; undefined when it is gone or the user is no longer a member. */
export async function loadActiveOrganization(
  store: Repositories,
  catalog: RoleCatalog,
  organizationId: string,
  userId: string,
): Promise<ActiveOrganization | undefined> {
  const membership = await store.organizationMemberships.find(organizationId, userId);
  if (!membership) return undefined;
  const organization = await store.organizations.findById(organizationId);
  if (!organization) return undefined;
  return { organization, membership, permissions: catalog.permissionsFor(membership.role) };
}

/**
 * The v2 session-token claims for an active organization (see clerk-wire §C.4): `o.per` lists the
 * permission names, `fea` the organization's features (`o:<feature>`), and `o.fpm` holds one bitmask
 * per feature whose bit j (lowest first) grants `per[j]`. `@clerk/backend` rebuilds
 * `org:<feature>:<permission>` from them, so `has({ permission })` works.
 */
export function organizationTokenClaims(active: ActiveOrganization): { o: Record<string, string>; fea?: string } {
  const features: string[] = [];
  const names: string[] = [];
  const grants: [string, string][] = [];
  for (const key of active.permissions) {
    const match = /^org:([^:]+):([^:]+)$/.exec(key);
    if (!match?.[1] || !match[2]) continue;
    const [, feature, name] = match;
    if (!features.includes(feature)) features.push(feature);
    if (!names.includes(name)) names.push(name);
    grants.push([feature, name]);
  }
  const masks = features.map((feature) =>
    grants.filter(([f]) => f === feature).reduce((mask, [, name]) => mask | (1 << names.indexOf(name)), 0),
  );
  const o: Record<string, string> = {
    id: active.organization.id,
    slg: active.organization.slug,
    rol: active.membership.role.replace(/^org:/, ''),
  };
  if (features.length === 0) return { o };
  o.per = names.join(',');
  o.fpm = masks.join(',');
  return { o, fea: features.map((f) => `o:${f}`).join(',') };
}

/** Organizations and their memberships (BAPI `/v1/organizations…`, `/v1/users/{id}/organization_memberships`). */
export function createOrganizationService(store: Store, clock: Clock, settings: () => Promise<InstanceSettings>, events: EventService) {
  const catalog = async () => roleCatalog((await settings()).organizations);
  /**
   * A membership as it is inside transaction `tx`, for its event. `roles` is read by the caller
   * before the transaction: the settings may be re-read through the store, which on SQLite (one
   * connection) would wait for this very transaction.
   */
  async function raiseMembership(
    tx: Repositories,
    type: 'organizationMembership.created' | 'organizationMembership.updated' | 'organizationMembership.deleted',
    membership: OrganizationMembership,
    organization: Organization,
    roles: RoleCatalog,
    caller: Caller,
  ): Promise<void> {
    const user = await userRecordIn(tx, membership.userId);
    if (!user) return;
    await events.raise(
      tx,
      type,
      {
        membership,
        organization,
        user,
        permissions: roles.permissionsFor(membership.role),
        roleName: roles.roleName(membership.role),
      },
      caller,
    );
  }

  /** Writes `changes` to a membership and raises `organizationMembership.updated` with the result, in one transaction. */
  async function updateMembership(
    current: MembershipRecord,
    changes: Partial<OrganizationMembership>,
    roles: RoleCatalog,
    caller: Caller,
  ): Promise<void> {
    await store.transaction(async (tx) => {
      await tx.organizationMemberships.update(current.membership.id, changes);
      await raiseMembership(
        tx,
        'organizationMembership.updated',
        { ...current.membership, ...changes },
        current.organization,
        roles,
        caller,
      );
    });
  }

  /** Inserts a membership inside `tx` (quota and uniqueness checked) and raises its event there. */
  async function insertMembership(
    tx: Repositories,
    organization: Organization,
    membership: OrganizationMembership,
    roles: RoleCatalog,
    caller: Caller,
  ): Promise<void> {
    if (await tx.organizationMemberships.find(organization.id, membership.userId)) throw errors.alreadyMember();
    const limit = organization.maxAllowedMemberships;
    if (limit > 0 && (await tx.organizationMemberships.count({ organizationId: organization.id })) >= limit) {
      throw errors.membershipQuotaExceeded(limit);
    }
    try {
      await tx.organizationMemberships.insert(membership);
    } catch (error) {
      if (error instanceof UniqueViolation) throw errors.alreadyMember();
      throw error;
    }
    await raiseMembership(tx, 'organizationMembership.created', membership, organization, roles, caller);
  }

  async function find(idOrSlug: string): Promise<Organization | undefined> {
    if (idOrSlug.startsWith('org_')) return store.organizations.findById(idOrSlug);
    return store.organizations.findBySlug(idOrSlug.toLowerCase());
  }

  async function load(idOrSlug: string): Promise<Organization> {
    const row = await find(idOrSlug);
    if (!row) throw errors.notFound('organization');
    return row;
  }

  /** Members and pending invitations of each organization (none counted as 0). */
  async function countsOf(organizationIds: string[]): Promise<(id: string) => OrganizationCounts> {
    const [members, pending] = await Promise.all([
      store.organizationMemberships.countByOrganizations(organizationIds),
      store.invitations.countPendingByOrganizations(organizationIds, clock()),
    ]);
    return (id) => ({ members: members.get(id) ?? 0, pendingInvitations: pending.get(id) ?? 0 });
  }

  async function withCount(organization: Organization, include: boolean | undefined): Promise<OrganizationRecord> {
    if (!include) return { organization };
    const counts = await countsOf([organization.id]);
    return { organization, counts: counts(organization.id) };
  }

  async function usersById(userIds: string[]): Promise<Map<string, UserRecord>> {
    const ids = [...new Set(userIds)];
    if (ids.length === 0) return new Map();
    const users = await store.users.list({ userIds: ids, orderBy: 'created_at', direction: 'asc', limit: ids.length, offset: 0 });
    const emails = await store.emailAddresses.listByUsers(ids);
    return new Map(users.map((user) => [user.id, { user, emailAddresses: emails.filter((e) => e.userId === user.id) }]));
  }

  /** Attaches organizations and users to membership rows in three queries, whatever the page size. */
  async function records(rows: OrganizationMembership[], organization?: Organization): Promise<MembershipRecord[]> {
    const roles = await catalog();
    const users = await usersById(rows.map((r) => r.userId));
    const organizations = organization
      ? new Map([[organization.id, organization]])
      : new Map((await store.organizations.findByIds([...new Set(rows.map((r) => r.organizationId))])).map((o) => [o.id, o]));
    return rows.flatMap((membership) => {
      const user = users.get(membership.userId);
      const org = organizations.get(membership.organizationId);
      return user && org
        ? [
            {
              membership,
              organization: org,
              user,
              permissions: roles.permissionsFor(membership.role),
              roleName: roles.roleName(membership.role),
            },
          ]
        : [];
    });
  }

  async function loadMembership(organizationIdOrSlug: string, userId: string): Promise<MembershipRecord> {
    const organization = await load(organizationIdOrSlug);
    const membership = await store.organizationMemberships.find(organization.id, userId);
    if (!membership) throw errors.notFound('organization membership');
    const [record] = await records([membership], organization);
    if (!record) throw errors.notFound('organization membership');
    return record;
  }

  async function writeMetadata(
    idOrSlug: string,
    patch: OrganizationMetadataPatch,
    mode: 'merge' | 'replace',
    caller: Caller,
  ): Promise<Organization> {
    const current = await load(idOrSlug);
    const changes: Partial<Organization> = { updatedAt: clock() };
    for (const field of METADATA_FIELDS) {
      const value = patch[field];
      if (value === undefined) continue;
      const key = METADATA_KEYS[field];
      changes[key] = sizedMetadata(field, mode === 'merge' ? mergeMetadata(current[key], value ?? {}) : (value ?? {}));
    }
    const next = { ...current, ...changes };
    await store.transaction(async (tx) => {
      await tx.organizations.update(current.id, changes);
      await events.raise(tx, 'organization.updated', next, caller);
    });
    return next;
  }

  return {
    find,
    get: async (idOrSlug: string, options: { includeMembersCount?: boolean } = {}) =>
      withCount(await load(idOrSlug), options.includeMembersCount),

    async list(input: ListOrganizationsInput): Promise<{ data: OrganizationRecord[]; totalCount: number }> {
      const { column, direction } = parseOrderBy<OrganizationOrderColumn>(input.orderBy, ORGANIZATION_ORDER_COLUMNS);
      const filter = { query: input.query, organizationIds: input.organizationIds };
      const [rows, totalCount] = await Promise.all([
        store.organizations.list({ ...filter, orderBy: column, direction, limit: input.limit ?? 10, offset: input.offset ?? 0 }),
        store.organizations.count(filter),
      ]);
      if (!input.includeMembersCount) return { data: rows.map((organization) => ({ organization })), totalCount };
      const counts = await countsOf(rows.map((r) => r.id));
      return { data: rows.map((organization) => ({ organization, counts: counts(organization.id) })), totalCount };
    },

    /** Creates an organization; `createdBy` (a user id) becomes its first `org:admin`. */
    async create(input: CreateOrganizationInput, caller: Caller): Promise<OrganizationRecord> {
      const name = normalizeName(input.name);
      const slug = input.slug !== undefined ? normalizeSlug(input.slug) : slugFromName(name);
      assertMaxMemberships(input.maxAllowedMemberships);
      const { organizations: orgSettings } = await settings();
      const roles = roleCatalog(orgSettings);
      if (input.createdBy !== undefined && !(await store.users.findById(input.createdBy))) {
        throw errors.paramValueInvalid('created_by', `no user has the id ${input.createdBy}`);
      }
      const now = clock();
      const organization: Organization = {
        id: newId('org'),
        name,
        slug,
        imageUrl: null,
        maxAllowedMemberships: input.maxAllowedMemberships ?? orgSettings.maxAllowedMemberships,
        adminDeleteEnabled: input.adminDeleteEnabled ?? orgSettings.adminDeleteEnabled,
        publicMetadata: sizedMetadata('public_metadata', input.publicMetadata ?? {}),
        privateMetadata: sizedMetadata('private_metadata', input.privateMetadata ?? {}),
        createdBy: input.createdBy ?? null,
        createdAt: now,
        updatedAt: now,
      };
      await withSlugCheck(() =>
        store.transaction(async (tx) => {
          await tx.organizations.insert(organization);
          await events.raise(tx, 'organization.created', organization, caller);
          if (input.createdBy) {
            const membership: OrganizationMembership = {
              id: newId('orgmem'),
              organizationId: organization.id,
              userId: input.createdBy,
              role: orgSettings.creatorRole,
              publicMetadata: {},
              privateMetadata: {},
              createdAt: now,
              updatedAt: now,
            };
            await tx.organizationMemberships.insert(membership);
            await raiseMembership(tx, 'organizationMembership.created', membership, organization, roles, caller);
          }
        }),
      );
      return { organization };
    },

    async update(idOrSlug: string, input: UpdateOrganizationInput, caller: Caller): Promise<OrganizationRecord> {
      const current = await load(idOrSlug);
      assertMaxMemberships(input.maxAllowedMemberships);
      const changes: Partial<Organization> = { updatedAt: clock() };
      if (input.name !== undefined) changes.name = normalizeName(input.name);
      if (input.slug !== undefined) changes.slug = normalizeSlug(input.slug);
      if (input.maxAllowedMemberships !== undefined) changes.maxAllowedMemberships = input.maxAllowedMemberships;
      if (input.adminDeleteEnabled !== undefined) changes.adminDeleteEnabled = input.adminDeleteEnabled;
      if (input.publicMetadata !== undefined) changes.publicMetadata = sizedMetadata('public_metadata', input.publicMetadata);
      if (input.privateMetadata !== undefined) changes.privateMetadata = sizedMetadata('private_metadata', input.privateMetadata);
      await withSlugCheck(() =>
        store.transaction(async (tx) => {
          await tx.organizations.update(current.id, changes);
          await events.raise(tx, 'organization.updated', { ...current, ...changes }, caller);
        }),
      );
      return { organization: { ...current, ...changes } };
    },

    mergeMetadata: async (idOrSlug: string, patch: OrganizationMetadataPatch, caller: Caller): Promise<OrganizationRecord> => ({
      organization: await writeMetadata(idOrSlug, patch, 'merge', caller),
    }),
    replaceMetadata: async (idOrSlug: string, patch: OrganizationMetadataPatch, caller: Caller): Promise<OrganizationRecord> => ({
      organization: await writeMetadata(idOrSlug, patch, 'replace', caller),
    }),

    /** Deletes an organization and its memberships, and clears it from sessions acting in it; returns its id. */
    async delete(idOrSlug: string, caller: Caller): Promise<string> {
      const current = await load(idOrSlug);
      const deleted = await store.transaction(async (tx) => {
        await tx.sessions.clearActiveOrganization(current.id, clock());
        const gone = await tx.organizations.delete(current.id);
        if (gone) await events.raise(tx, 'organization.deleted', { id: current.id }, caller);
        return gone;
      });
      if (!deleted) throw errors.notFound('organization');
      return current.id;
    },

    async createMembership(
      organizationIdOrSlug: string,
      input: { userId: string; role: string },
      caller: Caller,
    ): Promise<MembershipRecord> {
      const organization = await load(organizationIdOrSlug);
      const roles = await catalog();
      assertRole(roles, input.role);
      if (!(await store.users.findById(input.userId))) throw errors.paramValueInvalid('user_id', `no user has the id ${input.userId}`);
      const now = clock();
      const membership: OrganizationMembership = {
        id: newId('orgmem'),
        organizationId: organization.id,
        userId: input.userId,
        role: input.role,
        publicMetadata: {},
        privateMetadata: {},
        createdAt: now,
        updatedAt: now,
      };
      await store.transaction((tx) => insertMembership(tx, organization, membership, roles, caller));
      const [record] = await records([membership], organization);
      if (!record) throw errors.notFound('organization membership');
      return record;
    },

    /**
     * Makes the user a member inside the caller's transaction `tx` (an invitation being accepted),
     * unless they already are; its `organizationMembership.created` commits with that transaction.
     */
    async addMemberIn(
      tx: Repositories,
      organization: Organization,
      input: { userId: string; role: string },
      roles: RoleCatalog,
      caller: Caller,
    ): Promise<void> {
      if (await tx.organizationMemberships.find(organization.id, input.userId)) return;
      const now = clock();
      await insertMembership(
        tx,
        organization,
        {
          id: newId('orgmem'),
          organizationId: organization.id,
          userId: input.userId,
          role: input.role,
          publicMetadata: {},
          privateMetadata: {},
          createdAt: now,
          updatedAt: now,
        },
        roles,
        caller,
      );
    },

    async listMemberships(
      organizationIdOrSlug: string,
      input: ListMembershipsInput = {},
    ): Promise<{ data: MembershipRecord[]; totalCount: number }> {
      const organization = await load(organizationIdOrSlug);
      const { column, direction } = parseOrderBy<MembershipOrderColumn>(input.orderBy, MEMBERSHIP_ORDER_COLUMNS);
      const filter = {
        organizationId: organization.id,
        userIds: input.userIds,
        roles: input.roles,
        emailAddresses: input.emailAddresses,
        usernames: input.usernames,
        query: input.query,
      };
      const [rows, totalCount] = await Promise.all([
        store.organizationMemberships.list({ ...filter, orderBy: column, direction, limit: input.limit ?? 10, offset: input.offset ?? 0 }),
        store.organizationMemberships.count(filter),
      ]);
      return { data: await records(rows, organization), totalCount };
    },

    /** Every organization's memberships (BAPI `GET /v1/organization_memberships`). */
    async listInstanceMemberships(
      input: { orderBy?: string; limit?: number; offset?: number } = {},
    ): Promise<{ data: MembershipRecord[]; totalCount: number }> {
      const { column, direction } = parseOrderBy<MembershipOrderColumn>(input.orderBy, MEMBERSHIP_ORDER_COLUMNS);
      const [rows, totalCount] = await Promise.all([
        store.organizationMemberships.list({ orderBy: column, direction, limit: input.limit ?? 10, offset: input.offset ?? 0 }),
        store.organizationMemberships.count({}),
      ]);
      return { data: await records(rows), totalCount };
    },

    /** A user's memberships across organizations, newest first. */
    async listUserMemberships(userId: string, limit = 10, offset = 0): Promise<{ data: MembershipRecord[]; totalCount: number }> {
      if (!(await store.users.findById(userId))) throw errors.notFound('user');
      const [rows, totalCount] = await Promise.all([
        store.organizationMemberships.listByUser(userId, limit, offset),
        store.organizationMemberships.countByUser(userId),
      ]);
      return { data: await records(rows), totalCount };
    },

    getMembership: loadMembership,
    catalog,
    records,

    /**
     * The caller's membership when it grants `permission` (any membership when none is named): a
     * non-member gets Clerk's 404 `organization_not_found_or_unauthorized`, a member without the
     * permission 403 `not_authorized_in_organization`.
     */
    async authorize(organizationId: string, userId: string, permission?: string): Promise<MembershipRecord> {
      const organization = await find(organizationId);
      const membership = organization ? await store.organizationMemberships.find(organization.id, userId) : undefined;
      if (!organization || !membership) throw errors.organizationNotFoundOrUnauthorized();
      const [record] = await records([membership], organization);
      if (!record) throw errors.organizationNotFoundOrUnauthorized();
      if (permission && !record.permissions.includes(permission)) throw errors.notAuthorizedInOrganization(permission);
      return record;
    },

    /**
     * Refuses a change that would leave the organization with nobody who can manage its members: the
     * last such member cannot leave, be removed, or take a role without that permission.
     */
    async assertKeepsManager(organizationId: string, userId: string, newRole?: string): Promise<void> {
      const roles = await catalog();
      const managerRoles = roles.roles.filter((r) => r.permissions.includes('org:sys_memberships:manage')).map((r) => r.key);
      const current = await store.organizationMemberships.find(organizationId, userId);
      if (!current || !managerRoles.includes(current.role)) return;
      if (newRole !== undefined && managerRoles.includes(newRole)) return;
      const managers = await store.organizationMemberships.count({ organizationId, roles: managerRoles });
      if (managers <= 1) throw errors.minimumPermissionsNeeded();
    },

    /** Whether the user belongs to the organization (by id), without loading either. */
    async isMember(organizationId: string, userId: string): Promise<boolean> {
      return Boolean(await store.organizationMemberships.find(organizationId, userId));
    },

    async updateMembership(
      organizationIdOrSlug: string,
      userId: string,
      input: { role: string },
      caller: Caller,
    ): Promise<MembershipRecord> {
      const roles = await catalog();
      assertRole(roles, input.role);
      const current = await loadMembership(organizationIdOrSlug, userId);
      const changes = { role: input.role, updatedAt: clock() };
      await updateMembership(current, changes, roles, caller);
      return {
        ...current,
        membership: { ...current.membership, ...changes },
        permissions: roles.permissionsFor(input.role),
        roleName: roles.roleName(input.role),
      };
    },

    async mergeMembershipMetadata(
      organizationIdOrSlug: string,
      userId: string,
      patch: OrganizationMetadataPatch,
      caller: Caller,
    ): Promise<MembershipRecord> {
      const current = await loadMembership(organizationIdOrSlug, userId);
      const roles = await catalog();
      const changes: Partial<OrganizationMembership> = { updatedAt: clock() };
      for (const field of METADATA_FIELDS) {
        const value = patch[field];
        if (value === undefined) continue;
        const key = METADATA_KEYS[field];
        changes[key] = sizedMetadata(field, mergeMetadata(current.membership[key], value ?? {}));
      }
      await updateMembership(current, changes, roles, caller);
      return { ...current, membership: { ...current.membership, ...changes } };
    },

    /**
     * Removes a member (their sessions stop acting in the organization); returns the membership as it
     * was, which is what the SDK expects back.
     */
    async deleteMembership(organizationIdOrSlug: string, userId: string, caller: Caller): Promise<MembershipRecord> {
      const current = await loadMembership(organizationIdOrSlug, userId);
      const deleted = await store.transaction(async (tx) => {
        await tx.sessions.clearActiveOrganization(current.organization.id, clock(), userId);
        const gone = await tx.organizationMemberships.delete(current.membership.id);
        if (gone) await events.raise(tx, 'organizationMembership.deleted', current, caller);
        return gone;
      });
      if (!deleted) throw errors.notFound('organization membership');
      return current;
    },
  };
}

export type OrganizationService = ReturnType<typeof createOrganizationService>;
