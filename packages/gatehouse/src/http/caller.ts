import type { FastifyRequest } from 'fastify';
import { type AuditActor, anonymousEndUserActor, BACKEND_API_ACTOR, type Caller, endUserActor } from '../domain/caller.js';

/** The caller a domain service is told about: this request's IP and user agent, and who acts (see `domain/caller.ts`). */
export function callerOf(request: FastifyRequest, actor: AuditActor): Caller {
  const userAgent = request.headers['user-agent'];
  return { clientIp: request.ip, userAgent: typeof userAgent === 'string' ? userAgent : '', actor };
}

/** A Backend API request: the secret key acts. */
export function backendCaller(request: FastifyRequest): Caller {
  return callerOf(request, BACKEND_API_ACTOR);
}

/** A Frontend API request: the signed-in end user when the request has a session, else an anonymous end user. */
export function frontendCaller(request: FastifyRequest, userId: string | null | undefined): Caller {
  return callerOf(request, userId ? endUserActor(userId, request.ip) : anonymousEndUserActor(request.ip));
}
