import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CALLER } from '../../domain/caller.js';
import { createTestApp, mailedCode, type TestApp } from '../../testing/app.js';

const ORIGIN = 'http://127.0.0.1:5173';

/** A tiny browser: keeps the `__client` cookie and sends form bodies as clerk-js does. */
function browser(app: FastifyInstance) {
  let cookie = '';
  return {
    get cookie() {
      return cookie;
    },
    async call(method: 'GET' | 'POST', path: string, form?: Record<string, string>, origin = ORIGIN): Promise<LightMyRequestResponse> {
      const res = await app.inject({
        method,
        url: path,
        headers: {
          origin,
          cookie,
          ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        payload: form ? new URLSearchParams(form).toString() : undefined,
      });
      const setCookie = res.headers['set-cookie'];
      for (const line of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
        const [pair] = line.split(';');
        if (pair?.startsWith('__client=')) cookie = pair;
      }
      return res;
    },
  };
}

describe('Frontend API flows (in-process, real SQLite)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('signs up with e-mail + password + code, gets tokens, edits the profile, signs out and back in', async () => {
    const b = browser(t.app);
    // A development browser gets an empty client on first contact (its dev browser token in Clerk-Db-Jwt).
    const firstContact = await b.call('GET', '/v1/client');
    expect(JSON.parse(firstContact.body).response).toMatchObject({ object: 'client', sessions: [], sign_in: null, sign_up: null });
    expect(firstContact.headers['clerk-db-jwt']).toBeTruthy();
    expect(String(firstContact.headers['set-cookie'])).toMatch(/__client=.*HttpOnly.*SameSite=Lax/);

    const created = await b.call('POST', '/v1/client/sign_ups?__clerk_api_version=2026-08-20', {
      email_address: 'new.person@example.com',
      password: 'a sturdy passphrase',
      locale: 'ko-KR',
    });
    expect(created.statusCode).toBe(200);
    expect(created.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(created.headers['access-control-allow-credentials']).toBe('true');
    const signUp = JSON.parse(created.body).response;
    expect(signUp).toMatchObject({ object: 'sign_up_attempt', status: 'missing_requirements', unverified_fields: ['email_address'] });
    // No code until clerk-js asks for one, as with Clerk: `<SignUp/>` then sends `prepare_verification`.
    expect(signUp.verifications.email_address).toBeNull();
    await expect(mailedCode(t, 'new.person@example.com')).rejects.toThrow(/no code mailed/);
    const prepared = await b.call('POST', `/v1/client/sign_ups/${signUp.id}/prepare_verification`, {
      strategy: 'email_code',
      locale: 'ko-KR',
    });
    expect(JSON.parse(prepared.body).response.verifications.email_address).toMatchObject({ status: 'unverified', strategy: 'email_code' });

    const mail = (await t.store.mailOutbox.listRecent(1))[0];
    expect(mail?.locale).toBe('ko');
    expect((await t.store.mailOutbox.listRecent(50)).filter((m) => m.toAddress === 'new.person@example.com')).toHaveLength(1);
    const code = await mailedCode(t, 'new.person@example.com');
    const wrong = await b.call('POST', `/v1/client/sign_ups/${signUp.id}/attempt_verification`, {
      strategy: 'email_code',
      code: code === '000000' ? '111111' : '000000',
    });
    expect(wrong.statusCode).toBe(422);
    expect(JSON.parse(wrong.body).errors[0].code).toBe('form_code_incorrect');

    const verified = await b.call('POST', `/v1/client/sign_ups/${signUp.id}/attempt_verification`, { strategy: 'email_code', code });
    const body = JSON.parse(verified.body);
    expect(body.response.status).toBe('complete');
    const sessionId = body.response.created_session_id;
    expect(body.client.last_active_session_id).toBe(sessionId);
    expect(body.client.sessions[0].user.email_addresses[0].email_address).toBe('new.person@example.com');
    expect(body.client.sessions[0].user).not.toHaveProperty('private_metadata');

    const touched = await b.call('POST', `/v1/client/sessions/${sessionId}/touch?_clerk_js_version=6.40.0`, {
      active_organization_id: '',
      intent: 'select_session',
    });
    expect(JSON.parse(touched.body).response.id).toBe(sessionId);
    expect(JSON.parse(touched.body).response.last_active_token.jwt).toMatch(/^ey/);

    const token = await b.call('POST', `/v1/client/sessions/${sessionId}/tokens`, { organization_id: '', tab_state: 'focused' });
    const tokenBody = JSON.parse(token.body);
    expect(tokenBody.object).toBe('token');
    const claims = JSON.parse(Buffer.from(tokenBody.jwt.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ sid: sessionId, azp: ORIGIN, v: 2 });

    const renamed = await b.call('POST', `/v1/me?_method=PATCH&_clerk_session_id=${sessionId}`, { first_name: 'Nara' });
    expect(JSON.parse(renamed.body).response.first_name).toBe('Nara');
    // No picture: a default avatar that an <img> can show, as Clerk returns, and has_image false.
    expect(JSON.parse(renamed.body).response).toMatchObject({
      image_url: expect.stringMatching(/\/avatars\/u-[^/]+\.svg$/),
      has_image: false,
    });

    const signedOut = JSON.parse((await b.call('POST', '/v1/client/sessions?_method=DELETE')).body);
    expect(signedOut.client.sessions).toEqual([]);
    // clerk-js reads `response` as the client after sign-out of all sessions: it must be the client.
    expect(signedOut.response).toMatchObject({ object: 'client', id: signedOut.client.id, sessions: [] });
    expect((await b.call('POST', `/v1/client/sessions/${sessionId}/tokens`, {})).statusCode).toBe(404);

    const badPassword = await b.call('POST', '/v1/client/sign_ins', {
      identifier: 'new.person@example.com',
      password: 'not the password',
      strategy: 'password',
    });
    expect(badPassword.statusCode).toBe(422);
    expect(JSON.parse(badPassword.body).errors[0]).toMatchObject({ code: 'form_password_incorrect', meta: { param_name: 'password' } });

    const first = JSON.parse((await b.call('POST', '/v1/client/sign_ins', { identifier: 'new.person@example.com' })).body).response;
    expect(first.status).toBe('needs_first_factor');
    const done = await b.call('POST', `/v1/client/sign_ins/${first.id}/attempt_first_factor`, {
      strategy: 'password',
      password: 'a sturdy passphrase',
    });
    expect(JSON.parse(done.body).response.status).toBe('complete');
  });

  it('resets a password with an e-mailed code', async () => {
    await t.domain.users.create({ emailAddresses: ['forgot@example.com'], password: 'original passphrase' }, SYSTEM_CALLER);
    const b = browser(t.app);
    const signIn = JSON.parse((await b.call('POST', '/v1/client/sign_ins', { identifier: 'forgot@example.com' })).body).response;
    const factor = signIn.supported_first_factors.find((f: { strategy: string }) => f.strategy === 'reset_password_email_code');
    await b.call('POST', `/v1/client/sign_ins/${signIn.id}/prepare_first_factor`, {
      strategy: 'reset_password_email_code',
      email_address_id: factor.email_address_id,
    });
    const code = await mailedCode(t, 'forgot@example.com');
    const attempted = JSON.parse(
      (await b.call('POST', `/v1/client/sign_ins/${signIn.id}/attempt_first_factor`, { strategy: 'reset_password_email_code', code })).body,
    );
    expect(attempted.response.status).toBe('needs_new_password');
    const reset = JSON.parse(
      (await b.call('POST', `/v1/client/sign_ins/${signIn.id}/reset_password`, { password: 'a brand new passphrase' })).body,
    );
    expect(reset.response.status).toBe('complete');
    const { user } = (await t.domain.users.list({ emailAddresses: ['forgot@example.com'] }))[0] ?? {};
    expect(await t.domain.verifyPassword(user, 'a brand new passphrase')).toBe(true);
  });

  it('answers an unknown account exactly like a known one until the password is checked', async () => {
    const b = browser(t.app);
    const unknown = JSON.parse((await b.call('POST', '/v1/client/sign_ins', { identifier: 'nobody@example.com' })).body).response;
    expect(unknown.status).toBe('needs_first_factor');
    expect(unknown.supported_first_factors.map((f: { strategy: string }) => f.strategy)).toEqual([
      'password',
      'email_code',
      'reset_password_email_code',
    ]);
    const attempt = await b.call('POST', `/v1/client/sign_ins/${unknown.id}/attempt_first_factor`, {
      strategy: 'password',
      password: 'whatever-it-is',
    });
    expect(attempt.statusCode).toBe(422);
    expect(JSON.parse(attempt.body).errors[0].code).toBe('form_password_incorrect');
  });

  it('answers unknown Frontend API paths with a 404 that carries CORS headers', async () => {
    const b = browser(t.app);
    for (const method of ['GET', 'POST'] as const) {
      const res = await b.call(method, '/v1/no/such/endpoint?__clerk_api_version=2026-08-20');
      expect(res.statusCode).toBe(404);
      expect(JSON.parse(res.body).errors[0].code).toBe('resource_not_found');
      expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
    }
  });

  it("lists the person's active sessions for <UserProfile/> and revokes one", async () => {
    await t.domain.users.create({ emailAddresses: ['devices@example.com'], password: 'devices passphrase' }, SYSTEM_CALLER);
    const laptop = browser(t.app);
    const phone = browser(t.app);
    const signIn = async (b: ReturnType<typeof browser>) =>
      JSON.parse(
        (
          await b.call('POST', '/v1/client/sign_ins', {
            identifier: 'devices@example.com',
            password: 'devices passphrase',
            strategy: 'password',
          })
        ).body,
      ).response.created_session_id as string;
    const laptopSession = await signIn(laptop);
    const phoneSession = await signIn(phone);

    const listed = await laptop.call('GET', `/v1/me/sessions/active?_clerk_session_id=${laptopSession}`);
    expect(listed.statusCode).toBe(200);
    const sessions = JSON.parse(listed.body);
    expect(Array.isArray(sessions)).toBe(true);
    expect(sessions.map((s: { id: string }) => s.id).sort()).toEqual([laptopSession, phoneSession].sort());
    expect(sessions[0]).toMatchObject({
      object: 'session',
      status: 'active',
      latest_activity: { object: 'session_activity', ip_address: '127.0.0.1', country: 'Local network', is_mobile: false },
    });

    const revoked = await laptop.call('POST', `/v1/me/sessions/${phoneSession}/revoke?_clerk_session_id=${laptopSession}`, {});
    expect(JSON.parse(revoked.body).response).toMatchObject({ id: phoneSession, status: 'revoked' });
    expect((await phone.call('POST', `/v1/client/sessions/${phoneSession}/tokens`, {})).statusCode).toBe(404);
    const after = JSON.parse((await laptop.call('GET', '/v1/me/sessions/active')).body);
    expect(after.map((s: { id: string }) => s.id)).toEqual([laptopSession]);

    const stranger = browser(t.app);
    await t.domain.users.create({ emailAddresses: ['stranger@example.com'], password: 'stranger passphrase' }, SYSTEM_CALLER);
    const strangerSession = JSON.parse(
      (
        await stranger.call('POST', '/v1/client/sign_ins', {
          identifier: 'stranger@example.com',
          password: 'stranger passphrase',
          strategy: 'password',
        })
      ).body,
    ).response.created_session_id;
    const foreign = await stranger.call('POST', `/v1/me/sessions/${laptopSession}/revoke?_clerk_session_id=${strangerSession}`, {});
    expect(foreign.statusCode).toBe(404);
  });

  it("puts the browser's client in errors' meta.client, so a stale tab learns which session exists", async () => {
    await t.domain.users.create({ emailAddresses: ['two.tabs@example.com'], password: 'two tabs passphrase' }, SYSTEM_CALLER);
    const b = browser(t.app);
    const first = await b.call('POST', '/v1/client/sign_ins', { identifier: 'two.tabs@example.com', password: 'two tabs passphrase' });
    const sessionId = JSON.parse(first.body).response.created_session_id;
    // A second tab of the same browser, still showing <SignIn/>, starts a sign-in.
    const again = await b.call('POST', '/v1/client/sign_ins', { identifier: 'two.tabs@example.com' });
    expect(again.statusCode).toBe(400);
    const body = JSON.parse(again.body);
    expect(body.errors[0]).toMatchObject({ code: 'session_exists' });
    expect(body.meta.client).toMatchObject({ object: 'client', last_active_session_id: sessionId, sessions: [{ id: sessionId }] });
    // No client, no meta.
    const fresh = browser(t.app);
    const unknown = await fresh.call('POST', '/v1/client/sign_ins/sia_missing/attempt_first_factor', {
      strategy: 'password',
      password: 'x',
    });
    expect(JSON.parse(unknown.body).meta).toBeUndefined();

    // `Session.end()` reads the whole session back.
    const ended = JSON.parse((await b.call('POST', `/v1/client/sessions/${sessionId}/end`, {})).body);
    expect(ended.response).toMatchObject({ object: 'session', id: sessionId, status: 'ended', user: { object: 'user' } });
    expect(ended.client.sessions).toEqual([]);
  });

  it('sends a sign-up code only on prepare_verification, and only for the address it was sent to', async () => {
    const b = browser(t.app);
    const signUp = JSON.parse((await b.call('POST', '/v1/client/sign_ups', { email_address: 'first.address@example.com' })).body).response;
    await b.call('POST', `/v1/client/sign_ups/${signUp.id}/prepare_verification`, { strategy: 'email_code' });
    const oldCode = await mailedCode(t, 'first.address@example.com');
    const changed = JSON.parse(
      (await b.call('POST', `/v1/client/sign_ups/${signUp.id}?_method=PATCH`, { email_address: 'second.address@example.com' })).body,
    ).response;
    expect(changed.verifications.email_address).toBeNull();
    await expect(mailedCode(t, 'second.address@example.com')).rejects.toThrow(/no code mailed/);
    const stale = await b.call('POST', `/v1/client/sign_ups/${signUp.id}/attempt_verification`, { strategy: 'email_code', code: oldCode });
    expect(stale.statusCode).toBe(422);
    expect(JSON.parse(stale.body).errors[0].code).toBe('verification_missing');
  });

  it('validates form bodies with Clerk form errors naming the field', async () => {
    const b = browser(t.app);
    const long = await b.call('POST', '/v1/client/sign_ins', { identifier: `${'x'.repeat(320)}@example.com` });
    expect(long.statusCode).toBe(422);
    expect(JSON.parse(long.body).errors[0]).toMatchObject({ code: 'form_param_format_invalid', meta: { param_name: 'identifier' } });
    const signIn = JSON.parse((await b.call('POST', '/v1/client/sign_ins', { identifier: 'form.checks@example.com' })).body).response;
    const missing = await b.call('POST', `/v1/client/sign_ins/${signIn.id}/attempt_first_factor`, { strategy: '', code: '123456' });
    expect(JSON.parse(missing.body).errors[0]).toMatchObject({ code: 'form_param_missing', meta: { param_name: 'strategy' } });
    const unknown = await b.call('POST', `/v1/client/sign_ins/${signIn.id}/attempt_first_factor`, { strategy: 'carrier_pigeon' });
    expect(JSON.parse(unknown.body).errors[0]).toMatchObject({ code: 'strategy_for_user_invalid' });
    const notJson = await b.call('POST', '/v1/client/sign_ups', { email_address: 'form.checks@example.com', unsafe_metadata: '[1]' });
    expect(JSON.parse(notJson.body).errors[0]).toMatchObject({
      code: 'form_param_format_invalid',
      meta: { param_name: 'unsafe_metadata' },
    });
  });

  it('refuses cross-origin writes from origins that are not allowed, without CORS headers', async () => {
    const b = browser(t.app);
    const res = await b.call('POST', '/v1/client/sign_ins', { identifier: 'x@example.com' }, 'https://evil.example');
    expect(res.statusCode).toBe(403);
    expect(JSON.parse(res.body).errors[0].code).toBe('origin_invalid');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('hands out handshake nonces that BAPI turns into cookie directives', async () => {
    const b = browser(t.app);
    await t.domain.users.create({ emailAddresses: ['hs@example.com'], password: 'handshake passphrase' }, SYSTEM_CALLER);
    await b.call('POST', '/v1/client/sign_ins', { identifier: 'hs@example.com', password: 'handshake passphrase', strategy: 'password' });
    const redirect = await b.call('GET', `/v1/client/handshake?redirect_url=${encodeURIComponent(`${ORIGIN}/protected`)}&format=nonce`);
    expect(redirect.statusCode).toBe(307);
    const location = new URL(String(redirect.headers.location));
    expect(location.origin + location.pathname).toBe(`${ORIGIN}/protected`);
    const nonce = location.searchParams.get('__clerk_handshake_nonce');
    const payload = await t.app.inject({ url: `/api/v1/clients/handshake_payload?nonce=${nonce}`, headers: t.auth });
    const directives: string[] = JSON.parse(payload.body).directives;
    expect(directives.some((d) => /^__session=ey/.test(d))).toBe(true);
    expect(directives.some((d) => /^__session_[\w-]{8}=ey/.test(d))).toBe(true);
    expect(directives.some((d) => /^__client_uat=\d{10}/.test(d))).toBe(true);
    expect(directives.some((d) => /^__clerk_db_jwt=/.test(d))).toBe(true);

    const evil = await b.call('GET', `/v1/client/handshake?redirect_url=${encodeURIComponent('https://evil.example/')}`);
    expect(evil.statusCode).toBe(400);
  });

  it('reads a repeated query parameter by its first value, as URLSearchParams does, instead of failing with a 500', async () => {
    const b = browser(t.app);
    const signIn = await b.call('POST', '/v1/client/sign_ins?__clerk_testing_token=a&__clerk_testing_token=b', {
      identifier: 'x@example.com',
    });
    expect(signIn.statusCode).toBe(200);

    const allowed = encodeURIComponent(`${ORIGIN}/after`);
    const evil = encodeURIComponent('https://evil.example/');
    const first = await b.call(
      'GET',
      `/v1/client/handshake?redirect_url=${allowed}&redirect_url=${evil}&__clerk_db_jwt=a&__clerk_db_jwt=b`,
    );
    expect(first.statusCode).toBe(307);
    expect(new URL(String(first.headers.location)).origin).toBe(ORIGIN);
    // The first value decides, so a second one can never smuggle in a foreign target.
    expect((await b.call('GET', `/v1/client/handshake?redirect_url=${evil}&redirect_url=${allowed}`)).statusCode).toBe(400);
    const page = await b.call('GET', `/sign-in?redirect_url=${evil}&redirect_url=${allowed}`);
    expect(page.statusCode).toBe(302);
    expect(page.headers.location).toBe('/sign-in');

    const me = await b.call('GET', '/v1/me?_clerk_session_id=sess_a&_clerk_session_id=sess_b');
    expect(me.statusCode).toBeLessThan(500);
    expect(JSON.parse(me.body).errors[0].code).toBe('authentication_invalid');
  });

  it('refuses JSON nested thousands of levels deep with a 4xx, in a JSON body or a form field, and creates nothing', async () => {
    const b = browser(t.app);
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const json = await t.app.inject({
      method: 'POST',
      url: '/v1/client/sign_ups',
      headers: { origin: ORIGIN, 'content-type': 'application/json' },
      payload: `{"email_address":"deep.json@example.com","unsafe_metadata":${deep}}`,
    });
    expect(json.statusCode).toBe(400);
    expect(JSON.parse(json.body).errors[0].code).toBe('malformed_request_body');

    const form = await b.call('POST', '/v1/client/sign_ups', { email_address: 'deep.form@example.com', unsafe_metadata: deep });
    expect(form.statusCode).toBe(422);
    expect(JSON.parse(form.body).errors[0]).toMatchObject({ code: 'form_param_format_invalid', meta: { param_name: 'unsafe_metadata' } });
    const before = JSON.parse((await b.call('GET', '/v1/client')).body).response;
    expect(before?.sign_up ?? null).toBeNull();
    // 64 levels are still fine.
    const fine = await b.call('POST', '/v1/client/sign_ups', {
      email_address: 'deep.enough@example.com',
      unsafe_metadata: `${'{"a":'.repeat(63)}1${'}'.repeat(63)}`,
    });
    expect(fine.statusCode).toBe(200);
    const client = JSON.parse((await b.call('GET', '/v1/client')).body).response;
    expect(client.sign_up.email_address).toBe('deep.enough@example.com');
  });

  it('identifies a development client by the dev browser token in the query, with no cookie (an app on another site)', async () => {
    const first = await t.app.inject({ method: 'GET', url: '/v1/client', headers: { origin: 'http://localhost:5173' } });
    const token = first.headers['clerk-db-jwt'];
    if (typeof token !== 'string') throw new Error('no Clerk-Db-Jwt header');
    expect(first.headers['access-control-expose-headers']).toMatch(/Clerk-Db-Jwt/);
    const clientId = JSON.parse(first.body).response.id as string;

    const signIn = await t.app.inject({
      method: 'POST',
      url: `/v1/client/sign_ins?__clerk_db_jwt=${encodeURIComponent(token)}`,
      headers: { origin: 'http://localhost:5173', 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'identifier=nobody%40example.com',
    });
    expect(signIn.statusCode).toBe(200);
    expect(JSON.parse(signIn.body).client.id).toBe(clientId);
    // The token the browser sent is not echoed back.
    expect(signIn.headers['clerk-db-jwt']).toBeUndefined();

    const again = await t.app.inject({
      method: 'GET',
      url: `/v1/client?__clerk_db_jwt=${encodeURIComponent(token)}`,
      headers: { origin: 'http://localhost:5173' },
    });
    expect(JSON.parse(again.body).response).toMatchObject({ id: clientId, sign_in: { identifier: 'nobody@example.com' } });

    // An unknown token is a new browser, not an error.
    const unknown = await t.app.inject({
      method: 'GET',
      url: '/v1/client?__clerk_db_jwt=dvb_nothing',
      headers: { origin: 'http://localhost:5173' },
    });
    expect(JSON.parse(unknown.body).response.id).not.toBe(clientId);
  });

  it('serves clerk-js with the dev browser prelude in front', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/npm/@clerk/clerk-js@6/dist/clerk.browser.js' });
    expect(res.statusCode).toBe(200);
    expect(res.body.startsWith(';(function(){')).toBe(true);
    expect(res.body).toContain('__internal_onBeforeRequest');
  });
});

describe('Frontend API of a production instance', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ flags: { 'instance-type': 'production' } });
  });
  afterAll(async () => t.close());

  it('ignores a dev browser token: the client is the HttpOnly cookie only', async () => {
    const first = await t.app.inject({ method: 'GET', url: '/v1/client', headers: { origin: 'http://127.0.0.1:4000' } });
    expect(JSON.parse(first.body)).toEqual({ response: null, client: null });
    expect(first.headers['clerk-db-jwt']).toBeUndefined();
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/v1/client/sign_ins',
      headers: { origin: 'http://127.0.0.1:4000', 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'identifier=nobody%40example.com',
    });
    const cookie = String(signIn.headers['set-cookie']).match(/__client=([^;]+)/)?.[1];
    if (!cookie) throw new Error('no __client cookie');
    expect(signIn.headers['clerk-db-jwt']).toBeUndefined();
    const viaQuery = await t.app.inject({
      method: 'GET',
      url: `/v1/client?__clerk_db_jwt=${cookie}`,
      headers: { origin: 'http://127.0.0.1:4000' },
    });
    expect(JSON.parse(viaQuery.body)).toEqual({ response: null, client: null });
  });
});
