/** The dashboard's own entities: operators (never end users), their sessions and the audit log. */
import type { ActorClaim } from './session.js';

export interface Operator {
  id: string;
  email: string;
  /** argon2id; null until the operator follows their set-password link. */
  passwordDigest: string | null;
  /** The TOTP secret (base32), sealed with the encryption key; null: no second factor enrolled. */
  totpSecretEnc: string | null;
  failedAttempts: number;
  lockedUntil: number | null;
  lastSignInAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export type OperatorTokenPurpose = 'setup' | 'first_operator';

/** A one-time link: set a password (`setup`), or create the first operator of a new instance. */
export interface OperatorToken {
  tokenHash: string;
  purpose: OperatorTokenPurpose;
  /** Null for `first_operator`: the e-mail is chosen on the page. */
  operatorId: string | null;
  expiresAt: number;
  createdAt: number;
}

export interface OperatorSession {
  id: string;
  operatorId: string;
  tokenHash: string;
  userAgent: string;
  ip: string;
  createdAt: number;
  lastActiveAt: number;
  expiresAt: number;
}

export type AuditActorType = 'operator' | 'backend_api' | 'cli' | 'end_user' | 'system';

export interface AuditEvent {
  id: string;
  at: number;
  actorType: AuditActorType;
  /** Operator id, user id, or null. */
  actorId: string | null;
  /** What a reader recognises: the operator's e-mail, "secret key", … */
  actorLabel: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  detail: Record<string, unknown>;
}

export type ActorTokenStatus = 'pending' | 'accepted' | 'revoked';

/** Impersonation (Clerk's actor tokens): a one-time ticket that signs `actor` in as `userId`. */
export interface ActorToken {
  id: string;
  userId: string;
  actor: ActorClaim;
  tokenHash: string;
  status: ActorTokenStatus;
  expiresAt: number;
  sessionMaxDurationMs: number;
  createdAt: number;
  updatedAt: number;
}
