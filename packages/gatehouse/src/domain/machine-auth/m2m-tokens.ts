import { errors } from '../../errors.js';
import { newId } from '../../ids.js';
import type { M2MToken, Machine } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { Clock } from '../clock.js';
import type { MachineService } from './machines.js';
import { hashesMatch, hashSecret, isLive, M2M_TOKEN_PREFIX, newSecret } from './secrets.js';

/**
 * Who calls `/m2m_tokens`: the instance (its secret key: every machine's tokens) or one machine (its
 * machine secret key: its own tokens, and the tokens sent to it).
 */
export type M2MCaller = { kind: 'instance' } | { kind: 'machine'; machine: Machine };

/** Opaque machine-to-machine tokens (`mt_…`): a machine mints them, the machines in its scope verify them. */
export function createM2MTokenService(store: Store, clock: Clock, machines: MachineService) {
  /** A token the caller may see; anything else is not found, so ids of others' tokens are not confirmed. */
  async function loadFor(caller: M2MCaller, id: string): Promise<M2MToken> {
    const token = await store.m2mTokens.findById(id);
    if (!token || (caller.kind === 'machine' && token.subject !== caller.machine.id)) throw errors.notFound('M2M token');
    return token;
  }

  return {
    async create(
      caller: M2MCaller,
      input: { secondsUntilExpiration?: number | null; claims?: Record<string, unknown> | null; minRemainingTtlSeconds?: number },
    ): Promise<{ token: M2MToken; secret?: string }> {
      if (caller.kind !== 'machine') throw errors.machineSecretKeyRequired();
      const machine = caller.machine;
      const lifetime = input.secondsUntilExpiration ?? machine.defaultTokenTtl;
      if (input.minRemainingTtlSeconds !== undefined && input.minRemainingTtlSeconds >= lifetime) {
        throw errors.paramValueInvalid('min_remaining_ttl_seconds', 'must be less than the token lifetime');
      }
      const now = clock();
      const scopes = await machines.scopeIds(machine.id);
      const { secret, hash } = newSecret(M2M_TOKEN_PREFIX);
      const token: M2MToken = {
        id: newId('mt'),
        subject: machine.id,
        scopes,
        claims: input.claims ?? null,
        tokenHash: hash,
        revoked: false,
        revocationReason: null,
        expiration: now + lifetime * 1000,
        createdAt: now,
        updatedAt: now,
      };
      await store.m2mTokens.insert(token);
      return { token, secret };
    },
    async list(caller: M2MCaller, subject: string, filter: { revoked: boolean; expired: boolean }, limit: number, offset: number) {
      if (caller.kind === 'machine' && subject !== caller.machine.id) return { data: [], totalCount: 0 };
      const validity = { ...filter, now: clock() };
      const [data, totalCount] = await Promise.all([
        store.m2mTokens.listBySubject(subject, validity, limit, offset),
        store.m2mTokens.countBySubject(subject, validity),
      ]);
      return { data, totalCount };
    },
    async revoke(caller: M2MCaller, id: string, reason: string | null): Promise<M2MToken> {
      const token = await loadFor(caller, id);
      if (!token.revoked) await store.m2mTokens.update(id, { revoked: true, revocationReason: reason, updatedAt: clock() });
      return loadFor(caller, id);
    },
    /**
     * The live token `secret` is. A machine may verify only tokens meant for it (it is in the token's
     * scopes); the instance secret key verifies any. Unknown, revoked, expired and out-of-scope tokens
     * all answer the same 404.
     */
    async verify(caller: M2MCaller, secret: string): Promise<M2MToken> {
      const hash = hashSecret(secret);
      const token = secret.startsWith(M2M_TOKEN_PREFIX) ? await store.m2mTokens.findByTokenHash(hash) : undefined;
      const allowed = token && (caller.kind === 'instance' || token.scopes.includes(caller.machine.id));
      if (!token || !allowed || !hashesMatch(hash, token.tokenHash) || !isLive(token, clock())) {
        throw errors.machineTokenInvalid('M2M token');
      }
      return token;
    },
  };
}

export type M2MTokenService = ReturnType<typeof createM2MTokenService>;
