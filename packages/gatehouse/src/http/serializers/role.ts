import type { PermissionJSON, RoleJSON } from '@clerk/shared/types';
import type { PermissionDefinition, RoleCatalog, RoleDefinition } from '../../domain/organization-settings.js';

/** Clerk's `permission` (`type`: `system` for `org:sys_…`, else `user`). */
export type PermissionWireJSON = PermissionJSON;

export function serializePermission(permission: PermissionDefinition): PermissionWireJSON {
  return {
    object: 'permission',
    id: permission.id,
    key: permission.key,
    name: permission.name,
    description: permission.description,
    type: permission.key.startsWith('org:sys_') ? 'system' : 'user',
    created_at: permission.createdAt,
    updated_at: permission.updatedAt,
  };
}

/** Clerk's `role`, with its permissions expanded, and `is_creator_eligible`, which @clerk/backend's `Role` reads. */
export type RoleWireJSON = RoleJSON & { is_creator_eligible: boolean };

export function serializeRole(role: RoleDefinition, catalog: RoleCatalog): RoleWireJSON {
  const byKey = new Map(catalog.permissions.map((p) => [p.key, p]));
  return {
    object: 'role',
    id: role.id,
    key: role.key,
    name: role.name,
    description: role.description,
    permissions: role.permissions.flatMap((key) => {
      const permission = byKey.get(key);
      return permission ? [serializePermission(permission)] : [];
    }),
    is_creator_eligible: role.permissions.includes('org:sys_memberships:manage'),
    created_at: role.createdAt,
    updated_at: role.updatedAt,
  };
}
