import { signRs256 } from '../../crypto/jwt.js';
import { errors } from '../../errors.js';
import { newId } from '../../ids.js';
import type { M2MToken, Machine } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { Clock } from '../clock.js';
import type { Keyring } from '../keyring.js';
import type { MachineService } from './machines.js';
import { hashesMatch, hashSecret, isLive, M2M_TOKEN_PREFIX, newSecret, sizedClaims } from './secrets.js';

/**
 * Who calls `/m2m_tokens`: the instance (its secret key: every machine's tokens) or one machine (its
 * machine secret key: its own tokens, and the tokens sent to it).
 */
export type M2MCaller = { kind: 'instance' } | { kind: 'machine'; machine: Machine };

/**
 * `@clerk/backend` treats a JWT whose `sub` starts `mch_` as an M2M token and checks this category;
 * any other category, or none, keeps it from passing as a session token.
 */
const M2M_JWT_CATEGORY = 'cl_B7d4PD333AAA';

export type M2MTokenFormat = 'opaque' | 'jwt';

/**
 * Machine-to-machine tokens: a machine mints them, the machines in its scope verify them. Opaque
 * ones (`mt_…`) are checked at `POST /m2m_tokens/verify`; JWT ones are signed with the instance's
 * signing key and checked by the SDK against the JWKS, without a call (so, as at Clerk, revoking one
 * stops only the verify endpoint from accepting it, not an app that checks it locally).
 */
export function createM2MTokenService(store: Store, clock: Clock, machines: MachineService, jwt: { keyring: Keyring; issuer: string }) {
  /** A token the caller may see; anything else is not found, so ids of others' tokens are not confirmed. */
  async function loadFor(caller: M2MCaller, id: string): Promise<M2MToken> {
    const token = await store.m2mTokens.findById(id);
    if (!token || (caller.kind === 'machine' && token.subject !== caller.machine.id)) throw errors.notFound('M2M token');
    return token;
  }

  /** A JWT-format token: its custom claims first, so the standard ones cannot be overridden. */
  async function signed(
    id: string,
    subject: string,
    scopes: string[],
    claims: Record<string, unknown> | null,
    now: number,
    expiration: number,
  ) {
    const key = await jwt.keyring.signingKey();
    const iat = Math.floor(now / 1000);
    const payload: Record<string, unknown> = {
      ...(claims ?? {}),
      iss: jwt.issuer,
      sub: subject,
      jti: id,
      iat,
      nbf: iat,
      exp: Math.floor(expiration / 1000),
      ...(scopes.length ? { scopes: scopes.join(' ') } : {}),
    };
    const secret = signRs256({ alg: 'RS256', kid: key.kid, typ: 'JWT', cat: M2M_JWT_CATEGORY }, payload, key.privateKey);
    return { secret, hash: hashSecret(secret) };
  }

  return {
    async create(
      caller: M2MCaller,
      input: {
        secondsUntilExpiration?: number | null;
        claims?: Record<string, unknown> | null;
        minRemainingTtlSeconds?: number;
        format?: M2MTokenFormat;
      },
    ): Promise<{ token: M2MToken; secret?: string }> {
      if (caller.kind !== 'machine') throw errors.machineSecretKeyRequired();
      const machine = caller.machine;
      sizedClaims(input.claims);
      const lifetime = input.secondsUntilExpiration ?? machine.defaultTokenTtl;
      if (input.minRemainingTtlSeconds !== undefined && input.minRemainingTtlSeconds >= lifetime) {
        throw errors.paramValueInvalid('min_remaining_ttl_seconds', 'must be less than the token lifetime');
      }
      const now = clock();
      const scopes = await machines.scopeIds(machine.id);
      const id = newId('mt');
      const expiration = now + lifetime * 1000;
      const { secret, hash } =
        input.format === 'jwt' ? await signed(id, machine.id, scopes, input.claims ?? null, now, expiration) : newSecret(M2M_TOKEN_PREFIX);
      const token: M2MToken = {
        id,
        subject: machine.id,
        scopes,
        claims: input.claims ?? null,
        tokenHash: hash,
        revoked: false,
        revocationReason: null,
        expiration,
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
      const token = secret.length > 0 ? await store.m2mTokens.findByTokenHash(hash) : undefined;
      const allowed = token && (caller.kind === 'instance' || token.scopes.includes(caller.machine.id));
      if (!token || !allowed || !hashesMatch(hash, token.tokenHash) || !isLive(token, clock())) {
        throw errors.machineTokenInvalid('M2M token');
      }
      return token;
    },
  };
}

export type M2MTokenService = ReturnType<typeof createM2MTokenService>;
