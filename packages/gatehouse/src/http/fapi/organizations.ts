import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as z from 'zod';
import type { Domain } from '../../domain/index.js';
import { assertEnrollmentMode } from '../../domain/organization-domains.js';
import type { MembershipRecord } from '../../domain/organizations.js';
import { errors } from '../../errors.js';
import type { Invitation, InvitationStatus, Organization } from '../../model/index.js';
import type { RateLimiter } from '../../security/rate-limit.js';
import { frontendCaller } from '../caller.js';
import { queryValue } from '../params.js';
import { serializeDeleted } from '../serializers/deleted.js';
import { serializeFrontendOrganizationInvitation } from '../serializers/invitation.js';
import { serializeFrontendOrganization } from '../serializers/organization.js';
import { serializeOrganizationCreationDefaults } from '../serializers/organization-creation-defaults.js';
import { serializeFrontendOrganizationDomain } from '../serializers/organization-domain.js';
import { serializeFrontendMembership } from '../serializers/organization-membership.js';
import { serializeRole } from '../serializers/role.js';
import type { FapiContext } from './context.js';
import { formText, parseForm } from './form.js';
import { enforceLimits } from './limits.js';

/** Invitations a member may send per organization per hour (each one is a mail). */
const INVITES = { limit: 50, windowMs: 3600_000 };

const createBody = z.object({ name: formText(256), slug: formText(100).optional() });
const updateBody = z.object({ name: formText(256).optional(), slug: formText(100).optional() });
const roleBody = z.object({ role: formText(128) });
const addMemberBody = z.object({ user_id: formText(128), role: formText(128) });
const inviteBody = z.object({ email_address: formText(320), role: formText(128).optional() });
const domainBody = z.object({ name: formText(253), enrollment_mode: formText(64).optional() });
const affiliationBody = z.object({ affiliation_email_address: formText(320) });
const codeBody = z.object({ code: formText(16) });
const enrollmentBody = z.object({ enrollment_mode: formText(64), delete_pending: formText(5).optional() });

const STATUSES: readonly InvitationStatus[] = ['pending', 'accepted', 'revoked', 'expired'];

/** `limit`/`offset`, or clerk-js's `page_size`/`initial_page`. */
export function paging(request: FastifyRequest): { limit: number; offset: number } {
  const number = (name: string, fallback: number, max: number) => {
    const raw = queryValue(request.query, name);
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0 || value > max) throw errors.paramInvalid(name, `must be a whole number from 0 to ${max}`);
    return value;
  };
  const pageSize = number('page_size', 0, 500);
  const limit = number('limit', pageSize || 10, 500) || 10;
  const initialPage = number('initial_page', 0, 100_000);
  const offset = number('offset', initialPage > 0 ? (initialPage - 1) * limit : 0, 1_000_000);
  return { limit, offset };
}

function statuses(request: FastifyRequest): InvitationStatus[] | undefined {
  const raw = (request.query as Record<string, unknown>).status;
  if (raw === undefined) return undefined;
  const values = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => String(v).split(','));
  for (const value of values) {
    if (!STATUSES.includes(value as InvitationStatus)) throw errors.paramValueInvalid('status', `must be one of ${STATUSES.join(', ')}`);
  }
  return values as InvitationStatus[];
}

/** The `email_address` values of a bulk invitation: repeated form fields, an array, or a comma list. */
function emailList(body: unknown): string[] {
  const raw = body && typeof body === 'object' ? (body as Record<string, unknown>).email_address : undefined;
  const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).flatMap((v) => String(v).split(','));
  const emails = values.map((v) => v.trim()).filter(Boolean);
  if (emails.length === 0) throw errors.paramMissing('email_address');
  if (emails.some((e) => e.length > 320)) throw errors.paramInvalid('email_address', 'must be at most 320 characters');
  return emails;
}

/**
 * The Frontend API's organizations for clerk-js and the components (`<OrganizationSwitcher/>`,
 * `<CreateOrganization/>`, `<OrganizationProfile/>`, `<OrganizationList/>`). Every route checks the
 * caller's membership and the permission the action needs.
 */
