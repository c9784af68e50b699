import * as z from 'zod';
import { ENROLLMENT_MODES } from '../../domain/organization-domains.js';
import { BUILT_IN_ROLES } from '../../domain/organization-settings.js';
import { errors } from '../../errors.js';
import type { Invitation } from '../../model/index.js';
import { idParams, queryInt } from '../params.js';
import { sendJson } from '../reply.js';
import { serializeOrganizationInvitation } from '../serializers/invitation.js';
import { serializeOrganizationRecord } from '../serializers/organization.js';
import { serializeOrganizationDomain } from '../serializers/organization-domain.js';
import { serializeMembership } from '../serializers/organization-membership.js';
import { serializePage } from '../serializers/page.js';
import { serializePermission, serializeRole } from '../serializers/role.js';
import { parseInput } from '../validation.js';
import type { DashboardFeature } from './route.js';

const orgQuery = z.object({ query: z.string().max(200).optional(), limit: queryInt(1, 100), offset: queryInt(0, 10_000_000) }).strict();
const detailQuery = z.object({ members_query: z.string().max(200).optional(), members_offset: queryInt(0, 10_000_000) }).strict();
const membershipParams = z.object({ id: z.string().min(1), userId: z.string().min(1) });
const roleKey = z.string().min(1).max(100);
const roleBody = z.object({ role: roleKey }).strict();
const addMemberBody = z.object({ user: z.string().min(1).max(320), role: roleKey }).strict();
const invitationBody = z.object({ email_address: z.string().min(3).max(320), role: roleKey.optional() }).strict();
const invitationParams = z.object({ id: z.string().min(1), invitationId: z.string().min(1) });
const invitationQuery = z.object({
  status: z.enum(['pending', 'accepted', 'revoked', 'expired']).optional(),
  offset: queryInt(0, 10_000_000),
});
const enrollmentMode = z.enum(ENROLLMENT_MODES as [string, ...string[]]);
const domainBody = z
  .object({ name: z.string().min(1).max(253), enrollment_mode: enrollmentMode.optional(), verified: z.boolean().optional() })
  .strict();
const domainUpdateBody = z.object({ enrollment_mode: enrollmentMode.optional(), verified: z.boolean().optional() }).strict();
const domainParams = z.object({ id: z.string().min(1), domainId: z.string().min(1) });
const text = (max: number) => z.string().trim().min(1).max(max);
const customRoleBody = z
  .object({
    key: text(80).optional(),
    name: text(256).optional(),
    description: z.string().max(1024).optional(),
    permissions: z.array(text(200)).max(500).optional(),
  })
  .strict();
const permissionBody = z
  .object({ key: text(200).optional(), name: text(256).optional(), description: z.string().max(1024).optional() })
  .strict();

const MEMBERS_PAGE = 50;
const BUILT_IN_KEYS = new Set(BUILT_IN_ROLES.map((r) => r.key));
const INVITATIONS_PAGE = 25;

/**
 * The dashboard's organizations: list and search, a detail page with members, invitations and
 * domains, and the instance's roles and permissions. Every route calls the service the Backend
 * API's own route calls (organizations, invitations, organizationDomains, organizationRoles) and
 * answers its wire shape; every change is audited as the operator.
 */
