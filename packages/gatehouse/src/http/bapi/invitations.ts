import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { Domain } from '../../domain/index.js';
import { errors } from '../../errors.js';
import type { Invitation, InvitationStatus, Organization } from '../../model/index.js';
import { backendCaller } from '../caller.js';
import { idParams, metadataObject, pagination, stringList } from '../params.js';
import { sendJson } from '../reply.js';
import { serializeDeleted } from '../serializers/deleted.js';
import { serializeInvitation, serializeOrganizationInvitation, serializeSignInToken } from '../serializers/invitation.js';
import { serializePage } from '../serializers/page.js';
import { parseInput } from '../validation.js';

const STATUSES = ['pending', 'accepted', 'revoked', 'expired'] as const;
const email = z.string().min(1).max(320);
const url = z.string().url().max(2048);
const days = z.number().int().min(1).max(365);

const orgInvitationBody = z
  .object({
    email_address: email,
    role: z.string().min(1).max(128).optional(),
    inviter_user_id: z.string().min(1).max(128).optional(),
    public_metadata: metadataObject.optional(),
    private_metadata: metadataObject.optional(),
    redirect_url: url.optional(),
    expires_in_days: days.optional(),
    notify: z.boolean().optional(),
  })
  .strict();
const orgInvitationParams = z.object({ id: z.string().min(1), invitationId: z.string().min(1) });
const statusQuery = { status: stringList };
const orgInvitationListQuery = z.object({ ...pagination, ...statusQuery, order_by: z.string().max(64).optional() }).strict();
const revokeBody = z.object({ requesting_user_id: z.string().min(1).max(128).optional() }).strict();

const instanceInvitationBody = z
  .object({
    email_address: email,
    public_metadata: metadataObject.optional(),
    redirect_url: url.optional(),
    notify: z.boolean().optional(),
    ignore_existing: z.boolean().optional(),
    expires_in_days: days.optional(),
    template_slug: z.enum(['invitation', 'waitlist_invitation']).optional(),
  })
  .strict();
const instanceListQuery = z
  .object({
    ...pagination,
    status: z.enum(STATUSES).optional(),
    query: z.string().max(320).optional(),
    order_by: z.string().max(64).optional(),
    paginated: z.enum(['true', 'false']).optional(),
  })
  .strict();

const signInTokenBody = z
  .object({ user_id: z.string().min(1).max(128), expires_in_seconds: z.number().int().min(1).max(315_360_000).optional() })
  .strict();

function statusList(values: string[] | undefined): InvitationStatus[] | undefined {
  if (!values?.length) return undefined;
  const flat = values.flatMap((v) => v.split(','));
  for (const value of flat) {
    if (!(STATUSES as readonly string[]).includes(value)) throw errors.paramValueInvalid('status', `must be one of ${STATUSES.join(', ')}`);
  }
  return flat as InvitationStatus[];
}

function arrayBody(body: unknown): unknown[] {
  if (!Array.isArray(body)) throw errors.malformedBody('expected a JSON array of invitations');
  if (body.length === 0) throw errors.paramMissing('email_address');
  if (body.length > 50) throw errors.paramValueInvalid('email_address', 'at most 50 invitations at once');
  return body;
}

/**
 * BAPI invitations: `/v1/organizations/{id}/invitations…`, `/v1/users/{id}/organization_invitations`,
 * instance invitations (`/v1/invitations`) and sign-in tokens (`/v1/sign_in_tokens`).
 */
