import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Domain } from '../../domain/index.js';
import { frontendErrors } from '../../errors.js';
import { isAllowedRedirect } from '../../security/origins.js';
import type { RateLimiter } from '../../security/rate-limit.js';
import { frontendCaller } from '../caller.js';
import type { FapiContext } from './context.js';
import { enforceLimits } from './limits.js';

const CALLBACKS = { limit: 60, windowMs: 60_000 };

/** Refuses a `redirect_url` (or `action_complete_redirect_url`) outside the instance's allowed origins. */
export async function assertRedirectAllowed(domain: Domain, publicUrl: string, ...urls: (string | undefined)[]): Promise<void> {
  const settings = (await domain.instance.settings()).frontend;
  for (const url of urls) {
    if (url !== undefined && !isAllowedRedirect(url, { publicUrl, settings, development: domain.isDevelopment() })) {
      throw frontendErrors.redirectUrlInvalid();
    }
  }
}

/**
 * `GET /v1/oauth_callback`: where providers send the browser back. The outcome lands on the sign-in,
 * sign-up or connection that started the flow, and the browser goes back to the app; a callback
 * that matches no flow (tampered, replayed or expired state) is a 400 with Clerk's error, and
 * nothing else happens.
 */
export function registerOAuthRoutes(app: FastifyInstance, domain: Domain, ctx: FapiContext, limiter: RateLimiter): void {
  app.get('/v1/oauth_callback', async (request: FastifyRequest, reply) => {
    await enforceLimits(domain, limiter, request, [[`oauth_callback:ip:${request.ip}`, CALLBACKS]]);
    const query = new URLSearchParams(request.url.split('?')[1] ?? '');
    const browser = await ctx.client(request);
    const outcome = await domain.oauthCallback.handle(query, browser?.id, frontendCaller(request, undefined));
    // Production: a session created here gets the browser a new client token (session fixation). A
    // development browser keeps its token, which the app holds (see rotateClient).
    if (outcome.sessionCreated && !domain.isDevelopment()) await ctx.rotateClient(reply, outcome.clientId);
    return reply.code(303).header('cache-control', 'no-store').header('location', outcome.redirectUrl).send();
  });
}
