import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Domain } from '../../domain/index.js';
import { frontendErrors } from '../../errors.js';
import type { RateLimiter } from '../../security/rate-limit.js';
import { frontendCaller } from '../caller.js';
import type { FapiContext } from '../fapi/context.js';
import { enforceLimits } from '../fapi/limits.js';
import { queryValue } from '../params.js';
import { serializeImage, serializeRemovedImage } from '../serializers/image.js';
import { serializeFrontendOrganization } from '../serializers/organization.js';
import { acceptUploads, readUpload, UPLOAD_BODY_LIMIT } from './upload-body.js';

/** Each upload stores up to 10 MB: a person gets a few a minute. */
const UPLOADS = { limit: 10, windowMs: 60_000 };

export interface ImageFapiOptions {
  domain: Domain;
  ctx: FapiContext;
  limiter: RateLimiter;
}

/**
 * The signed-in person's avatar (`/v1/me/profile_image`) and their organizations' logos
 * (`/v1/organizations/{id}/logo`, for members who may manage the profile), as clerk-js's
 * `user.setProfileImage` and `organization.setLogo` call them.
 */
export async function registerImageFrontendRoutes(app: FastifyInstance, options: ImageFapiOptions): Promise<void> {
  const { domain, ctx, limiter } = options;

  async function signedIn(request: FastifyRequest): Promise<{ clientId: string; userId: string }> {
    const client = await ctx.client(request);
    if (!client) throw frontendErrors.notSignedIn();
    const wanted = queryValue(request.query, '_clerk_session_id') || client.lastActiveSessionId;
    const entry = (await domain.clients.activeSessions(client.id)).find((s) => s.session.id === wanted);
    if (!entry) throw frontendErrors.notSignedIn();
    return { clientId: client.id, userId: entry.session.userId };
  }

  async function organizationJson(id: string) {
    const { organization } = await domain.organizations.get(id);
    return serializeFrontendOrganization(organization, domain.images.links);
  }

  /** Only members whose role may manage the organization's profile change its logo. */
  async function assertManages(organizationId: string, userId: string): Promise<void> {
    await domain.organizations.authorize(organizationId, userId, 'org:sys_profile:manage');
  }

  await app.register(async (scope) => {
    await acceptUploads(scope);

    scope.post('/v1/me/profile_image', { bodyLimit: UPLOAD_BODY_LIMIT }, async (request, reply) => {
      const { clientId, userId } = await signedIn(request);
      await enforceLimits(domain, limiter, request, [[`image_upload:${userId}`, UPLOADS]]);
      const { bytes } = await readUpload(request);
      return ctx.send(
        request,
        reply,
        clientId,
        serializeImage(await domain.images.setUserImage(userId, bytes, frontendCaller(request, userId))),
      );
    });

    scope.delete('/v1/me/profile_image', async (request, reply) => {
      const { clientId, userId } = await signedIn(request);
      await domain.images.deleteUserImage(userId, frontendCaller(request, userId));
      const user = (await domain.users.get(userId)).user;
      const fallback = domain.images.links.user({ id: user.id, image: null, firstName: user.firstName, lastName: user.lastName });
      return ctx.send(request, reply, clientId, serializeRemovedImage(fallback.image_url));
    });

    scope.put('/v1/organizations/:id/logo', { bodyLimit: UPLOAD_BODY_LIMIT }, async (request, reply) => {
      const { clientId, userId } = await signedIn(request);
      const id = (request.params as { id: string }).id;
      await assertManages(id, userId);
      await enforceLimits(domain, limiter, request, [[`image_upload:${userId}`, UPLOADS]]);
      const { bytes } = await readUpload(request);
      return ctx.send(
        request,
        reply,
        clientId,
        await organizationJson(await domain.images.setOrganizationLogo(id, bytes, frontendCaller(request, userId))),
      );
    });

    scope.delete('/v1/organizations/:id/logo', async (request, reply) => {
      const { clientId, userId } = await signedIn(request);
      const id = (request.params as { id: string }).id;
      await assertManages(id, userId);
      return ctx.send(
        request,
        reply,
        clientId,
        await organizationJson(await domain.images.deleteOrganizationLogo(id, frontendCaller(request, userId))),
      );
    });
  });
}
