import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Domain } from '../../domain/index.js';
import { errors } from '../../errors.js';
import type { MembershipRequestStatus, OrganizationSuggestionStatus } from '../../model/index.js';
import { frontendCaller } from '../caller.js';
import { serializeMembershipRequest, serializeOrganizationSuggestion } from '../serializers/enrollment.js';
import type { FapiContext } from './context.js';
import { paging } from './organizations.js';

/** A `status` filter: repeated, an array, or a comma list, each one of `allowed`. */
function statusFilter<T extends string>(request: FastifyRequest, allowed: readonly T[]): T[] | undefined {
  const raw = (request.query as Record<string, unknown>).status;
  if (raw === undefined || raw === '') return undefined;
  const values = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => String(v).split(',')).filter(Boolean);
  for (const value of values) {
    if (!allowed.includes(value as T)) throw errors.paramValueInvalid('status', `must be one of ${allowed.join(', ')}`);
  }
  return values as T[];
}

const SUGGESTION_STATUSES: readonly OrganizationSuggestionStatus[] = ['pending', 'accepted'];
const REQUEST_STATUSES: readonly MembershipRequestStatus[] = ['pending', 'accepted', 'revoked'];

/**
 * Enrollment by verified domain in the Frontend API: the signed-in user's suggestions (`<OrganizationList/>`,
 * `<OrganizationSwitcher/>` offer them; accepting asks to join) and an organization's membership
 * requests for those who may manage members (`<OrganizationProfile/>`'s Requests tab).
 */
export function registerEnrollmentRoutes(app: FastifyInstance, domain: Domain, ctx: FapiContext): void {
  const links = domain.images.links;
  const enrollment = domain.enrollment;

  app.get('/v1/me/organization_suggestions', async (request, reply) => {
    const { clientId, userId } = await ctx.signedIn(request);
    const statuses = statusFilter(request, SUGGESTION_STATUSES);
    const { data, totalCount } = await enrollment.listSuggestions(userId, { ...paging(request), statuses });
    return ctx.send(request, reply, clientId, {
      data: data.map((r) => serializeOrganizationSuggestion(r, links)),
      total_count: totalCount,
    });
  });

  app.post('/v1/me/organization_suggestions/:id/accept', async (request, reply) => {
    const { clientId, userId } = await ctx.signedIn(request);
    const { id } = request.params as { id: string };
    return ctx.send(request, reply, clientId, serializeOrganizationSuggestion(await enrollment.acceptSuggestion(userId, id), links));
  });

  const organizationId = (request: FastifyRequest) => (request.params as { id: string }).id;
  const requestId = (request: FastifyRequest) => (request.params as { requestId: string }).requestId;

  app.get('/v1/organizations/:id/membership_requests', async (request, reply) => {
    const { clientId, userId } = await ctx.signedIn(request);
    const { organization } = await domain.organizations.authorize(organizationId(request), userId, 'org:sys_memberships:manage');
    const statuses = statusFilter(request, REQUEST_STATUSES);
    const { data, totalCount } = await enrollment.listRequests(organization.id, { ...paging(request), statuses });
    return ctx.send(request, reply, clientId, { data: data.map((r) => serializeMembershipRequest(r, links)), total_count: totalCount });
  });

  app.post('/v1/organizations/:id/membership_requests/:requestId/accept', async (request, reply) => {
    const { clientId, userId } = await ctx.signedIn(request);
    const { organization } = await domain.organizations.authorize(organizationId(request), userId, 'org:sys_memberships:manage');
    const record = await enrollment.acceptRequest(organization.id, requestId(request), frontendCaller(request, userId));
    return ctx.send(request, reply, clientId, serializeMembershipRequest(record, links));
  });

  app.post('/v1/organizations/:id/membership_requests/:requestId/reject', async (request, reply) => {
    const { clientId, userId } = await ctx.signedIn(request);
    const { organization } = await domain.organizations.authorize(organizationId(request), userId, 'org:sys_memberships:manage');
    const record = await enrollment.rejectRequest(organization.id, requestId(request));
    return ctx.send(request, reply, clientId, serializeMembershipRequest(record, links));
  });
}
