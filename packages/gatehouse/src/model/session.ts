/** Who acts as a user during impersonation: the JWT `act` claim, whose `sub` names the actor (Clerk requires it). */
export interface ActorClaim {
  sub: string;
  [claim: string]: unknown;
}

/** Clerk's session statuses; a stored `active` session past its expiry is reported `expired`/`abandoned`. */
export type SessionStatus = 'active' | 'ended' | 'expired' | 'removed' | 'replaced' | 'revoked' | 'abandoned' | 'pending';

/**
 * Clerk's session task keys that Gatehouse raises (`@clerk/shared`'s `SessionTask['key']` also has
 * `reset-password`): setting up a second factor, and choosing an organization.
 */
export type SessionTaskKey = 'setup-mfa' | 'choose-organization';

export interface Session {
  id: string;
  clientId: string;
  userId: string;
  status: SessionStatus;
  lastActiveOrganizationId: string | null;
  lastActiveAt: number;
  expireAt: number;
  abandonAt: number;
  createdAt: number;
  updatedAt: number;
  /** Impersonation: who acts as the user (the `act` claim, e.g. `{ sub: 'op_…' }`); null for the user's own sessions. */
  actor: ActorClaim | null;
  /**
   * The session tasks still to do, in the order clerk-js shows them; empty unless the session is
   * `pending`, which it stays until the last one is done (see domain/sessions.ts).
   */
  tasks: SessionTaskKey[];
}

/** A browser (or a client made through BAPI): holds sessions and at most one sign-in and one sign-up in progress. */
export interface Client {
  id: string;
  /** SHA-256 of the `__client` cookie value; null for clients made by BAPI. */
  tokenHash: string | null;
  signInId: string | null;
  signUpId: string | null;
  lastActiveSessionId: string | null;
  createdAt: number;
  updatedAt: number;
}
