import type { FastifyInstance } from 'fastify';
import type { Domain } from '../../domain/index.js';
import { backendCaller } from '../caller.js';
import { sendJson } from '../reply.js';
import { serializeOrganizationRecord } from '../serializers/organization.js';
import { serializeUser } from '../serializers/user.js';
import { acceptUploads, readUpload, UPLOAD_BODY_LIMIT } from './upload-body.js';

/**
 * Backend API uploads, as `@clerk/backend` sends them: `users.updateUserProfileImage` /
 * `deleteUserProfileImage` answer the user, `organizations.updateOrganizationLogo` /
 * `deleteOrganizationLogo` the organization.
 */
export async function registerImageBackendRoutes(app: FastifyInstance, domain: Domain): Promise<void> {
  const { links } = domain.images;
  const userJson = async (id: string) => {
    const record = await domain.users.get(id);
    return serializeUser(record, domain.protection.state(record.user), links);
  };
  const organizationJson = async (id: string) => serializeOrganizationRecord(await domain.organizations.get(id), links);
  const idOf = (params: unknown) => (params as { id: string }).id;

  await app.register(async (scope) => {
    await acceptUploads(scope);

    scope.post('/v1/users/:id/profile_image', { bodyLimit: UPLOAD_BODY_LIMIT }, async (request, reply) => {
      const id = idOf(request.params);
      await domain.users.get(id);
      const { bytes } = await readUpload(request);
      await domain.images.setUserImage(id, bytes, backendCaller(request));
      return sendJson(reply, 200, await userJson(id));
    });

    scope.delete('/v1/users/:id/profile_image', async (request, reply) => {
      const id = idOf(request.params);
      await domain.images.deleteUserImage(id, backendCaller(request));
      return sendJson(reply, 200, await userJson(id));
    });

    scope.put('/v1/organizations/:id/logo', { bodyLimit: UPLOAD_BODY_LIMIT }, async (request, reply) => {
      await domain.organizations.get(idOf(request.params));
      const { bytes } = await readUpload(request);
      return sendJson(
        reply,
        200,
        await organizationJson(await domain.images.setOrganizationLogo(idOf(request.params), bytes, backendCaller(request))),
      );
    });

    scope.delete('/v1/organizations/:id/logo', async (request, reply) => {
      return sendJson(
        reply,
        200,
        await organizationJson(await domain.images.deleteOrganizationLogo(idOf(request.params), backendCaller(request))),
      );
    });
  });
}
