/**
 * The dashboard's API over HTTP (in-process, real SQLite): operators' one-time links, sign-in with
 * password and TOTP, the session cookie, CSRF (origin + token), rate limits and lockout, that end
 * users' cookies and Backend API keys get nothing, and that actions land in the audit log.
 */
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_CALLER, SYSTEM_CALLER } from '../../domain/caller.js';
import { parseSocialSettings } from '../../domain/social-settings.js';
import { createTestApp, type TestApp } from '../../testing/app.js';
import { fapiBrowser } from '../../testing/fapi-browser.js';

const ORIGIN = 'http://127.0.0.1:4000';
const PASSWORD = 'a long operator passphrase';

function cookieFrom(setCookie: string | string[] | undefined): string {
  const line = (Array.isArray(setCookie) ? setCookie : [setCookie ?? '']).find((l) => l.startsWith('__gatehouse_operator='));
  return line?.split(';')[0] ?? '';
}

async function signIn(t: TestApp, email: string, password = PASSWORD, code?: string, ip = '10.0.0.1') {
  return t.app.inject({
    method: 'POST',
    url: '/dashboard/api/sign-in',
    headers: { origin: ORIGIN, 'content-type': 'application/json' },
    remoteAddress: ip,
    payload: { email, password, ...(code ? { code } : {}) },
  });
}

