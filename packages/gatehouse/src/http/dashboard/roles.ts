import * as z from 'zod';
import { BUILT_IN_ROLES } from '../../domain/organization-settings.js';
import { errors } from '../../errors.js';
import { idParams } from '../params.js';
import { sendJson } from '../reply.js';
import { roleBodies } from '../role-bodies.js';
import { serializeDeleted } from '../serializers/deleted.js';
import { serializePermission, serializeRole } from '../serializers/role.js';
import { parseInput } from '../validation.js';
import type { DashboardFeature } from './route.js';

const text = (max: number) => z.string().trim().min(1).max(max);
const { role: customRoleBody, permission: permissionBody } = roleBodies({ trim: true });
const roleSettingsBody = z.object({ creator_role: text(100).optional(), default_role: text(100).optional() }).strict();

const BUILT_IN_KEYS = new Set(BUILT_IN_ROLES.map((r) => r.key));
/** The organization settings this page edits: body field → the setting's path (what the config file names). */
const ROLE_SETTINGS = { creator_role: 'organizations.creatorRole', default_role: 'organizations.defaultRole' } as const;

/**
 * Roles & permissions: the instance's custom roles and permissions and the creator and default
 * roles, instance-wide as on Clerk, through the Backend API's role service
 * (`/v1/organization_roles`, `/v1/instance/organization_settings`). Every change is audited; a
 * role setting the config file names is read-only (the file wins at every start).
 */
export function registerDashboardRoles({ route, record, domain }: DashboardFeature, options: { configLocked: string[] }): void {
  const roles = domain.organizationRoles;
  const lockedFields = (Object.keys(ROLE_SETTINGS) as (keyof typeof ROLE_SETTINGS)[]).filter((field) =>
    options.configLocked.includes(ROLE_SETTINGS[field]),
  );
  const catalogJson = async () => {
    const catalog = await roles.catalog();
    const settings = await roles.organizationSettings();
    return {
      roles: catalog.roles.map((r) => ({ ...serializeRole(r, catalog), built_in: BUILT_IN_KEYS.has(r.key) })),
      permissions: catalog.permissions.map(serializePermission),
      creator_role: settings.creatorRole,
      default_role: catalog.defaultRole,
      config_locked: lockedFields,
    };
  };
  route('GET', '/organization-roles', async (_request, reply) => sendJson(reply, 200, await catalogJson()));

  // The creator role (given to whoever creates an organization) and the default role (invitations,
  // domain enrollment): only existing roles, as the Backend API's organization settings allow.
  route('PATCH', '/organization-settings', async (request, reply, context) => {
    const body = parseInput(roleSettingsBody, request.body);
    const catalog = await roles.catalog();
    const change: { creatorRole?: string; defaultRole?: string } = {};
    for (const field of Object.keys(ROLE_SETTINGS) as (keyof typeof ROLE_SETTINGS)[]) {
      const key = body[field];
      if (key === undefined) continue;
      if (lockedFields.includes(field)) {
        throw errors.paramValueInvalid(field, 'is set by the config file, which wins over the dashboard; change it there and restart');
      }
      if (!catalog.find(key)) throw errors.paramValueInvalid(field, `must be one of ${catalog.roles.map((r) => r.key).join(', ')}`);
      change[field === 'creator_role' ? 'creatorRole' : 'defaultRole'] = key;
    }
    await roles.updateOrganizationSettings(change);
    await record(context, { action: 'organization_settings.update', targetType: 'instance', detail: { changed: body } });
    return sendJson(reply, 200, await catalogJson());
  });

  route('POST', '/organization-roles', async (request, reply, context) => {
    const role = await roles.createRole(parseInput(customRoleBody, request.body), context.caller);
    await record(context, {
      action: 'organization_role.create',
      targetType: 'role',
      targetId: role.id,
      detail: { key: role.key, permissions: role.permissions },
    });
    return sendJson(reply, 200, serializeRole(role, await roles.catalog()));
  });
  route('PATCH', '/organization-roles/:id', async (request, reply, context) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(customRoleBody, request.body);
    const role = await roles.updateRole(id, body, context.caller);
    await record(context, {
      action: 'organization_role.update',
      targetType: 'role',
      targetId: role.id,
      detail: { key: role.key, changed: body },
    });
    return sendJson(reply, 200, serializeRole(role, await roles.catalog()));
  });
  route('DELETE', '/organization-roles/:id', async (request, reply, context) => {
    const { id } = parseInput(idParams, request.params);
    const deleted = await roles.deleteRole(id, context.caller);
    await record(context, { action: 'organization_role.delete', targetType: 'role', targetId: deleted });
    return sendJson(reply, 200, serializeDeleted('role', deleted));
  });
  route('POST', '/organization-permissions', async (request, reply, context) => {
    const permission = await roles.createPermission(parseInput(permissionBody, request.body), context.caller);
    await record(context, {
      action: 'organization_permission.create',
      targetType: 'permission',
      targetId: permission.id,
      detail: { key: permission.key },
    });
    return sendJson(reply, 200, serializePermission(permission));
  });
  route('PATCH', '/organization-permissions/:id', async (request, reply, context) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(permissionBody, request.body);
    const permission = await roles.updatePermission(id, body, context.caller);
    await record(context, {
      action: 'organization_permission.update',
      targetType: 'permission',
      targetId: permission.id,
      detail: { changed: body },
    });
    return sendJson(reply, 200, serializePermission(permission));
  });
  route('DELETE', '/organization-permissions/:id', async (request, reply, context) => {
    const { id } = parseInput(idParams, request.params);
    const deleted = await roles.deletePermission(id, context.caller);
    await record(context, { action: 'organization_permission.delete', targetType: 'permission', targetId: deleted });
    return sendJson(reply, 200, serializeDeleted('permission', deleted));
  });
}
