import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Domain } from '../../domain/index.js';
import { errors, frontendErrors } from '../../errors.js';
import type { Session } from '../../model/index.js';
import { sendJson } from '../reply.js';
import { serializeToken } from '../serializers/misc.js';
import type { FapiContext } from './context.js';
import { formFields } from './form.js';

/** `/v1/client/sessions`: setActive (touch), tokens, ending one session or all of them. */
export function registerSessionRoutes(app: FastifyInstance, domain: Domain, ctx: FapiContext): void {
  /** A session of the caller's own client, or 404: one browser never reaches another's sessions. */
  async function ownSession(request: FastifyRequest): Promise<{ clientId: string; session: Session }> {
    const client = await ctx.client(request);
    if (!client) throw frontendErrors.notSignedIn();
    const { id } = request.params as { id: string };
    const session = await domain.store.sessions.findById(id);
    if (!session || session.clientId !== client.id) throw errors.notFound('session');
    return { clientId: client.id, session };
  }

  app.post('/v1/client/sessions/:id/touch', async (request, reply) => {
    const { clientId, session } = await ownSession(request);
    const now = domain.clock();
    const live = await domain.sessions.get(session.id);
    if (live.status !== 'active') throw errors.sessionNotActive(session.id, live.status);
    await domain.store.sessions.update(session.id, { lastActiveAt: now, updatedAt: now });
    // setActive({ organization }) arrives here; '' means the personal account.
    const fields = formFields(request.body);
    if ('active_organization_id' in fields) await domain.sessions.setActiveOrganization(session.id, fields.active_organization_id || null);
    await domain.store.users.update(session.userId, { lastActiveAt: now });
    await domain.clients.update(clientId, { lastActiveSessionId: session.id });
    const current = await domain.clients.reload(clientId);
    if (!current) throw errors.notFound('client');
    const client = await ctx.clientJson(await domain.clients.view(current), request.headers.origin);
    const response = client.sessions.find((s) => s.id === session.id) ?? null;
    return sendJson(reply, 200, { response, client });
  });

  const mint = async (request: FastifyRequest, template?: string) => {
    const { id } = request.params as { id: string };
    // One query when all is well; a miss takes the long way round, which says exactly what is wrong.
    const live = (await domain.clients.sessionWithUser(ctx.clientToken(request), id)) ?? (await ownSession(request)).session;
    const origin = request.headers.origin;
    return template
      ? domain.tokens.mintTemplateToken(live, template, { authorizedParty: origin })
      : domain.tokens.mintSessionToken(live, { authorizedParty: origin });
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
      await domain.clients.endSessions(clientId, status, session.id);
      const ended = await domain.sessions.get(session.id);
      return ctx.send(request, reply, clientId, { object: 'session', id: ended.id, status: ended.status });
    });
  }

  app.delete('/v1/client/sessions', async (request, reply) => {
    const client = await ctx.client(request);
    if (!client) return sendJson(reply, 200, { response: null, client: null });
    await domain.clients.endSessions(client.id, 'ended');
    return ctx.send(request, reply, client.id, null);
  });
}
