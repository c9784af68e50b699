import type { AddressInfo } from 'node:net';
import { type ClerkClient, createClerkClient } from '@clerk/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/app.js';

const ORIGIN = 'http://127.0.0.1:5173';

async function errorOf(promise: Promise<unknown>): Promise<{ status: number; code: string | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { status?: number; errors?: { code: string }[] };
    return { status: e.status ?? 0, code: e.errors?.[0]?.code };
  }
  throw new Error('expected the call to fail');
}

/** `/v1/clients`, `/v1/sign_ups` and session verification through `@clerk/backend`, over a browser that signed in through the Frontend API. */
describe('BAPI clients and sign-ups', () => {
  let t: TestApp;
  let clerk: ClerkClient;
  let clientToken: string;
  let clientId: string;
  let sessionId: string;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const apiUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/api`;
    clerk = createClerkClient({ secretKey: t.secretKey, apiUrl, publishableKey: t.domain.publishableKey(), telemetry: { disabled: true } });
    await clerk.users.createUser({ emailAddress: ['cli@example.com'], password: 'a sturdy passphrase' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/client/sign_ins',
      headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ identifier: 'cli@example.com', password: 'a sturdy passphrase', strategy: 'password' }).toString(),
    });
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body);
    clientId = body.client.id;
    sessionId = body.client.last_active_session_id;
    const setCookie = [res.headers['set-cookie']]
      .flat()
      .filter((line) => line?.startsWith('__client='))
      .at(-1);
    clientToken = decodeURIComponent(setCookie?.split(';')[0]?.slice('__client='.length) ?? '');
  });
  afterAll(async () => t.close());

  it('gets a client with its sessions', async () => {
    const client = await clerk.clients.getClient(clientId);
    expect(client.id).toBe(clientId);
    expect(client.sessionIds).toEqual([sessionId]);
    expect(client.sessions[0]?.status).toBe('active');
    expect(client.lastActiveSessionId).toBe(sessionId);
    expect(await errorOf(clerk.clients.getClient('client_nope'))).toEqual({ status: 404, code: 'resource_not_found' });
  });

  it('lists clients newest first with a total count', async () => {
    const list = await clerk.clients.getClientList({ limit: 5 });
    expect(list.totalCount).toBeGreaterThanOrEqual(1);
    expect(list.data.map((c) => c.id)).toContain(clientId);
    const bare = await t.app.inject({ method: 'GET', url: '/api/v1/clients', headers: t.auth });
    expect(Array.isArray(JSON.parse(bare.body))).toBe(true);
  });

  it('reads a sign-up a browser started', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/client/sign_ups',
      headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ email_address: 'newcomer@example.com' }).toString(),
    });
    const started = JSON.parse(res.body).response;
    const signUp = await clerk.signUps.get(started.id);
    expect(signUp.id).toBe(started.id);
    expect(signUp.status).toBe('missing_requirements');
    expect(signUp.emailAddress).toBe('newcomer@example.com');
    expect(await errorOf(clerk.signUps.get('sua_nope'))).toEqual({ status: 404, code: 'resource_not_found' });
  });

  it('verifies a session token for its session (sessions.verifySession)', async () => {
    const { jwt } = await clerk.sessions.getToken(sessionId);
    const verified = await clerk.sessions.verifySession(sessionId, jwt);
    expect(verified.id).toBe(sessionId);
    expect(verified.status).toBe('active');
    const other = await clerk.sessions.createSession({ userId: verified.userId });
    expect(await errorOf(clerk.sessions.verifySession(other.id, jwt))).toEqual({ status: 422, code: 'form_param_value_invalid' });
    expect(await errorOf(clerk.sessions.verifySession(sessionId, `${jwt}x`))).toEqual({ status: 422, code: 'form_param_value_invalid' });
    await clerk.sessions.revokeSession(sessionId);
    expect(await errorOf(clerk.sessions.verifySession(sessionId, jwt))).toEqual({ status: 404, code: 'session_not_active' });
  });

  it('verifies the __client token', async () => {
    expect((await clerk.clients.verifyClient(clientToken)).id).toBe(clientId);
    expect(await errorOf(clerk.clients.verifyClient('not-a-client-token'))).toEqual({ status: 404, code: 'resource_not_found' });
  });
});
