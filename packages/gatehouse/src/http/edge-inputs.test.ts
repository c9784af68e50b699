import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CALLER } from '../domain/caller.js';
import { createTestApp, type TestApp } from '../testing/app.js';

const ORIGIN = 'http://127.0.0.1:5173';

/** Sends raw bytes on a fresh connection and resolves with everything the server wrote before closing. */
function rawExchange(port: number, bytes: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms; got ${JSON.stringify(received)}`));
    });
    socket.write(bytes, 'latin1');
  });
}

function parseRaw(response: string): { status: number; headers: string; body: Record<string, unknown> } {
  const [head = '', body = ''] = response.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body: JSON.parse(body) as Record<string, unknown> };
}

describe('requests refused before any route runs, over a real socket', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp({ requestTimeoutMs: 1_000 });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as { port: number }).port;
  });
  afterAll(async () => t.close());

  it.each([
    [
      'a Content-Length that is not a number',
      'POST /api/v1/users HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}',
      400,
      'malformed_request',
    ],
    ['a garbage request line', 'HELLO THERE\r\n\r\n', 400, 'malformed_request'],
    [
      'headers over 16 KB',
      `GET /api/v1/users HTTP/1.1\r\nHost: x\r\nCookie: a=${'x'.repeat(20_000)}\r\n\r\n`,
      431,
      'request_header_fields_too_large',
    ],
    [
      'a body shorter than its Content-Length',
      `POST /v1/client/sign_ins HTTP/1.1\r\nHost: x\r\nOrigin: ${ORIGIN}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nidentifier=a`,
      408,
      'request_timeout',
    ],
  ])('answers %s in Clerk’s envelope and closes the connection', async (_name, bytes, status, code) => {
    const answer = parseRaw(await rawExchange(port, bytes));
    expect(answer.status).toBe(status);
    expect(answer.headers).toContain('content-type: application/json');
    expect(answer.headers).toContain('connection: close');
    expect(answer.body).toMatchObject({ errors: [{ code }] });
    expect(answer.body.clerk_trace_id).toMatch(/^[0-9a-f]{24}$/);
  });

  it('still serves normal requests on the same server', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/users?limit=1`, { headers: t.auth });
    expect(res.status).toBe(200);
  });
});

describe('the NUL character (U+0000), which PostgreSQL cannot store, is refused at the edge', () => {
  let t: TestApp;
  let userId: string;
  beforeAll(async () => {
    t = await createTestApp();
    userId = (await t.domain.users.create({ emailAddresses: ['nul@example.com'], password: 'a sturdy passphrase' }, SYSTEM_CALLER)).user.id;
  });
  afterAll(async () => t.close());

  const bapi = (method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) =>
    t.app.inject({
      method,
      url,
      headers: { ...t.auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });

  it('answers 404 for an id holding it, and 422 naming a query or body parameter that holds it', async () => {
    expect((await bapi('GET', '/api/v1/users/%00')).statusCode).toBe(404);
    expect((await bapi('GET', `/api/v1/users/${userId}%00`)).statusCode).toBe(404);
    const query = await bapi('GET', '/api/v1/users?query=a%00b');
    expect(query.statusCode).toBe(422);
    expect(JSON.parse(query.body).errors[0]).toMatchObject({ code: 'form_param_format_invalid', meta: { param_name: 'query' } });
    const body = await bapi('PATCH', `/api/v1/users/${userId}`, { first_name: 'A\u0000' });
    expect(JSON.parse(body.body).errors[0]).toMatchObject({ code: 'form_param_format_invalid', meta: { param_name: 'first_name' } });
    const nested = await bapi('PATCH', `/api/v1/users/${userId}/metadata`, { public_metadata: { tags: ['ok', 'bad\u0000'] } });
    expect(JSON.parse(nested.body).errors[0].meta.param_name).toBe('public_metadata.tags.1');
    const key = await bapi('PATCH', `/api/v1/users/${userId}/metadata`, { public_metadata: { 'k\u0000': 1 } });
    expect(key.statusCode).toBe(422);
    // Nothing was written.
    const user = JSON.parse((await bapi('GET', `/api/v1/users/${userId}`)).body);
    expect(user.first_name).toBeNull();
    expect(user.public_metadata).toEqual({});
  });

  it('refuses it in Frontend API forms and ignores a cookie holding it', async () => {
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/v1/client/sign_ins',
      headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'identifier=nul%00%40example.com',
    });
    expect(signIn.statusCode).toBe(422);
    expect(JSON.parse(signIn.body).errors[0].meta.param_name).toBe('identifier');
    const client = await t.app.inject({ method: 'GET', url: '/v1/client', headers: { origin: ORIGIN, cookie: '__client=a%00b' } });
    expect(client.statusCode).toBe(200);
    // The cookie names no client: a development browser gets a new, empty one.
    expect(JSON.parse(client.body).response).toMatchObject({ object: 'client', sessions: [], sign_in: null });
  });
});
