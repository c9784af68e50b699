import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { Domain } from '../../domain/index.js';
import { assertEnrollmentMode } from '../../domain/organization-domains.js';
import type { RestrictionSettings } from '../../domain/organization-settings.js';
import { errors } from '../../errors.js';
import { backendCaller } from '../caller.js';
import { idParams, pagination } from '../params.js';
import { sendJson } from '../reply.js';
import { roleBodies } from '../role-bodies.js';
import { serializeDeleted } from '../serializers/deleted.js';
import { serializeOrganizationSettings } from '../serializers/organization-settings.js';
import { serializePage } from '../serializers/page.js';
import { serializeAllowlistIdentifier, serializeBlocklistIdentifier, serializeInstanceRestrictions } from '../serializers/restrictions.js';
import { serializePermission, serializeRole } from '../serializers/role.js';
import { parseInput } from '../validation.js';

const listQuery = z.object({ ...pagination, query: z.string().max(256).optional(), order_by: z.string().max(64).optional() }).strict();
const text = (max: number) => z.string().min(1).max(max);
const { role: roleBody, permission: permissionBody } = roleBodies({ trim: false });
const rolePermissionParams = z.object({ id: z.string().min(1), permissionId: z.string().min(1) });

const restrictionsBody = z
  .object({
    allowlist: z.boolean().optional(),
    blocklist: z.boolean().optional(),
    block_email_subaddresses: z.boolean().optional(),
    block_disposable_email_domains: z.boolean().optional(),
    ignore_dots_for_gmail_addresses: z.boolean().optional(),
    /** Gatehouse extension: Clerk sets the sign-up mode in its dashboard only. */
    sign_up_mode: z.enum(['public', 'restricted', 'waitlist']).optional(),
  })
  .strict();
const organizationSettingsBody = z
  .object({
    enabled: z.boolean().optional(),
    max_allowed_memberships: z.number().int().min(0).max(100_000).optional(),
    admin_delete_enabled: z.boolean().optional(),
    domains_enabled: z.boolean().optional(),
    domains_enrollment_modes: z.array(z.string().max(64)).max(10).optional(),
    creator_role_id: text(128).optional(),
    domains_default_role_id: text(128).optional(),
    /** Clerk's "Membership required" (a Gatehouse extension here: `@clerk/backend` does not send it). */
    force_organization_selection: z.boolean().optional(),
  })
  .strict();
const identifierBody = z.object({ identifier: text(320), notify: z.boolean().optional() }).strict();

function page<T>(items: T[], q: { query?: string; limit?: number; offset?: number }, text: (item: T) => string) {
  const needle = q.query?.toLowerCase();
  const matching = needle ? items.filter((item) => text(item).toLowerCase().includes(needle)) : items;
  const offset = q.offset ?? 0;
  return { data: matching.slice(offset, offset + (q.limit ?? 10)), total: matching.length };
}

/**
 * BAPI organization roles and permissions (`/v1/organization_roles`, `/v1/organization_permissions`),
 * the instance's organization settings and restrictions, and the allow/blocklist identifiers.
 */
