import { createLocalJWKSet, decodeProtectedHeader, importJWK, importSPKI, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { signRs256 } from './jwt.js';
import { generateSigningKey, loadSigningKey, type SigningKey } from './signing-keys.js';

describe('signRs256', () => {
  let key: SigningKey;
  let other: SigningKey;

  beforeAll(async () => {
    const generated = await generateSigningKey();
    key = loadSigningKey(generated.kid, generated.privatePem, generated.publicJwk);
    const second = await generateSigningKey();
    other = loadSigningKey(second.kid, second.privatePem, second.publicJwk);
  });

  const now = () => Math.floor(Date.now() / 1000);

  it('makes a token jose verifies with the public JWK, with kid in the header', async () => {
    const iat = now();
    const payload = { sub: 'user_123', sid: 'sess_456', iat, exp: iat + 60, nbf: iat - 5, metadata: { plan: 'pro', seats: 3 } };
    const token = signRs256({ alg: 'RS256', kid: key.kid, typ: 'JWT' }, payload, key.privateKey);

    const { payload: verified, protectedHeader } = await jwtVerify(token, await importJWK(key.publicJwk, 'RS256'), {
      algorithms: ['RS256'],
    });
    expect(verified).toEqual(payload);
    expect(protectedHeader).toEqual({ alg: 'RS256', kid: key.kid, typ: 'JWT' });
    expect(decodeProtectedHeader(token).kid).toBe(key.kid);
  });

  it('verifies with the PEM public key and through a JWKS chosen by kid', async () => {
    const token = signRs256({ alg: 'RS256', kid: key.kid, typ: 'JWT' }, { sub: 'user_1', exp: now() + 60 }, key.privateKey);
    expect((await jwtVerify(token, await importSPKI(key.publicPem, 'RS256'))).payload.sub).toBe('user_1');
    const jwks = createLocalJWKSet({ keys: [other.publicJwk, key.publicJwk] });
    const { protectedHeader } = await jwtVerify(token, jwks);
    expect(protectedHeader.kid).toBe(key.kid);
  });

  it('keeps extra header fields', () => {
    const token = signRs256({ alg: 'RS256', kid: key.kid, typ: 'JWT', cat: 'cl_B7d4PD111AAA' }, { sub: 'x' }, key.privateKey);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', kid: key.kid, typ: 'JWT', cat: 'cl_B7d4PD111AAA' });
  });

  it('is refused under another key or after tampering', async () => {
    const token = signRs256({ alg: 'RS256', kid: key.kid, typ: 'JWT' }, { sub: 'user_1', exp: now() + 60 }, key.privateKey);
    await expect(jwtVerify(token, await importJWK(other.publicJwk, 'RS256'))).rejects.toMatchObject({
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'user_admin', exp: now() + 60 })).toString('base64url');
    await expect(jwtVerify(`${header}.${forged}.${signature}`, await importJWK(key.publicJwk, 'RS256'))).rejects.toMatchObject({
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });
  });
});

describe('generateSigningKey', () => {
  it('makes an RSA-2048 key whose kid is stable and whose JWK matches the private key', async () => {
    const generated = await generateSigningKey();
    expect(generated.kid).toMatch(/^ins_[A-Za-z0-9_-]{27}$/);
    expect(generated.publicJwk).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256', kid: generated.kid, e: 'AQAB' });
    expect(Buffer.from(generated.publicJwk.n, 'base64url')).toHaveLength(256);
    const loaded = loadSigningKey(generated.kid, generated.privatePem, generated.publicJwk);
    expect(loaded.publicPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const token = signRs256({ alg: 'RS256', kid: loaded.kid, typ: 'JWT' }, { sub: 'user_1' }, loaded.privateKey);
    expect((await jwtVerify(token, await importJWK(generated.publicJwk, 'RS256'))).payload).toEqual({ sub: 'user_1' });
  });
});
