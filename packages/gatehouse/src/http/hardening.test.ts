import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CALLER } from '../domain/caller.js';
import { createTestApp, type TestApp } from '../testing/app.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../testing/services.js';

const pgOk = await postgresAvailable();
const ORIGIN = 'http://127.0.0.1:5173';

/** A browser's form call to the Frontend API, keeping the `__client` cookie. */
function browser(app: FastifyInstance) {
  let cookie = '';
  return async (method: 'GET' | 'POST', url: string, form?: Record<string, string>): Promise<LightMyRequestResponse> => {
    const res = await app.inject({
      method,
      url,
      headers: { origin: ORIGIN, cookie, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { payload: new URLSearchParams(form).toString() } : {}),
    });
    const setCookie = res.headers['set-cookie'];
    for (const line of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
      const [pair] = line.split(';');
      if (pair?.startsWith('__client=')) cookie = pair;
    }
    return res;
  };
}

function handshakeSuite(dialect: 'sqlite' | 'postgres') {
  let t: TestApp;
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = dialect === 'postgres' ? await createTestDatabase() : undefined;
    t = await createTestApp(database ? { databaseUrl: database.url } : {});
  });
  afterAll(async () => {
    await t.close();
    await database?.drop();
  });

  /** A signed-in browser's handshake nonce, as `authenticateRequest` gets it back from FAPI. */
  async function nonceFor(email: string): Promise<string> {
    const call = browser(t.app);
    await t.domain.users.create({ emailAddresses: [email], password: 'handshake passphrase' }, SYSTEM_CALLER);
    await call('POST', '/v1/client/sign_ins', { identifier: email, password: 'handshake passphrase', strategy: 'password' });
    const redirect = await call('GET', `/v1/client/handshake?redirect_url=${encodeURIComponent(`${ORIGIN}/protected`)}&format=nonce`);
    const nonce = new URL(String(redirect.headers.location)).searchParams.get('__clerk_handshake_nonce');
    if (!nonce) throw new Error('no nonce');
    return nonce;
  }
  const resolve = (nonce: string) => t.app.inject({ url: `/api/v1/clients/handshake_payload?nonce=${nonce}`, headers: t.auth });

  it('resolves a handshake nonce once: a replay gets 404 and no token', async () => {
    const nonce = await nonceFor(`once.${dialect}@example.com`);
    const first = await resolve(nonce);
    expect(first.statusCode).toBe(200);
    expect((JSON.parse(first.body).directives as string[]).some((d) => /^__session=ey/.test(d))).toBe(true);
    const replay = await resolve(nonce);
    expect(replay.statusCode).toBe(404);
    expect(JSON.parse(replay.body).errors[0].code).toBe('resource_not_found');
  });

  it('gives concurrent resolves of one nonce exactly one answer with directives', async () => {
    const nonce = await nonceFor(`race.${dialect}@example.com`);
    const answers = await Promise.all(Array.from({ length: 8 }, () => resolve(nonce)));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 404, 404, 404, 404, 404, 404, 404]);
  });
}

describe('handshake nonces on SQLite', () => handshakeSuite('sqlite'));
describe.skipIf(!pgOk)('handshake nonces on PostgreSQL', () => handshakeSuite('postgres'));

describe('response headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('sends X-Content-Type-Options: nosniff on every kind of answer', async () => {
    const answers = {
      json: await t.app.inject({ url: '/v1/environment' }),
      bapi: await t.app.inject({ url: '/api/v1/users', headers: t.auth }),
      error: await t.app.inject({ url: '/api/v1/users' }),
      notFound: await t.app.inject({ url: '/no/such/route' }),
      badUrl: await t.app.inject({ url: '/api/v1/users/%E0%A4%A' }),
      page: await t.app.inject({ url: '/sign-in' }),
      health: await t.app.inject({ url: '/healthz' }),
      jwks: await t.app.inject({ url: '/.well-known/jwks.json' }),
    };
    for (const [name, res] of Object.entries(answers)) expect([name, res.headers['x-content-type-options']]).toEqual([name, 'nosniff']);

    // What Node's HTTP parser refuses is answered on the raw socket.
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk;
      });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
    expect(raw.toLowerCase()).toContain('x-content-type-options: nosniff');
  });

  it('sends hosted pages with a Content-Security-Policy whose nonce only the page’s own scripts carry', async () => {
    const first = await t.app.inject({ url: '/sign-up' });
    const second = await t.app.inject({ url: '/sign-up' });
    const csp = String(first.headers['content-security-policy']);
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
    const scripts = first.body.match(/<script[^>]*>/g) ?? [];
    expect(scripts.length).toBe(3);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    // A fresh nonce per response.
    expect(second.headers['content-security-policy']).not.toBe(csp);
  });
});

describe('e-mail addresses the mailer would refuse', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const bad = ['a,b@example.com', 'a;b@example.com', '"a b"@example.com', 'a@b@example.com', 'Ann <ann@example.com>', 'a@example..com'];

  it.each(bad)('refuses %s at sign-up with a 422 in the envelope, not a 500', async (address) => {
    const res = await browser(t.app)('POST', '/v1/client/sign_ups', { email_address: address, password: 'a sturdy passphrase' });
    expect(res.statusCode).toBe(422);
    expect(JSON.parse(res.body).errors[0]).toMatchObject({ code: 'form_param_format_invalid', meta: { param_name: 'email_address' } });
  });

  it('refuses them through the Backend API too, and still takes ordinary addresses', async () => {
    for (const address of bad) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: t.auth, payload: { email_address: [address] } });
      expect([address, res.statusCode]).toEqual([address, 422]);
    }
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: t.auth,
      payload: { email_address: ['jane.o-brien+news@mail.example.co.uk'] },
    });
    expect(ok.statusCode).toBe(200);
    const signUp = await browser(t.app)('POST', '/v1/client/sign_ups', {
      email_address: 'new.person@example.com',
      password: 'a sturdy passphrase',
    });
    expect(signUp.statusCode).toBe(200);
  });
});