export function registerInvitationRoutes(app: FastifyInstance, domain: Domain): void {
  const { invitations } = domain;
  const { links } = domain.images;

  async function orgInvitationJson(invitation: Invitation, organization?: Organization, issuedUrl: string | null = null) {
    const catalog = await domain.organizations.catalog();
    const org = organization ?? (invitation.organizationId ? await domain.organizations.find(invitation.organizationId) : undefined);
    return serializeOrganizationInvitation(
      invitation,
      invitations.effectiveStatus(invitation),
      catalog.roleName(invitation.role ?? ''),
      org,
      links,
      issuedUrl,
    );
  }

  function orgInput(body: z.infer<typeof orgInvitationBody>) {
    return {
      emailAddress: body.email_address,
      role: body.role,
      inviterUserId: body.inviter_user_id,
      publicMetadata: body.public_metadata,
      privateMetadata: body.private_metadata,
      redirectUrl: body.redirect_url,
      expiresInDays: body.expires_in_days,
      notify: body.notify,
    };
  }

  app.post('/v1/organizations/:id/invitations', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(orgInvitationBody, request.body);
    const { invitation, url: link } = await invitations.createForOrganization(id, orgInput(body), backendCaller(request));
    return sendJson(reply, 200, await orgInvitationJson(invitation, undefined, link));
  });

  app.post('/v1/organizations/:id/invitations/bulk', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const inputs = arrayBody(request.body).map((item) => orgInput(parseInput(orgInvitationBody, item)));
    const issued = await invitations.createForOrganizationBulk(id, inputs, backendCaller(request));
    const data = await Promise.all(issued.map(({ invitation, url: link }) => orgInvitationJson(invitation, undefined, link)));
    return sendJson(reply, 200, serializePage(data, data.length));
  });

  app.get('/v1/organizations/:id/invitations', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const q = parseInput(orgInvitationListQuery, request.query);
    const page = await invitations.listForOrganization(id, {
      statuses: statusList(q.status),
      orderBy: q.order_by,
      limit: q.limit,
      offset: q.offset,
    });
    return sendJson(reply, 200, serializePage(await Promise.all(page.data.map((i) => orgInvitationJson(i))), page.totalCount));
  });

  app.get('/v1/organizations/:id/invitations/:invitationId', async (request, reply) => {
    const { id, invitationId } = parseInput(orgInvitationParams, request.params);
    return sendJson(reply, 200, await orgInvitationJson(await invitations.getForOrganization(id, invitationId)));
  });

  app.post('/v1/organizations/:id/invitations/:invitationId/revoke', async (request, reply) => {
    const { id, invitationId } = parseInput(orgInvitationParams, request.params);
    parseInput(revokeBody, request.body ?? {});
    return sendJson(reply, 200, await orgInvitationJson(await invitations.revokeForOrganization(id, invitationId, backendCaller(request))));
  });

  app.get('/v1/users/:id/organization_invitations', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const q = parseInput(z.object({ ...pagination, ...statusQuery }).strict(), request.query);
    await domain.users.get(id);
    const page = await invitations.listForUser(id, { statuses: statusList(q.status), limit: q.limit, offset: q.offset });
    const data = await Promise.all(page.data.map(({ invitation, organization }) => orgInvitationJson(invitation, organization)));
    return sendJson(reply, 200, serializePage(data, page.totalCount));
  });

  // Instance invitations.
  function instanceInput(body: z.infer<typeof instanceInvitationBody>) {
    return {
      emailAddress: body.email_address,
      publicMetadata: body.public_metadata,
      redirectUrl: body.redirect_url,
      notify: body.notify,
      ignoreExisting: body.ignore_existing,
      expiresInDays: body.expires_in_days,
    };
  }
  const invitationJson = (invitation: Invitation, link: string | null = null) =>
    serializeInvitation(invitation, invitations.effectiveStatus(invitation), link);

  app.post('/v1/invitations', async (request, reply) => {
    const body = parseInput(instanceInvitationBody, request.body);
    const { invitation, url: link } = await invitations.createForInstance(instanceInput(body), backendCaller(request));
    return sendJson(reply, 200, invitationJson(invitation, link));
  });

  app.post('/v1/invitations/bulk', async (request, reply) => {
    const inputs = arrayBody(request.body).map((item) => instanceInput(parseInput(instanceInvitationBody, item)));
    const issued = [];
    for (const input of inputs) issued.push(await invitations.createForInstance(input, backendCaller(request)));
    return sendJson(
      reply,
      200,
      issued.map(({ invitation, url: link }) => invitationJson(invitation, link)),
    );
  });

  app.get('/v1/invitations', async (request, reply) => {
    const q = parseInput(instanceListQuery, request.query);
    const page = await invitations.listForInstance({
      statuses: q.status ? [q.status] : undefined,
      query: q.query,
      orderBy: q.order_by,
      limit: q.limit,
      offset: q.offset,
    });
    const data = page.data.map((i) => invitationJson(i));
    return sendJson(reply, 200, q.paginated === 'true' ? serializePage(data, page.totalCount) : data);
  });

  app.post('/v1/invitations/:id/revoke', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    return sendJson(reply, 200, invitationJson(await invitations.revokeForInstance(id)));
  });

  app.delete('/v1/invitations/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    return sendJson(reply, 200, serializeDeleted('invitation', await invitations.deleteForInstance(id)));
  });

  // Sign-in tokens.
  app.post('/v1/sign_in_tokens', async (request, reply) => {
    const body = parseInput(signInTokenBody, request.body);
    const {
      invitation,
      ticket,
      url: link,
    } = await invitations.createSignInToken({
      userId: body.user_id,
      expiresInSeconds: body.expires_in_seconds,
    });
    return sendJson(reply, 200, serializeSignInToken(invitation, invitations.effectiveStatus(invitation), ticket, link));
  });

  app.post('/v1/sign_in_tokens/:id/revoke', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const invitation = await invitations.revokeSignInToken(id);
    return sendJson(reply, 200, serializeSignInToken(invitation, invitations.effectiveStatus(invitation)));
  });
}
