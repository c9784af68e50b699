import { type ClerkClient, createClerkClient } from '@clerk/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, removeDir, startServer } from '../../testing/server.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../../testing/services.js';

const pgOk = await postgresAvailable();

async function errorOf(promise: Promise<unknown>): Promise<{ status: number; code: string | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { status?: number; errors?: { code: string }[] };
    return { status: e.status ?? 0, code: e.errors?.[0]?.code };
  }
  throw new Error('expected the call to fail');
}

const bearerRequest = (token: string) => new Request('http://127.0.0.1:3000/api/data', { headers: { authorization: `Bearer ${token}` } });

/**
 * Machine authentication through the official `@clerk/backend`, against a real `gatehouse start`:
 * API keys, machines and M2M tokens round-trip, and `authenticateRequest` tells each kind of bearer
 * apart and verifies it at Gatehouse as it does at Clerk.
 */
function machineAuthSuite(dialect: 'sqlite' | 'postgres') {
  let server: RunningServer;
  let database: TestDatabase | undefined;
  let clerk: ClerkClient;
  const machineClient = (machineSecretKey: string) =>
    createClerkClient({ apiUrl: server.env.apiUrl, machineSecretKey, telemetry: { disabled: true } });

  beforeAll(async () => {
    database = dialect === 'postgres' ? await createTestDatabase() : undefined;
    server = await startServer({ databaseUrl: database?.url });
    clerk = createClerkClient({
      secretKey: server.env.secretKey,
      apiUrl: server.env.apiUrl,
      publishableKey: server.env.publishableKey,
      telemetry: { disabled: true },
    });
  });

  afterAll(async () => {
    expect(await server.stop()).toBe(0);
    removeDir(server.dataDir);
    await database?.drop();
  });

  it('creates, lists, reads, updates, revokes, verifies and deletes API keys', async () => {
    const user = await clerk.users.createUser({ emailAddress: [`keys.${dialect}@example.com`] });
    const created = await clerk.apiKeys.create({
      name: 'CI key',
      subject: user.id,
      description: 'for the CI',
      claims: { team: 'build' },
      scopes: ['read:builds'],
      createdBy: user.id,
      secondsUntilExpiration: 3600,
    });
    expect(created.id).toMatch(/^ak_/);
    expect(created.secret).toMatch(/^ak_[A-Za-z0-9]{48}$/);
    expect(created).toMatchObject({
      type: 'api_key',
      name: 'CI key',
      subject: user.id,
      scopes: ['read:builds'],
      revoked: false,
      expired: false,
    });
    expect(created.claims).toEqual({ team: 'build' });
    expect(created.expiration).toBe(created.createdAt + 3_600_000);
    const secret = created.secret as string;

    expect((await clerk.apiKeys.getSecret(created.id)).secret).toBe(secret);
    expect((await clerk.apiKeys.get(created.id)).secret).toBeUndefined();

    const verified = await clerk.apiKeys.verify(secret);
    expect(verified.id).toBe(created.id);
    expect(verified.lastUsedAt).toBeGreaterThan(0);
    expect(await errorOf(clerk.apiKeys.verify(`${secret.slice(0, -1)}${secret.endsWith('x') ? 'y' : 'x'}`))).toEqual({
      status: 404,
      code: 'resource_not_found',
    });

    const updated = await clerk.apiKeys.update({
      apiKeyId: created.id,
      subject: user.id,
      description: 'renamed',
      scopes: ['a', 'b'],
      secondsUntilExpiration: null,
    });
    expect(updated).toMatchObject({ description: 'renamed', scopes: ['a', 'b'], expiration: null });

    const second = await clerk.apiKeys.create({ name: 'second', subject: user.id });
    const list = await clerk.apiKeys.list({ subject: user.id });
    expect(list.totalCount).toBe(2);
    expect(list.data.map((k) => k.id)).toEqual([second.id, created.id]);

    const state = await clerk.authenticateRequest(bearerRequest(secret), { acceptsToken: ['session_token', 'api_key', 'm2m_token'] });
    expect(state.isAuthenticated).toBe(true);
    expect(state.tokenType).toBe('api_key');
    expect((state.toAuth() as { userId?: string }).userId).toBe(user.id);

    const revoked = await clerk.apiKeys.revoke({ apiKeyId: created.id, revocationReason: 'leaked' });
    expect(revoked).toMatchObject({ revoked: true, revocationReason: 'leaked' });
    expect(await errorOf(clerk.apiKeys.verify(secret))).toEqual({ status: 404, code: 'resource_not_found' });
    const refused = await clerk.authenticateRequest(bearerRequest(secret), { acceptsToken: 'api_key' });
    expect(refused.isAuthenticated).toBe(false);

    expect((await clerk.apiKeys.list({ subject: user.id })).data.map((k) => k.id)).toEqual([second.id]);
    expect((await clerk.apiKeys.list({ subject: user.id, includeInvalid: true })).totalCount).toBe(2);

    const deleted = await clerk.apiKeys.delete(second.id);
    expect(deleted).toMatchObject({ id: second.id, deleted: true });
    expect(await errorOf(clerk.apiKeys.get(second.id))).toEqual({ status: 404, code: 'resource_not_found' });
    expect(await errorOf(clerk.apiKeys.create({ name: 'x', subject: 'user_doesnotexist' }))).toEqual({
      status: 422,
      code: 'form_param_value_invalid',
    });

    const org = await clerk.organizations.createOrganization({ name: `Keys ${dialect}`, createdBy: user.id });
    const orgKey = await clerk.apiKeys.create({ name: 'org key', subject: org.id });
    const orgState = await clerk.authenticateRequest(bearerRequest(orgKey.secret as string), { acceptsToken: 'api_key' });
    expect((orgState.toAuth() as { orgId?: string }).orgId).toBe(org.id);
  });

  it('manages machines, their scopes and secret keys', async () => {
    const target = await clerk.machines.create({ name: `target ${dialect}` });
    expect(target.id).toMatch(/^mch_/);
    expect(target.secretKey).toMatch(/^ak_/);
    expect(target.defaultTokenTtl).toBe(3600);
    const caller = await clerk.machines.create({ name: `caller ${dialect}`, scopedMachines: [target.id], defaultTokenTtl: 600 });
    expect(caller.scopedMachines.map((m) => m.id)).toEqual([target.id]);
    expect(caller.defaultTokenTtl).toBe(600);

    const fetched = await clerk.machines.get(caller.id);
    expect(fetched.secretKey).toBeUndefined();
    expect(fetched.instanceId).toMatch(/^ins_/);
    expect((await clerk.machines.getSecretKey(caller.id)).secret).toBe(caller.secretKey);

    const listed = await clerk.machines.list({ query: `caller ${dialect}` });
    expect(listed.data.map((m) => m.id)).toEqual([caller.id]);
    expect((await clerk.machines.list({ orderBy: '+created_at' })).data.map((m) => m.id)).toEqual([target.id, caller.id]);

    const renamed = await clerk.machines.update({ machineId: caller.id, name: 'renamed', defaultTokenTtl: 120 });
    expect(renamed).toMatchObject({ name: 'renamed', defaultTokenTtl: 120 });

    const third = await clerk.machines.create({ name: `third ${dialect}` });
    const scope = await clerk.machines.createScope(caller.id, third.id);
    expect(scope).toMatchObject({ fromMachineId: caller.id, toMachineId: third.id });
    expect((await clerk.machines.get(caller.id)).scopedMachines.map((m) => m.id).sort()).toEqual([target.id, third.id].sort());
    expect(await errorOf(clerk.machines.createScope(caller.id, third.id))).toEqual({ status: 422, code: 'form_identifier_exists' });
    await clerk.machines.deleteScope(caller.id, third.id);
    expect((await clerk.machines.get(caller.id)).scopedMachines.map((m) => m.id)).toEqual([target.id]);

    // Rotation with a grace period: both keys work until it ends; with 0 the old one stops at once.
    const old = caller.secretKey as string;
    const rotated = await clerk.machines.rotateSecretKey({ machineId: caller.id, previousTokenTtl: 60 });
    expect(rotated.secret).not.toBe(old);
    expect((await machineClient(old).m2m.createToken()).token).toMatch(/^mt_/);
    const again = await clerk.machines.rotateSecretKey({ machineId: caller.id, previousTokenTtl: 0 });
    expect(await errorOf(machineClient(rotated.secret).m2m.createToken())).toEqual({ status: 401, code: 'clerk_key_invalid' });
    expect((await machineClient(again.secret).m2m.createToken()).subject).toBe(caller.id);

    const deleted = await clerk.machines.delete(third.id);
    expect(deleted.id).toBe(third.id);
    expect(await errorOf(clerk.machines.get(third.id))).toEqual({ status: 404, code: 'resource_not_found' });
  });

  it('mints, lists, verifies and revokes M2M tokens, and authenticateRequest tells every kind apart', async () => {
    const receiver = await clerk.machines.create({ name: `receiver ${dialect}` });
    const sender = await clerk.machines.create({ name: `sender ${dialect}`, scopedMachines: [receiver.id] });
    const outsider = await clerk.machines.create({ name: `outsider ${dialect}` });
    const asSender = machineClient(sender.secretKey as string);
    const asReceiver = machineClient(receiver.secretKey as string);

    const minted = await asSender.m2m.createToken({ claims: { job: 'sync' }, secondsUntilExpiration: 300 });
    expect(minted.id).toMatch(/^mt_/);
    expect(minted.token).toMatch(/^mt_[A-Za-z0-9]{48}$/);
    expect(minted).toMatchObject({ subject: sender.id, scopes: [receiver.id], claims: { job: 'sync' }, revoked: false, expired: false });
    expect(minted.expiration).toBe(minted.createdAt + 300_000);
    const token = minted.token as string;

    expect(await errorOf(asSender.m2m.createToken({ claims: { blob: 'x'.repeat(8200) } }))).toEqual({
      status: 422,
      code: 'form_param_exceeds_allowed_size',
    });
    expect(await errorOf(asSender.m2m.createToken({ secondsUntilExpiration: 60, minRemainingTtlSeconds: 60 }))).toEqual({
      status: 422,
      code: 'form_param_value_invalid',
    });

    // The instance secret key cannot mint: only a machine can.
    expect(await errorOf(clerk.m2m.createToken())).toEqual({ status: 403, code: 'machine_secret_key_required' });

    expect((await asReceiver.m2m.verify({ token })).id).toBe(minted.id);
    expect((await clerk.m2m.verify({ token })).subject).toBe(sender.id);
    expect(await errorOf(machineClient(outsider.secretKey as string).m2m.verify({ token }))).toEqual({
      status: 404,
      code: 'resource_not_found',
    });

    const list = await asSender.m2m.list({ subject: sender.id });
    expect(list.totalCount).toBe(1);
    expect(list.data[0]?.id).toBe(minted.id);
    expect(list.data[0]?.token).toBeUndefined();
    expect((await asReceiver.m2m.list({ subject: sender.id })).totalCount).toBe(0);
    expect((await clerk.m2m.list({ subject: sender.id })).totalCount).toBe(1);

    // An app with the receiver's machine secret key, or with the instance secret key, accepts it.
    const receiverApp = createClerkClient({
      apiUrl: server.env.apiUrl,
      machineSecretKey: receiver.secretKey,
      telemetry: { disabled: true },
    });
    const viaMachine = await receiverApp.authenticateRequest(bearerRequest(token), { acceptsToken: 'm2m_token' });
    expect(viaMachine.isAuthenticated).toBe(true);
    const viaInstance = await clerk.authenticateRequest(bearerRequest(token), { acceptsToken: ['session_token', 'api_key', 'm2m_token'] });
    expect(viaInstance.tokenType).toBe('m2m_token');
    expect(
      (viaInstance.toAuth() as { subject?: string; machineId?: string }).machineId ??
        (viaInstance.toAuth() as { subject?: string }).subject,
    ).toBe(sender.id);
    // The kind is checked before anything is sent: an M2M token where only API keys go is refused.
    expect((await clerk.authenticateRequest(bearerRequest(token), { acceptsToken: 'api_key' })).isAuthenticated).toBe(false);

    // A session token is refused where only machine tokens are accepted.
    const user = await clerk.users.createUser({ emailAddress: [`m2m.${dialect}@example.com`] });
    const session = await clerk.sessions.createSession({ userId: user.id });
    const { jwt } = await clerk.sessions.getToken(session.id);
    expect((await clerk.authenticateRequest(bearerRequest(jwt), { acceptsToken: ['api_key', 'm2m_token'] })).isAuthenticated).toBe(false);
    expect((await clerk.authenticateRequest(bearerRequest(jwt), { acceptsToken: ['session_token', 'm2m_token'] })).isAuthenticated).toBe(
      true,
    );

    // The receiver cannot revoke the sender's token; the sender can.
    expect(await errorOf(asReceiver.m2m.revokeToken({ m2mTokenId: minted.id }))).toEqual({ status: 404, code: 'resource_not_found' });
    const revoked = await asSender.m2m.revokeToken({ m2mTokenId: minted.id, revocationReason: 'rotated' });
    expect(revoked).toMatchObject({ revoked: true, revocationReason: 'rotated' });
    expect(await errorOf(asReceiver.m2m.verify({ token }))).toEqual({ status: 404, code: 'resource_not_found' });
    expect((await clerk.authenticateRequest(bearerRequest(token), { acceptsToken: 'm2m_token' })).isAuthenticated).toBe(false);
    expect((await asSender.m2m.list({ subject: sender.id })).totalCount).toBe(0);
    expect((await asSender.m2m.list({ subject: sender.id, revoked: true })).totalCount).toBe(1);

    // JWT-format tokens: signed with the instance key and checked by the SDK against the JWKS.
    const signed = await asSender.m2m.createToken({ tokenFormat: 'jwt', claims: { job: 'jwt' }, secondsUntilExpiration: 120 });
    const jwtToken = signed.token as string;
    expect(jwtToken.split('.')).toHaveLength(3);
    const [header, body] = jwtToken
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>);
    expect(header).toMatchObject({ alg: 'RS256', cat: 'cl_B7d4PD333AAA' });
    expect(body).toMatchObject({ sub: sender.id, jti: signed.id, job: 'jwt', scopes: receiver.id });
    const locally = await clerk.m2m.verify({ token: jwtToken });
    expect(locally).toMatchObject({ id: signed.id, subject: sender.id, scopes: [receiver.id], claims: { job: 'jwt' } });
    const jwtState = await clerk.authenticateRequest(bearerRequest(jwtToken), { acceptsToken: ['session_token', 'm2m_token'] });
    expect(jwtState.isAuthenticated).toBe(true);
    expect(jwtState.tokenType).toBe('m2m_token');
    expect((await clerk.authenticateRequest(bearerRequest(jwtToken), { acceptsToken: 'session_token' })).isAuthenticated).toBe(false);
    // The verify endpoint knows it too, and refuses it once revoked.
    const verifyRaw = async () =>
      (
        await fetch(`${server.env.apiUrl}/m2m_tokens/verify`, {
          method: 'POST',
          headers: { authorization: `Bearer ${receiver.secretKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ token: jwtToken }),
        })
      ).status;
    expect(await verifyRaw()).toBe(200);
    await asSender.m2m.revokeToken({ m2mTokenId: signed.id });
    expect(await verifyRaw()).toBe(404);
  });
}

describe('machine authentication with @clerk/backend on SQLite', () => machineAuthSuite('sqlite'));
describe.skipIf(!pgOk)('machine authentication with @clerk/backend on PostgreSQL', () => machineAuthSuite('postgres'));
