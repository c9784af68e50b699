/**
 * Ceiling (b) for token refresh: a bare node:http server that signs one RS256 JWT (RSA-2048,
 * node:crypto, claims shaped like a Gatehouse session token) per request. No routing, no cookie,
 * no database: what is left of a token refresh when everything but the signature is free.
 */
import { createPrivateKey, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { serveCluster } from './cluster.mjs';

serveCluster(
  () => {
    const key = createPrivateKey(process.env.BENCH_SIGNING_KEY);
    const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const header = b64({ alg: 'RS256', kid: 'ins_bench', typ: 'JWT', cat: 'cl_B7d4PD111AAA' });
    const sid = `sess_${randomUUID().replaceAll('-', '').slice(0, 27)}`;
    return (req, res) => {
      req.resume();
      req.on('end', () => {
        const iat = Math.floor(Date.now() / 1000);
        const payload = b64({
          azp: 'http://127.0.0.1:5173',
          exp: iat + 60,
          fva: [0, -1],
          iat,
          iss: 'http://127.0.0.1:4000',
          nbf: iat - 10,
          sid,
          sts: 'active',
          sub: 'user_2abcdefghijklmnopqrstuvwxyz',
          v: 2,
        });
        const input = `${header}.${payload}`;
        const jwt = `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
        const body = JSON.stringify({ object: 'token', jwt });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
    };
  },
  {
    // One key for all processes, generated once like an instance's signing key.
    setupPrimary: () => ({
      BENCH_SIGNING_KEY: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
    }),
  },
);
