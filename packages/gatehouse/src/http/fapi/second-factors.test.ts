import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CALLER } from '../../domain/caller.js';
import { createTestApp, mailedCode, type TestApp } from '../../testing/app.js';
import { type FapiBrowser, fapiBrowser } from '../../testing/fapi-browser.js';

const PASSWORD = 'second factor passphrase';

/** A clock the test moves: TOTP codes depend on the 30-second step, so the test decides which one it is. */
function testClock() {
  let now = Date.now();
  return {
    clock: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

/** The code an authenticator app shows for `secret` at `timestamp`. */
function totpCode(secret: string, timestamp: number): string {
  return new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp });
}

/** A code that is not the current one (nor a neighbouring step's). */
function wrongTotp(secret: string, timestamp: number, n = 0): string {
  const taken = new Set([-30_000, 0, 30_000].map((d) => totpCode(secret, timestamp + d)));
  for (let i = n; ; i++) {
    const candidate = String((123_456 + i * 7_919) % 1_000_000).padStart(6, '0');
    if (!taken.has(candidate)) return candidate;
  }
}

async function signInWithPassword(b: FapiBrowser, identifier: string) {
  return b.call('POST', '/v1/client/sign_ins', { identifier, password: PASSWORD, strategy: 'password' });
}

/** Signs a new browser in with the password (no second factor yet) and sets up TOTP; returns the browser, secret and backup codes. */
async function enrolTotp(t: TestApp, clock: ReturnType<typeof testClock>, email: string) {
  await t.domain.users.create({ emailAddresses: [email], password: PASSWORD }, SYSTEM_CALLER);
  const b = fapiBrowser(t.app);
  const signedIn = await signInWithPassword(b, email);
  expect(signedIn.body.response.status).toBe('complete');

  const created = await b.call('POST', '/v1/me/totp');
  expect(created.status).toBe(200);
  const totp = created.body.response;
  expect(totp).toMatchObject({ object: 'totp', verified: false, secret: expect.stringMatching(/^[A-Z2-7]{32}$/) });
  expect(totp.uri).toMatch(/^otpauth:\/\/totp\/.+\?/);
  const uri = new URL(totp.uri);
  expect(uri.searchParams.get('secret')).toBe(totp.secret);
  expect(uri.searchParams.get('issuer')).toBe('Gatehouse');

  const verified = await b.call('POST', '/v1/me/totp/attempt_verification', { code: totpCode(totp.secret, clock.clock()) });
  expect(verified.status).toBe(200);
  expect(verified.body.response).toMatchObject({ object: 'totp', verified: true });
  expect(verified.body.response.secret).toBeUndefined();
  const backupCodes = verified.body.response.backup_codes as string[];
  expect(backupCodes).toHaveLength(10);
  expect(new Set(backupCodes).size).toBe(10);

  const me = await b.call('GET', '/v1/me');
  expect(me.body.response).toMatchObject({ two_factor_enabled: true, totp_enabled: true, backup_code_enabled: true });
  expect(me.body.response.mfa_enabled_at).toBe(clock.clock());
  expect((await b.call('DELETE', '/v1/client/sessions')).status).toBe(200);
  return { browser: b, secret: totp.secret as string, backupCodes };
}

