import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { Domain } from '../../domain/index.js';
import { assertEnrollmentMode } from '../../domain/organization-domains.js';
import { backendCaller } from '../caller.js';
import { idParams, metadataObject, pagination, stringList } from '../params.js';
import { sendJson } from '../reply.js';
import { serializeDeleted } from '../serializers/deleted.js';
import { serializeOrganizationRecord } from '../serializers/organization.js';
import { serializeOrganizationDomain } from '../serializers/organization-domain.js';
import { serializeMembership } from '../serializers/organization-membership.js';
import { serializePage } from '../serializers/page.js';
import { parseInput } from '../validation.js';

const booleanQuery = z.enum(['true', 'false']).optional();

const listQuery = z
  .object({
    ...pagination,
    include_members_count: booleanQuery,
    query: z.string().max(256).optional(),
    order_by: z.string().max(64).optional(),
    organization_id: stringList,
  })
  .strict();
const getQuery = z.object({ include_members_count: booleanQuery }).strict();

const name = z.string().max(256);
const slug = z.string().max(100);
const maxAllowedMemberships = z.number().int().min(0).max(1_000_000);

const createBody = z
  .object({
    name,
    slug: slug.optional(),
    created_by: z.string().min(1).optional(),
    max_allowed_memberships: maxAllowedMemberships.optional(),
    public_metadata: metadataObject.optional(),
    private_metadata: metadataObject.optional(),
  })
  .strict();
const updateBody = z
  .object({
    name: name.optional(),
    slug: slug.optional(),
    max_allowed_memberships: maxAllowedMemberships.optional(),
    admin_delete_enabled: z.boolean().optional(),
    public_metadata: metadataObject.optional(),
    private_metadata: metadataObject.optional(),
  })
  .strict();
// `replaceOrganizationMetadata` documents `null` as "store an empty value"; both verbs take it.
const metadataBody = z
  .object({ public_metadata: metadataObject.nullable().optional(), private_metadata: metadataObject.nullable().optional() })
  .strict();

const role = z.string().min(1).max(64);
const membershipListQuery = z
  .object({
    ...pagination,
    order_by: z.string().max(64).optional(),
    user_id: stringList,
    email_address: stringList,
    username: stringList,
    role: stringList,
    query: z.string().max(256).optional(),
  })
  .strict();
const membershipCreateBody = z.object({ user_id: z.string().min(1), role }).strict();
const membershipUpdateBody = z.object({ role }).strict();
const membershipParams = z.object({ id: z.string().min(1), userId: z.string().min(1) });
const userMembershipsQuery = z.object(pagination).strict();
const instanceMembershipsQuery = z.object({ ...pagination, order_by: z.string().max(64).optional() }).strict();
const enrollmentMode = z.enum(['manual_invitation', 'automatic_invitation', 'automatic_suggestion']);
const domainListQuery = z.object({ ...pagination, verified: booleanQuery, enrollment_mode: stringList }).strict();
const domainCreateBody = z
  .object({ name: z.string().max(253), enrollment_mode: enrollmentMode.optional(), verified: z.boolean().optional() })
  .strict();
const domainUpdateBody = z
  .object({ name: z.string().max(253).optional(), enrollment_mode: enrollmentMode.optional(), verified: z.boolean().optional() })
  .strict();
const domainParams = z.object({ id: z.string().min(1), domainId: z.string().min(1) });

