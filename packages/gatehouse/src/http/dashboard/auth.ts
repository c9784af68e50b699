import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OperatorView } from '../../domain/dashboard/operators.js';
import type { Domain } from '../../domain/index.js';
import { errors } from '../../errors.js';
import type { OperatorSession } from '../../model/index.js';
import { parseCookies, serializeCookie } from '../cookies.js';

/** The operator's session cookie: HttpOnly, SameSite=Strict, only sent to /dashboard. */
export const OPERATOR_COOKIE = '__gatehouse_operator';
export const CSRF_HEADER = 'x-gatehouse-csrf';

export interface OperatorContext {
  operator: OperatorView;
  session: OperatorSession;
  csrfToken: string;
}

export function operatorCookie(publicUrl: string, token: string, maxAgeSeconds: number): string {
  return serializeCookie(OPERATOR_COOKIE, token, {
    path: '/dashboard',
    httpOnly: true,
    sameSite: 'Strict',
    secure: publicUrl.startsWith('https:'),
    maxAge: maxAgeSeconds,
  });
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * A state-changing request must come from the dashboard's own page: its Origin is the public URL's
 * (or, without Origin, the browser says same-origin). Cookies are SameSite=Strict besides.
 */
export function assertSameOrigin(request: FastifyRequest, publicOrigin: string): void {
  const origin = request.headers.origin;
  if (typeof origin === 'string') {
    if (origin !== publicOrigin) throw errors.csrfInvalid();
    return;
  }
  if (request.headers['sec-fetch-site'] !== 'same-origin') throw errors.csrfInvalid();
}

/** The operator of the request's cookie; 401 without one. Mutations also need the CSRF header. */
export async function authenticateOperator(domain: Domain, request: FastifyRequest, publicOrigin: string): Promise<OperatorContext> {
  const token = parseCookies(request.headers.cookie).get(OPERATOR_COOKIE);
  const found = token ? await domain.operators.authenticate(token) : undefined;
  if (!found) throw errors.operatorUnauthenticated();
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    assertSameOrigin(request, publicOrigin);
    const header = request.headers[CSRF_HEADER];
    if (typeof header !== 'string' || !same(header, found.csrfToken)) throw errors.csrfInvalid();
  }
  return found;
}

export function clearOperatorCookie(reply: FastifyReply, publicUrl: string): void {
  reply.header('set-cookie', operatorCookie(publicUrl, '', 0));
}
