import { errors } from '../errors.js';
import { newId } from '../ids.js';
import type { Repositories } from '../store/repositories/index.js';
import type { Caller } from './caller.js';
import type { Clock } from './clock.js';
import type { InstanceService } from './instance.js';
import {
  BUILT_IN_ROLES,
  type OrganizationSettings,
  PERMISSION_KEY,
  type PermissionDefinition,
  type RestrictionSettings,
  ROLE_KEY,
  type RoleCatalog,
  type RoleDefinition,
  roleCatalog,
  validateOrganizationSettings,
  withIds,
} from './organization-settings.js';
import type { EventService, RoleEvent } from './webhooks/events.js';

export interface RoleInput {
  key?: string;
  name?: string;
  description?: string;
  permissions?: string[];
}

/**
 * Custom roles and permissions, the organization settings, restrictions and allow/blocklist
 * identifiers: all kept in the instance settings (so every node sees a change at once, and the
 * config file writes the same place). Changes to roles and permissions raise `role.*` and
 * `permission.*` in the transaction that writes the settings.
 */
export function createOrganizationRoleService(instance: InstanceService, clock: Clock, events: EventService) {
  async function writeOrganizations(
    change: (current: OrganizationSettings) => OrganizationSettings,
    raise?: (tx: Repositories, catalog: RoleCatalog) => Promise<void>,
  ): Promise<OrganizationSettings> {
    const next = await instance.updateSettings(
      (settings) => {
        let changed: OrganizationSettings;
        try {
          changed = validateOrganizationSettings(change(withIds(settings.organizations)));
        } catch (error) {
          if (error instanceof Error && !('status' in error)) throw errors.paramValueInvalid('permissions', error.message);
          throw error;
        }
        return { ...settings, organizations: changed };
      },
      raise && ((tx, written) => raise(tx, roleCatalog(written.organizations))),
    );
    return next.organizations;
  }

  /** `role.created|updated` for the role as the written catalog has it (its permissions expanded from there). */
  const raiseRole =
    (type: 'role.created' | 'role.updated', id: string, caller: Caller) => async (tx: Repositories, catalog: RoleCatalog) => {
      const role = catalog.roles.find((r) => r.id === id);
      if (role) await events.raise(tx, type, { role, catalog }, caller);
    };

  const catalog = async () => roleCatalog((await instance.settings()).organizations);

  function findCustomRole(settings: OrganizationSettings, idOrKey: string): RoleDefinition {
    const role = withIds(settings).roles.find((r) => r.id === idOrKey || r.key === idOrKey) as RoleDefinition | undefined;
    if (!role) {
      if (BUILT_IN_ROLES.some((r) => r.id === idOrKey || r.key === idOrKey))
        throw errors.paramValueInvalid('role', 'built-in roles cannot be changed');
      throw errors.notFound('role');
    }
    return role;
  }

  return {
    catalog,

    async getRole(idOrKey: string): Promise<RoleDefinition> {
      const role = (await catalog()).roles.find((r) => r.id === idOrKey || r.key === idOrKey);
      if (!role) throw errors.notFound('role');
      return role;
    },

    async createRole(input: RoleInput, caller: Caller): Promise<RoleDefinition> {
      if (!input.key) throw errors.paramMissing('key');
      if (!input.name) throw errors.paramMissing('name');
      if (!ROLE_KEY.test(input.key)) throw errors.paramInvalid('key', 'must look like org:<name> (lowercase letters, digits, _)');
      const now = clock();
      const role: RoleDefinition = {
        id: newId('role'),
        key: input.key,
        name: input.name,
        description: input.description ?? '',
        permissions: input.permissions ?? [],
        createdAt: now,
        updatedAt: now,
      };
      const current = await catalog();
      if (current.find(role.key)) throw errors.identifierExists('key');
      await writeOrganizations((s) => ({ ...s, roles: [...s.roles, role] }), raiseRole('role.created', role.id, caller));
      return role;
    },

    async updateRole(idOrKey: string, input: RoleInput, caller: Caller): Promise<RoleDefinition> {
      let updated: RoleDefinition | undefined;
      await writeOrganizations(
        (s) => {
          const role = findCustomRole(s, idOrKey);
          if (input.key !== undefined && input.key !== role.key) {
            throw errors.paramValueInvalid('key', 'a role key cannot change (members hold it)');
          }
          updated = {
            ...role,
            name: input.name ?? role.name,
            description: input.description ?? role.description,
            permissions: input.permissions ?? role.permissions,
            updatedAt: clock(),
          };
          return { ...s, roles: s.roles.map((r) => (r.id === role.id ? (updated as RoleDefinition) : r)) };
        },
        async (tx, catalog) => {
          if (updated) await raiseRole('role.updated', updated.id, caller)(tx, catalog);
        },
      );
      if (!updated) throw errors.notFound('role');
      return updated;
    },

    /** `role.deleted` carries the role as it was, its permissions expanded from the catalog before the deletion. */
    async deleteRole(idOrKey: string, caller: Caller): Promise<string> {
      let deleted: RoleEvent | undefined;
      await writeOrganizations(
        (s) => {
          const role = findCustomRole(s, idOrKey);
          if (s.creatorRole === role.key || s.defaultRole === role.key) {
            throw errors.paramValueInvalid('role', 'the creator or default role cannot be deleted');
          }
          deleted = { role, catalog: roleCatalog(s) };
          return { ...s, roles: s.roles.filter((r) => r.id !== role.id) };
        },
        async (tx) => {
          if (deleted) await events.raise(tx, 'role.deleted', deleted, caller);
        },
      );
      if (!deleted) throw errors.notFound('role');
      return deleted.role.id;
    },

    async setRolePermission(roleIdOrKey: string, permissionIdOrKey: string, present: boolean, caller: Caller): Promise<RoleDefinition> {
      const permission = (await catalog()).permissions.find((p) => p.id === permissionIdOrKey || p.key === permissionIdOrKey);
      if (!permission) throw errors.notFound('permission');
      const role = findCustomRole((await instance.settings()).organizations, roleIdOrKey);
      const permissions = present
        ? [...new Set([...role.permissions, permission.key])]
        : role.permissions.filter((key) => key !== permission.key);
      return this.updateRole(role.id, { permissions }, caller);
    },

    async getPermission(idOrKey: string): Promise<PermissionDefinition> {
      const permission = (await catalog()).permissions.find((p) => p.id === idOrKey || p.key === idOrKey);
      if (!permission) throw errors.notFound('permission');
      return permission;
    },

    async createPermission(input: { key?: string; name?: string; description?: string }, caller: Caller): Promise<PermissionDefinition> {
      if (!input.key) throw errors.paramMissing('key');
      if (!input.name) throw errors.paramMissing('name');
      if (!PERMISSION_KEY.test(input.key) || input.key.startsWith('org:sys_')) {
        throw errors.paramInvalid('key', 'must look like org:<feature>:<action> (lowercase letters, digits, _; not org:sys_…)');
      }
      if ((await catalog()).permissions.some((p) => p.key === input.key)) throw errors.identifierExists('key');
      const now = clock();
      const permission: PermissionDefinition = {
        id: newId('perm'),
        key: input.key,
        name: input.name,
        description: input.description ?? '',
        createdAt: now,
        updatedAt: now,
      };
      await writeOrganizations(
        (s) => ({ ...s, permissions: [...s.permissions, permission] }),
        (tx) => events.raise(tx, 'permission.created', permission, caller).then(() => undefined),
      );
      return permission;
    },

    async updatePermission(
      idOrKey: string,
      input: { name?: string; description?: string; key?: string },
      caller: Caller,
    ): Promise<PermissionDefinition> {
      let updated: PermissionDefinition | undefined;
      await writeOrganizations(
        (s) => {
          const permission = withIds(s).permissions.find((p) => p.id === idOrKey || p.key === idOrKey) as PermissionDefinition | undefined;
          if (!permission) throw errors.notFound('permission');
          if (input.key !== undefined && input.key !== permission.key)
            throw errors.paramValueInvalid('key', 'a permission key cannot change');
          updated = {
            ...permission,
            name: input.name ?? permission.name,
            description: input.description ?? permission.description,
            updatedAt: clock(),
          };
          return { ...s, permissions: s.permissions.map((p) => (p.id === permission.id ? (updated as PermissionDefinition) : p)) };
        },
        async (tx) => {
          if (updated) await events.raise(tx, 'permission.updated', updated, caller);
        },
      );
      if (!updated) throw errors.notFound('permission');
      return updated;
    },

    /** Takes the permission off every role too: each role that had it is updated (`role.updated`). */
    async deletePermission(idOrKey: string, caller: Caller): Promise<string> {
      let deleted: PermissionDefinition | undefined;
      let holders: string[] = [];
      await writeOrganizations(
        (s) => {
          const permission = withIds(s).permissions.find((p) => p.id === idOrKey || p.key === idOrKey) as PermissionDefinition | undefined;
          if (!permission?.id) throw errors.notFound('permission');
          deleted = permission;
          const now = clock();
          const roles = s.roles as RoleDefinition[];
          holders = roles.filter((r) => r.permissions.includes(permission.key)).map((r) => r.id);
          return {
            ...s,
            permissions: s.permissions.filter((p) => p.key !== permission.key),
            roles: roles.map((r) =>
              holders.includes(r.id) ? { ...r, permissions: r.permissions.filter((k) => k !== permission.key), updatedAt: now } : r,
            ),
          };
        },
        async (tx, catalog) => {
          if (deleted) await events.raise(tx, 'permission.deleted', deleted, caller);
          for (const roleId of holders) await raiseRole('role.updated', roleId, caller)(tx, catalog);
        },
      );
      if (!deleted) throw errors.notFound('permission');
      return deleted.id;
    },

    organizationSettings: async () => (await instance.settings()).organizations,
    updateOrganizationSettings: (change: Partial<OrganizationSettings>) => writeOrganizations((s) => ({ ...s, ...change })),

    restrictions: async () => (await instance.settings()).restrictions,
    async updateRestrictions(change: Partial<RestrictionSettings>): Promise<RestrictionSettings> {
      const next = await instance.updateSettings((s) => ({ ...s, restrictions: { ...s.restrictions, ...change } }));
      return next.restrictions;
    },

    /** Adds an allowlist or blocklist identifier (an address, or a domain as `@domain`, `domain` or `*.domain`). */
    async addIdentifier(list: 'allowlist' | 'blocklist', identifier: string) {
      const value = identifier.trim().toLowerCase();
      if (!value || value.length > 320 || /\s/.test(value))
        throw errors.paramInvalid('identifier', 'must be an e-mail address or a domain');
      const now = clock();
      const entry = { id: newId(list === 'allowlist' ? 'alid' : 'blid'), identifier: value, createdAt: now, updatedAt: now };
      const key = list === 'allowlist' ? 'allowlistIdentifiers' : 'blocklistIdentifiers';
      await instance.updateSettings((s) => {
        if (s.restrictions[key].some((e) => e.identifier === value)) throw errors.identifierExists('identifier');
        return { ...s, restrictions: { ...s.restrictions, [key]: [...s.restrictions[key], entry] } };
      });
      return entry;
    },

    async removeIdentifier(list: 'allowlist' | 'blocklist', id: string): Promise<string> {
      const key = list === 'allowlist' ? 'allowlistIdentifiers' : 'blocklistIdentifiers';
      await instance.updateSettings((s) => {
        if (!s.restrictions[key].some((e) => e.id === id)) throw errors.notFound(`${list} identifier`);
        return { ...s, restrictions: { ...s.restrictions, [key]: s.restrictions[key].filter((e) => e.id !== id) } };
      });
      return id;
    },
  };
}

export type OrganizationRoleService = ReturnType<typeof createOrganizationRoleService>;