/** BAPI `/v1/organizations`, their memberships, and `/v1/users/{id}/organization_memberships`. */
export function registerOrganizationRoutes(app: FastifyInstance, domain: Domain): void {
  const { organizations } = domain;
  const { links } = domain.images;

  app.get('/v1/organizations', async (request, reply) => {
    const q = parseInput(listQuery, request.query);
    const page = await organizations.list({
      query: q.query,
      organizationIds: q.organization_id,
      orderBy: q.order_by,
      limit: q.limit,
      offset: q.offset,
      includeMembersCount: q.include_members_count === 'true',
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

  app.post('/v1/organizations', async (request, reply) => {
    const body = parseInput(createBody, request.body);
    const record = await organizations.create(
      {
        name: body.name,
        slug: body.slug,
        createdBy: body.created_by,
        maxAllowedMemberships: body.max_allowed_memberships,
        publicMetadata: body.public_metadata,
        privateMetadata: body.private_metadata,
      },
      backendCaller(request),
    );
    return sendJson(reply, 200, serializeOrganizationRecord(record, links));
  });

  app.get('/v1/organizations/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const q = parseInput(getQuery, request.query);
    const record = await organizations.get(id, { includeMembersCount: q.include_members_count === 'true' });
    return sendJson(reply, 200, serializeOrganizationRecord(record, links));
  });

  app.patch('/v1/organizations/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(updateBody, request.body);
    const record = await organizations.update(
      id,
      {
        name: body.name,
        slug: body.slug,
        maxAllowedMemberships: body.max_allowed_memberships,
        adminDeleteEnabled: body.admin_delete_enabled,
        publicMetadata: body.public_metadata,
        privateMetadata: body.private_metadata,
      },
      backendCaller(request),
    );
    return sendJson(reply, 200, serializeOrganizationRecord(record, links));
  });

  app.delete('/v1/organizations/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    return sendJson(reply, 200, serializeDeleted('organization', await organizations.delete(id, backendCaller(request))));
  });

  app.patch('/v1/organizations/:id/metadata', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const record = await organizations.mergeMetadata(id, parseInput(metadataBody, request.body), backendCaller(request));
    return sendJson(reply, 200, serializeOrganizationRecord(record, links));
  });

  app.put('/v1/organizations/:id/metadata', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const record = await organizations.replaceMetadata(id, parseInput(metadataBody, request.body), backendCaller(request));
    return sendJson(reply, 200, serializeOrganizationRecord(record, links));
  });

  app.get('/v1/organizations/:id/memberships', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const q = parseInput(membershipListQuery, request.query);
    const page = await organizations.listMemberships(id, {
      userIds: q.user_id,
      emailAddresses: q.email_address,
      usernames: q.username,
      roles: q.role,
      query: q.query,
      orderBy: q.order_by,
      limit: q.limit,
      offset: q.offset,
    });
    return sendJson(
      reply,
      200,
      serializePage(
        page.data.map((r) => serializeMembership(r, links)),
        page.totalCount,
      ),
    );
  });

  app.post('/v1/organizations/:id/memberships', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(membershipCreateBody, request.body);
    const record = await organizations.createMembership(id, { userId: body.user_id, role: body.role }, backendCaller(request));
    return sendJson(reply, 200, serializeMembership(record, links));
  });

  app.patch('/v1/organizations/:id/memberships/:userId', async (request, reply) => {
    const { id, userId } = parseInput(membershipParams, request.params);
    const body = parseInput(membershipUpdateBody, request.body);
    return sendJson(
      reply,
      200,
      serializeMembership(await organizations.updateMembership(id, userId, { role: body.role }, backendCaller(request)), links),
    );
  });

  app.delete('/v1/organizations/:id/memberships/:userId', async (request, reply) => {
    const { id, userId } = parseInput(membershipParams, request.params);
    return sendJson(reply, 200, serializeMembership(await organizations.deleteMembership(id, userId, backendCaller(request)), links));
  });

  app.patch('/v1/organizations/:id/memberships/:userId/metadata', async (request, reply) => {
    const { id, userId } = parseInput(membershipParams, request.params);
    const record = await organizations.mergeMembershipMetadata(id, userId, parseInput(metadataBody, request.body), backendCaller(request));
    return sendJson(reply, 200, serializeMembership(record, links));
  });

  app.get('/v1/organizations/:id/domains', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const q = parseInput(domainListQuery, request.query);
    const modes = q.enrollment_mode?.map((mode) => assertEnrollmentMode(mode));
    const page = await domain.organizationDomains.list(id, {
      enrollmentModes: modes,
      verified: q.verified === undefined ? undefined : q.verified === 'true',
      limit: q.limit,
      offset: q.offset,
    });
    return sendJson(reply, 200, serializePage(page.data.map(serializeOrganizationDomain), page.totalCount));
  });

  app.post('/v1/organizations/:id/domains', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(domainCreateBody, request.body);
    const record = await domain.organizationDomains.create(
      id,
      {
        name: body.name,
        enrollmentMode: body.enrollment_mode,
        // Clerk's default: a domain an administrator adds is verified.
        verified: body.verified ?? true,
      },
      backendCaller(request),
    );
    return sendJson(reply, 200, serializeOrganizationDomain(record));
  });

  app.patch('/v1/organizations/:id/domains/:domainId', async (request, reply) => {
    const { id, domainId } = parseInput(domainParams, request.params);
    const body = parseInput(domainUpdateBody, request.body);
    const record = await domain.organizationDomains.update(
      id,
      domainId,
      {
        name: body.name,
        enrollmentMode: body.enrollment_mode,
        verified: body.verified,
      },
      backendCaller(request),
    );
    return sendJson(reply, 200, serializeOrganizationDomain(record));
  });

  app.delete('/v1/organizations/:id/domains/:domainId', async (request, reply) => {
    const { id, domainId } = parseInput(domainParams, request.params);
    return sendJson(reply, 200, serializeOrganizationDomain(await domain.organizationDomains.delete(id, domainId, backendCaller(request))));
  });

  app.get('/v1/organization_memberships', async (request, reply) => {
    const q = parseInput(instanceMembershipsQuery, request.query);
    const page = await organizations.listInstanceMemberships({ orderBy: q.order_by, limit: q.limit, offset: q.offset });
    return sendJson(
      reply,
      200,
      serializePage(
        page.data.map((r) => serializeMembership(r, links)),
        page.totalCount,
      ),
    );
  });

  app.get('/v1/users/:id/organization_memberships', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const q = parseInput(userMembershipsQuery, request.query);
    const page = await organizations.listUserMemberships(id, q.limit ?? 10, q.offset ?? 0);
    return sendJson(
      reply,
      200,
      serializePage(
        page.data.map((r) => serializeMembership(r, links)),
        page.totalCount,
      ),
    );
  });
}
