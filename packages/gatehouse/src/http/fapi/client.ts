import type { FastifyInstance } from 'fastify';
import type { Domain } from '../../domain/index.js';
import { frontendErrors } from '../../errors.js';
import { isAllowedRedirect, originOf } from '../../security/origins.js';
import { frontendCaller } from '../caller.js';
import { parseCookies } from '../cookies.js';
import { queryValue } from '../params.js';
import { sendJson } from '../reply.js';
import type { FapiContext } from './context.js';

/** `/v1/client` (the browser's state), sign-out of everything, and the handshake redirect. */
export function registerClientRoutes(app: FastifyInstance, domain: Domain, ctx: FapiContext, publicUrl: string): void {
  app.get('/v1/client', async (request, reply) => {
    // A development browser gets its client (and so its dev browser token) on first contact, as
    // Clerk's dev browser does: clerk-js needs that token before a component links to another origin.
    const client = domain.isDevelopment() ? await ctx.ensureClient(request, reply) : await ctx.client(request);
    if (!client) return sendJson(reply, 200, { response: null, client: null });
    return sendJson(reply, 200, { response: await ctx.clientJson(client.id, request.headers.origin), client: null });
  });

  app.delete('/v1/client', async (request, reply) => {
    const client = await ctx.client(request);
    if (!client) return sendJson(reply, 200, { response: null, client: null });
    // Every session of the browser ends, whoever's: the caller is the browser, not one user.
    await domain.clients.endSessions(client.id, 'ended', frontendCaller(request, undefined));
    await domain.clients.update(client.id, { signInId: null, signUpId: null });
    // Signing out gives the browser a new client token: the old value is worth nothing afterwards.
    await ctx.rotateClient(reply, client.id);
    return ctx.sendClient(request, reply, client.id);
  });

  app.get('/v1/client/handshake', async (request, reply) => {
    const redirectUrl = queryValue(request.query, 'redirect_url');
    const settings = (await domain.instance.settings()).frontend;
    if (!redirectUrl || !isAllowedRedirect(redirectUrl, { publicUrl, settings, development: domain.isDevelopment() })) {
      throw frontendErrors.redirectUrlInvalid();
    }
    const client = await ctx.client(request);
    const cookies = parseCookies(request.headers.cookie);
    const carried = queryValue(request.query, '__clerk_db_jwt') || cookies.get('__clerk_db_jwt') || undefined;
    // A dev browser token that is a client token (see DEV_BROWSER_PRELUDE) is never stored with the
    // handshake: @clerk/backend only needs the app to hold some dev browser id.
    const devBrowser = carried?.startsWith('dvb_') ? carried : undefined;
    const nonce = await domain.handshake.begin({ clientId: client?.id, devBrowser, origin: originOf(redirectUrl) ?? publicUrl });
    const target = new URL(redirectUrl);
    target.searchParams.set('__clerk_handshake_nonce', nonce);
    return reply.code(307).header('cache-control', 'no-store').header('location', target.toString()).send();
  });
}
