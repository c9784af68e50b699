/**
 * Impersonation through @clerk/backend's `actorTokens`: create (ticket + URL), revoke, and a
 * ticket accepted (the domain's hook for the FAPI `ticket` strategy) gives a session whose tokens
 * carry `act`, and whose BAPI and FAPI views name the actor. Also the dashboard's Impersonate.
 */
import type { AddressInfo } from 'node:net';
import { type ClerkClient, createClerkClient } from '@clerk/backend';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CALLER } from '../../domain/caller.js';
import { createTestApp, type TestApp } from '../../testing/app.js';

describe('BAPI /v1/actor_tokens', () => {
  let t: TestApp;
  let clerk: ClerkClient;
  let userId = '';

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    clerk = createClerkClient({
      secretKey: t.secretKey,
      apiUrl: `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/api`,
      telemetry: { disabled: true },
    });
    userId = (await clerk.users.createUser({ emailAddress: ['impersonated@example.com'] })).id;
  });
  afterAll(async () => t?.close());

  it('creates a pending token with a one-time ticket and a sign-in URL, and revokes it', async () => {
    const token = await clerk.actorTokens.create({ userId, actor: { sub: 'op_support' }, expiresInSeconds: 600 });
    expect(token).toMatchObject({ status: 'pending', userId, actor: { sub: 'op_support' } });
    expect(token.id).toMatch(/^act_/);
    expect(token.token).toMatch(/^act_/);
    expect(token.url).toContain(`/sign-in?__clerk_ticket=${encodeURIComponent(token.token ?? '')}`);
    const revoked = await clerk.actorTokens.revoke(token.id);
    expect(revoked.status).toBe('revoked');
    expect(revoked.token).toBeNull();
    await expect(t.domain.actorTokens.accept(token.token ?? '', SYSTEM_CALLER)).rejects.toMatchObject({ status: 422 });
    await expect(clerk.actorTokens.revoke(token.id)).rejects.toMatchObject({ status: 422 });
  });

  it('refuses bad input: unknown user, no actor.sub', async () => {
    await expect(clerk.actorTokens.create({ userId: 'user_nope', actor: { sub: 'op_x' } })).rejects.toMatchObject({ status: 422 });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/actor_tokens',
      headers: t.auth,
      payload: { user_id: userId, actor: {} },
    });
    expect(res.statusCode).toBe(422);
  });

  it('an accepted ticket makes a session whose token carries act; the ticket works once', async () => {
    const token = await clerk.actorTokens.create({
      userId,
      actor: { sub: 'op_support', reason: 'ticket 42' } as { sub: string },
      sessionMaxDurationInSeconds: 900,
    });
    const session = await t.domain.actorTokens.accept(token.token ?? '', SYSTEM_CALLER);
    await expect(t.domain.actorTokens.accept(token.token ?? '', SYSTEM_CALLER)).rejects.toMatchObject({ status: 422 });
    expect(session.expireAt - session.createdAt).toBe(900_000);
    const jwt = (await clerk.sessions.getToken(session.id)).jwt;
    expect(decodeJwt(jwt).act).toEqual({ sub: 'op_support', reason: 'ticket 42' });
    const viaBapi = await clerk.sessions.getSession(session.id);
    expect(viaBapi.actor).toEqual({ sub: 'op_support', reason: 'ticket 42' });
    // The user's own sessions carry no act.
    const own = await clerk.sessions.createSession({ userId });
    expect(decodeJwt((await clerk.sessions.getToken(own.id)).jwt).act).toBeUndefined();
  });
});
