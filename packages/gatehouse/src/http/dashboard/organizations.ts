import * as z from 'zod';
import { METADATA_LIMIT_BYTES } from '../../domain/metadata.js';
import { ENROLLMENT_MODES } from '../../domain/organization-domains.js';
import { errors } from '../../errors.js';
import type { Invitation } from '../../model/index.js';
import { idParams, metadataObject, queryInt } from '../params.js';
import { sendJson } from '../reply.js';
import { serializeDeleted } from '../serializers/deleted.js';
import { serializeOrganizationInvitation } from '../serializers/invitation.js';
import { serializeOrganizationRecord } from '../serializers/organization.js';
import { serializeOrganizationDomain } from '../serializers/organization-domain.js';
import { serializeMembership } from '../serializers/organization-membership.js';
import { serializePage } from '../serializers/page.js';
import { parseInput } from '../validation.js';
import type { DashboardContext, DashboardFeature } from './route.js';

const orgQuery = z.object({ query: z.string().max(200).optional(), limit: queryInt(1, 100), offset: queryInt(0, 10_000_000) }).strict();
const detailQuery = z.object({ members_query: z.string().max(200).optional(), members_offset: queryInt(0, 10_000_000) }).strict();
const name = z.string().max(256);
const slug = z.string().max(100);
const createBody = z
  .object({
    name,
    slug: slug.optional(),
    /** A user id or an e-mail address; left out or empty: no creator (and no first member). */
    created_by: z.string().max(320).optional(),
    public_metadata: metadataObject.optional(),
    private_metadata: metadataObject.optional(),
  })
  .strict();
const updateBody = z.object({ name: name.optional(), slug: slug.optional() }).strict();
const metadataBody = z.object({ public_metadata: metadataObject.optional(), private_metadata: metadataObject.optional() }).strict();
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
const MEMBERS_PAGE = 50;
const INVITATIONS_PAGE = 25;

/**
 * The dashboard's organizations: list and search, create, rename, metadata and delete, and a
 * detail page with members, invitations and domains. Every route calls the service the Backend
 * API's own route calls (organizations, invitations, organizationDomains), so the same webhooks
 * fire, and answers its wire shape; every change is audited as the operator. (Roles: roles.ts.)
 */