export function registerDashboardOrganizations({ route, domain, record }: DashboardFeature): void {
  const { links } = domain.images;
  const audit = (action: string, organizationId: string, detail: Record<string, unknown> = {}) =>
    record({ action: `organization.${action}`, targetType: 'organization', targetId: organizationId, detail });

  async function invitationJson(invitation: Invitation, url: string | null = null) {
    const catalog = await domain.organizations.catalog();
    return serializeOrganizationInvitation(
      invitation,
      domain.invitations.effectiveStatus(invitation),
      catalog.roleName(invitation.role ?? ''),
      undefined,
      links,
      url,
    );
  }

  route('GET', '/organizations', async (request, reply) => {
    const q = parseInput(orgQuery, request.query);
    const page = await domain.organizations.list({
      query: q.query?.trim() || undefined,
      limit: q.limit ?? 25,
      offset: q.offset ?? 0,
      includeMembersCount: true,
    });
    return sendJson(
      reply,
      200,
      serializePage(
        page.data.map((r) => serializeOrganizationRecord(r, links)),
        page.totalCount,
      ),
    );
  });

  route('GET', '/organizations/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const q = parseInput(detailQuery, request.query);
    const organization = await domain.organizations.get(id, { includeMembersCount: true });
    const orgId = organization.organization.id;
    const [members, catalog, pendingInvitations] = await Promise.all([
      domain.organizations.listMemberships(orgId, {
        query: q.members_query?.trim() || undefined,
        limit: MEMBERS_PAGE,
        offset: q.members_offset ?? 0,
      }),
      domain.organizations.catalog(),
      domain.invitations.countPending(orgId),
    ]);
    return sendJson(reply, 200, {
      organization: serializeOrganizationRecord(organization, links),
      members: members.data.map((m) => serializeMembership(m, links)),
      members_total: members.totalCount,
      members_page_size: MEMBERS_PAGE,
      pending_invitations: pendingInvitations,
      roles: catalog.roles.map((r) => ({ key: r.key, name: r.name })),
      default_role: catalog.defaultRole,
      enrollment_modes: ENROLLMENT_MODES,
    });
  });

  // ---- members
  route('POST', '/organizations/:id/memberships', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(addMemberBody, request.body);
    const who = body.user.trim();
    const userId = who.startsWith('user_')
      ? who
      : (await domain.users.list({ emailAddresses: [who.toLowerCase()], limit: 1, offset: 0 }))[0]?.user.id;
    if (!userId) throw errors.paramValueInvalid('user', 'names no user (give a user id or an e-mail address)');
    const created = await domain.organizations.createMembership(id, { userId, role: body.role });
    await audit('membership_create', created.organization.id, { user_id: userId, role: body.role });
    return sendJson(reply, 200, serializeMembership(created, links));
  });
  route('PATCH', '/organizations/:id/memberships/:userId', async (request, reply) => {
    const { id, userId } = parseInput(membershipParams, request.params);
    const { role } = parseInput(roleBody, request.body);
    const updated = await domain.organizations.updateMembership(id, userId, { role });
    await audit('membership_role', updated.organization.id, { user_id: userId, role });
    return sendJson(reply, 200, serializeMembership(updated, links));
  });
  route('DELETE', '/organizations/:id/memberships/:userId', async (request, reply) => {
    const { id, userId } = parseInput(membershipParams, request.params);
    const removed = await domain.organizations.deleteMembership(id, userId);
    await audit('membership_remove', removed.organization.id, { user_id: userId });
    return sendJson(reply, 200, serializeMembership(removed, links));
  });

  // ---- invitations (mailed by the same service as the Backend API's)
  route('GET', '/organizations/:id/invitations', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const q = parseInput(invitationQuery, request.query);
    const page = await domain.invitations.listForOrganization(id, {
      statuses: q.status ? [q.status] : undefined,
      limit: INVITATIONS_PAGE,
      offset: q.offset ?? 0,
    });
    const data = await Promise.all(page.data.map((i) => invitationJson(i)));
    return sendJson(reply, 200, { ...serializePage(data, page.totalCount), page_size: INVITATIONS_PAGE });
  });
  route('POST', '/organizations/:id/invitations', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(invitationBody, request.body);
    const issued = await domain.invitations.createForOrganization(id, { emailAddress: body.email_address, role: body.role, notify: true });
    // The ticket is in the mail only: neither the answer nor the audit log carries the link.
    await audit('invitation_create', issued.invitation.organizationId ?? id, {
      invitation_id: issued.invitation.id,
      email_address: issued.invitation.emailAddress,
      role: issued.invitation.role,
    });
    return sendJson(reply, 200, await invitationJson(issued.invitation));
  });
  route('POST', '/organizations/:id/invitations/:invitationId/revoke', async (request, reply) => {
    const { id, invitationId } = parseInput(invitationParams, request.params);
    const revoked = await domain.invitations.revokeForOrganization(id, invitationId);
    await audit('invitation_revoke', revoked.organizationId ?? id, { invitation_id: invitationId, email_address: revoked.emailAddress });
    return sendJson(reply, 200, await invitationJson(revoked));
  });

  // ---- domains
  route('GET', '/organizations/:id/domains', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const q = parseInput(z.object({ offset: queryInt(0, 10_000_000) }).strict(), request.query);
    const page = await domain.organizationDomains.list(id, { limit: 50, offset: q.offset ?? 0 });
    return sendJson(reply, 200, serializePage(page.data.map(serializeOrganizationDomain), page.totalCount));
  });
  route('POST', '/organizations/:id/domains', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(domainBody, request.body);
    const created = await domain.organizationDomains.create(id, {
      name: body.name,
      enrollmentMode: body.enrollment_mode,
      verified: body.verified ?? false,
    });
    await audit('domain_create', created.domain.organizationId, {
      domain_id: created.domain.id,
      name: created.domain.name,
      verified: created.domain.verifiedAt !== null,
    });
    return sendJson(reply, 200, serializeOrganizationDomain(created));
  });
  route('PATCH', '/organizations/:id/domains/:domainId', async (request, reply) => {
    const { id, domainId } = parseInput(domainParams, request.params);
    const body = parseInput(domainUpdateBody, request.body);
    const updated = await domain.organizationDomains.update(id, domainId, {
      enrollmentMode: body.enrollment_mode,
      verified: body.verified,
    });
    await audit('domain_update', updated.domain.organizationId, { domain_id: domainId, changed: body });
    return sendJson(reply, 200, serializeOrganizationDomain(updated));
  });
  route('DELETE', '/organizations/:id/domains/:domainId', async (request, reply) => {
    const { id, domainId } = parseInput(domainParams, request.params);
    const removed = await domain.organizationDomains.delete(id, domainId);
    await audit('domain_delete', removed.domain.organizationId, { domain_id: domainId, name: removed.domain.name });
    return sendJson(reply, 200, serializeOrganizationDomain(removed));
  });

  // ---- roles and permissions (instance-wide, as on Clerk; the Backend API's role service)
  const roles = domain.organizationRoles;
  const catalogJson = async () => {
    const catalog = await roles.catalog();
    const settings = await roles.organizationSettings();
    return {
      roles: catalog.roles.map((r) => ({ ...serializeRole(r, catalog), built_in: BUILT_IN_KEYS.has(r.key) })),
      permissions: catalog.permissions.map(serializePermission),
      creator_role: settings.creatorRole,
      default_role: catalog.defaultRole,
    };
  };
  route('GET', '/organization-roles', async (_request, reply) => sendJson(reply, 200, await catalogJson()));
  route('POST', '/organization-roles', async (request, reply) => {
    const role = await roles.createRole(parseInput(customRoleBody, request.body));
    await record({
      action: 'organization_role.create',
      targetType: 'role',
      targetId: role.id,
      detail: { key: role.key, permissions: role.permissions },
    });
    return sendJson(reply, 200, serializeRole(role, await roles.catalog()));
  });
  route('PATCH', '/organization-roles/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(customRoleBody, request.body);
    const role = await roles.updateRole(id, body);
    await record({ action: 'organization_role.update', targetType: 'role', targetId: role.id, detail: { key: role.key, changed: body } });
    return sendJson(reply, 200, serializeRole(role, await roles.catalog()));
  });
  route('DELETE', '/organization-roles/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const deleted = await roles.deleteRole(id);
    await record({ action: 'organization_role.delete', targetType: 'role', targetId: deleted });
    return sendJson(reply, 200, { id: deleted, object: 'role', deleted: true });
  });
  route('POST', '/organization-permissions', async (request, reply) => {
    const permission = await roles.createPermission(parseInput(permissionBody, request.body));
    await record({
      action: 'organization_permission.create',
      targetType: 'permission',
      targetId: permission.id,
      detail: { key: permission.key },
    });
    return sendJson(reply, 200, serializePermission(permission));
  });
  route('PATCH', '/organization-permissions/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(permissionBody, request.body);
    const permission = await roles.updatePermission(id, body);
    await record({
      action: 'organization_permission.update',
      targetType: 'permission',
      targetId: permission.id,
      detail: { changed: body },
    });
    return sendJson(reply, 200, serializePermission(permission));
  });
  route('DELETE', '/organization-permissions/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const deleted = await roles.deletePermission(id);
    await record({ action: 'organization_permission.delete', targetType: 'permission', targetId: deleted });
    return sendJson(reply, 200, { id: deleted, object: 'permission', deleted: true });
  });
}
