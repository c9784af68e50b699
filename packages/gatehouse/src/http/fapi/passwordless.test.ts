import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CALLER } from '../../domain/caller.js';
import { createTestApp, mailedCode, type TestApp } from '../../testing/app.js';
import { type FapiBrowser, fapiBrowser } from '../../testing/fapi-browser.js';

const PASSWORD = 'a sturdy passphrase';
const RETURN_TO = 'http://127.0.0.1:5173/sign-in/verify';

/** A code other than `code` (six digits). */
const wrongCode = (code: string, n = 0) => String((Number(code) + 1 + n) % 1_000_000).padStart(6, '0');

async function signedInBrowser(t: TestApp, email: string): Promise<FapiBrowser> {
  const b = fapiBrowser(t.app);
  const res = await b.call('POST', '/v1/client/sign_ins', { identifier: email, password: PASSWORD, strategy: 'password' });
  expect(res.body.response.status).toBe('complete');
  return b;
}

/** The link in the newest outbox mail to `to`. */
async function mailedLink(t: TestApp, to: string): Promise<string> {
  const rows = await t.store.mailOutbox.listRecent(50);
  const link = rows.find((r) => r.toAddress === to)?.textBody.match(/https?:\/\/\S+\/v1\/verify\?token=\S+/)?.[0];
  if (!link) throw new Error(`no link mailed to ${to}`);
  return link;
}

/** Opens an e-mail link in `b` (another tab, or another device); returns where it leads. */
async function openLink(b: FapiBrowser, t: TestApp, link: string): Promise<{ status: number; location: URL | undefined; body: unknown }> {
  const url = new URL(link);
  const res = await t.app.inject({ method: 'GET', url: `${url.pathname}${url.search}`, headers: { cookie: b.cookie } });
  const location = typeof res.headers.location === 'string' ? new URL(res.headers.location) : undefined;
  // The browser keeps a renewed __client cookie, as a real one does (same browser: a completed flow rotates it).
  const set = res.headers['set-cookie'];
  for (const line of Array.isArray(set) ? set : set ? [set] : []) if (line.startsWith('__client=')) b.cookie = line.split(';')[0] ?? '';
  return { status: res.statusCode, location, body: res.body ? JSON.parse(res.body) : null };
}