export function registerDashboardOrganizations({ route, domain, record }: DashboardFeature): void {
  const { links } = domain.images;
  const audit = (context: DashboardContext, action: string, organizationId: string, detail: Record<string, unknown> = {}) =>
    record(context, { action: `organization.${action}`, targetType: 'organization', targetId: organizationId, detail });

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

  /** A user named by id or by e-mail address (an indexed lookup), for `param`. */
  async function userIdOf(who: string, param: string): Promise<string> {
    const text = who.trim();
    const userId = text.startsWith('user_')
      ? text
      : (await domain.users.list({ emailAddresses: [text.toLowerCase()], limit: 1, offset: 0 }))[0]?.user.id;
    if (!userId) throw errors.paramValueInvalid(param, 'names no user (give a user id or an e-mail address)');
    return userId;
  }

  route('POST', '/organizations', async (request, reply, context) => {
    const body = parseInput(createBody, request.body);
    const createdBy = body.created_by?.trim() ? await userIdOf(body.created_by, 'created_by') : undefined;
    const created = await domain.organizations.create(
      {
        name: body.name,
        slug: body.slug?.trim() || undefined,
        createdBy,
        publicMetadata: body.public_metadata,
        privateMetadata: body.private_metadata,
      },
      context.caller,
    );
    const { organization } = created;
    await audit(context, 'create', organization.id, { name: organization.name, slug: organization.slug, created_by: createdBy ?? null });
    return sendJson(reply, 200, serializeOrganizationRecord(created, links));
  });
  route('PATCH', '/organizations/:id', async (request, reply, context) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(updateBody, request.body);
    const updated = await domain.organizations.update(id, { name: body.name, slug: body.slug }, context.caller);
    await audit(context, 'update', updated.organization.id, { changed: body });
    return sendJson(reply, 200, serializeOrganizationRecord(updated, links));
  });
  // Replaces the fields sent (as the user page's editor does); the sizes are checked by the service.
  route('PUT', '/organizations/:id/metadata', async (request, reply, context) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(metadataBody, request.body);
    const updated = await domain.organizations.replaceMetadata(id, body, context.caller);
    await audit(context, 'metadata_update', updated.organization.id, { fields: Object.keys(body) });
    return sendJson(reply, 200, serializeOrganizationRecord(updated, links));
  });
  route('DELETE', '/organizations/:id', async (request, reply, context) => {
    const { id } = parseInput(idParams, request.params);
    const { organization } = await domain.organizations.get(id);
    const deleted = await domain.organizations.delete(organization.id, context.caller);
    await audit(context, 'delete', deleted, { name: organization.name, slug: organization.slug });
    return sendJson(reply, 200, serializeDeleted('organization', deleted));
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
      limits: { metadata_bytes: METADATA_LIMIT_BYTES },
    });
  });

  // ---- members
  route('POST', '/organizations/:id/memberships', async (request, reply, context) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(addMemberBody, request.body);
    const userId = await userIdOf(body.user, 'user');
    const created = await domain.organizations.createMembership(id, { userId, role: body.role }, context.caller);
    await audit(context, 'membership_create', created.organization.id, { user_id: userId, role: body.role });
    return sendJson(reply, 200, serializeMembership(created, links));
  });
  route('PATCH', '/organizations/:id/memberships/:userId', async (request, reply, context) => {
    const { id, userId } = parseInput(membershipParams, request.params);
    const { role } = parseInput(roleBody, request.body);
    const updated = await domain.organizations.updateMembership(id, userId, { role }, context.caller);
    await audit(context, 'membership_role', updated.organization.id, { user_id: userId, role });
    return sendJson(reply, 200, serializeMembership(updated, links));
  });
  route('DELETE', '/organizations/:id/memberships/:userId', async (request, reply, context) => {
    const { id, userId } = parseInput(membershipParams, request.params);
    const removed = await domain.organizations.deleteMembership(id, userId, context.caller);
    await audit(context, 'membership_remove', removed.organization.id, { user_id: userId });
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
  route('POST', '/organizations/:id/invitations', async (request, reply, context) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(invitationBody, request.body);
    const issued = await domain.invitations.createForOrganization(
      id,
      { emailAddress: body.email_address, role: body.role, notify: true },
      context.caller,
    );
    // The ticket is in the mail only: neither the answer nor the audit log carries the link.
    await audit(context, 'invitation_create', issued.invitation.organizationId ?? id, {
      invitation_id: issued.invitation.id,
      email_address: issued.invitation.emailAddress,
      role: issued.invitation.role,
    });
    return sendJson(reply, 200, await invitationJson(issued.invitation));
  });
  route('POST', '/organizations/:id/invitations/:invitationId/revoke', async (request, reply, context) => {
    const { id, invitationId } = parseInput(invitationParams, request.params);
    const revoked = await domain.invitations.revokeForOrganization(id, invitationId, context.caller);
    await audit(context, 'invitation_revoke', revoked.organizationId ?? id, {
      invitation_id: invitationId,
      email_address: revoked.emailAddress,
    });
    return sendJson(reply, 200, await invitationJson(revoked));
  });

  // ---- domains
  route('GET', '/organizations/:id/domains', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const q = parseInput(z.object({ offset: queryInt(0, 10_000_000) }).strict(), request.query);
    const page = await domain.organizationDomains.list(id, { limit: 50, offset: q.offset ?? 0 });
    return sendJson(reply, 200, serializePage(page.data.map(serializeOrganizationDomain), page.totalCount));
  });
  route('POST', '/organizations/:id/domains', async (request, reply, context) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(domainBody, request.body);
    const created = await domain.organizationDomains.create(
      id,
      {
        name: body.name,
        enrollmentMode: body.enrollment_mode,
        verified: body.verified ?? false,
      },
      context.caller,
    );
    await audit(context, 'domain_create', created.domain.organizationId, {
      domain_id: created.domain.id,
      name: created.domain.name,
      verified: created.domain.verifiedAt !== null,
    });
    return sendJson(reply, 200, serializeOrganizationDomain(created));
  });
  route('PATCH', '/organizations/:id/domains/:domainId', async (request, reply, context) => {
    const { id, domainId } = parseInput(domainParams, request.params);
    const body = parseInput(domainUpdateBody, request.body);
    const updated = await domain.organizationDomains.update(
      id,
      domainId,
      {
        enrollmentMode: body.enrollment_mode,
        verified: body.verified,
      },
      context.caller,
    );
    await audit(context, 'domain_update', updated.domain.organizationId, { domain_id: domainId, changed: body });
    return sendJson(reply, 200, serializeOrganizationDomain(updated));
  });
  route('DELETE', '/organizations/:id/domains/:domainId', async (request, reply, context) => {
    const { id, domainId } = parseInput(domainParams, request.params);
    const removed = await domain.organizationDomains.delete(id, domainId, context.caller);
    await audit(context, 'domain_delete', removed.domain.organizationId, { domain_id: domainId, name: removed.domain.name });
    return sendJson(reply, 200, serializeOrganizationDomain(removed));
  });
}