describe('TOTP and backup codes as second factors (SQLite, in-process)', () => {
  const clock = testClock();
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ clock: clock.clock });
  });
  afterAll(async () => t.close());

  it('the environment offers both second factors (UserProfile shows its MFA section from it)', async () => {
    const env = (await t.app.inject({ method: 'GET', url: '/v1/environment' })).json();
    expect(env.user_settings.attributes.authenticator_app).toMatchObject({
      enabled: true,
      used_for_second_factor: true,
      second_factors: ['totp'],
    });
    expect(env.user_settings.attributes.backup_code).toMatchObject({
      enabled: true,
      used_for_second_factor: true,
      second_factors: ['backup_code'],
    });
    expect(env.user_settings.sign_in.second_factor.required).toBe(false);
  });

  it('password then TOTP: needs_second_factor, a code is accepted once, a later step signs in', async () => {
    const { secret } = await enrolTotp(t, clock, 'totp@example.com');
    const b = fapiBrowser(t.app);
    const first = await signInWithPassword(b, 'totp@example.com');
    expect(first.status).toBe(200);
    const signIn = first.body.response;
    expect(signIn).toMatchObject({
      status: 'needs_second_factor',
      created_session_id: null,
      first_factor_verification: { status: 'verified', strategy: 'password' },
      second_factor_verification: null,
    });
    expect(signIn.supported_second_factors).toEqual([{ strategy: 'totp' }, { strategy: 'backup_code' }]);
    expect(first.body.client.sessions).toEqual([]);

    // The enrolment used this step's code: the same code is a replay.
    const replay = await b.call('POST', `/v1/client/sign_ins/${signIn.id}/attempt_second_factor`, {
      strategy: 'totp',
      code: totpCode(secret, clock.clock()),
    });
    expect(replay.status).toBe(422);
    expect(replay.body.errors[0]).toMatchObject({ code: 'form_code_incorrect', meta: { param_name: 'code' } });
    const failed = await b.call('GET', `/v1/client/sign_ins/${signIn.id}`);
    expect(failed.body.response.second_factor_verification).toMatchObject({ status: 'failed', strategy: 'totp' });

    clock.advance(30_000);
    const code = totpCode(secret, clock.clock());
    const done = await b.call('POST', `/v1/client/sign_ins/${signIn.id}/attempt_second_factor`, { strategy: 'totp', code });
    expect(done.status).toBe(200);
    expect(done.body.response).toMatchObject({ status: 'complete', second_factor_verification: { status: 'verified', strategy: 'totp' } });
    expect(done.body.response.created_session_id).toMatch(/^sess_/);
    expect(done.clientCookieLine).toMatch(/HttpOnly/);

    // The same code in another sign-in within its window: refused.
    const other = fapiBrowser(t.app);
    const again = (await signInWithPassword(other, 'totp@example.com')).body.response;
    const reused = await other.call('POST', `/v1/client/sign_ins/${again.id}/attempt_second_factor`, { strategy: 'totp', code });
    expect(reused.body.errors[0].code).toBe('form_code_incorrect');
  });

  it('a backup code signs in once; used again it is refused', async () => {
    const { backupCodes } = await enrolTotp(t, clock, 'backup@example.com');
    const code = backupCodes[0] as string;
    const b = fapiBrowser(t.app);
    const signIn = (await signInWithPassword(b, 'backup@example.com')).body.response;
    // People type codes with spaces or in capitals.
    const done = await b.call('POST', `/v1/client/sign_ins/${signIn.id}/attempt_second_factor`, {
      strategy: 'backup_code',
      code: ` ${code.toUpperCase()} `,
    });
    expect(done.status).toBe(200);
    expect(done.body.response.status).toBe('complete');

    const c = fapiBrowser(t.app);
    const next = (await signInWithPassword(c, 'backup@example.com')).body.response;
    const reused = await c.call('POST', `/v1/client/sign_ins/${next.id}/attempt_second_factor`, { strategy: 'backup_code', code });
    expect(reused.status).toBe(422);
    expect(reused.body.errors[0]).toMatchObject({ code: 'form_code_incorrect', meta: { param_name: 'code' } });
    const other = await c.call('POST', `/v1/client/sign_ins/${next.id}/attempt_second_factor`, {
      strategy: 'backup_code',
      code: backupCodes[1] as string,
    });
    expect(other.body.response.status).toBe('complete');
    // Only the hashes are stored: looked up by its plain value, an unused code is not found (and so
    // not spent), yet it still signs in.
    const userId = done.body.client.sessions[0].user.id as string;
    expect(await t.store.backupCodes.count(userId)).toBe(8);
    expect(await t.store.backupCodes.consume(userId, backupCodes[2] as string)).toBe(false);
    expect(await t.store.backupCodes.count(userId)).toBe(8);
    const d = fapiBrowser(t.app);
    const third = (await signInWithPassword(d, 'backup@example.com')).body.response;
    const plainStillWorks = await d.call('POST', `/v1/client/sign_ins/${third.id}/attempt_second_factor`, {
      strategy: 'backup_code',
      code: backupCodes[2] as string,
    });
    expect(plainStillWorks.body.response.status).toBe('complete');
  });

  it('a second-factor attempt before the first factor, or an unknown strategy, is refused', async () => {
    await enrolTotp(t, clock, 'order@example.com');
    const b = fapiBrowser(t.app);
    const signIn = (await b.call('POST', '/v1/client/sign_ins', { identifier: 'order@example.com' })).body.response;
    expect(signIn.status).toBe('needs_first_factor');
    expect(signIn.supported_second_factors).toBeNull();
    const early = await b.call('POST', `/v1/client/sign_ins/${signIn.id}/attempt_second_factor`, { strategy: 'totp', code: '123456' });
    expect(early.status).toBe(422);
    expect(early.body.errors[0].code).toBe('strategy_for_user_invalid');
    const waiting = (await signInWithPassword(b, 'order@example.com')).body.response;
    const unknown = await b.call('POST', `/v1/client/sign_ins/${waiting.id}/attempt_second_factor`, {
      strategy: 'carrier_pigeon',
      code: '1',
    });
    expect(unknown.body.errors[0].code).toBe('strategy_for_user_invalid');
    const missing = await b.call('POST', `/v1/client/sign_ins/${waiting.id}/attempt_second_factor`, { strategy: 'totp' });
    expect(missing.body.errors[0]).toMatchObject({ code: 'form_param_missing', meta: { param_name: 'code' } });
  });

  it('an enrolled TOTP cannot be created again; deleting it turns 2FA and the backup codes off', async () => {
    const { secret } = await enrolTotp(t, clock, 'remove@example.com');
    const b = fapiBrowser(t.app);
    const signIn = (await signInWithPassword(b, 'remove@example.com')).body.response;
    clock.advance(30_000);
    await b.call('POST', `/v1/client/sign_ins/${signIn.id}/attempt_second_factor`, {
      strategy: 'totp',
      code: totpCode(secret, clock.clock()),
    });
    const again = await b.call('POST', '/v1/me/totp');
    expect(again.status).toBe(400);
    expect(again.body.errors[0].code).toBe('totp_already_enabled');
    const removed = await b.call('DELETE', '/v1/me/totp');
    expect(removed.body.response).toMatchObject({ object: 'totp', deleted: true });
    const me = (await b.call('GET', '/v1/me')).body.response;
    expect(me).toMatchObject({ two_factor_enabled: false, totp_enabled: false, backup_code_enabled: false });
    expect(me.mfa_disabled_at).toBe(clock.clock());
    const backup = await b.call('POST', '/v1/me/backup_codes/');
    expect(backup.body.errors[0].code).toBe('backup_codes_need_second_factor');
    await b.call('DELETE', '/v1/client/sessions');
    expect((await signInWithPassword(fapiBrowser(t.app), 'remove@example.com')).body.response.status).toBe('complete');
  });

  it('regenerating backup codes replaces the earlier ones', async () => {
    const { secret, backupCodes } = await enrolTotp(t, clock, 'regen@example.com');
    const b = fapiBrowser(t.app);
    const signIn = (await signInWithPassword(b, 'regen@example.com')).body.response;
    clock.advance(30_000);
    await b.call('POST', `/v1/client/sign_ins/${signIn.id}/attempt_second_factor`, {
      strategy: 'totp',
      code: totpCode(secret, clock.clock()),
    });
    const regenerated = await b.call('POST', '/v1/me/backup_codes/');
    expect(regenerated.status).toBe(200);
    expect(regenerated.body.response).toMatchObject({ object: 'backup_code', codes: expect.any(Array) });
    expect(regenerated.body.response.codes).toHaveLength(10);
    await b.call('DELETE', '/v1/client/sessions');
    const c = fapiBrowser(t.app);
    const next = (await signInWithPassword(c, 'regen@example.com')).body.response;
    const old = await c.call('POST', `/v1/client/sign_ins/${next.id}/attempt_second_factor`, {
      strategy: 'backup_code',
      code: backupCodes[2] as string,
    });
    expect(old.body.errors[0].code).toBe('form_code_incorrect');
    const fresh = await c.call('POST', `/v1/client/sign_ins/${next.id}/attempt_second_factor`, {
      strategy: 'backup_code',
      code: regenerated.body.response.codes[0],
    });
    expect(fresh.body.response.status).toBe('complete');
  });

  it('a wrong enrolment code is refused and the TOTP stays unverified', async () => {
    await t.domain.users.create({ emailAddresses: ['enrol-wrong@example.com'], password: PASSWORD }, SYSTEM_CALLER);
    const b = fapiBrowser(t.app);
    await signInWithPassword(b, 'enrol-wrong@example.com');
    const { secret } = (await b.call('POST', '/v1/me/totp')).body.response;
    const wrong = await b.call('POST', '/v1/me/totp/attempt_verification', { code: wrongTotp(secret, clock.clock()) });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors[0].code).toBe('form_code_incorrect');
    expect((await b.call('GET', '/v1/me')).body.response.totp_enabled).toBe(false);
    // Sealed at rest: the stored value is not the secret.
    const user = (await b.call('GET', '/v1/me')).body.response;
    const stored = await t.store.totpSecrets.find(user.id);
    expect(stored?.secretEnc).not.toContain(secret);
    expect(stored?.verified).toBe(false);
  });

  it('a username signs in with its password (and then the second factor)', async () => {
    await t.domain.instance.updateSettings((s) => ({ ...s, frontend: { ...s.frontend, username: 'optional' } }));
    const env = (await t.app.inject({ method: 'GET', url: '/v1/environment' })).json();
    expect(env.user_settings.attributes.username).toMatchObject({ enabled: true, used_for_first_factor: true, required: false });
    await t.domain.users.create({ emailAddresses: ['named@example.com'], username: 'named_user', password: PASSWORD }, SYSTEM_CALLER);
    const b = fapiBrowser(t.app);
    const signIn = await signInWithPassword(b, 'Named_User');
    expect(signIn.body.response).toMatchObject({ status: 'complete', identifier: 'named_user' });
  });
});