describe('passwordless factors over the Frontend API (SQLite)', () => {
  let t: TestApp;
  // Real time plus what a test skips ahead (links expire after 10 minutes).
  let skipped = 0;
  beforeAll(async () => {
    t = await createTestApp({ clock: () => Date.now() + skipped });
    await t.domain.instance.updateSettings((s) => ({ ...s, passwordless: { phoneNumber: 'optional', emailLink: true, passkeys: true } }));
  });
  afterAll(async () => t.close());

  it('the environment offers phone numbers, e-mail links and passkeys once enabled', async () => {
    const env = await fapiBrowser(t.app).call('GET', '/v1/environment');
    const { attributes } = env.body.user_settings;
    expect(attributes.phone_number).toMatchObject({ enabled: true, used_for_first_factor: true, first_factors: ['phone_code'] });
    expect(attributes.email_address.first_factors).toContain('email_link');
    expect(attributes.passkey.enabled).toBe(true);
  });

  describe('phone numbers and phone_code', () => {
    it('adds and verifies a number by SMS code (dev outbox), then signs in with it; wrong codes are refused until the code is locked', async () => {
      const email = 'phone-owner@example.com';
      await t.domain.users.create({ emailAddresses: [email], password: PASSWORD }, SYSTEM_CALLER);
      const b = await signedInBrowser(t, email);
      const added = await b.call('POST', '/v1/me/phone_numbers', { phone_number: '+1 (415) 555-2671' });
      expect(added.status).toBe(200);
      expect(added.body.response).toMatchObject({ object: 'phone_number', phone_number: '+14155552671', verification: null });
      const id = added.body.response.id as string;

      const prepared = await b.call('POST', `/v1/me/phone_numbers/${id}/prepare_verification`, { strategy: 'phone_code' });
      expect(prepared.body.response.verification).toMatchObject({ status: 'unverified', strategy: 'phone_code' });
      const code = await mailedCode(t, '+14155552671');
      const wrong = await b.call('POST', `/v1/me/phone_numbers/${id}/attempt_verification`, { code: wrongCode(code) });
      expect(wrong.status).toBe(422);
      expect(wrong.body.errors[0].code).toBe('form_code_incorrect');
      const verified = await b.call('POST', `/v1/me/phone_numbers/${id}/attempt_verification`, { code });
      expect(verified.body.response.verification).toMatchObject({ status: 'verified', strategy: 'phone_code' });

      const me = await b.call('GET', '/v1/me');
      expect(me.body.response.primary_phone_number_id).toBe(id);
      expect(me.body.response.phone_numbers).toHaveLength(1);

      // Sign in elsewhere with the number alone: phone_code is offered, and three wrong codes lock the code.
      const other = fapiBrowser(t.app);
      const created = await other.call('POST', '/v1/client/sign_ins', { identifier: '+14155552671' });
      expect(created.status).toBe(200);
      const signInId = created.body.response.id as string;
      const factor = created.body.response.supported_first_factors.find((f: { strategy: string }) => f.strategy === 'phone_code');
      expect(factor).toMatchObject({ phone_number_id: id, safe_identifier: '+1******2671' });
      await other.call('POST', `/v1/client/sign_ins/${signInId}/prepare_first_factor`, { strategy: 'phone_code', phone_number_id: id });
      const smsCode = await mailedCode(t, '+14155552671');
      const codes = [];
      for (let i = 0; i < 3; i++) {
        const res = await other.call('POST', `/v1/client/sign_ins/${signInId}/attempt_first_factor`, {
          strategy: 'phone_code',
          code: wrongCode(smsCode, i),
        });
        codes.push(res.body.errors[0].code);
      }
      expect(codes).toEqual(['form_code_incorrect', 'form_code_incorrect', 'verification_failed']);
      const locked = await other.call('POST', `/v1/client/sign_ins/${signInId}/attempt_first_factor`, {
        strategy: 'phone_code',
        code: smsCode,
      });
      expect(locked.body.errors[0].code).toBe('verification_failed');

      // A new code works.
      await other.call('POST', `/v1/client/sign_ins/${signInId}/prepare_first_factor`, { strategy: 'phone_code', phone_number_id: id });
      const fresh = await mailedCode(t, '+14155552671');
      const done = await other.call('POST', `/v1/client/sign_ins/${signInId}/attempt_first_factor`, {
        strategy: 'phone_code',
        code: fresh,
      });
      expect(done.body.response.status).toBe('complete');
    });

    it('a number reserved for two-step verification is a second factor: password, then an SMS code', async () => {
      const email = 'phone-2fa@example.com';
      const number = '+14155550123';
      await t.domain.users.create({ emailAddresses: [email], password: PASSWORD }, SYSTEM_CALLER);
      const b = await signedInBrowser(t, email);
      const added = await b.call('POST', '/v1/me/phone_numbers', { phone_number: number });
      const id = added.body.response.id as string;
      // Only a verified number can be reserved.
      const early = await b.call('PATCH', `/v1/me/phone_numbers/${id}`, { reserved_for_second_factor: 'true' });
      expect(early.status).toBe(422);
      expect(early.body.errors[0]).toMatchObject({ code: 'form_param_value_invalid', meta: { param_name: 'reserved_for_second_factor' } });
      await b.call('POST', `/v1/me/phone_numbers/${id}/prepare_verification`, { strategy: 'phone_code' });
      await b.call('POST', `/v1/me/phone_numbers/${id}/attempt_verification`, { code: await mailedCode(t, number) });
      const reserved = await b.call('PATCH', `/v1/me/phone_numbers/${id}`, { reserved_for_second_factor: 'true' });
      expect(reserved.body.response).toMatchObject({ reserved_for_second_factor: true });
      // The first second factor brings backup codes (mfa-required.test.ts follows them further).
      expect(reserved.body.response.backup_codes).toHaveLength(10);
      expect((await b.call('GET', '/v1/me')).body.response).toMatchObject({
        two_factor_enabled: true,
        totp_enabled: false,
        backup_code_enabled: true,
      });
      const env = await b.call('GET', '/v1/environment');
      expect(env.body.user_settings.attributes.phone_number).toMatchObject({
        used_for_second_factor: true,
        second_factors: ['phone_code'],
      });

      // Elsewhere: the password leaves the sign-in needing the SMS code.
      const other = fapiBrowser(t.app);
      const first = await other.call('POST', '/v1/client/sign_ins', { identifier: email, password: PASSWORD, strategy: 'password' });
      expect(first.body.response.status).toBe('needs_second_factor');
      expect(first.body.response.supported_second_factors).toEqual([
        { strategy: 'phone_code', phone_number_id: id, safe_identifier: '+1******0123', default: true },
        { strategy: 'backup_code' },
      ]);
      const signInId = first.body.response.id as string;
      // Attempting before a code was sent, and naming a number that is not reserved, are refused.
      const unsent = await other.call('POST', `/v1/client/sign_ins/${signInId}/attempt_second_factor`, {
        strategy: 'phone_code',
        code: '123456',
      });
      expect(unsent.status).toBe(422);
      const stranger = await other.call('POST', `/v1/client/sign_ins/${signInId}/prepare_second_factor`, {
        strategy: 'phone_code',
        phone_number_id: 'idn_nope',
      });
      expect(stranger.body.errors[0]).toMatchObject({ code: 'form_param_value_invalid', meta: { param_name: 'phone_number_id' } });

      const prepared = await other.call('POST', `/v1/client/sign_ins/${signInId}/prepare_second_factor`, {
        strategy: 'phone_code',
        phone_number_id: id,
      });
      expect(prepared.status).toBe(200);
      expect(prepared.body.response.second_factor_verification).toMatchObject({ strategy: 'phone_code', status: 'unverified' });
      const code = await mailedCode(t, number);
      const wrong = await other.call('POST', `/v1/client/sign_ins/${signInId}/attempt_second_factor`, {
        strategy: 'phone_code',
        code: wrongCode(code),
      });
      expect(wrong.status).toBe(422);
      expect(wrong.body.errors[0].code).toBe('form_code_incorrect');
      const done = await other.call('POST', `/v1/client/sign_ins/${signInId}/attempt_second_factor`, { strategy: 'phone_code', code });
      expect(done.body.response.status).toBe('complete');
      // The code was spent.
      const again = await other.call('POST', `/v1/client/sign_ins/${signInId}/attempt_second_factor`, { strategy: 'phone_code', code });
      expect(again.status).toBeGreaterThanOrEqual(400);

      // The Backend API's DELETE /v1/users/{id}/mfa releases it: the number stays, no longer asking.
      const userId = (await b.call('GET', '/v1/me')).body.response.id as string;
      expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/users/${userId}/mfa`, headers: t.auth })).statusCode).toBe(200);
      expect((await b.call('GET', `/v1/me/phone_numbers/${id}`)).body.response).toMatchObject({ reserved_for_second_factor: false });
      const plain = await fapiBrowser(t.app).call('POST', '/v1/client/sign_ins', {
        identifier: email,
        password: PASSWORD,
        strategy: 'password',
      });
      expect(plain.body.response.status).toBe('complete');
    });

    it("Clerk's test numbers take 424242 on a development instance and get no SMS", async () => {
      const email = 'test-number@example.com';
      await t.domain.users.create({ emailAddresses: [email], password: PASSWORD }, SYSTEM_CALLER);
      const b = await signedInBrowser(t, email);
      const added = await b.call('POST', '/v1/me/phone_numbers', { phone_number: '+15555550142' });
      const id = added.body.response.id as string;
      await b.call('POST', `/v1/me/phone_numbers/${id}/prepare_verification`, { strategy: 'phone_code' });
      expect((await t.store.mailOutbox.listRecent(50)).some((m) => m.toAddress === '+15555550142')).toBe(false);
      const verified = await b.call('POST', `/v1/me/phone_numbers/${id}/attempt_verification`, { code: '424242' });
      expect(verified.body.response.verification.status).toBe('verified');
    });

    it('a malformed number is 422 form_param_format_invalid', async () => {
      await t.domain.users.create({ emailAddresses: ['bad-number@example.com'], password: PASSWORD }, SYSTEM_CALLER);
      const b = await signedInBrowser(t, 'bad-number@example.com');
      const res = await b.call('POST', '/v1/me/phone_numbers', { phone_number: 'call me' });
      expect(res.status).toBe(422);
      expect(res.body.errors[0]).toMatchObject({ code: 'form_param_format_invalid', meta: { param_name: 'phone_number' } });
    });
  });

  describe('email_link', () => {
    it('a link opened on another device completes the sign-in on the browser that asked; a reused link fails', async () => {
      const email = 'linked@example.com';
      await t.domain.users.create({ emailAddresses: [email], password: PASSWORD }, SYSTEM_CALLER);
      const asking = fapiBrowser(t.app);
      const created = await asking.call('POST', '/v1/client/sign_ins', { identifier: email });
      const signInId = created.body.response.id as string;
      const prepared = await asking.call('POST', `/v1/client/sign_ins/${signInId}/prepare_first_factor`, {
        strategy: 'email_link',
        email_address_id: created.body.response.supported_first_factors.find((f: { strategy: string }) => f.strategy === 'email_link')
          .email_address_id,
        redirect_url: RETURN_TO,
      });
      expect(prepared.body.response.first_factor_verification).toMatchObject({ status: 'unverified', strategy: 'email_link' });
      const link = await mailedLink(t, email);

      const elsewhere = fapiBrowser(t.app);
      const opened = await openLink(elsewhere, t, link);
      expect(opened.status).toBe(303);
      expect(opened.location?.origin + (opened.location?.pathname ?? '')).toBe(RETURN_TO);
      expect(opened.location?.searchParams.get('__clerk_status')).toBe('verified');
      const sessionId = opened.location?.searchParams.get('__clerk_created_session');
      expect(sessionId).toMatch(/^sess_/);

      // The asking tab's poll sees the verification verified and the sign-in complete.
      const polled = await asking.call('GET', `/v1/client/sign_ins/${signInId}`);
      expect(polled.body.response).toMatchObject({ status: 'complete', created_session_id: sessionId });
      expect(polled.body.response.first_factor_verification.status).toBe('verified');
      const client = await asking.call('GET', '/v1/client');
      expect(client.body.response.sessions.map((s: { id: string }) => s.id)).toContain(sessionId);

      const reused = await openLink(elsewhere, t, link);
      expect(reused.location?.searchParams.get('__clerk_status')).toBe('failed');
      expect(reused.location?.searchParams.get('__clerk_created_session')).toBeNull();
    });

    it('an expired link is refused with __clerk_status=expired, and the polling tab sees `expired`', async () => {
      const email = 'late@example.com';
      await t.domain.users.create({ emailAddresses: [email], password: PASSWORD }, SYSTEM_CALLER);
      const asking = fapiBrowser(t.app);
      const created = await asking.call('POST', '/v1/client/sign_ins', { identifier: email });
      const signInId = created.body.response.id as string;
      await asking.call('POST', `/v1/client/sign_ins/${signInId}/prepare_first_factor`, {
        strategy: 'email_link',
        redirect_url: RETURN_TO,
      });
      const link = await mailedLink(t, email);
      skipped += 11 * 60_000;
      const polled = await asking.call('GET', `/v1/client/sign_ins/${signInId}`);
      expect(polled.body.response.first_factor_verification.status).toBe('expired');
      const opened = await openLink(asking, t, link);
      expect(opened.location?.searchParams.get('__clerk_status')).toBe('expired');
      const after = await asking.call('GET', `/v1/client/sign_ins/${signInId}`);
      expect(after.body.response.status).toBe('needs_first_factor');
    });

    it('a forged token is 422 verification_failed; a redirect_url off the allowed origins is refused', async () => {
      const b = fapiBrowser(t.app);
      const forged = await openLink(b, t, 'http://127.0.0.1:4000/v1/verify?token=ver_nothing.secret');
      expect(forged.status).toBe(422);
      expect((forged.body as { errors: { code: string }[] }).errors[0]?.code).toBe('verification_failed');

      await t.domain.users.create({ emailAddresses: ['redirect@example.com'], password: PASSWORD }, SYSTEM_CALLER);
      const created = await b.call('POST', '/v1/client/sign_ins', { identifier: 'redirect@example.com' });
      const res = await b.call('POST', `/v1/client/sign_ins/${created.body.response.id}/prepare_first_factor`, {
        strategy: 'email_link',
        redirect_url: 'https://evil.example/verify',
      });
      expect(res.status).toBe(422);
      expect(res.body.errors[0].code).toBe('form_param_value_invalid');
    });

    it('links share the per-address send budget with codes: the sixth send in the window is 429', async () => {
      const email = 'many-links@example.com';
      await t.domain.users.create({ emailAddresses: [email], password: PASSWORD }, SYSTEM_CALLER);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        // A new browser each time: the per-address budget holds across clients (not only the per-client limit).
        const b = fapiBrowser(t.app);
        const created = await b.call('POST', '/v1/client/sign_ins', { identifier: email });
        const res = await b.call('POST', `/v1/client/sign_ins/${created.body.response.id}/prepare_first_factor`, {
          strategy: i === 2 ? 'email_code' : 'email_link',
          redirect_url: RETURN_TO,
        });
        statuses.push(res.status);
        if (res.status === 429) expect(res.body.errors[0].code).toBe('too_many_requests');
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    });

    it('verifies a sign-up by link: the sign-up completes on its own client', async () => {
      const email = 'new-by-link@example.com';
      const b = fapiBrowser(t.app);
      const created = await b.call('POST', '/v1/client/sign_ups', { email_address: email, password: PASSWORD });
      const id = created.body.response.id as string;
      const prepared = await b.call('POST', `/v1/client/sign_ups/${id}/prepare_verification`, {
        strategy: 'email_link',
        redirect_url: RETURN_TO,
      });
      expect(prepared.body.response.verifications.email_address).toMatchObject({ status: 'unverified', strategy: 'email_link' });
      const opened = await openLink(b, t, await mailedLink(t, email));
      expect(opened.location?.searchParams.get('__clerk_status')).toBe('verified');
      const polled = await b.call('GET', '/v1/client');
      expect(polled.body.response.sessions).toHaveLength(1);
    });
  });

  describe('email_link for /v1/me e-mail addresses', () => {
    it("verifies a signed-in person's new address by link, once; the address is then verified", async () => {
      await t.domain.users.create({ emailAddresses: ['linker@example.com'], password: PASSWORD }, SYSTEM_CALLER);
      const b = await signedInBrowser(t, 'linker@example.com');
      const added = await b.call('POST', '/v1/me/email_addresses', { email_address: 'second@example.com' });
      expect(added.status).toBe(200);
      const id = added.body.response.id as string;
      const offSite = await b.call('POST', `/v1/me/email_addresses/${id}/prepare_verification`, {
        strategy: 'email_link',
        redirect_url: 'https://evil.example/verified',
      });
      expect(offSite.body.errors[0].code).toBe('form_param_value_invalid');
      const prepared = await b.call('POST', `/v1/me/email_addresses/${id}/prepare_verification`, {
        strategy: 'email_link',
        redirect_url: RETURN_TO,
      });
      expect(prepared.status).toBe(200);
      expect(prepared.body.response.verification).toMatchObject({ status: 'unverified', strategy: 'email_link' });
      const link = await mailedLink(t, 'second@example.com');
      const opened = await openLink(fapiBrowser(t.app), t, link);
      expect(opened.status).toBe(303);
      expect(opened.location?.searchParams.get('__clerk_status')).toBe('verified');
      const me = (await b.call('GET', '/v1/me')).body.response;
      expect(me.email_addresses.find((e: { id: string }) => e.id === id).verification).toMatchObject({
        status: 'verified',
        strategy: 'email_link',
      });
      const reused = await openLink(fapiBrowser(t.app), t, link);
      expect(reused.location?.searchParams.get('__clerk_status')).toBe('failed');
    });
  });

  describe('passkeys', () => {
    it('registration starts with creation options in verification.nonce for the calling origin; a malformed credential is refused', async () => {
      const email = 'passkey@example.com';
      await t.domain.users.create({ emailAddresses: [email], password: PASSWORD }, SYSTEM_CALLER);
      const b = await signedInBrowser(t, email);
      const started = await b.call('POST', '/v1/me/passkeys');
      expect(started.status).toBe(200);
      const options = JSON.parse(started.body.response.verification.nonce);
      expect(options.rp.id).toBe('127.0.0.1');
      expect(typeof options.challenge).toBe('string');
      const bad = await b.call('POST', `/v1/me/passkeys/${started.body.response.id}/attempt_verification`, {
        strategy: 'passkey',
        public_key_credential: JSON.stringify({
          id: 'abc',
          rawId: 'abc',
          type: 'public-key',
          response: { clientDataJSON: 'e30', attestationObject: 'oA' },
        }),
      });
      expect(bad.status).toBe(422);
      expect(bad.body.errors[0].code).toBe('verification_failed');
    });

    it('an identifier-less sign-in with strategy passkey carries the assertion options', async () => {
      const b = fapiBrowser(t.app);
      const created = await b.call('POST', '/v1/client/sign_ins', { strategy: 'passkey' });
      expect(created.status).toBe(200);
      const options = JSON.parse(created.body.response.first_factor_verification.nonce);
      expect(options).toMatchObject({ rpId: '127.0.0.1', allowCredentials: [] });
    });
  });
});

describe('passwordless factors off (the default)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('the environment leaves them out, and their strategies and fields are refused with Clerk codes', async () => {
    const env = (await fapiBrowser(t.app).call('GET', '/v1/environment')).body;
    const { attributes } = env.user_settings;
    expect(attributes.phone_number.enabled).toBe(false);
    expect(attributes.email_address.first_factors).not.toContain('email_link');
    expect(attributes.passkey.enabled).toBe(false);

    await t.domain.users.create({ emailAddresses: ['plain@example.com'], password: PASSWORD }, SYSTEM_CALLER);
    const b = fapiBrowser(t.app);
    const passkey = await b.call('POST', '/v1/client/sign_ins', { strategy: 'passkey' });
    expect(passkey.status).toBe(422);
    expect(passkey.body.errors[0].code).toBe('strategy_for_user_invalid');
    const created = await b.call('POST', '/v1/client/sign_ins', { identifier: 'plain@example.com' });
    const strategies = created.body.response.supported_first_factors.map((f: { strategy: string }) => f.strategy);
    expect(strategies).not.toContain('email_link');
    expect(strategies).not.toContain('phone_code');
    const link = await b.call('POST', `/v1/client/sign_ins/${created.body.response.id}/prepare_first_factor`, {
      strategy: 'email_link',
      redirect_url: RETURN_TO,
    });
    expect(link.body.errors[0].code).toBe('strategy_for_user_invalid');
    const phoneSignUp = await fapiBrowser(t.app).call('POST', '/v1/client/sign_ups', {
      email_address: 'phone-up@example.com',
      password: PASSWORD,
      phone_number: '+14155550100',
    });
    expect(phoneSignUp.body.errors[0]).toMatchObject({ code: 'form_param_unknown', meta: { param_name: 'phone_number' } });

    const signedIn = await signedInBrowser(t, 'plain@example.com');
    const phone = await signedIn.call('POST', '/v1/me/phone_numbers', { phone_number: '+14155550100' });
    expect(phone.body.errors[0]).toMatchObject({ code: 'form_param_unknown', meta: { param_name: 'phone_number' } });
    const register = await signedIn.call('POST', '/v1/me/passkeys');
    expect(register.body.errors[0].code).toBe('strategy_for_user_invalid');
  });
});
