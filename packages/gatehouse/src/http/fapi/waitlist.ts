import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { Domain } from '../../domain/index.js';
import type { RateLimiter } from '../../security/rate-limit.js';
import { frontendCaller } from '../caller.js';
import { sendJson } from '../reply.js';
import { serializeWaitlist } from '../serializers/waitlist.js';
import { formText, parseForm } from './form.js';
import { enforceLimits } from './limits.js';

/** Joins per IP per hour: enough for a household behind one address, not for filling the list. */
const JOINS = { limit: 20, windowMs: 3600_000 };

const joinBody = z.object({ email_address: formText(320) });

/**
 * `<Waitlist/>`'s `POST /v1/waitlist` (clerk-js `Clerk.joinWaitlist`). Needs no client or session. An
 * address already on the list gets its entry back, so the answer says nothing about who else joined.
 * Answered as the bare `waitlist` object, which is what clerk-js builds its `Waitlist` from.
 */
export function registerWaitlistRoutes(app: FastifyInstance, domain: Domain, limiter: RateLimiter): void {
  app.post('/v1/waitlist', async (request, reply) => {
    const body = parseForm(joinBody, request.body);
    await enforceLimits(domain, limiter, request, [[`waitlist:ip:${request.ip}`, JOINS]]);
    return sendJson(reply, 200, serializeWaitlist(await domain.waitlist.join(body.email_address, frontendCaller(request, undefined))));
  });
}