describe('username as an identifier, required at sign-up', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await t.domain.instance.updateSettings((s) => ({ ...s, frontend: { ...s.frontend, username: 'required' } }));
  });
  afterAll(async () => t.close());

  it('the environment and the sign-up require it; the account then signs in with it', async () => {
    const env = (await t.app.inject({ method: 'GET', url: '/v1/environment' })).json();
    expect(env.user_settings.attributes.username).toMatchObject({ enabled: true, required: true, used_for_first_factor: true });

    const b = fapiBrowser(t.app);
    const created = await b.call('POST', '/v1/client/sign_ups', { email_address: 'uname@example.com', password: PASSWORD });
    expect(created.body.response.required_fields).toContain('username');
    expect(created.body.response.missing_fields).toEqual(['username']);
    const id = created.body.response.id as string;
    await b.call('POST', `/v1/client/sign_ups/${id}/prepare_verification`, { strategy: 'email_code' });
    const verified = await b.call('POST', `/v1/client/sign_ups/${id}/attempt_verification`, {
      strategy: 'email_code',
      code: await mailedCode(t, 'uname@example.com'),
    });
    expect(verified.body.response.status).toBe('missing_requirements');
    const done = await b.call('PATCH', `/v1/client/sign_ups/${id}`, { username: 'uname_person' });
    expect(done.body.response).toMatchObject({ status: 'complete', username: 'uname_person' });
    await b.call('DELETE', '/v1/client/sessions');

    const signIn = await signInWithPassword(fapiBrowser(t.app), 'uname_person');
    expect(signIn.body.response.status).toBe('complete');
    // An unknown username answers like a known one until the password is checked.
    const unknown = await signInWithPassword(fapiBrowser(t.app), 'nobody_here');
    expect(unknown.body.errors[0].code).toBe('form_password_incorrect');
  });
});