export function registerRoleRoutes(app: FastifyInstance, domain: Domain): void {
  const roles = domain.organizationRoles;

  app.get('/v1/organization_roles', async (request, reply) => {
    const q = parseInput(listQuery, request.query);
    const catalog = await roles.catalog();
    const { data, total } = page(catalog.roles, q, (r) => `${r.key} ${r.name}`);
    return sendJson(
      reply,
      200,
      serializePage(
        data.map((r) => serializeRole(r, catalog)),
        total,
      ),
    );
  });
  app.post('/v1/organization_roles', async (request, reply) => {
    const role = await roles.createRole(parseInput(roleBody, request.body), backendCaller(request));
    return sendJson(reply, 200, serializeRole(role, await roles.catalog()));
  });
  app.get('/v1/organization_roles/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    return sendJson(reply, 200, serializeRole(await roles.getRole(id), await roles.catalog()));
  });
  app.patch('/v1/organization_roles/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const role = await roles.updateRole(id, parseInput(roleBody, request.body), backendCaller(request));
    return sendJson(reply, 200, serializeRole(role, await roles.catalog()));
  });
  app.delete('/v1/organization_roles/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    return sendJson(reply, 200, serializeDeleted('role', await roles.deleteRole(id, backendCaller(request))));
  });
  for (const [method, present] of [
    ['post', true],
    ['delete', false],
  ] as const) {
    app[method]('/v1/organization_roles/:id/permissions/:permissionId', async (request, reply) => {
      const { id, permissionId } = parseInput(rolePermissionParams, request.params);
      const role = await roles.setRolePermission(id, permissionId, present, backendCaller(request));
      return sendJson(reply, 200, serializeRole(role, await roles.catalog()));
    });
  }

  app.get('/v1/organization_permissions', async (request, reply) => {
    const q = parseInput(listQuery, request.query);
    const { data, total } = page((await roles.catalog()).permissions, q, (p) => `${p.key} ${p.name}`);
    return sendJson(reply, 200, serializePage(data.map(serializePermission), total));
  });
  app.post('/v1/organization_permissions', async (request, reply) => {
    return sendJson(
      reply,
      200,
      serializePermission(await roles.createPermission(parseInput(permissionBody, request.body), backendCaller(request))),
    );
  });
  app.get('/v1/organization_permissions/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    return sendJson(reply, 200, serializePermission(await roles.getPermission(id)));
  });
  app.patch('/v1/organization_permissions/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    return sendJson(
      reply,
      200,
      serializePermission(await roles.updatePermission(id, parseInput(permissionBody, request.body), backendCaller(request))),
    );
  });
  app.delete('/v1/organization_permissions/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    return sendJson(reply, 200, serializeDeleted('permission', await roles.deletePermission(id, backendCaller(request))));
  });

  // Instance settings for organizations and sign-up restrictions.
  const organizationSettingsJson = async () =>
    serializeOrganizationSettings(await roles.organizationSettings(), (await roles.catalog()).defaultRole);
  app.get('/v1/instance/organization_settings', async (_request, reply) => sendJson(reply, 200, await organizationSettingsJson()));
  app.patch('/v1/instance/organization_settings', async (request, reply) => {
    const body = parseInput(organizationSettingsBody, request.body);
    const modes = body.domains_enrollment_modes?.map((mode) => assertEnrollmentMode(mode, 'domains_enrollment_modes'));
    const catalog = await roles.catalog();
    const roleKey = (idOrKey: string | undefined, param: string) => {
      if (idOrKey === undefined) return undefined;
      const role = catalog.roles.find((r) => r.id === idOrKey || r.key === idOrKey);
      if (!role) throw errors.paramValueInvalid(param, 'names no role');
      return role.key;
    };
    const change = {
      enabled: body.enabled,
      maxAllowedMemberships: body.max_allowed_memberships,
      adminDeleteEnabled: body.admin_delete_enabled,
      domainsEnabled: body.domains_enabled,
      domainsEnrollmentModes: modes && [...new Set(modes)],
      creatorRole: roleKey(body.creator_role_id, 'creator_role_id'),
      defaultRole: roleKey(body.domains_default_role_id, 'domains_default_role_id'),
      forceOrganizationSelection: body.force_organization_selection,
    };
    await roles.updateOrganizationSettings(Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)));
    return sendJson(reply, 200, await organizationSettingsJson());
  });

  app.patch('/v1/instance/restrictions', async (request, reply) => {
    const body = parseInput(restrictionsBody, request.body);
    if (body.block_disposable_email_domains || body.ignore_dots_for_gmail_addresses) {
      throw errors.paramValueInvalid(
        body.block_disposable_email_domains ? 'block_disposable_email_domains' : 'ignore_dots_for_gmail_addresses',
        'not available on Gatehouse',
      );
    }
    const change: Partial<RestrictionSettings> = {};
    if (body.allowlist !== undefined) change.allowlist = body.allowlist;
    if (body.blocklist !== undefined) change.blocklist = body.blocklist;
    if (body.block_email_subaddresses !== undefined) change.blockEmailSubaddresses = body.block_email_subaddresses;
    if (body.sign_up_mode !== undefined) change.signUpMode = body.sign_up_mode;
    return sendJson(reply, 200, serializeInstanceRestrictions(await roles.updateRestrictions(change)));
  });

  for (const list of ['allowlist', 'blocklist'] as const) {
    const object = `${list}_identifier` as const;
    const identifierJson = list === 'allowlist' ? serializeAllowlistIdentifier : serializeBlocklistIdentifier;
    app.get(`/v1/${list}_identifiers`, async (request, reply) => {
      const q = parseInput(z.object({ ...pagination, paginated: z.enum(['true', 'false']).optional() }).strict(), request.query);
      const r = await roles.restrictions();
      const entries = list === 'allowlist' ? r.allowlistIdentifiers : r.blocklistIdentifiers;
      const { data, total } = page(entries, q, (e) => e.identifier);
      const json = data.map((entry) => identifierJson(entry));
      // The SDK's allowlist method asks for `paginated=true`; Clerk's blocklist list is always paginated.
      return sendJson(reply, 200, list === 'allowlist' && q.paginated !== 'true' ? json : serializePage(json, total));
    });
    app.post(`/v1/${list}_identifiers`, async (request, reply) => {
      const body = parseInput(identifierBody, request.body);
      return sendJson(reply, 200, identifierJson(await roles.addIdentifier(list, body.identifier)));
    });
    app.delete(`/v1/${list}_identifiers/:id`, async (request, reply) => {
      const { id } = parseInput(idParams, request.params);
      return sendJson(reply, 200, serializeDeleted(object, await roles.removeIdentifier(list, id)));
    });
  }
}