export function registerOrganizationRoutes(app: FastifyInstance, domain: Domain, ctx: FapiContext, limiter: RateLimiter): void {
  const links = domain.images.links;
  const orgId = (request: FastifyRequest) => (request.params as { id: string }).id;

  async function organizationJson(organization: Organization) {
    const [members, pending] = await Promise.all([
      domain.organizations.listMemberships(organization.id, { limit: 1 }),
      domain.invitations.countPending(organization.id),
    ]);
    return serializeFrontendOrganization(organization, links, { members: members.totalCount, pendingInvitations: pending });
  }

  const membershipJson = (record: MembershipRecord) => serializeFrontendMembership(record, links);

  async function invitationJson(invitation: Invitation, organization: Organization) {
    const catalog = await domain.organizations.catalog();
    return serializeFrontendOrganizationInvitation(
      invitation,
      domain.invitations.effectiveStatus(invitation),
      catalog.roleName(invitation.role ?? ''),
      organization,
      links,
    );
  }

  const paginated = <T>(data: T[], totalCount: number) => ({ data, total_count: totalCount });

  async function send(request: FastifyRequest, reply: FastifyReply, clientId: string, response: unknown) {
    return ctx.send(request, reply, clientId, response);
  }

  app.post('/v1/organizations', async (request, reply) => {
    const { clientId, userId } = await ctx.signedIn(request);
    const settings = (await domain.instance.settings()).organizations;
    const { user } = await domain.users.get(userId);
    if (!settings.enabled || !settings.createOrganizationEnabled || !user.createOrganizationEnabled) {
      throw errors.notAuthorizedInOrganization('org:create');
    }
    const body = parseForm(createBody, request.body);
    const { organization } = await domain.organizations.create(
      { name: body.name, slug: body.slug, createdBy: userId },
      frontendCaller(request, userId),
    );
    return send(request, reply, clientId, await organizationJson(organization));
  });

  app.get('/v1/organizations/:id', async (request, reply) => {
    const { clientId, userId } = await ctx.signedIn(request);
    const { organization } = await domain.organizations.authorize(orgId(request), userId);
    return send(request, reply, clientId, await organizationJson(organization));
  });

  app.patch('/v1/organizations/:id', async (request, reply) => {
    const { clientId, userId } = await ctx.signedIn(request);
    const { organization } = await domain.organizations.authorize(orgId(request), userId, 'org:sys_profile:manage');
    const body = parseForm(updateBody, request.body);
    const updated = await domain.organizations.update(
      organization.id,
      { name: body.name, slug: body.slug },
      frontendCaller(request, userId),
    );
    return send(request, reply, clientId, await organizationJson(updated.organization));
  });

  app.delete('/v1/organizations/:id', async (request, reply) => {
    const { clientId, userId } = await ctx.signedIn(request);
    const { organization } = await domain.organizations.authorize(orgId(request), userId, 'org:sys_profile:delete');
    if (!organization.adminDeleteEnabled) throw errors.notAuthorizedInOrganization('org:sys_profile:delete');
    await domain.organizations.delete(organization.id, frontendCaller(request, userId));
    return send(request, reply, clientId, serializeDeleted('organization', organization.id));
  });

  // Members.
  app.get('/v1/organizations/:id/memberships', async (request, reply) => {
    const { clientId, userId } = await ctx.signedIn(request);
    const { organization } = await domain.organizations.authorize(orgId(request), userId, 'org:sys_memberships:read');
    const role = (request.query as Record<string, unknown>).role;
    const roles = role === undefined ? undefined : (Array.isArray(role) ? role : [role]).map(String);
    const { data, totalCount } = await domain.organizations.listMemberships(organization.id, {
      ...paging(request),
      roles,
      query: queryValue(request.query, 'query') || undefined,
      orderBy: '+created_at',
    });
    return send(request, reply, clientId, paginated(data.map(membershipJson), totalCount));
  });

  app.post('/v1/organizations/:id/memberships', async (request, reply) => {
    const { clientId, userId } = await ctx.signedIn(request);
    const { organization } = await domain.organizations.authorize(orgId(request), userId, 'org:sys_memberships:manage');
    const body = parseForm(addMemberBody, request.body);
    const record = await domain.organizations.createMembership(
      organization.id,
      { userId: body.user_id, role: body.role },
      frontendCaller(request, userId),
    );
    return send(request, reply, clientId, membershipJson(record));
  });

  app.patch('/v1/organizations/:id/memberships/:userId', async (request, reply) => {
    const { clientId, userId } = await ctx.signedIn(request);
    const { organization } = await domain.organizations.authorize(orgId(request), userId, 'org:sys_memberships:manage');
    const target = (request.params as { userId: string }).userId;
    const { role } = parseForm(roleBody, request.body);
    await domain.organizations.getMembership(organization.id, target);
    await domain.organizations.assertKeepsManager(organization.id, target, role);
    return send(
      request,
      reply,
      clientId,
      membershipJson(await domain.organizations.updateMembership(organization.id, target, { role }, frontendCaller(request, userId))),
    );
  });

  app.delete('/v1/organizations/:id/memberships/:userId', async (request, reply) => {
    const { clientId, userId } = await ctx.signedIn(request);
    const target = (request.params as { userId: string }).userId;
    // Removing oneself is leaving, which any member may do; removing another needs the permission.
    const { organization } = await domain.organizations.authorize(
      orgId(request),
      userId,
      target === userId ? undefined : 'org:sys_memberships:manage',
    );
    await domain.organizations.getMembership(organization.id, target);
    await domain.organizations.assertKeepsManager(organization.id, target);
    return send(
      request,
      reply,
      clientId,
      membershipJson(await domain.organizations.deleteMembership(organization.id, target, frontendCaller(request, userId))),
    );
  });

  app.get('/v1/organizations/:id/roles', async (request, reply) => {
    const { clientId, userId } = await ctx.signedIn(request);
    await domain.organizations.authorize(orgId(request), userId);
    const catalog = await domain.organizations.catalog();
    const { limit, offset } = paging(request);
    const page = catalog.roles.slice(offset, offset + limit).map((role) => serializeRole(role, catalog));
    return send(request, reply, clientId, { ...paginated(page, catalog.roles.length), has_role_set_migration: false });
  });

  // Invitations from the organization's side.
  app.get('/v1/organizations/:id/invitations', async (request, reply) => {
    const { clientId, userId } = await ctx.signedIn(request);
    const { organization } = await domain.organizations.authorize(orgId(request), userId, 'org:sys_memberships:manage');
    const { data, totalCount } = await domain.invitations.listForOrganization(organization.id, {
      ...paging(request),
      statuses: statuses(request),
    });
    return send(request, reply, clientId, paginated(await Promise.all(data.map((i) => invitationJson(i, organization))), totalCount));
  });

  app.post('/v1/organizations/:id/invitations', async (request, reply) => {
    const { clientId, userId } = await ctx.signedIn(request);
    const { organization } = await domain.organizations.authorize(orgId(request), userId, 'org:sys_memberships:manage');
    const body = parseForm(inviteBody, request.body);
    await enforceLimits(domain, limiter, request, [[`org_invite:${organization.id}`, INVITES]]);
    const { invitation } = await domain.invitations.createForOrganization(
      organization.id,
      {
        emailAddress: body.email_address,
        role: body.role,
        inviterUserId: userId,
        locale: ctx.locale(request, undefined),
      },
      frontendCaller(request, userId),
    );
    return send(request, reply, clientId, await invitationJson(invitation, organization));
  });

  app.post('/v1/organizations/:id/invitations/bulk', async (request, reply) => {
    const { clientId, userId } = await ctx.signedIn(request);
    const { organization } = await domain.organizations.authorize(orgId(request), userId, 'org:sys_memberships:manage');
    const emails = emailList(request.body);
    const role = typeof (request.body as { role?: unknown })?.role === 'string' ? (request.body as { role: string }).role : undefined;
    await enforceLimits(domain, limiter, request, [[`org_invite:${organization.id}`, INVITES]]);
    const issued = await domain.invitations.createForOrganizationBulk(
      organization.id,
      emails.map((emailAddress) => ({
        emailAddress,
        role: role || undefined,
        inviterUserId: userId,
        locale: ctx.locale(request, undefined),
      })),
      frontendCaller(request, userId),
    );
    return send(request, reply, clientId, await Promise.all(issued.map(({ invitation }) => invitationJson(invitation, organization))));
  });

  app.post('/v1/organizations/:id/invitations/:invitationId/revoke', async (request, reply) => {
    const { clientId, userId } = await ctx.signedIn(request);
    const { organization } = await domain.organizations.authorize(orgId(request), userId, 'org:sys_memberships:manage');
    const { invitationId } = request.params as { invitationId: string };
    const invitation = await domain.invitations.revokeForOrganization(organization.id, invitationId, frontendCaller(request, userId));
    return send(request, reply, clientId, await invitationJson(invitation, organization));
  });

  // Domains: `<OrganizationProfile/>`'s Domains section (add, verify by e-mail code, enrollment mode).
  const domainId = (request: FastifyRequest) => (request.params as { domainId: string }).domainId;
  const domainsOf = domain.organizationDomains;

  app.get('/v1/organizations/:id/domains', async (request, reply) => {
    const { clientId, userId } = await ctx.signedIn(request);
    const { organization } = await domain.organizations.authorize(orgId(request), userId, 'org:sys_domains:read');
    const mode = queryValue(request.query, 'enrollment_mode');
    const { data, totalCount } = await domainsOf.list(organization.id, {
      ...paging(request),
      enrollmentModes: mode ? [assertEnrollmentMode(mode)] : undefined,
    });
    return send(request, reply, clientId, paginated(data.map(serializeFrontendOrganizationDomain), totalCount));
  });

  app.post('/v1/organizations/:id/domains', async (request, reply) => {
    const { clientId, userId } = await ctx.signedIn(request);
    const { organization } = await domain.organizations.authorize(orgId(request), userId, 'org:sys_domains:manage');
    const body = parseForm(domainBody, request.body);
    const record = await domainsOf.create(
      organization.id,
      { name: body.name, enrollmentMode: body.enrollment_mode, verified: false },
      frontendCaller(request, userId),
    );
    return send(request, reply, clientId, serializeFrontendOrganizationDomain(record));
  });

  app.get('/v1/organizations/:id/domains/:domainId', async (request, reply) => {
    const { clientId, userId } = await ctx.signedIn(request);
    const { organization } = await domain.organizations.authorize(orgId(request), userId, 'org:sys_domains:read');
    return send(request, reply, clientId, serializeFrontendOrganizationDomain(await domainsOf.get(organization.id, domainId(request))));
  });

  app.delete('/v1/organizations/:id/domains/:domainId', async (request, reply) => {
    const { clientId, userId } = await ctx.signedIn(request);
    const { organization } = await domain.organizations.authorize(orgId(request), userId, 'org:sys_domains:manage');
    const { domain: gone } = await domainsOf.delete(organization.id, domainId(request), frontendCaller(request, userId));
    return send(request, reply, clientId, serializeDeleted('organization_domain', gone.id));
  });

  app.post('/v1/organizations/:id/domains/:domainId/prepare_affiliation_verification', async (request, reply) => {
    const { clientId, userId } = await ctx.signedIn(request);
    const { organization } = await domain.organizations.authorize(orgId(request), userId, 'org:sys_domains:manage');
    const body = parseForm(affiliationBody, request.body);
    const record = await domainsOf.prepareAffiliation(
      organization.id,
      domainId(request),
      body.affiliation_email_address,
      ctx.locale(request, undefined),
      frontendCaller(request, userId),
    );
    return send(request, reply, clientId, serializeFrontendOrganizationDomain(record));
  });

  app.post('/v1/organizations/:id/domains/:domainId/attempt_affiliation_verification', async (request, reply) => {
    const { clientId, userId } = await ctx.signedIn(request);
    const { organization } = await domain.organizations.authorize(orgId(request), userId, 'org:sys_domains:manage');
    const body = parseForm(codeBody, request.body);
    const record = await domainsOf.attemptAffiliation(organization.id, domainId(request), body.code, frontendCaller(request, userId));
    return send(request, reply, clientId, serializeFrontendOrganizationDomain(record));
  });

  app.post('/v1/organizations/:id/domains/:domainId/update_enrollment_mode', async (request, reply) => {
    const { clientId, userId } = await ctx.signedIn(request);
    const { organization } = await domain.organizations.authorize(orgId(request), userId, 'org:sys_domains:manage');
    const body = parseForm(enrollmentBody, request.body);
    const record = await domainsOf.updateEnrollmentMode(
      organization.id,
      domainId(request),
      body.enrollment_mode,
      frontendCaller(request, userId),
      body.delete_pending === 'true',
    );
    return send(request, reply, clientId, serializeFrontendOrganizationDomain(record));
  });

  // The signed-in user's side.
  app.get('/v1/me/organization_memberships', async (request, reply) => {
    const { clientId, userId } = await ctx.signedIn(request);
    const { limit, offset } = paging(request);
    const { data, totalCount } = await domain.organizations.listUserMemberships(userId, limit, offset);
    return send(request, reply, clientId, paginated(data.map(membershipJson), totalCount));
  });

  app.delete('/v1/me/organization_memberships/:id', async (request, reply) => {
    const { clientId, userId } = await ctx.signedIn(request);
    const { organization, membership } = await domain.organizations.authorize(orgId(request), userId);
    await domain.organizations.assertKeepsManager(organization.id, userId);
    await domain.organizations.deleteMembership(organization.id, userId, frontendCaller(request, userId));
    return send(request, reply, clientId, serializeDeleted('organization_membership', membership.id));
  });

  app.get('/v1/me/organization_invitations', async (request, reply) => {
    const { clientId, userId } = await ctx.signedIn(request);
    const { data, totalCount } = await domain.invitations.listForUser(userId, { ...paging(request), statuses: statuses(request) });
    const json = await Promise.all(data.map(({ invitation, organization }) => invitationJson(invitation, organization)));
    return send(request, reply, clientId, paginated(json, totalCount));
  });

  app.post('/v1/me/organization_invitations/:id/accept', async (request, reply) => {
    const { clientId, userId } = await ctx.signedIn(request);
    const { id } = request.params as { id: string };
    const { invitation, organization } = await domain.invitations.acceptForUser(userId, id, frontendCaller(request, userId));
    return send(request, reply, clientId, await invitationJson(invitation, organization));
  });

  app.get('/v1/me/organization_creation_defaults', async (request, reply) => {
    const { clientId } = await ctx.signedIn(request);
    return send(request, reply, clientId, serializeOrganizationCreationDefaults());
  });

  /**
   * The link in an invitation or sign-in-token mail: sends the browser to sign-in (an account exists
   * or it is a sign-in token) or sign-up, with `__clerk_ticket` and `__clerk_status` as Clerk does.
   */
  app.get('/v1/tickets/accept', async (request, reply) => {
    const ticket = queryValue(request.query, 'ticket') ?? '';
    const frontend = (await domain.instance.settings()).frontend;
    const publicUrl = domain.invitations.acceptUrl('x').replace(/\/v1\/tickets\/accept.*$/, '');
    let target: URL;
    try {
      const { invitation, signIn } = await domain.invitations.destination(ticket);
      const base =
        invitation.redirectUrl ??
        (signIn ? (frontend.signInUrl ?? `${publicUrl}/sign-in`) : (frontend.signUpUrl ?? `${publicUrl}/sign-up`));
      target = new URL(base, publicUrl);
      target.searchParams.set('__clerk_ticket', ticket);
      target.searchParams.set('__clerk_status', signIn ? 'sign_in' : 'sign_up');
    } catch (error) {
      if ((error as { status?: number }).status !== 400) throw error;
      target = new URL(frontend.signInUrl ?? `${publicUrl}/sign-in`, publicUrl);
      target.searchParams.set('__clerk_status', 'expired');
    }
    return reply.redirect(target.toString(), 303);
  });
}