describe('lockout across factors (ASVS 2.2.1), with lockout.maxAttempts = 5', () => {
  const clock = testClock();
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ clock: clock.clock, flags: { 'lockout-max-attempts': '5', 'lockout-duration-minutes': '30' } });
  });
  afterAll(async () => t.close());

  it('wrong TOTP codes lock the account; a right password in between does not reset the count; then every factor is refused', async () => {
    const { secret } = await enrolTotp(t, clock, 'locked@example.com');
    const b = fapiBrowser(t.app);
    let signIn = (await signInWithPassword(b, 'locked@example.com')).body.response;
    for (let i = 0; i < 3; i++) {
      const wrong = await b.call('POST', `/v1/client/sign_ins/${signIn.id}/attempt_second_factor`, {
        strategy: 'totp',
        code: wrongTotp(secret, clock.clock(), i),
      });
      expect(wrong.status).toBe(422);
      expect(wrong.body.errors[0].code).toBe('form_code_incorrect');
    }
    // A new sign-in with the right password: the count of wrong second factors stands.
    signIn = (await signInWithPassword(b, 'locked@example.com')).body.response;
    expect(signIn.status).toBe('needs_second_factor');
    const fourth = await b.call('POST', `/v1/client/sign_ins/${signIn.id}/attempt_second_factor`, {
      strategy: 'backup_code',
      code: 'notacode',
    });
    expect(fourth.body.errors[0].code).toBe('form_code_incorrect');
    const fifth = await b.call('POST', `/v1/client/sign_ins/${signIn.id}/attempt_second_factor`, {
      strategy: 'totp',
      code: wrongTotp(secret, clock.clock(), 9),
    });
    expect(fifth.status).toBe(403);
    expect(fifth.body.errors[0]).toMatchObject({ code: 'user_locked', meta: { lockout_expires_in_seconds: 1800 } });

    clock.advance(30_000);
    const right = await b.call('POST', `/v1/client/sign_ins/${signIn.id}/attempt_second_factor`, {
      strategy: 'totp',
      code: totpCode(secret, clock.clock()),
    });
    expect(right.status).toBe(403);
    expect(right.body.errors[0].code).toBe('user_locked');
    const password = await signInWithPassword(fapiBrowser(t.app), 'locked@example.com');
    expect(password.status).toBe(403);
    expect(password.body.errors[0].code).toBe('user_locked');

    const [user] = await t.domain.users.list({ emailAddresses: ['locked@example.com'] });
    const bapi = await t.app.inject({ method: 'GET', url: `/api/v1/users/${user?.user.id}`, headers: t.auth });
    expect(bapi.json()).toMatchObject({ locked: true, lockout_expires_in_seconds: 1770, two_factor_enabled: true, totp_enabled: true });
  });
});

