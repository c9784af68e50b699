import type { AddressInfo } from 'node:net';
import { type ClerkClient, createClerkClient, verifyToken } from '@clerk/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieSuffix } from '../../domain/frontend/handshake.js';
import { createTestApp, mailedCode, type TestApp } from '../../testing/app.js';
import { fapiBrowser, TEST_ORIGIN } from '../../testing/fapi-browser.js';
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

/** `name=value` pairs of Set-Cookie lines (the attributes dropped), as a browser would send them back. */
function cookiePairs(lines: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of lines) {
    const [pair] = line.split(';');
    const eq = pair?.indexOf('=') ?? -1;
    if (pair && eq > 0) out.set(pair.slice(0, eq), decodeURIComponent(pair.slice(eq + 1)));
  }
  return out;
}

/**
 * The rest of the Backend API (issue 16), driven by the official `@clerk/backend` over real HTTP on
 * loopback against a real database: session refresh (and `authenticateRequest`'s refresh of an
 * expired token through the `__refresh` cookie), sign-up updates, compromised passwords and the
 * forced reset at sign-in, replacing an e-mail address, instance settings, redirect URLs and domains.
 * The server's clock is the test's, so a token can be minted in the past and found expired by the SDK.
 */
function suite(dialect: 'sqlite' | 'postgres') {
  let t: TestApp;
  let database: TestDatabase | undefined;
  let clerk: ClerkClient;
  let base: string;
  let offsetMs = 0;

  beforeAll(async () => {
    database = dialect === 'postgres' ? await createTestDatabase() : undefined;
    t = await createTestApp({ databaseUrl: database?.url, clock: () => Date.now() + offsetMs });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    clerk = createClerkClient({
      secretKey: t.secretKey,
      publishableKey: t.domain.publishableKey(),
      apiUrl: `${base}/api`,
      telemetry: { disabled: true },
    });
  });

  afterAll(async () => {
    await t.close();
    await database?.drop();
  });

  /** Signs `email` in through the Frontend API and resolves a handshake: the directives for the app's domain. */
  async function signInAndHandshake(email: string, password: string) {
    const b = fapiBrowser(t.app);
    const signIn = await b.call('POST', '/v1/client/sign_ins', { identifier: email, password, strategy: 'password' });
    expect(signIn.body.response.status).toBe('complete');
    const redirect = await b.call(
      'GET',
      `/v1/client/handshake?redirect_url=${encodeURIComponent(`${TEST_ORIGIN}/protected`)}&format=nonce`,
    );
    const nonce = new URL(String(redirect.headers.location)).searchParams.get('__clerk_handshake_nonce');
    const payload = await fetch(`${base}/api/v1/clients/handshake_payload?nonce=${nonce}`, {
      headers: { authorization: `Bearer ${t.secretKey}` },
    });
    const directives = ((await payload.json()) as { directives: string[] }).directives;
    return { sessionId: String(signIn.body.response.created_session_id), directives, cookies: cookiePairs(directives) };
  }

  /** A page load of the app as a browser sends it, with `cookies`. */
  function pageLoad(cookies: Map<string, string>): Request {
    return new Request(`${TEST_ORIGIN}/protected`, {
      headers: {
        cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        accept: 'text/html',
        'sec-fetch-dest': 'document',
      },
    });
  }

  it('refreshes an expired session token: the handshake sets __refresh, authenticateRequest uses it, and refreshSession answers', async () => {
    const suffix = cookieSuffix(t.domain.publishableKey());
    await clerk.users.createUser({ emailAddress: [`refresh.${dialect}@example.com`], password: 'a sturdy passphrase' });
    // Signed in ten minutes ago: the session token the handshake hands out has long expired by now.
    offsetMs = -10 * 60_000;
    const { sessionId, directives, cookies } = await signInAndHandshake(`refresh.${dialect}@example.com`, 'a sturdy passphrase');
    offsetMs = 0;
    const refreshLine = directives.find((d) => d.startsWith(`__refresh_${suffix}=`));
    expect(refreshLine).toMatch(/HttpOnly/);
    expect(refreshLine).toMatch(/SameSite=Lax/);
    const refreshToken = cookies.get(`__refresh_${suffix}`) ?? '';
    const expired = cookies.get(`__session_${suffix}`) ?? '';
    expect(refreshToken).toMatch(/^rt_/);

    // One GET, no redirect: the SDK calls POST /v1/sessions/{id}/refresh and sets the new cookies.
    const state = await clerk.authenticateRequest(pageLoad(cookies));
    expect(state.status).toBe('signed-in');
    expect(state.toAuth()).toMatchObject({ sessionId });
    const set = cookiePairs(state.headers.getSetCookie());
    expect(set.get('__session')).toBe(state.token);
    expect(set.get(`__session_${suffix}`)).toBe(state.token);
    expect(state.token).not.toBe(expired);

    // The SDK's method, token format: a fresh token verifyToken accepts, keeping the old one's azp.
    const token = await clerk.sessions.refreshSession(sessionId, {
      expired_token: expired,
      refresh_token: refreshToken,
      request_origin: TEST_ORIGIN,
      format: 'token',
    });
    const claims = await verifyToken(token.jwt, { secretKey: t.secretKey, apiUrl: `${base}/api` });
    expect(claims).toMatchObject({ sid: sessionId, azp: TEST_ORIGIN });

    // Wrong refresh token, a token for another session, garbage: 422 naming the parameter.
    const wrong = { expired_token: expired, refresh_token: `${refreshToken}x`, request_origin: TEST_ORIGIN };
    expect(await errorOf(clerk.sessions.refreshSession(sessionId, wrong))).toEqual({ status: 422, code: 'form_param_value_invalid' });
    const other = await clerk.sessions.createSession({ userId: String(claims.sub) });
    const foreign = { expired_token: expired, refresh_token: t.domain.tokens.refreshTokenFor(other.id), request_origin: TEST_ORIGIN };
    expect(await errorOf(clerk.sessions.refreshSession(other.id, foreign))).toEqual({ status: 422, code: 'form_param_value_invalid' });
    const garbage = { expired_token: 'not.a.jwt', refresh_token: refreshToken, request_origin: TEST_ORIGIN };
    expect(await errorOf(clerk.sessions.refreshSession(sessionId, garbage))).toEqual({ status: 422, code: 'form_param_value_invalid' });
    expect((await errorOf(clerk.sessions.refreshSession('sess_unknown', wrong))).status).toBe(404);

    // A revoked session refreshes no more: the SDK falls back to a handshake.
    await clerk.sessions.revokeSession(sessionId);
    const revoked = { expired_token: expired, refresh_token: refreshToken, request_origin: TEST_ORIGIN };
    expect(await errorOf(clerk.sessions.refreshSession(sessionId, revoked))).toEqual({ status: 404, code: 'session_not_active' });
    expect((await clerk.authenticateRequest(pageLoad(cookies))).status).toBe('handshake');
  });

  it('sets a sign-up’s external_id and custom_action; the user created from it carries the external id', async () => {
    const b = fapiBrowser(t.app);
    const email = `signup.${dialect}@example.com`;
    const created = await b.call('POST', '/v1/client/sign_ups', { email_address: email, password: 'a sturdy passphrase' });
    const signUpAttemptId = String(created.body.response.id);
    const updated = await clerk.signUps.update({ signUpAttemptId, externalId: `ext-${dialect}`, customAction: true });
    expect(updated).toMatchObject({
      id: signUpAttemptId,
      externalId: `ext-${dialect}`,
      customAction: true,
      status: 'missing_requirements',
    });
    expect(await clerk.signUps.get(signUpAttemptId)).toMatchObject({ externalId: `ext-${dialect}`, customAction: true });

    await b.call('POST', `/v1/client/sign_ups/${signUpAttemptId}/prepare_verification`, { strategy: 'email_code' });
    const done = await b.call('POST', `/v1/client/sign_ups/${signUpAttemptId}/attempt_verification`, {
      strategy: 'email_code',
      code: await mailedCode(t, email),
    });
    expect(done.body.response.status).toBe('complete');
    const user = await clerk.users.getUser(String(done.body.response.created_user_id));
    expect(user.externalId).toBe(`ext-${dialect}`);
    expect(await errorOf(clerk.signUps.update({ signUpAttemptId, externalId: 'late' }))).toEqual({
      status: 422,
      code: 'form_param_value_invalid',
    });
    expect((await errorOf(clerk.signUps.update({ signUpAttemptId: 'sua_unknown', customAction: false }))).status).toBe(404);
  });

  it('marks a password compromised: sign-in refuses it, another factor must set a new one, unset restores it', async () => {
    const email = `compromised.${dialect}@example.com`;
    const user = await clerk.users.createUser({ emailAddress: [email], password: 'a sturdy passphrase' });
    const session = await clerk.sessions.createSession({ userId: user.id });
    expect((await clerk.users.setPasswordCompromised(user.id)).id).toBe(user.id);
    expect((await clerk.sessions.getSession(session.id)).status).toBe('active');

    const b = fapiBrowser(t.app);
    const signIn = await b.call('POST', '/v1/client/sign_ins', { identifier: email });
    const id = String(signIn.body.response.id);
    // The right password: form_password_compromised (clerk-js then offers the other factors).
    const right = await b.call('POST', `/v1/client/sign_ins/${id}/attempt_first_factor`, {
      strategy: 'password',
      password: 'a sturdy passphrase',
    });
    expect(right.status).toBe(422);
    expect(right.body.errors[0].code).toBe('form_password_compromised');
    // A wrong one learns nothing more than any wrong password.
    const wrong = await b.call('POST', `/v1/client/sign_ins/${id}/attempt_first_factor`, {
      strategy: 'password',
      password: 'not it at all',
    });
    expect(wrong.body.errors[0].code).toBe('form_password_incorrect');

    // An e-mailed code proves the user, and the sign-in then needs a new password.
    await b.call('POST', `/v1/client/sign_ins/${id}/prepare_first_factor`, {
      strategy: 'email_code',
      email_address_id: String(
        signIn.body.response.supported_first_factors.find((f: { strategy: string }) => f.strategy === 'email_code').email_address_id,
      ),
    });
    const code = await b.call('POST', `/v1/client/sign_ins/${id}/attempt_first_factor`, {
      strategy: 'email_code',
      code: await mailedCode(t, email),
    });
    expect(code.body.response).toMatchObject({
      status: 'needs_new_password',
      first_factor_verification: { strategy: 'email_code', status: 'verified' },
    });
    const reset = await b.call('POST', `/v1/client/sign_ins/${id}/reset_password`, { password: 'a brand new passphrase' });
    expect(reset.body.response.status).toBe('complete');

    // The new password is not compromised.
    const again = fapiBrowser(t.app);
    const next = await again.call('POST', '/v1/client/sign_ins', {
      identifier: email,
      password: 'a brand new passphrase',
      strategy: 'password',
    });
    expect(next.body.response.status).toBe('complete');

    // Unset: the password signs in again; set with revokeAllSessions ends every session.
    await clerk.users.setPasswordCompromised(user.id, { revokeAllSessions: true });
    expect((await clerk.sessions.getSession(String(next.body.response.created_session_id))).status).toBe('revoked');
    await clerk.users.unsetPasswordCompromised(user.id);
    const third = await fapiBrowser(t.app).call('POST', '/v1/client/sign_ins', {
      identifier: email,
      password: 'a brand new passphrase',
      strategy: 'password',
    });
    expect(third.body.response.status).toBe('complete');

    const passwordless = await clerk.users.createUser({ emailAddress: [`nopass.${dialect}@example.com`] });
    expect(await errorOf(clerk.users.setPasswordCompromised(passwordless.id))).toEqual({ status: 422, code: 'form_param_value_invalid' });
    expect((await errorOf(clerk.users.unsetPasswordCompromised('user_unknown'))).status).toBe(404);
  });

  it('replaces a user’s e-mail address', async () => {
    const user = await clerk.users.createUser({ emailAddress: [`old.${dialect}@example.com`, `second.${dialect}@example.com`] });
    const replaced = await clerk.users.replaceUserEmailAddress(user.id, { emailAddress: `New.${dialect}@Example.com` });
    expect(replaced.emailAddress).toBe(`new.${dialect}@example.com`);
    expect(replaced.verification?.status).toBe('verified');
    const after = await clerk.users.getUser(user.id);
    expect(after.primaryEmailAddressId).toBe(replaced.id);
    expect(after.emailAddresses.map((e) => e.emailAddress).sort()).toEqual([`new.${dialect}@example.com`, `second.${dialect}@example.com`]);
    // One of the user's own addresses becomes the primary one; another user's is taken.
    const second = await clerk.users.replaceUserEmailAddress(user.id, { emailAddress: `second.${dialect}@example.com` });
    expect((await clerk.users.getUser(user.id)).emailAddresses.map((e) => e.id)).toEqual([second.id]);
    const other = await clerk.users.createUser({ emailAddress: [`taken.${dialect}@example.com`] });
    expect(await errorOf(clerk.users.replaceUserEmailAddress(user.id, { emailAddress: `taken.${dialect}@example.com` }))).toEqual({
      status: 422,
      code: 'form_identifier_exists',
    });
    expect((await clerk.users.getUser(other.id)).emailAddresses).toHaveLength(1);
  });

  it('reads and updates the instance: allowed origins reach the Frontend API, the support e-mail its environment', async () => {
    const before = await clerk.instance.get();
    expect(before).toMatchObject({ id: t.domain.instance.get().id, environmentType: 'development' });
    const origin = `https://app-${dialect}.example.com`;
    const corsBefore = await t.app.inject({ url: '/v1/environment', headers: { origin } });
    expect(corsBefore.headers['access-control-allow-origin']).toBeUndefined();

    await clerk.instance.update({ allowedOrigins: [origin], supportEmail: 'help@example.com', testMode: true, hibp: false });
    expect((await clerk.instance.get()).allowedOrigins).toEqual([origin]);
    const corsAfter = await t.app.inject({ url: '/v1/environment', headers: { origin } });
    expect(corsAfter.headers['access-control-allow-origin']).toBe(origin);
    expect(JSON.parse(corsAfter.body).display_config.support_email).toBe('help@example.com');
    expect((await t.domain.instance.settings()).options).toMatchObject({ testMode: true, hibp: false });

    await clerk.instance.update({ allowedOrigins: [] });
    const corsGone = await t.app.inject({ url: '/v1/environment', headers: { origin } });
    expect(corsGone.headers['access-control-allow-origin']).toBeUndefined();
    expect(await errorOf(clerk.instance.update({ allowedOrigins: ['not an origin'] }))).toEqual({
      status: 422,
      code: 'form_param_format_invalid',
    });
  });

  it('registers redirect URLs, which the Frontend API then accepts as redirect targets', async () => {
    const handshakeTo = async (target: string) =>
      (await fapiBrowser(t.app).call('GET', `/v1/client/handshake?redirect_url=${encodeURIComponent(target)}`)).status;
    expect(await handshakeTo('https://native.example.com/cb/done')).toBe(400);

    const web = await clerk.redirectUrls.createRedirectUrl({ url: 'https://native.example.com/cb' });
    const app = await clerk.redirectUrls.createRedirectUrl({ url: 'myapp://oauth-callback' });
    expect(web).toMatchObject({ url: 'https://native.example.com/cb' });
    expect(web.id).toMatch(/^ru_/);
    expect((await clerk.redirectUrls.createRedirectUrl({ url: 'https://native.example.com/cb' })).id).toBe(web.id);
    const list = await clerk.redirectUrls.getRedirectUrlList();
    expect(list.totalCount).toBe(2);
    expect(list.data.map((r) => r.id)).toEqual([app.id, web.id]);
    expect(await clerk.redirectUrls.getRedirectUrl(app.id)).toMatchObject({ url: 'myapp://oauth-callback' });

    expect(await handshakeTo('https://native.example.com/cb/done')).toBe(307);
    expect(await handshakeTo('https://native.example.com/cbx')).toBe(400);
    expect(await handshakeTo('https://native.example.com.evil.example/cb')).toBe(400);

    expect(await clerk.redirectUrls.deleteRedirectUrl(web.id)).toMatchObject({ id: web.id });
    expect(await handshakeTo('https://native.example.com/cb/done')).toBe(400);
    expect((await errorOf(clerk.redirectUrls.getRedirectUrl(web.id))).status).toBe(404);
    expect(await errorOf(clerk.redirectUrls.createRedirectUrl({ url: 'javascript:alert(1)' }))).toEqual({
      status: 422,
      code: 'form_param_format_invalid',
    });
  });

  it('lists the primary domain and manages satellites, whose origins the Frontend API then allows', async () => {
    const [primary, ...rest] = (await clerk.domains.list()).data;
    expect(rest).toEqual([]);
    expect(primary).toMatchObject({ name: new URL(t.domain.instanceApi.publicUrl).host, isSatellite: false });
    expect(primary?.id).toMatch(/^dmn_/);

    const satellite = await clerk.domains.add({ name: `sat-${dialect}.example.com`, is_satellite: true });
    expect(satellite).toMatchObject({ name: `sat-${dialect}.example.com`, isSatellite: true });
    const cors = await t.app.inject({ url: '/v1/environment', headers: { origin: `https://sat-${dialect}.example.com` } });
    expect(cors.headers['access-control-allow-origin']).toBe(`https://sat-${dialect}.example.com`);

    const updated = await clerk.domains.update({ domainId: satellite.id, proxy_url: 'https://sat.example.com/__clerk' });
    expect(updated.proxyUrl).toBe('https://sat.example.com/__clerk');
    expect((await clerk.domains.list()).totalCount).toBe(2);
    expect(await errorOf(clerk.domains.add({ name: `sat-${dialect}.example.com`, is_satellite: true }))).toEqual({
      status: 422,
      code: 'form_identifier_exists',
    });
    expect(await errorOf(clerk.domains.add({ name: 'second.example.com', is_satellite: false }))).toEqual({
      status: 422,
      code: 'form_param_value_invalid',
    });
    expect(await errorOf(clerk.domains.delete(primary?.id ?? ''))).toEqual({ status: 422, code: 'form_param_value_invalid' });

    expect(await clerk.domains.delete(satellite.id)).toMatchObject({ id: satellite.id, deleted: true });
    const gone = await t.app.inject({ url: '/v1/environment', headers: { origin: `https://sat-${dialect}.example.com` } });
    expect(gone.headers['access-control-allow-origin']).toBeUndefined();
  });
}

describe('@clerk/backend: the rest of the Backend API on SQLite', () => suite('sqlite'));
describe.skipIf(!pgOk)('@clerk/backend: the rest of the Backend API on PostgreSQL', () => suite('postgres'));
