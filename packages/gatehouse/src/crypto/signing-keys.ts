import { createHash, createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

const generateKeyPairAsync = promisify(generateKeyPair);

export interface PublicJwk {
  kty: 'RSA';
  use: 'sig';
  alg: 'RS256';
  kid: string;
  n: string;
  e: string;
}

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: PublicJwk;
  publicPem: string;
}

/** RSA-2048 with e=65537: the only shape `@clerk/backend` accepts for networkless (`jwtKey`) checks. */
export async function generateSigningKey(): Promise<{ kid: string; privatePem: string; publicJwk: PublicJwk }> {
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048, publicExponent: 65537 });
  const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  // The kid is the key's thumbprint prefix, so it is stable and says nothing else.
  const kid = `ins_${createHash('sha256').update(jwk.n).digest('base64url').slice(0, 27)}`;
  return {
    kid,
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicJwk: { kty: 'RSA', use: 'sig', alg: 'RS256', kid, n: jwk.n, e: jwk.e },
  };
}

export function loadSigningKey(kid: string, privatePem: string, publicJwk: PublicJwk): SigningKey {
  const privateKey = createPrivateKey(privatePem);
  const publicPem = createPublicKey(privateKey).export({ format: 'pem', type: 'spki' }).toString();
  return { kid, privateKey, publicJwk, publicPem };
}
