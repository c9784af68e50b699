import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CALLER } from '../../domain/caller.js';
import { createTestApp, type TestApp } from '../../testing/app.js';
import { fapiBrowser, TEST_ORIGIN } from '../../testing/fapi-browser.js';

const b64url = (bytes: Buffer) => bytes.toString('base64url');

/**
 * A software authenticator holding one P-256 credential: enough to sign WebAuthn assertions the way a
 * browser's authenticator does (authenticator data, then an ECDSA signature over it and the client
 * data's hash), so the server's checks of origin, challenge and signature are exercised for real.
 */
function softAuthenticator(rpId: string) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' }) as { x: string; y: string };
  const credentialId = randomBytes(16);
  // COSE_Key {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x, -3: y}, CBOR-encoded by hand.
  const cose = Buffer.concat([
    Buffer.from([0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20]),
    Buffer.from(jwk.x, 'base64url'),
    Buffer.from([0x22, 0x58, 0x20]),
    Buffer.from(jwk.y, 'base64url'),
  ]);
  let counter = 0;
  return {
    credentialId: b64url(credentialId),
    publicKey: b64url(cose),
    assert(input: { challenge: string; origin: string; userHandle: string; key?: KeyObject }) {
      counter += 1;
      const clientData = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: input.challenge, origin: input.origin }));
      const count = Buffer.alloc(4);
      count.writeUInt32BE(counter);
      // rpIdHash | flags (user present + verified) | signature counter
      const authData = Buffer.concat([createHash('sha256').update(rpId).digest(), Buffer.from([0x05]), count]);
      const signature = sign(
        'sha256',
        Buffer.concat([authData, createHash('sha256').update(clientData).digest()]),
        input.key ?? privateKey,
      );
      return JSON.stringify({
        id: b64url(credentialId),
        rawId: b64url(credentialId),
        type: 'public-key',
        authenticatorAttachment: 'platform',
        clientExtensionResults: {},
        response: {
          clientDataJSON: b64url(clientData),
          authenticatorData: b64url(authData),
          signature: b64url(signature),
          userHandle: b64url(Buffer.from(input.userHandle)),
        },
      });
    },
  };
}