describe('dashboard API (development instance)', () => {
  let t: TestApp;
  let cookie = '';
  let csrf = '';
  const write = (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({
      method,
      url,
      headers: { origin: ORIGIN, cookie, 'x-gatehouse-csrf': csrf, ...(payload ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(payload ? { payload: payload as object } : {}),
    });

  beforeAll(async () => {
    t = await createTestApp({ flags: { port: '4000' } });
  });
  afterAll(async () => t?.close());

  it('creates the first operator from the one-time link, once', async () => {
    const token = await t.domain.operators.firstOperatorLink();
    expect(token).toBeTruthy();
    const info = await t.app.inject({ method: 'GET', url: `/dashboard/api/setup?token=${token}` });
    expect(info.statusCode).toBe(200);
    expect(info.json()).toMatchObject({ purpose: 'first_operator', totpRequired: false });
    const short = await t.app.inject({
      method: 'POST',
      url: '/dashboard/api/setup',
      headers: { origin: ORIGIN },
      payload: { token, email: 'ops@example.com', password: 'short' },
    });
    expect(short.statusCode).toBe(422);
    const done = await t.app.inject({
      method: 'POST',
      url: '/dashboard/api/setup',
      headers: { origin: ORIGIN },
      payload: { token, email: 'ops@example.com', password: PASSWORD },
    });
    expect(done.statusCode).toBe(200);
    const again = await t.app.inject({
      method: 'POST',
      url: '/dashboard/api/setup',
      headers: { origin: ORIGIN },
      payload: { token, email: 'other@example.com', password: PASSWORD },
    });
    expect(again.statusCode).toBe(422);
    expect(await t.domain.operators.firstOperatorLink()).toBeUndefined();
  });

  it('signs in with the password and sets an HttpOnly SameSite=Strict cookie scoped to /dashboard', async () => {
    const res = await signIn(t, 'ops@example.com');
    expect(res.statusCode).toBe(200);
    const line = [res.headers['set-cookie']].flat().find((l) => String(l).startsWith('__gatehouse_operator=')) ?? '';
    expect(line).toMatch(/HttpOnly/);
    expect(line).toMatch(/SameSite=Strict/);
    expect(line).toMatch(/Path=\/dashboard/);
    cookie = cookieFrom(res.headers['set-cookie']);
    csrf = res.json().csrf_token;
    const me = await t.app.inject({ method: 'GET', url: '/dashboard/api/me', headers: { cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json().operator.email).toBe('ops@example.com');
  });

  it('refuses requests without an operator session: none, a wrong one, an end user’s cookies, the secret key', async () => {
    const user = await t.domain.users.create({ emailAddresses: ['end-user@example.com'] }, SYSTEM_CALLER);
    const session = await t.domain.sessions.create(user.user.id, SYSTEM_CALLER);
    const endUserToken = await t.domain.tokens.mintSessionTokenFor(session.id);
    for (const headers of [
      {},
      { cookie: '__gatehouse_operator=not-a-session' },
      { cookie: `__session=${endUserToken}; __client=whatever` },
      { authorization: `Bearer ${t.secretKey}` },
    ]) {
      for (const url of ['/dashboard/api/me', '/dashboard/api/users', '/dashboard/api/audit', '/dashboard/api/keys']) {
        const res = await t.app.inject({ method: 'GET', url, headers });
        expect(res.statusCode, `${url} ${JSON.stringify(headers)}`).toBe(401);
        expect(res.body).not.toContain('end-user@example.com');
      }
    }
  });

  it('refuses writes without the CSRF token or from another origin', async () => {
    const body = { email_address: 'csrf@example.com' };
    expect((await write('POST', '/dashboard/api/users', body, { 'x-gatehouse-csrf': '' })).statusCode).toBe(403);
    expect((await write('POST', '/dashboard/api/users', body, { 'x-gatehouse-csrf': `${csrf}x` })).statusCode).toBe(403);
    expect((await write('POST', '/dashboard/api/users', body, { origin: 'http://evil.example' })).statusCode).toBe(403);
    const sameOriginNoHeader = await t.app.inject({
      method: 'POST',
      url: '/dashboard/api/users',
      headers: { cookie, 'x-gatehouse-csrf': csrf, 'content-type': 'application/json' },
      payload: body,
    });
    expect(sameOriginNoHeader.statusCode).toBe(403);
    expect((await t.domain.users.list({ emailAddresses: ['csrf@example.com'] })).length).toBe(0);
    const ok = await write('POST', '/dashboard/api/users', body);
    expect(ok.statusCode).toBe(200);
    expect(ok.json().object).toBe('user');
  });

  it('goes through the Backend API’s services: a dashboard edit reads back through BAPI, and a BAPI ban is audited', async () => {
    const created = await write('POST', '/dashboard/api/users', { email_address: 'meta@example.com', first_name: 'Meta' });
    const id = created.json().id as string;
    const saved = await write('PUT', `/dashboard/api/users/${id}/metadata`, { public_metadata: { plan: 'pro' } });
    expect(saved.statusCode).toBe(200);
    const bapi = await t.app.inject({ method: 'GET', url: `/api/v1/users/${id}`, headers: t.auth });
    expect(bapi.json().public_metadata).toEqual({ plan: 'pro' });
    const tooBig = await write('PUT', `/dashboard/api/users/${id}/metadata`, { public_metadata: { blob: 'x'.repeat(9000) } });
    expect(tooBig.statusCode).toBeGreaterThanOrEqual(400);
    expect(tooBig.statusCode).toBeLessThan(500);
    const banned = await t.app.inject({ method: 'POST', url: `/api/v1/users/${id}/ban`, headers: t.auth });
    expect(banned.statusCode).toBe(200);
    const audit = await t.app.inject({ method: 'GET', url: `/dashboard/api/audit?target_id=${id}`, headers: { cookie } });
    const actions = (audit.json().data as { action: string; actor_type: string }[]).map((e) => `${e.actor_type}:${e.action}`);
    expect(actions).toEqual(['backend_api:user.ban', 'operator:user.metadata_update', 'operator:user.create']);
    const csv = await t.app.inject({ method: 'GET', url: `/dashboard/api/audit.csv?target_id=${id}`, headers: { cookie } });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body.split('\r\n')[0]).toBe('at,actor_type,actor_id,actor,action,target_type,target_id,ip,detail');
    expect(csv.body).toContain('user.metadata_update');
  });

  it('impersonates through an actor token: the accepted ticket’s session token carries act with the operator', async () => {
    const [user] = await t.domain.users.list({ emailAddresses: ['meta@example.com'] });
    await t.app.inject({ method: 'POST', url: `/api/v1/users/${user?.user.id}/unban`, headers: t.auth });
    const res = await write('POST', `/dashboard/api/users/${user?.user.id}/impersonate`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ object: 'actor_token', status: 'pending', user_id: user?.user.id });
    const ticket = new URL(body.url).searchParams.get('__clerk_ticket') ?? '';
    // The hosted <SignIn/> sends the ticket to the Frontend API's ticket strategy: signed in at once.
    const browser = fapiBrowser(t.app);
    const signIn = await browser.call('POST', '/v1/client/sign_ins', { strategy: 'ticket', ticket });
    expect(signIn.status).toBe(200);
    expect(signIn.body.response).toMatchObject({ status: 'complete', first_factor_verification: { strategy: 'ticket' } });
    const sessionId = signIn.body.response.created_session_id as string;
    const fapiToken = await browser.call('POST', `/v1/client/sessions/${sessionId}/tokens`);
    const me = (await t.app.inject({ method: 'GET', url: '/dashboard/api/me', headers: { cookie } })).json();
    const claims = JSON.parse(Buffer.from(String(fapiToken.body.jwt).split('.')[1] ?? '', 'base64url').toString());
    expect(claims).toMatchObject({ sub: user?.user.id, act: { sub: me.operator.id, email: 'ops@example.com' } });
    // Spent: a second use, from another browser, is refused in Clerk's envelope.
    const again = await fapiBrowser(t.app).call('POST', '/v1/client/sign_ins', { strategy: 'ticket', ticket });
    expect(again.status).toBe(400);
    expect(again.body.errors[0].code).toBe('ticket_invalid');
    const audit = await t.app.inject({ method: 'GET', url: `/dashboard/api/audit?action=user.impersonate`, headers: { cookie } });
    expect(audit.json().data[0]).toMatchObject({ actor: 'ops@example.com', target_id: user?.user.id });
  });

  it('turns Google sign-in on and off: the environment lists it at once, the secret never comes back', async () => {
    const social = async () =>
      ((await t.app.inject({ method: 'GET', url: '/v1/environment' })).json().user_settings.social ?? {}) as Record<
        string,
        { enabled: boolean }
      >;
    expect(await social()).not.toHaveProperty('oauth_google');
    const missing = await write('PUT', '/dashboard/api/social/google', { enabled: true, client_id: 'cid.apps.googleusercontent.com' });
    expect(missing.statusCode).toBe(422);
    const on = await write('PUT', '/dashboard/api/social/google', {
      enabled: true,
      client_id: 'cid.apps.googleusercontent.com',
      client_secret: 'GOCSPX-very-secret',
    });
    expect(on.statusCode).toBe(200);
    expect(on.body).not.toContain('GOCSPX');
    expect(on.json().callback_url).toBe('http://127.0.0.1:4000/v1/oauth_callback');
    expect(on.json().data.find((c: { key: string }) => c.key === 'google')).toMatchObject({ enabled: true, has_secret: true });
    expect((await social()).oauth_google?.enabled).toBe(true);
    // As another node reads it from the row: the stored form parses back (the secret sealed).
    const row = await t.store.instance.get();
    const stored = parseSocialSettings((row?.settings as { social?: unknown } | undefined)?.social);
    expect(stored.google).toMatchObject({ enabled: true, clientId: 'cid.apps.googleusercontent.com' });
    expect(stored.google?.clientSecretEnc).not.toContain('GOCSPX');
    const unknown = await write('PUT', '/dashboard/api/social/custom_x', { enabled: true });
    expect(unknown.statusCode).toBe(422);
    const off = await write('PUT', '/dashboard/api/social/google', { enabled: false });
    expect(off.statusCode).toBe(200);
    expect(await social()).not.toHaveProperty('oauth_google');
    const audit = await t.app.inject({ method: 'GET', url: '/dashboard/api/audit?action=social_connection.', headers: { cookie } });
    expect(audit.json().data).toHaveLength(2);
    expect(JSON.stringify(audit.json().data)).not.toContain('GOCSPX');
  });

  it('manages webhook endpoints through the Backend API’s endpoint service, audited', async () => {
    const created = await write('POST', '/dashboard/api/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['user.created'] });
    expect(created.statusCode).toBe(200);
    const id = created.json().id as string;
    const bapi = await t.app.inject({ method: 'GET', url: `/api/v1/webhook_endpoints/${id}`, headers: t.auth });
    expect(bapi.json()).toMatchObject({ url: 'http://127.0.0.1:9/hook', events: ['user.created'] });
    const bad = await write('POST', '/dashboard/api/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['no.such'] });
    expect(bad.statusCode).toBe(422);
    const rotated = await write('POST', `/dashboard/api/webhooks/${id}/rotate-secret`, {});
    expect(rotated.json().secret).not.toBe(created.json().secret);
    expect(rotated.json().previous_secret_expires_at).toBeGreaterThan(Date.now());
    const disabled = await write('PATCH', `/dashboard/api/webhooks/${id}`, { disabled: true });
    expect(disabled.json().disabled).toBe(true);
    const detail = await t.app.inject({ method: 'GET', url: `/dashboard/api/webhooks/${id}`, headers: { cookie } });
    expect(detail.json()).toMatchObject({ endpoint: { id, disabled: true }, deliveries: { data: [], total_count: 0 } });
    expect(detail.json().event_types).toContain('user.created');
    // The event picker offers every type Gatehouse raises.
    expect(detail.json().event_types).toEqual(
      expect.arrayContaining(['organizationDomain.updated', 'role.created', 'permission.deleted', 'waitlistEntry.updated', 'sms.created']),
    );
    const list = await t.app.inject({ method: 'GET', url: '/dashboard/api/webhooks', headers: { cookie } });
    expect(list.json().data.map((e: { id: string }) => e.id)).toContain(id);
    expect((await write('DELETE', `/dashboard/api/webhooks/${id}`)).statusCode).toBe(200);
    const audit = await t.app.inject({ method: 'GET', url: `/dashboard/api/audit?target_id=${id}`, headers: { cookie } });
    expect(audit.json().data.map((e: { action: string }) => e.action)).toEqual([
      'webhook_endpoint.delete',
      'webhook_endpoint.update',
      'webhook_endpoint.rotate_secret',
      'webhook_endpoint.create',
    ]);
  });

  it('creates, edits and deletes JWT templates through the Backend API’s service', async () => {
    const created = await write('POST', '/dashboard/api/jwt-templates', {
      name: 'hasura',
      claims: { role: '{{user.public_metadata.plan}}' },
      lifetime: 120,
    });
    expect(created.statusCode).toBe(200);
    const id = created.json().id as string;
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/jwt_templates/${id}`, headers: t.auth })).json()).toMatchObject({
      name: 'hasura',
      lifetime: 120,
    });
    expect((await write('PATCH', `/dashboard/api/jwt-templates/${id}`, { lifetime: 300 })).json().lifetime).toBe(300);
    const [meta] = await t.domain.users.list({ emailAddresses: ['meta@example.com'] });
    const preview = await write('POST', '/dashboard/api/jwt-templates/preview', {
      claims: { role: '{{user.public_metadata.plan}}', email: '{{user.primary_email_address}}' },
      user_id: meta?.user.id,
    });
    expect(preview.json()).toMatchObject({ claims: { role: 'pro', email: 'meta@example.com' } });
    const badPreview = await write('POST', '/dashboard/api/jwt-templates/preview', {
      claims: { x: '{{user.nope}}' },
      user_id: meta?.user.id,
    });
    expect(badPreview.statusCode).toBe(422);
    expect((await write('POST', '/dashboard/api/jwt-templates', { name: 'bad', claims: { x: '{{user.nope}}' } })).statusCode).toBe(422);
    expect((await write('DELETE', `/dashboard/api/jwt-templates/${id}`)).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/jwt_templates/${id}`, headers: t.auth })).statusCode).toBe(404);
    const audit = await t.app.inject({ method: 'GET', url: `/dashboard/api/audit?target_id=${id}`, headers: { cookie } });
    expect((audit.json().data as { action: string }[]).map((e) => e.action)).toEqual([
      'jwt_template.delete',
      'jwt_template.update',
      'jwt_template.create',
    ]);
  });

  it('never shows operators through the Backend API', async () => {
    const users = await t.app.inject({ method: 'GET', url: '/api/v1/users?query=ops%40example.com', headers: t.auth });
    expect(users.json()).toEqual([]);
  });

  it('previews and saves the session-token template; the config file’s fields are not locked here', async () => {
    const [user] = await t.domain.users.list({ emailAddresses: ['meta@example.com'] });
    const claims = { metadata: '{{user.public_metadata}}' };
    const preview = await write('POST', '/dashboard/api/session-token/preview', { claims, user_id: user?.user.id });
    expect(preview.json()).toMatchObject({ claims: { metadata: { plan: 'pro' } }, limit_bytes: 1200 });
    const bad = await write('POST', '/dashboard/api/session-token/preview', { claims: { x: '{{user.nope}}' }, user_id: user?.user.id });
    expect(bad.statusCode).toBe(422);
    const saved = await write('PUT', '/dashboard/api/session-token', { claims, lifetime: 60 });
    expect(saved.statusCode).toBe(200);
    expect((await t.domain.instance.settings()).sessionToken.claims).toEqual(claims);
  });

  it('lists and revokes operator sessions; a revoked session is refused at once', async () => {
    const second = await signIn(t, 'ops@example.com');
    const secondCookie = cookieFrom(second.headers['set-cookie']);
    const list = await t.app.inject({ method: 'GET', url: '/dashboard/api/operator-sessions', headers: { cookie } });
    const sessions = list.json().data as { id: string; current: boolean }[];
    expect(sessions.length).toBe(2);
    const other = sessions.find((s) => !s.current);
    expect((await write('DELETE', `/dashboard/api/operator-sessions/${other?.id}`)).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/dashboard/api/me', headers: { cookie: secondCookie } })).statusCode).toBe(401);
  });

  it('rate-limits sign-in per IP, locks an operator out after repeated failures, and audits both', async () => {
    const { operator, token } = await t.domain.operators.create('second@example.com', CLI_CALLER);
    await t.domain.operators.completeSetup({ token, password: PASSWORD });
    for (let i = 0; i < 10; i++)
      expect((await signIn(t, operator.email, 'wrong password!!', undefined, `10.1.0.${i}`)).statusCode).toBe(401);
    // The e-mail's budget is spent (429), and the operator is locked: even the right password is refused.
    expect((await signIn(t, operator.email, PASSWORD, undefined, '10.1.1.1')).statusCode).toBe(429);
    await expect(
      t.domain.operators.signIn({ email: operator.email, password: PASSWORD, ip: '10.1.1.2', userAgent: 'test' }),
    ).rejects.toMatchObject({
      status: 401,
    });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await signIn(t, 'nobody@example.com', 'whatever', undefined, '10.9.9.9')).statusCode);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
    const audit = await t.app.inject({ method: 'GET', url: `/dashboard/api/audit?target_id=${operator.id}`, headers: { cookie } });
    const actions = (audit.json().data as { action: string }[]).map((e) => e.action);
    expect(actions).toContain('operator.locked_out');
    expect(actions.filter((a) => a === 'operator.sign_in_failed').length).toBeGreaterThanOrEqual(10);
  });

  it('serves the page with a strict CSP, and its script and stylesheet from the package', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/dashboard/users' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
    const src = /src="([^"]+app\.js[^"]*)"/.exec(page.body)?.[1] ?? '';
    const js = await t.app.inject({ method: 'GET', url: src });
    expect(js.statusCode).toBe(200);
    expect(js.body.length).toBeGreaterThan(10_000);
    expect(js.body).not.toMatch(/https?:\/\/(cdn|unpkg|jsdelivr)/);
  });
});

