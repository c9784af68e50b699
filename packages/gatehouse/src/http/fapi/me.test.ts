import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CALLER } from '../../domain/caller.js';
import { createTestApp, mailedCode, type TestApp } from '../../testing/app.js';

const ORIGIN = 'http://127.0.0.1:5173';

/** Signs a seeded user in through the Frontend API and returns a caller bound to that browser. */
async function signedInBrowser(t: TestApp, email: string, password: string) {
  let cookie = '';
  const call = async (method: 'GET' | 'POST', url: string, form?: Record<string, string>) => {
    const res = await t.app.inject({
      method,
      url,
      headers: { origin: ORIGIN, cookie, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      payload: form ? new URLSearchParams(form).toString() : undefined,
    });
    const set = res.headers['set-cookie'];
    for (const line of Array.isArray(set) ? set : set ? [set] : []) if (line.startsWith('__client=')) cookie = line.split(';')[0] ?? '';
    return { status: res.statusCode, body: JSON.parse(res.body || 'null') };
  };
  const signIn = await call('POST', '/v1/client/sign_ins', { identifier: email, password, strategy: 'password' });
  expect(signIn.body.response.status).toBe('complete');
  return { call, sessionId: signIn.body.response.created_session_id as string };
}

describe('/v1/me (in-process, real SQLite)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('updates the profile: an empty field clears it, an unknown field is refused', async () => {
    await t.domain.users.create(
      {
        emailAddresses: ['profile@example.com'],
        password: 'profile passphrase',
        firstName: 'Pat',
        lastName: 'Lee',
      },
      SYSTEM_CALLER,
    );
    const me = await signedInBrowser(t, 'profile@example.com', 'profile passphrase');
    const renamed = await me.call('POST', '/v1/me?_method=PATCH', { first_name: 'Robin', last_name: '' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.response).toMatchObject({ first_name: 'Robin', last_name: null });
    const unknown = await me.call('POST', '/v1/me?_method=PATCH', { first_name: 'Robin', favourite_colour: 'teal' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0]).toMatchObject({ code: 'form_param_unknown', meta: { param_name: 'favourite_colour' } });
    const tooLong = await me.call('POST', '/v1/me?_method=PATCH', { first_name: 'x'.repeat(257) });
    expect(tooLong.body.errors[0]).toMatchObject({ code: 'form_param_format_invalid', meta: { param_name: 'first_name' } });
  });

  it('changes the password: the current one is required, other sessions can be signed out', async () => {
    await t.domain.users.create({ emailAddresses: ['pw@example.com'], password: 'first passphrase here' }, SYSTEM_CALLER);
    const other = await signedInBrowser(t, 'pw@example.com', 'first passphrase here');
    const me = await signedInBrowser(t, 'pw@example.com', 'first passphrase here');
    const wrong = await me.call('POST', '/v1/me/change_password', {
      current_password: 'not it at all',
      new_password: 'second passphrase here',
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors[0].code).toBe('form_password_incorrect');
    const weak = await me.call('POST', '/v1/me/change_password', { current_password: 'first passphrase here', new_password: 'short' });
    expect(weak.body.errors[0].code).toBe('form_password_length_too_short');
    const ok = await me.call('POST', '/v1/me/change_password', {
      current_password: 'first passphrase here',
      new_password: 'second passphrase here',
      sign_out_of_other_sessions: 'true',
    });
    expect(ok.status).toBe(200);
    expect((await t.domain.sessions.get(other.sessionId)).status).toBe('revoked');
    expect((await t.domain.sessions.get(me.sessionId)).status).toBe('active');
    const { user } = (await t.domain.users.list({ emailAddresses: ['pw@example.com'] }))[0] ?? {};
    expect(await t.domain.verifyPassword(user, 'second passphrase here')).toBe(true);
  });

  it('adds, verifies, makes primary and removes e-mail addresses', async () => {
    await t.domain.users.create({ emailAddresses: ['mail-a@example.com'], password: 'email passphrase one' }, SYSTEM_CALLER);
    const me = await signedInBrowser(t, 'mail-a@example.com', 'email passphrase one');
    const added = await me.call('POST', '/v1/me/email_addresses', { email_address: 'mail-b@example.com' });
    const emailId = added.body.response.id as string;
    expect(added.body.response.verification).toBeNull();
    const prepared = await me.call('POST', `/v1/me/email_addresses/${emailId}/prepare_verification`, { strategy: 'email_code' });
    expect(prepared.body.response.verification).toMatchObject({ status: 'unverified', strategy: 'email_code' });
    // An unverified address cannot become primary.
    const early = await me.call('POST', '/v1/me?_method=PATCH', { primary_email_address_id: emailId });
    expect(early.status).toBe(422);
    const verified = await me.call('POST', `/v1/me/email_addresses/${emailId}/attempt_verification`, {
      code: await mailedCode(t, 'mail-b@example.com'),
    });
    expect(verified.body.response.verification.status).toBe('verified');
    const primary = await me.call('POST', '/v1/me?_method=PATCH', { primary_email_address_id: emailId });
    expect(primary.body.response.primary_email_address_id).toBe(emailId);
    const first = primary.body.response.email_addresses.find((e: { email_address: string }) => e.email_address === 'mail-a@example.com');
    const removed = await me.call('POST', `/v1/me/email_addresses/${first.id}?_method=DELETE`);
    expect(removed.body.response).toMatchObject({ id: first.id, deleted: true });
    // The last verified address stays.
    const last = await me.call('POST', `/v1/me/email_addresses/${emailId}?_method=DELETE`);
    expect(last.status).toBe(400);
    expect(last.body.errors[0].code).toBe('form_identifier_not_removable');
  });

  it('a code allows three wrong tries, is single use and expires', async () => {
    await t.domain.users.create({ emailAddresses: ['codes@example.com'], password: 'codes passphrase one' }, SYSTEM_CALLER);
    const me = await signedInBrowser(t, 'codes@example.com', 'codes passphrase one');
    const added = await me.call('POST', '/v1/me/email_addresses', { email_address: 'codes-2@example.com' });
    const id = added.body.response.id as string;
    await me.call('POST', `/v1/me/email_addresses/${id}/prepare_verification`, { strategy: 'email_code' });
    const code = await mailedCode(t, 'codes-2@example.com');
    const wrongCode = code === '000000' ? '111111' : '000000';
    const codes = [];
    for (let i = 0; i < 3; i++)
      codes.push((await me.call('POST', `/v1/me/email_addresses/${id}/attempt_verification`, { code: wrongCode })).body.errors[0].code);
    expect(codes).toEqual(['form_code_incorrect', 'form_code_incorrect', 'verification_failed']);
    // Even the right code is refused once the attempts are used up.
    const late = await me.call('POST', `/v1/me/email_addresses/${id}/attempt_verification`, { code });
    expect(late.body.errors[0].code).toBe('verification_failed');

    await me.call('POST', `/v1/me/email_addresses/${id}/prepare_verification`, { strategy: 'email_code' });
    const fresh = await mailedCode(t, 'codes-2@example.com');
    expect((await me.call('POST', `/v1/me/email_addresses/${id}/attempt_verification`, { code: fresh })).status).toBe(200);
    const reused = await me.call('POST', `/v1/me/email_addresses/${id}/attempt_verification`, { code: fresh });
    expect(reused.status).toBe(422);

    const stored = await t.store.verificationCodes.find(id, 'email_address');
    expect(stored?.codeHash).not.toContain(fresh);
  });

  it('refuses an expired code', async () => {
    let now = Date.now();
    const timed = await createTestApp({ clock: () => now });
    try {
      await timed.domain.users.create({ emailAddresses: ['late@example.com'], password: 'late passphrase one' }, SYSTEM_CALLER);
      const me = await signedInBrowser(timed, 'late@example.com', 'late passphrase one');
      const added = await me.call('POST', '/v1/me/email_addresses', { email_address: 'late-2@example.com' });
      const id = added.body.response.id as string;
      await me.call('POST', `/v1/me/email_addresses/${id}/prepare_verification`, { strategy: 'email_code' });
      const code = await mailedCode(timed, 'late-2@example.com');
      now += 10 * 60 * 1000 + 1;
      const res = await me.call('POST', `/v1/me/email_addresses/${id}/attempt_verification`, { code });
      expect(res.body.errors[0].code).toBe('verification_expired');
    } finally {
      await timed.close();
    }
  });

  it('deletes the account when self-deletion is enabled, audited as that end user', async () => {
    const record = await t.domain.users.create({ emailAddresses: ['bye@example.com'], password: 'goodbye passphrase' }, SYSTEM_CALLER);
    const me = await signedInBrowser(t, 'bye@example.com', 'goodbye passphrase');
    const res = await me.call('POST', '/v1/me?_method=DELETE');
    expect(res.body.response).toMatchObject({ id: record.user.id, deleted: true });
    expect(await t.domain.users.find(record.user.id)).toBeUndefined();
    expect((await me.call('GET', '/v1/me')).status).toBe(401);
    // The Frontend API acts as the signed-in end user, not as the Backend API's secret key.
    const audit = await t.domain.audit.list({ targetId: record.user.id }, 10, 0);
    expect(audit.data.map((e) => [e.actorType, e.actorId, e.action])).toEqual([['end_user', record.user.id, 'user.delete']]);
    expect(audit.data[0]?.ip).toBe('127.0.0.1');
  });

  it('hosted pages drop a redirect_url on a foreign origin and keep an allowed one', async () => {
    const foreign = await t.app.inject({ url: `/sign-in?redirect_url=${encodeURIComponent('https://evil.example/steal')}` });
    expect(foreign.statusCode).toBe(302);
    expect(foreign.headers.location).toBe('/sign-in');
    const allowed = await t.app.inject({ url: `/sign-in?redirect_url=${encodeURIComponent(`${ORIGIN}/after`)}` });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.body).toContain(`${ORIGIN}/after`);
    expect(allowed.headers['content-type']).toContain('text/html');
  });
});