describe('passkey sign-in assertions (SQLite)', () => {
  let t: TestApp;
  let userId: string;
  const authenticator = softAuthenticator(new URL(TEST_ORIGIN).hostname);

  beforeAll(async () => {
    t = await createTestApp();
    await t.domain.instance.updateSettings((s) => ({ ...s, passwordless: { ...s.passwordless, passkeys: true } }));
    userId = (await t.domain.users.create({ emailAddresses: ['keyholder@example.com'], password: 'a sturdy passphrase' }, SYSTEM_CALLER))
      .user.id;
    const now = Date.now();
    await t.store.passkeys.insert({
      id: 'pkey_softauthenticator00000000',
      userId,
      name: 'Soft key',
      credentialId: authenticator.credentialId,
      publicKey: authenticator.publicKey,
      counter: 0,
      transports: ['internal'],
      verified: true,
      lastUsedAt: null,
      createdAt: now,
      updatedAt: now,
    });
  });
  afterAll(async () => t.close());

  /** Starts an identifier-less passkey sign-in; returns the browser, the sign-in id and its challenge. */
  async function start() {
    const b = fapiBrowser(t.app);
    const created = await b.call('POST', '/v1/client/sign_ins', { strategy: 'passkey' });
    expect(created.status).toBe(200);
    const options = JSON.parse(created.body.response.first_factor_verification.nonce) as { challenge: string; rpId: string };
    expect(options.rpId).toBe('127.0.0.1');
    return { b, id: created.body.response.id as string, challenge: options.challenge };
  }

  it('an assertion for another origin is refused with verification_failed, and spends the challenge', async () => {
    const { b, id, challenge } = await start();
    const credential = authenticator.assert({ challenge, origin: 'https://evil.example', userHandle: userId });
    const res = await b.call('POST', `/v1/client/sign_ins/${id}/attempt_first_factor`, {
      strategy: 'passkey',
      public_key_credential: credential,
    });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ code: 'verification_failed', meta: { param_name: 'public_key_credential' } });
    const again = authenticator.assert({ challenge, origin: TEST_ORIGIN, userHandle: userId });
    const retry = await b.call('POST', `/v1/client/sign_ins/${id}/attempt_first_factor`, {
      strategy: 'passkey',
      public_key_credential: again,
    });
    expect(retry.body.errors[0].code).toBe('verification_missing');
  });

  it('an assertion over another challenge is refused with verification_failed', async () => {
    const { b, id } = await start();
    const credential = authenticator.assert({ challenge: b64url(randomBytes(32)), origin: TEST_ORIGIN, userHandle: userId });
    const res = await b.call('POST', `/v1/client/sign_ins/${id}/attempt_first_factor`, {
      strategy: 'passkey',
      public_key_credential: credential,
    });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].code).toBe('verification_failed');
  });

  it('an assertion signed by another key is refused with verification_failed', async () => {
    const { b, id, challenge } = await start();
    const { privateKey: stranger } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const credential = authenticator.assert({ challenge, origin: TEST_ORIGIN, userHandle: userId, key: stranger });
    const res = await b.call('POST', `/v1/client/sign_ins/${id}/attempt_first_factor`, {
      strategy: 'passkey',
      public_key_credential: credential,
    });
    expect(res.body.errors[0].code).toBe('verification_failed');
  });

  it('the right origin, challenge and key sign in, with no identifier; the passkey then lists as used', async () => {
    const { b, id, challenge } = await start();
    const credential = authenticator.assert({ challenge, origin: TEST_ORIGIN, userHandle: userId });
    const res = await b.call('POST', `/v1/client/sign_ins/${id}/attempt_first_factor`, {
      strategy: 'passkey',
      public_key_credential: credential,
    });
    expect(res.status).toBe(200);
    expect(res.body.response.status).toBe('complete');
    const me = await b.call('GET', '/v1/me');
    expect(me.body.response.id).toBe(userId);
    expect(me.body.response.passkeys[0]).toMatchObject({ object: 'passkey', name: 'Soft key' });
    expect(me.body.response.passkeys[0].last_used_at).toBeGreaterThan(0);
  });

  it('the owner renames and deletes it from /v1/me; nobody else reaches it; a deleted passkey signs nobody in', async () => {
    const passkeyId = 'pkey_softauthenticator00000000';
    const owner = fapiBrowser(t.app);
    const signedIn = await owner.call('POST', '/v1/client/sign_ins', {
      identifier: 'keyholder@example.com',
      password: 'a sturdy passphrase',
      strategy: 'password',
    });
    expect(signedIn.body.response.status).toBe('complete');
    const renamed = await owner.call('PATCH', `/v1/me/passkeys/${passkeyId}`, { name: '  Work laptop  ' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.response).toMatchObject({ object: 'passkey', id: passkeyId, name: 'Work laptop' });
    const blank = await owner.call('PATCH', `/v1/me/passkeys/${passkeyId}`, { name: '   ' });
    expect(blank.status).toBe(422);
    expect(blank.body.errors[0]).toMatchObject({ meta: { param_name: 'name' } });

    await t.domain.users.create({ emailAddresses: ['stranger@example.com'], password: 'a sturdy passphrase' }, SYSTEM_CALLER);
    const stranger = fapiBrowser(t.app);
    await stranger.call('POST', '/v1/client/sign_ins', {
      identifier: 'stranger@example.com',
      password: 'a sturdy passphrase',
      strategy: 'password',
    });
    for (const res of [
      await stranger.call('PATCH', `/v1/me/passkeys/${passkeyId}`, { name: 'Mine now' }),
      await stranger.call('DELETE', `/v1/me/passkeys/${passkeyId}`),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.errors[0].code).toBe('resource_not_found');
    }

    const deleted = await owner.call('DELETE', `/v1/me/passkeys/${passkeyId}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.response).toMatchObject({ object: 'passkey', id: passkeyId, deleted: true });
    expect((await owner.call('GET', '/v1/me')).body.response.passkeys).toEqual([]);

    const { b, id, challenge } = await start();
    const res = await b.call('POST', `/v1/client/sign_ins/${id}/attempt_first_factor`, {
      strategy: 'passkey',
      public_key_credential: authenticator.assert({ challenge, origin: TEST_ORIGIN, userHandle: userId }),
    });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].code).toBe('verification_failed');
  });
});
