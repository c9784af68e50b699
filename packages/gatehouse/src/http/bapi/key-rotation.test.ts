import { createClerkClient, verifyToken } from '@clerk/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/app.js';

/**
 * Rotation through the admin endpoints, on a real listening server with the official SDK, with time
 * moved by the injected clock: a new signing key is published before it signs, the old one keeps
 * verifying until its tokens are gone, and an old secret key works during its grace period only.
 */

// Tokens get an hour of life and the clock starts 20 minutes back, so they verify in real time too.
let now = Date.now() - 20 * 60_000;
const clock = () => now;
let t: TestApp;
let apiUrl: string;

const kidOf = (jwt: string) => (JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString()) as { kid: string }).kid;

async function call<T = Record<string, unknown>>(
  method: 'GET' | 'POST',
  url: string,
  body?: unknown,
  authorization = t.auth.authorization,
) {
  const res = await t.app.inject({
    method,
    url,
    headers: { authorization, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  return { status: res.statusCode, body: JSON.parse(res.body) as T };
}

async function jwksKids(): Promise<string[]> {
  const res = await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
  return (JSON.parse(res.body) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
}

beforeAll(async () => {
  t = await createTestApp({ clock });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address();
  if (!address || typeof address === 'string') throw new Error('not listening');
  apiUrl = `http://127.0.0.1:${address.port}/api`;
});

afterAll(async () => {
  await t?.close();
});

describe('signing key rotation', () => {
  it('publishes the new key first, switches at the set time, and keeps the old one until its tokens expired', async () => {
    const clerk = createClerkClient({ secretKey: t.secretKey, apiUrl });
    const user = await clerk.users.createUser({ emailAddress: ['rotate@example.com'], skipPasswordRequirement: true });
    const session = await clerk.sessions.createSession({ userId: user.id });
    const template = await call('POST', '/api/v1/jwt_templates', { name: 'hasura', claims: { role: 'user' }, lifetime: 7200 });
    expect(template.status).toBe(200);
    const before = (await clerk.sessions.getToken(session.id, undefined, 3600)).jwt;
    const oldKid = kidOf(before);
    expect(await jwksKids()).toEqual([oldKid]);

    const rotated = await call<{ kid: string; activates_at: number; previous_keys_retire_at: number; retain_seconds: number }>(
      'POST',
      '/api/v1/instance/signing_keys/rotate',
      { overlap_seconds: 60 },
    );
    expect(rotated.status).toBe(200);
    const newKid = rotated.body.kid;
    expect(newKid).not.toBe(oldKid);
    expect(rotated.body.activates_at).toBe(now + 60_000);
    // The longest lifetime the old key signs for is the template's 7200 s, plus a 300 s margin.
    expect(rotated.body.retain_seconds).toBe(7500);
    expect(rotated.body.previous_keys_retire_at).toBe(now + 60_000 + 7_500_000);

    // During the overlap both keys are published and the old one still signs.
    expect(await jwksKids()).toEqual([oldKid, newKid]);
    expect((await clerk.jwks.getJwks()).keys?.map((key) => key.kid)).toEqual([oldKid, newKid]);
    expect(kidOf((await clerk.sessions.getToken(session.id, undefined, 3600)).jwt)).toBe(oldKid);
    const listed = await call<{ data: { kid: string; state: string }[] }>('GET', '/api/v1/instance/signing_keys');
    expect(listed.body.data.map((key) => [key.kid, key.state])).toEqual([
      [oldKid, 'signing'],
      [newKid, 'pending'],
    ]);

    now += 61_000;
    const after = (await clerk.sessions.getToken(session.id, undefined, 3600)).jwt;
    expect(kidOf(after)).toBe(newKid);
    expect(kidOf((await clerk.sessions.getToken(session.id, 'hasura')).jwt)).toBe(newKid);
    expect(await jwksKids()).toEqual([oldKid, newKid]);
    // The SDK verifies both through the JWKS: the token signed before the rotation is not dropped.
    const verify = (jwt: string) => verifyToken(jwt, { secretKey: t.secretKey, apiUrl, skipJwksCache: true, clockSkewInMs: 120_000 });
    expect((await verify(before)).sid).toBe(session.id);
    expect((await verify(after)).sid).toBe(session.id);

    // Once every token the old key signed has expired, it leaves the JWKS.
    now = rotated.body.previous_keys_retire_at - 1;
    expect(await jwksKids()).toEqual([oldKid, newKid]);
    now = rotated.body.previous_keys_retire_at;
    expect(await jwksKids()).toEqual([newKid]);
    expect((await clerk.jwks.getJwks()).keys?.map((key) => key.kid)).toEqual([newKid]);
    // The SDK never forgets a key it once fetched; a verifier that had not seen the old one refuses it.
    const fresh = { secretKey: t.secretKey, apiUrl: `${apiUrl}/`, skipJwksCache: true, clockSkewInMs: 120_000 };
    await expect(verifyToken(before, fresh)).rejects.toMatchObject({ reason: 'jwk-kid-mismatch' });
  });

  it('takes a shorter retention for a leaked key, but never shorter than a session token lives', async () => {
    const tooShort = await call('POST', '/api/v1/instance/signing_keys/rotate', { retain_seconds: 100 });
    expect(tooShort.status).toBe(422);
    expect(tooShort.body).toMatchObject({ errors: [{ code: 'form_param_value_invalid', meta: { param_name: 'retain_seconds' } }] });
    const rotated = await call<{ previous_keys_retire_at: number; activates_at: number }>('POST', '/api/v1/instance/signing_keys/rotate', {
      overlap_seconds: 10,
      retain_seconds: 120,
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.previous_keys_retire_at - rotated.body.activates_at).toBe(120_000);
  });

  it.each([
    [{ overlap_seconds: 5 }, 'form_param_value_invalid', 'overlap_seconds'],
    [{ overlap_seconds: 90_000 }, 'form_param_value_invalid', 'overlap_seconds'],
    [{ overlap_seconds: '60' }, 'form_param_format_invalid', 'overlap_seconds'],
    [{ retain_seconds: 1.5 }, 'form_param_format_invalid', 'retain_seconds'],
    [{ kid: 'ins_x' }, 'form_param_unknown', 'kid'],
  ])('refuses %j', async (body, code, param) => {
    const res = await call('POST', '/api/v1/instance/signing_keys/rotate', body);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ errors: [{ code, meta: { param_name: param } }] });
  });

  it('needs the secret key', async () => {
    const res = await call('POST', '/api/v1/instance/signing_keys/rotate', {}, 'Bearer sk_test_nope');
    expect(res.status).toBe(401);
  });
});

describe('secret key rotation', () => {
  it('accepts the old secret key during the grace period and refuses it after', async () => {
    const oldKey = t.secretKey;
    const rotated = await call<{ secret_key: string; previous_expires_at: number }>('POST', '/api/v1/instance/secret_key/rotate', {
      grace_seconds: 3600,
    });
    expect(rotated.status).toBe(200);
    const newKey = rotated.body.secret_key;
    expect(newKey).toMatch(/^sk_test_[0-9A-Za-z]{40}$/);
    expect(newKey).not.toBe(oldKey);
    expect(rotated.body.previous_expires_at).toBe(now + 3_600_000);

    const withOld = createClerkClient({ secretKey: oldKey, apiUrl });
    const withNew = createClerkClient({ secretKey: newKey, apiUrl });
    expect(await withNew.users.getCount()).toBeGreaterThan(0);
    expect(await withOld.users.getCount()).toBeGreaterThan(0);

    // The old key reads and writes, but cannot rotate keys (a leaked key must not lock out the new one).
    for (const url of ['/api/v1/instance/secret_key/rotate', '/api/v1/instance/signing_keys/rotate']) {
      const refused = await call('POST', url, {}, `Bearer ${oldKey}`);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ errors: [{ code: 'secret_key_not_current' }] });
    }
    now += 3_600_000 - 1000;
    expect(await withOld.users.getCount()).toBeGreaterThan(0);
    now += 1000;
    await expect(withOld.users.getCount()).rejects.toMatchObject({ status: 401, errors: [{ code: 'clerk_key_invalid' }] });
    expect(await withNew.users.getCount()).toBeGreaterThan(0);

    // A second rotation ends the first key's grace at once and starts the second one's.
    const again = await call<{ secret_key: string }>('POST', '/api/v1/instance/secret_key/rotate', {}, `Bearer ${newKey}`);
    expect(again.status).toBe(200);
    expect(await createClerkClient({ secretKey: again.body.secret_key, apiUrl }).users.getCount()).toBeGreaterThan(0);
    expect(await withNew.users.getCount()).toBeGreaterThan(0);
    now += 86_400_000;
    await expect(withNew.users.getCount()).rejects.toMatchObject({ status: 401 });
    // Codes and fake ids are keyed apart from the secret key, so nothing else changed.
    expect(t.domain.instance.get().secretKey).toBe(again.body.secret_key);
  });

  it('refuses a grace period beyond 30 days', async () => {
    const current = t.domain.instance.get().secretKey;
    const res = await call('POST', '/api/v1/instance/secret_key/rotate', { grace_seconds: 31 * 86_400 }, `Bearer ${current}`);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ errors: [{ code: 'form_param_value_invalid', meta: { param_name: 'grace_seconds' } }] });
  });
});
