import type { AddressInfo } from 'node:net';
import { type ClerkClient, createClerkClient } from '@clerk/backend';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CALLER } from '../../domain/caller.js';
import { createTestApp, mailedCode, type TestApp } from '../../testing/app.js';
import { type FapiBrowser, fapiBrowser } from '../../testing/fapi-browser.js';

const PASSWORD = 'mfa required passphrase';

function claimsOf(jwt: string): Record<string, unknown> {
  const [, payload] = jwt.split('.');
  return JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
}

function totpCode(secret: string, timestamp: number): string {
  return new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp });
}

async function signIn(b: FapiBrowser, identifier: string) {
  return b.call('POST', '/v1/client/sign_ins', { identifier, password: PASSWORD, strategy: 'password' });
}

/**
 * `factors.mfaRequired`: a user without a second factor signs in to a *pending* session carrying
 * Clerk's `setup-mfa` task, whose tokens say `sts: pending`, which `@clerk/backend` treats as signed
 * out; setting up TOTP or an SMS second factor makes the session active.
 */
describe('MFA required: pending sessions with the setup-mfa task (SQLite, HTTP on loopback)', () => {
  let t: TestApp;
  let clerk: ClerkClient;
  let now = Date.now();

  beforeAll(async () => {
    t = await createTestApp({ clock: () => now });
    await t.domain.instance.updateSettings((s) => ({
      ...s,
      factors: { ...s.factors, mfaRequired: true },
      passwordless: { ...s.passwordless, phoneNumber: 'optional' },
    }));
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const apiUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/api`;
    clerk = createClerkClient({ secretKey: t.secretKey, apiUrl, publishableKey: t.domain.publishableKey(), telemetry: { disabled: true } });
  });
  afterAll(async () => t?.close());

  /** What an app's server sees for a session token, with Clerk's default and with pending sessions let through. */
  async function appSees(jwt: string) {
    const state = await clerk.authenticateRequest(new Request('http://127.0.0.1:3000/x', { headers: { authorization: `Bearer ${jwt}` } }));
    return { state, byDefault: state.toAuth(), withPending: state.toAuth({ treatPendingAsSignedOut: false }) };
  }

  async function tokenOf(b: FapiBrowser, sessionId: string): Promise<string> {
    const res = await b.call('POST', `/v1/client/sessions/${sessionId}/tokens`, {});
    expect(res.status).toBe(200);
    return res.body.jwt as string;
  }

  it('the environment requires a second factor', async () => {
    const env = (await fapiBrowser(t.app).call('GET', '/v1/environment')).body;
    expect(env.user_settings.sign_in.second_factor.required).toBe(true);
    expect(env.user_settings.sign_up.mfa.required).toBe(true);
  });

  it('a password sign-in completes with a pending session: setup-mfa task, sts pending, signed out to the app; TOTP makes it active', async () => {
    await t.domain.users.create({ emailAddresses: ['pending@example.com'], password: PASSWORD }, SYSTEM_CALLER);
    const b = fapiBrowser(t.app);
    const res = await signIn(b, 'pending@example.com');
    expect(res.status).toBe(200);
    expect(res.body.response.status).toBe('complete');
    const sessionId = res.body.response.created_session_id as string;
    expect(sessionId).toMatch(/^sess_/);
    expect(res.body.client.last_active_session_id).toBe(sessionId);
    expect(res.body.client.sessions).toHaveLength(1);
    const session = res.body.client.sessions[0];
    expect(session).toMatchObject({ id: sessionId, status: 'pending', tasks: [{ key: 'setup-mfa' }] });
    expect(claimsOf(session.last_active_token.jwt)).toMatchObject({ sid: sessionId, sts: 'pending' });

    // The app's server: signed out by default (Clerk's treatPendingAsSignedOut), the user when asked.
    const jwt = await tokenOf(b, sessionId);
    expect(claimsOf(jwt).sts).toBe('pending');
    const pending = await appSees(jwt);
    expect(pending.state.isAuthenticated).toBe(true);
    expect(pending.byDefault).toMatchObject({ userId: null, sessionId: null, sessionStatus: 'pending' });
    expect(pending.withPending).toMatchObject({ userId: session.user.id, sessionId, sessionStatus: 'pending' });

    // No JWT-template tokens (for third parties, which would not check `sts`) until the task is done.
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/jwt_templates',
      headers: t.auth,
      payload: { name: 'thirdparty', claims: { who: '{{user.id}}' } },
    });
    const template = await b.call('POST', `/v1/client/sessions/${sessionId}/tokens/thirdparty`, {});
    expect(template.status).toBe(404);
    expect(template.body.errors[0].code).toBe('session_not_active');

    // The Backend API shows the session pending, with its task.
    const bapi = await t.app.inject({ method: 'GET', url: `/api/v1/sessions/${sessionId}`, headers: t.auth });
    expect(bapi.json()).toMatchObject({ status: 'pending', tasks: [{ key: 'setup-mfa' }] });
    expect((await clerk.sessions.getSession(sessionId)).status).toBe('pending');

    // A setActive (touch) on the way to the task screen is accepted.
    const touched = await b.call('POST', `/v1/client/sessions/${sessionId}/touch`, { active_organization_id: '' });
    expect(touched.status).toBe(200);
    expect(touched.body.response).toMatchObject({ id: sessionId, status: 'pending' });

    // The task screen sets up an authenticator app through /v1/me with the pending session.
    const created = await b.call('POST', '/v1/me/totp');
    expect(created.status).toBe(200);
    const secret = created.body.response.secret as string;
    expect(created.body.client.sessions[0].status).toBe('pending');
    const verified = await b.call('POST', '/v1/me/totp/attempt_verification', { code: totpCode(secret, now) });
    expect(verified.status).toBe(200);
    expect(verified.body.response.backup_codes).toHaveLength(10);
    // The answer's client already shows the session active: clerk-js's setActive then leaves the task.
    expect(verified.body.client.sessions[0]).toMatchObject({ id: sessionId, status: 'active', tasks: null });
    expect(claimsOf(verified.body.client.sessions[0].last_active_token.jwt).sts).toBe('active');

    const active = await appSees(await tokenOf(b, sessionId));
    expect(active.byDefault).toMatchObject({ userId: session.user.id, sessionId, sessionStatus: 'active' });
    expect((await b.call('POST', `/v1/client/sessions/${sessionId}/tokens/thirdparty`, {})).status).toBe(200);
    expect((await clerk.sessions.getSession(sessionId)).status).toBe('active');
    // Its only second factor now: the Frontend API keeps it.
    const removal = await b.call('DELETE', '/v1/me/totp');
    expect(removal.status).toBe(403);
    expect(removal.body.errors[0].code).toBe('mfa_required');

    // Next time, the second factor is asked for and the session starts active.
    now += 30_000;
    const again = fapiBrowser(t.app);
    const first = (await signIn(again, 'pending@example.com')).body.response;
    expect(first.status).toBe('needs_second_factor');
    const done = await again.call('POST', `/v1/client/sign_ins/${first.id}/attempt_second_factor`, {
      strategy: 'totp',
      code: totpCode(secret, now),
    });
    expect(done.body.response.status).toBe('complete');
    expect(done.body.client.sessions[0]).toMatchObject({ status: 'active', tasks: null });
  });

  it('a pending session counts as signed in: another sign-in on the browser is session_exists; sign-out ends it', async () => {
    await t.domain.users.create({ emailAddresses: ['signout@example.com'], password: PASSWORD }, SYSTEM_CALLER);
    const b = fapiBrowser(t.app);
    const sessionId = (await signIn(b, 'signout@example.com')).body.response.created_session_id as string;
    const twice = await signIn(b, 'signout@example.com');
    expect(twice.status).toBe(400);
    expect(twice.body.errors[0].code).toBe('session_exists');
    const out = await b.call('DELETE', '/v1/client/sessions');
    expect(out.status).toBe(200);
    expect(out.body.client.sessions).toEqual([]);
    expect((await clerk.sessions.getSession(sessionId)).status).toBe('ended');
    // An ended pending session gets no tokens.
    expect((await b.call('POST', `/v1/client/sessions/${sessionId}/tokens`, {})).status).toBeGreaterThanOrEqual(400);
  });

  it('reserving a verified phone number for two-step verification completes the task', async () => {
    await t.domain.users.create({ emailAddresses: ['phone-task@example.com'], password: PASSWORD }, SYSTEM_CALLER);
    const b = fapiBrowser(t.app);
    const sessionId = (await signIn(b, 'phone-task@example.com')).body.response.created_session_id as string;
    const number = '+14155550177';
    const id = (await b.call('POST', '/v1/me/phone_numbers', { phone_number: number })).body.response.id as string;
    await b.call('POST', `/v1/me/phone_numbers/${id}/prepare_verification`, { strategy: 'phone_code' });
    const verified = await b.call('POST', `/v1/me/phone_numbers/${id}/attempt_verification`, { code: await mailedCode(t, number) });
    // A verified number alone is not a second factor: still pending.
    expect(verified.body.client.sessions[0]).toMatchObject({ id: sessionId, status: 'pending' });
    const reserved = await b.call('PATCH', `/v1/me/phone_numbers/${id}`, { reserved_for_second_factor: 'true' });
    expect(reserved.status).toBe(200);
    expect(reserved.body.client.sessions[0]).toMatchObject({ id: sessionId, status: 'active', tasks: null });
    // The user's first second factor comes with ten backup codes, in this answer only (Clerk's
    // PhoneNumberJSON.backup_codes, which the task's SMS branch shows on its last screen).
    const backupCodes = reserved.body.response.backup_codes as string[];
    expect(backupCodes).toHaveLength(10);
    for (const code of backupCodes) expect(code).toMatch(/^[a-z2-9]{8}$/);
    expect(new Set(backupCodes).size).toBe(10);
    const userId = reserved.body.client.sessions[0].user.id as string;
    expect(reserved.body.client.sessions[0].user).toMatchObject({ two_factor_enabled: true, backup_code_enabled: true });
    // Made once: reading the number or reserving it again shows none, and makes none.
    expect((await b.call('GET', `/v1/me/phone_numbers/${id}`)).body.response.backup_codes).toBeNull();
    expect(
      (await b.call('PATCH', `/v1/me/phone_numbers/${id}`, { reserved_for_second_factor: 'true' })).body.response.backup_codes,
    ).toBeNull();
    // Hashed at rest, as the TOTP path's: the plain value finds no row, and none was spent.
    expect(await t.store.backupCodes.count(userId)).toBe(10);
    expect(await t.store.backupCodes.consume(userId, backupCodes[0] as string)).toBe(false);
    expect(await t.store.backupCodes.count(userId)).toBe(10);
    // Another browser: the password asks for a second factor, and a backup code stands in for the SMS.
    const elsewhere = fapiBrowser(t.app);
    const first = (await signIn(elsewhere, 'phone-task@example.com')).body.response;
    expect(first.status).toBe('needs_second_factor');
    expect(first.supported_second_factors.map((f: { strategy: string }) => f.strategy)).toEqual(['phone_code', 'backup_code']);
    const done = await elsewhere.call('POST', `/v1/client/sign_ins/${first.id}/attempt_second_factor`, {
      strategy: 'backup_code',
      code: backupCodes[0] as string,
    });
    expect(done.body.response.status).toBe('complete');
    expect(done.body.client.sessions[0]).toMatchObject({ status: 'active', tasks: null });
    expect(await t.store.backupCodes.count(userId)).toBe(9);

    // The last second factor cannot be given up through the Frontend API (Clerk's mfa_required) …
    for (const res of [
      await b.call('PATCH', `/v1/me/phone_numbers/${id}`, { reserved_for_second_factor: 'false' }),
      await b.call('DELETE', `/v1/me/phone_numbers/${id}`),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.errors[0].code).toBe('mfa_required');
    }
    // … but one of two can: with the number kept, the authenticator app goes; then the number stays.
    const { secret } = (await b.call('POST', '/v1/me/totp')).body.response;
    const totp = await b.call('POST', '/v1/me/totp/attempt_verification', { code: totpCode(secret, now) });
    expect(totp.status).toBe(200);
    // The user has backup codes already: the authenticator app brings no new ones.
    expect(totp.body.response.backup_codes).toBeUndefined();
    expect((await b.call('DELETE', '/v1/me/totp')).status).toBe(200);
    expect((await b.call('DELETE', `/v1/me/phone_numbers/${id}`)).body.errors[0].code).toBe('mfa_required');
    // The backup codes stay while the number stands for a second factor.
    expect((await b.call('GET', '/v1/me')).body.response).toMatchObject({
      two_factor_enabled: true,
      totp_enabled: false,
      backup_code_enabled: true,
    });
    expect(await t.store.backupCodes.count(userId)).toBe(9);
  });

  it('outside the task too: the first second factor by phone brings backup codes; giving it up takes them away', async () => {
    await t.domain.instance.updateSettings((s) => ({ ...s, factors: { ...s.factors, mfaRequired: false } }));
    try {
      await t.domain.users.create({ emailAddresses: ['phone-first@example.com'], password: PASSWORD }, SYSTEM_CALLER);
      const b = fapiBrowser(t.app);
      expect((await signIn(b, 'phone-first@example.com')).body.client.sessions[0]).toMatchObject({ status: 'active' });
      const number = '+14155550178';
      const id = (await b.call('POST', '/v1/me/phone_numbers', { phone_number: number })).body.response.id as string;
      await b.call('POST', `/v1/me/phone_numbers/${id}/prepare_verification`, { strategy: 'phone_code' });
      await b.call('POST', `/v1/me/phone_numbers/${id}/attempt_verification`, { code: await mailedCode(t, number) });
      const reserved = await b.call('PATCH', `/v1/me/phone_numbers/${id}`, { reserved_for_second_factor: 'true' });
      expect(reserved.body.response.backup_codes).toHaveLength(10);
      // Regenerating is open to a user whose second factor is a number.
      const regenerated = await b.call('POST', '/v1/me/backup_codes');
      expect(regenerated.status).toBe(200);
      expect(regenerated.body.response.codes).toHaveLength(10);
      const unreserved = await b.call('PATCH', `/v1/me/phone_numbers/${id}`, { reserved_for_second_factor: 'false' });
      expect(unreserved.status).toBe(200);
      expect(unreserved.body.client.sessions[0].user).toMatchObject({ two_factor_enabled: false, backup_code_enabled: false });
      const userId = unreserved.body.client.sessions[0].user.id as string;
      expect(await t.store.backupCodes.count(userId)).toBe(0);
      expect((await b.call('POST', '/v1/me/backup_codes')).body.errors[0].code).toBe('backup_codes_need_second_factor');
      // With backup codes turned off, the first second factor brings none.
      await t.domain.instance.updateSettings((s) => ({ ...s, factors: { ...s.factors, backupCode: false } }));
      const again = await b.call('PATCH', `/v1/me/phone_numbers/${id}`, { reserved_for_second_factor: 'true' });
      expect(again.body.response).toMatchObject({ reserved_for_second_factor: true, backup_codes: null });
      expect(await t.store.backupCodes.count(userId)).toBe(0);
    } finally {
      await t.domain.instance.updateSettings((s) => ({ ...s, factors: { ...s.factors, mfaRequired: true, backupCode: true } }));
    }
  });

  it('a sign-up completes with a pending session too', async () => {
    const b = fapiBrowser(t.app);
    const created = await b.call('POST', '/v1/client/sign_ups', { email_address: 'newcomer@example.com', password: PASSWORD });
    const id = created.body.response.id as string;
    await b.call('POST', `/v1/client/sign_ups/${id}/prepare_verification`, { strategy: 'email_code' });
    const done = await b.call('POST', `/v1/client/sign_ups/${id}/attempt_verification`, {
      strategy: 'email_code',
      code: await mailedCode(t, 'newcomer@example.com'),
    });
    expect(done.body.response.status).toBe('complete');
    expect(done.body.client.sessions[0]).toMatchObject({
      id: done.body.response.created_session_id,
      status: 'pending',
      tasks: [{ key: 'setup-mfa' }],
    });
  });

  it('the Backend API can still make active sessions, and MFA turned off lets new sessions start active', async () => {
    const user = await clerk.users.createUser({ emailAddress: ['bapi-session@example.com'], password: PASSWORD });
    const session = await clerk.sessions.createSession({ userId: user.id });
    expect(session.status).toBe('active');
    await t.domain.instance.updateSettings((s) => ({ ...s, factors: { ...s.factors, mfaRequired: false } }));
    try {
      const res = await signIn(fapiBrowser(t.app), 'bapi-session@example.com');
      expect(res.body.client.sessions[0]).toMatchObject({ status: 'active', tasks: null });
    } finally {
      await t.domain.instance.updateSettings((s) => ({ ...s, factors: { ...s.factors, mfaRequired: true } }));
    }
  });
});

describe('MFA required with no second factor to set up', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    // Authenticator apps off and phone numbers off (the default): nothing could satisfy the requirement.
    await t.domain.instance.updateSettings((s) => ({ ...s, factors: { ...s.factors, mfaRequired: true, totp: false } }));
  });
  afterAll(async () => t?.close());

  it('is not imposed: the session starts active rather than stuck pending', async () => {
    await t.domain.users.create({ emailAddresses: ['nothing@example.com'], password: PASSWORD }, SYSTEM_CALLER);
    const res = await signIn(fapiBrowser(t.app), 'nothing@example.com');
    expect(res.body.client.sessions[0]).toMatchObject({ status: 'active', tasks: null });
  });
});