describe('the per-user budget of wrong second-factor codes', () => {
  const clock = testClock();
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ clock: clock.clock });
  });
  afterAll(async () => t.close());

  it('past 10 wrong codes an hour, 429 with Retry-After, whatever sign-in they come through', async () => {
    const { secret } = await enrolTotp(t, clock, 'budget@example.com');
    for (let i = 0; i < 10; i++) {
      const b = fapiBrowser(t.app);
      const signIn = (await signInWithPassword(b, 'budget@example.com')).body.response;
      const wrong = await b.call('POST', `/v1/client/sign_ins/${signIn.id}/attempt_second_factor`, {
        strategy: 'totp',
        code: wrongTotp(secret, clock.clock(), i),
      });
      expect(wrong.body.errors[0].code).toBe('form_code_incorrect');
    }
    const b = fapiBrowser(t.app);
    const signIn = (await signInWithPassword(b, 'budget@example.com')).body.response;
    clock.advance(30_000);
    const limited = await b.call('POST', `/v1/client/sign_ins/${signIn.id}/attempt_second_factor`, {
      strategy: 'totp',
      code: totpCode(secret, clock.clock()),
    });
    expect(limited.status).toBe(429);
    expect(limited.body.errors[0].code).toBe('too_many_requests');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('factor settings', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('turning factors off is reflected in the environment, the sign-in and the routes', async () => {
    await t.domain.instance.updateSettings((s) => ({
      ...s,
      factors: { emailCode: false, totp: false, phoneCode: true, backupCode: true, mfaRequired: true },
    }));
    const env = (await t.app.inject({ method: 'GET', url: '/v1/environment' })).json();
    expect(env.user_settings.attributes.email_address.first_factors).toEqual([]);
    expect(env.user_settings.attributes.authenticator_app).toMatchObject({ enabled: false, used_for_second_factor: false });
    expect(env.user_settings.attributes.backup_code).toMatchObject({ enabled: false, used_for_second_factor: false });
    expect(env.user_settings.sign_in.second_factor.required).toBe(true);
    expect(env.user_settings.sign_up.mfa.required).toBe(true);

    await t.domain.users.create({ emailAddresses: ['off@example.com'], password: PASSWORD }, SYSTEM_CALLER);
    const b = fapiBrowser(t.app);
    const signIn = (await b.call('POST', '/v1/client/sign_ins', { identifier: 'off@example.com' })).body.response;
    expect(signIn.supported_first_factors.map((f: { strategy: string }) => f.strategy)).toEqual(['password', 'reset_password_email_code']);
    const prepared = await b.call('POST', `/v1/client/sign_ins/${signIn.id}/prepare_first_factor`, { strategy: 'email_code' });
    expect(prepared.body.errors[0].code).toBe('strategy_for_user_invalid');
    await signInWithPassword(b, 'off@example.com');
    const totp = await b.call('POST', '/v1/me/totp');
    expect(totp.body.errors[0].code).toBe('strategy_for_user_invalid');
  });
});