describe('dashboard API (production instance): TOTP is required', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ flags: { port: '4000', 'instance-type': 'production' } });
  });
  afterAll(async () => t?.close());

  it('refuses a password-only setup, accepts one with a TOTP code, and then requires the code at sign-in', async () => {
    expect(await t.domain.operators.firstOperatorLink()).toBeTruthy(); // the CLI prints none on production; the domain allows it
    const { token } = await t.domain.operators.create('prod@example.com', CLI_CALLER);
    const info = (await t.app.inject({ method: 'GET', url: `/dashboard/api/setup?token=${token}` })).json();
    expect(info.totpRequired).toBe(true);
    const noTotp = await t.app.inject({
      method: 'POST',
      url: '/dashboard/api/setup',
      headers: { origin: ORIGIN },
      payload: { token, password: PASSWORD },
    });
    expect(noTotp.statusCode).toBe(422);
    const totp = new TOTP({ secret: Secret.fromBase32(info.totp_secret), digits: 6, period: 30, algorithm: 'SHA1' });
    const ok = await t.app.inject({
      method: 'POST',
      url: '/dashboard/api/setup',
      headers: { origin: ORIGIN },
      payload: { token, password: PASSWORD, totp_secret: info.totp_secret, totp_code: totp.generate() },
    });
    expect(ok.statusCode).toBe(200);
    expect((await signIn(t, 'prod@example.com')).statusCode).toBe(401);
    expect((await signIn(t, 'prod@example.com', PASSWORD, '000000')).statusCode).toBe(401);
    expect((await signIn(t, 'prod@example.com', PASSWORD, totp.generate())).statusCode).toBe(200);
  });
});
