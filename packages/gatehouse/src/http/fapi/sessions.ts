import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Domain } from '../../domain/index.js';
import { errors, frontendErrors } from '../../errors.js';
import type { Session } from '../../model/index.js';
import { frontendCaller } from '../caller.js';
import { sendJson } from '../reply.js';
import { serializeFrontendSession } from '../serializers/session.js';
import { serializeToken } from '../serializers/token.js';
import type { FapiContext } from './context.js';
import { formFields } from './form.js';

/** `/v1/client/sessions`: setActive (touch), tokens, ending one session or all of them. */
export function registerSessionRoutes(app: FastifyInstance, domain: Domain, ctx: FapiContext): void {
  /** A session of the caller's own client, or 404: one browser never reaches another's sessions. */
  async function ownSession(request: FastifyRequest): Promise<{ clientId: string; session: Session }> {
    const client = await ctx.client(request);
    if (!client) throw frontendErrors.notSignedIn();
    const { id } = request.params as { id: string };
    return { clientId: client.id, session: await domain.clients.ownSession(client.id, id) };
  }

  app.post('/v1/client/sessions/:id/touch', async (request, reply) => {
    const { clientId, session } = await ownSession(request);
    // setActive({ organization }) arrives here; '' means the personal account.
    const fields = formFields(request.body);
    await domain.clients.touch(clientId, session, 'active_organization_id' in fields ? fields.active_organization_id : undefined);
    const client = await ctx.clientJson(clientId, request.headers.origin);
    if (!client) throw errors.notFound('client');
    const response = client.sessions.find((s) => s.id === session.id) ?? null;
    return sendJson(reply, 200, { response, client });
  });

  const mint = async (request: FastifyRequest, template?: string) => {
    const { id } = request.params as { id: string };
    // One query when all is well; a miss takes the long way round, which says exactly what is wrong.
    const found = await domain.clients.sessionWithUser(ctx.clientToken(request), id);
    const options = { authorizedParty: request.headers.origin };
    if (!found) {
      const { session } = await ownSession(request);
      return template
        ? domain.tokens.mintTemplateTokenFor(session.id, template, options)
        : domain.tokens.mintSessionTokenFor(session.id, options);
    }
    return template ? domain.tokens.mintTemplateToken(found, template, options) : domain.tokens.mintSessionToken(found, options);
  };

  // Tokens come back bare, not in the envelope: clerk-js reads `.jwt` from the top level.
  app.post('/v1/client/sessions/:id/tokens', async (request, reply) => sendJson(reply, 200, serializeToken(await mint(request))));
  app.post('/v1/client/sessions/:id/tokens/:template', async (request, reply) => {
    const { template } = request.params as { template: string };
    return sendJson(reply, 200, serializeToken(await mint(request, template)));
  });

  for (const [action, status] of [
    ['end', 'ended'],
    ['remove', 'removed'],
  ] as const) {
    app.post(`/v1/client/sessions/:id/${action}`, async (request, reply) => {
      const { clientId, session } = await ownSession(request);
      await domain.clients.endSessions(clientId, status, frontendCaller(request, session.userId), session.id);
      await ctx.rotateClient(reply, clientId);
      // The whole session, as clerk-js's `Session.end()`/`remove()` reads it back into itself.
      const ended = await domain.sessions.get(session.id);
      const record = await domain.users.get(ended.userId);
      return ctx.send(
        request,
        reply,
        clientId,
        serializeFrontendSession({ session: ended, record }, domain.clock(), domain.protection.state(record.user), domain.images.links),
      );
    });
  }

  app.delete('/v1/client/sessions', async (request, reply) => {
    const client = await ctx.client(request);
    if (!client) return sendJson(reply, 200, { response: null, client: null });
    // Every session of the browser ends, whoever's: the caller is the browser, not one user.
    await domain.clients.endSessions(client.id, 'ended', frontendCaller(request, undefined));
    await ctx.rotateClient(reply, client.id);
    return ctx.sendClient(request, reply, client.id);
  });
}
