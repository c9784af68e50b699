import type { AuditActorType } from '../model/index.js';

/** Who acts, as the audit log records it: an operator, the Backend API's secret key, the CLI, an end user, the system. */
export interface AuditActor {
  type: AuditActorType;
  id: string | null;
  label: string;
  ip: string | null;
}

/**
 * Who called a domain service: the request's IP and user agent (each webhook event's
 * `event_attributes.http_request`) and the actor the audit log records. Every service method that
 * may raise an event or write an audit record takes it as a required parameter and passes it on.
 *
 * Explicit on purpose, not ambient: on Node 20, once any `AsyncLocalStorage` has `run`, Node installs
 * promise hooks for every promise in the process (~0.3 µs per async call, token refresh and getUser
 * included). A parameter costs nothing and the compiler finds every call site that forgets it.
 */
export interface Caller {
  clientIp: string;
  userAgent: string;
  actor: AuditActor;
}

/** Backend API calls carry no identity but the secret key: they are recorded as its actions. */
export const BACKEND_API_ACTOR: AuditActor = { type: 'backend_api', id: null, label: 'Backend API (secret key)', ip: null };

/** An end user acting through the Frontend API (their own account, their own session). */
export function endUserActor(userId: string, ip: string | null): AuditActor {
  return { type: 'end_user', id: userId, label: 'end user', ip };
}

/** A Frontend API request of no one user: before anyone is signed in (a sign-up, a sign-in attempt), or a browser signing out. */
export function anonymousEndUserActor(ip: string | null): AuditActor {
  return { type: 'end_user', id: null, label: 'end user', ip };
}

/** `gatehouse admin|keys|start` run from a shell: no request, so no IP or user agent. */
export const CLI_CALLER: Caller = {
  clientIp: '',
  userAgent: '',
  actor: { type: 'cli', id: null, label: 'gatehouse CLI', ip: null },
};

/** Gatehouse's own work outside any request (a seed file applied at start). */
export const SYSTEM_CALLER: Caller = {
  clientIp: '',
  userAgent: '',
  actor: { type: 'system', id: null, label: 'Gatehouse', ip: null },
};
