import type { SecretBox } from '../../crypto/secret-box.js';
import { errors } from '../../errors.js';
import { newId } from '../../ids.js';
import type { ApiKey } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { Clock } from '../clock.js';
import { API_KEY_PREFIX, hashesMatch, hashSecret, isLive, newSecret, sizedClaims } from './secrets.js';

export interface ApiKeyInput {
  name?: string;
  subject?: string;
  description?: string | null;
  claims?: Record<string, unknown> | null;
  scopes?: string[];
  createdBy?: string | null;
  secondsUntilExpiration?: number | null;
}

/** API keys: long-lived `ak_` secrets a user or organization gives a program, verified by the app. */
export function createApiKeyService(store: Store, box: SecretBox, clock: Clock) {
  async function load(id: string): Promise<ApiKey> {
    const key = await store.apiKeys.findById(id);
    if (!key) throw errors.notFound('API key');
    return key;
  }

  async function assertSubject(subject: string): Promise<void> {
    const exists = subject.startsWith('user_')
      ? await store.users.findById(subject)
      : subject.startsWith('org_')
        ? await store.organizations.findById(subject)
        : undefined;
    if (!exists) throw errors.paramValueInvalid('subject', 'must be the id of an existing user or organization');
  }

  const expirationOf = (seconds: number | null | undefined, now: number) => (seconds ? now + seconds * 1000 : null);

  return {
    get: load,
    async list(subject: string, includeInvalid: boolean, limit: number, offset: number) {
      const filter = { revoked: includeInvalid, expired: includeInvalid, now: clock() };
      const [data, totalCount] = await Promise.all([
        store.apiKeys.listBySubject(subject, filter, limit, offset),
        store.apiKeys.countBySubject(subject, filter),
      ]);
      return { data, totalCount };
    },
    /** The new key and, this once in the answer, its secret. */
    async create(input: ApiKeyInput & { name: string; subject: string }): Promise<{ key: ApiKey; secret: string }> {
      await assertSubject(input.subject);
      const now = clock();
      const { secret, hash } = newSecret(API_KEY_PREFIX);
      const key: ApiKey = {
        id: newId('ak'),
        name: input.name,
        subject: input.subject,
        description: input.description ?? null,
        claims: sizedClaims(input.claims) ?? null,
        scopes: input.scopes ?? [],
        createdBy: input.createdBy ?? null,
        secretHash: hash,
        secretEnc: box.seal(secret),
        revoked: false,
        revocationReason: null,
        expiration: expirationOf(input.secondsUntilExpiration, now),
        lastUsedAt: null,
        createdAt: now,
        updatedAt: now,
      };
      await store.apiKeys.insert(key);
      return { key, secret };
    },
    async update(id: string, input: ApiKeyInput): Promise<ApiKey> {
      const current = await load(id);
      if (input.subject !== undefined && input.subject !== current.subject) {
        throw errors.paramValueInvalid('subject', 'an API key cannot move to another subject');
      }
      const now = clock();
      const changes: Partial<ApiKey> = { updatedAt: now };
      if (input.name !== undefined) changes.name = input.name;
      if (input.description !== undefined) changes.description = input.description;
      if (input.claims !== undefined) changes.claims = sizedClaims(input.claims);
      if (input.scopes !== undefined) changes.scopes = input.scopes;
      if (input.secondsUntilExpiration !== undefined) changes.expiration = expirationOf(input.secondsUntilExpiration, now);
      await store.apiKeys.update(id, changes);
      return load(id);
    },
    async revoke(id: string, reason: string | null): Promise<ApiKey> {
      const current = await load(id);
      if (!current.revoked) await store.apiKeys.update(id, { revoked: true, revocationReason: reason, updatedAt: clock() });
      return load(id);
    },
    async delete(id: string): Promise<void> {
      if (!(await store.apiKeys.delete(id))) throw errors.notFound('API key');
    },
    async secret(id: string): Promise<string> {
      return box.open((await load(id)).secretEnc);
    },
    /** The live key `secret` belongs to; unknown, revoked and expired all answer the same 404. */
    async verify(secret: string): Promise<ApiKey> {
      const hash = hashSecret(secret);
      const key = secret.startsWith(API_KEY_PREFIX) ? await store.apiKeys.findBySecretHash(hash) : undefined;
      const now = clock();
      if (!key || !hashesMatch(hash, key.secretHash) || !isLive(key, now)) throw errors.machineTokenInvalid('API key');
      await store.apiKeys.update(key.id, { lastUsedAt: now });
      return { ...key, lastUsedAt: now };
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
