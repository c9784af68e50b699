import { randomBytes } from 'node:crypto';
import { hashToken } from '../crypto/token-hash.js';
import { errors } from '../errors.js';
import { newId } from '../ids.js';
import type { ActorClaim, ActorToken, Session } from '../model/index.js';
import type { Store } from '../store/index.js';
import type { Caller } from './caller.js';
import type { Clock } from './clock.js';
import type { AuditService } from './dashboard/audit.js';
import type { SessionService } from './sessions.js';

/** Clerk's defaults: a ticket lasts an hour; the session it makes, 30 minutes. */
export const ACTOR_TOKEN_DEFAULT_TTL_S = 3600;
export const ACTOR_SESSION_DEFAULT_S = 1800;
export const ACTOR_TOKEN_MAX_TTL_S = 30 * 86_400;

export interface CreateActorTokenInput {
  userId: string;
  actor: Record<string, unknown>;
  expiresInSeconds?: number;
  sessionMaxDurationInSeconds?: number;
}

/**
 * Impersonation, as Clerk's `/v1/actor_tokens`: a one-time ticket that, once accepted, signs the
 * actor in as the user in a session whose tokens carry `act` (the actor). The ticket is returned
 * once (only its hash is kept) with a URL to the hosted sign-in page carrying it as `__clerk_ticket`.
 */
export function createActorTokenService(deps: {
  store: Store;
  clock: Clock;
  sessions: SessionService;
  audit: AuditService;
  publicUrl: string;
}) {
  const { store, clock } = deps;

  async function load(id: string): Promise<ActorToken> {
    const token = await store.actorTokens.findById(id);
    if (!token) throw errors.notFound('actor token');
    return token;
  }

  return {
    async create(input: CreateActorTokenInput, caller: Caller): Promise<{ token: ActorToken; ticket: string; url: string }> {
      const user = await store.users.findById(input.userId);
      if (!user) throw errors.paramValueInvalid('user_id', `no user has the id ${input.userId}`);
      const sub = input.actor.sub;
      if (typeof sub !== 'string' || sub === '') throw errors.paramMissing('actor.sub');
      const actor: ActorClaim = { ...input.actor, sub };
      const ttl = input.expiresInSeconds ?? ACTOR_TOKEN_DEFAULT_TTL_S;
      if (ttl < 1 || ttl > ACTOR_TOKEN_MAX_TTL_S)
        throw errors.paramValueInvalid('expires_in_seconds', `must be between 1 and ${ACTOR_TOKEN_MAX_TTL_S}`);
      const sessionSeconds = input.sessionMaxDurationInSeconds ?? ACTOR_SESSION_DEFAULT_S;
      if (sessionSeconds < 60 || sessionSeconds > 7 * 86_400) {
        throw errors.paramValueInvalid('session_max_duration_in_seconds', 'must be between 60 and 604800');
      }
      const now = clock();
      const ticket = `act_${randomBytes(32).toString('base64url')}`;
      const token: ActorToken = {
        id: newId('act'),
        userId: user.id,
        actor,
        tokenHash: hashToken(ticket),
        status: 'pending',
        expiresAt: now + ttl * 1000,
        sessionMaxDurationMs: sessionSeconds * 1000,
        createdAt: now,
        updatedAt: now,
      };
      await store.actorTokens.insert(token);
      await deps.audit.record({
        action: 'user.impersonate',
        targetType: 'user',
        targetId: user.id,
        detail: { actor, actor_token_id: token.id },
        actor: caller.actor,
      });
      return { token, ticket, url: `${deps.publicUrl}/sign-in?__clerk_ticket=${encodeURIComponent(ticket)}` };
    },

    async revoke(id: string, caller: Caller): Promise<ActorToken> {
      const token = await load(id);
      if (token.status !== 'pending' || !(await store.actorTokens.transition(id, 'pending', 'revoked', clock()))) {
        throw errors.paramValueInvalid('actor_token_id', `the actor token is ${token.status}; only a pending one can be revoked`);
      }
      await deps.audit.record({ action: 'actor_token.revoke', targetType: 'actor_token', targetId: id, actor: caller.actor });
      return load(id);
    },

    /**
     * Spends a ticket: the session for the actor, as the user (`clientId`: the browser's client, if
     * any). For the FAPI `ticket` strategy to call once it exists; refused when revoked, used or expired.
     */
    async accept(ticket: string, caller: Caller, clientId?: string): Promise<Session> {
      const token = await store.actorTokens.findByTokenHash(hashToken(ticket));
      const now = clock();
      if (token?.status !== 'pending' || token.expiresAt <= now)
        throw errors.paramValueInvalid('ticket', 'is invalid, revoked, used or expired');
      if (!(await store.actorTokens.transition(token.id, 'pending', 'accepted', now)))
        throw errors.paramValueInvalid('ticket', 'was already used');
      const session = await deps.sessions.create(token.userId, caller, clientId, {
        actor: token.actor,
        maxDurationMs: token.sessionMaxDurationMs,
      });
      await deps.audit.record({
        action: 'actor_token.accept',
        targetType: 'session',
        targetId: session.id,
        detail: { user_id: token.userId, actor: token.actor },
        actor: { type: 'system', id: null, label: 'actor token', ip: null },
      });
      return session;
    },
  };
}

export type ActorTokenService = ReturnType<typeof createActorTokenService>;
