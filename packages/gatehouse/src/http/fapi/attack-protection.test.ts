import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CALLER } from '../../domain/caller.js';
import { createTestApp, mailedCode, type TestApp } from '../../testing/app.js';
import { type FapiBrowser, fapiBrowser } from '../../testing/fapi-browser.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../../testing/services.js';

const pgOk = await postgresAvailable();

/** A code other than `code` (six digits). */
const wrongCode = (code: string, n = 0) => String((Number(code) + 1 + n) % 1_000_000).padStart(6, '0');

/** Starts a sign-up for `email` and has its code mailed; returns the sign-up id. */
async function startSignUp(b: FapiBrowser, email: string): Promise<string> {
  const created = await b.call('POST', '/v1/client/sign_ups', { email_address: email, password: 'a sturdy passphrase' });
  expect(created.status).toBe(200);
  const id = created.body.response.id as string;
  // Some versions mail the code on create already; one code is enough either way.
  if (created.body.response.verifications.email_address?.status !== 'unverified') {
    const prepared = await b.call('POST', `/v1/client/sign_ups/${id}/prepare_verification`, { strategy: 'email_code' });
    expect(prepared.status).toBe(200);
  }
  return id;
}

/** Starts an e-mail-code sign-in for `identifier` and has the code prepared; returns the sign-in id. */
async function startCodeSignIn(b: FapiBrowser, identifier: string, strategy = 'email_code'): Promise<string> {
  const created = await b.call('POST', '/v1/client/sign_ins', { identifier });
  expect(created.status).toBe(200);
  const id = created.body.response.id as string;
  const prepared = await b.call('POST', `/v1/client/sign_ins/${id}/prepare_first_factor`, { strategy });
  expect(prepared.status).toBe(200);
  return id;
}

/** A value's shape: the same keys (recursively) and types, with ids and strings reduced to their kind. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (value === null) return null;
  if (typeof value === 'object')
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, shapeOf(v)]));
  if (typeof value === 'string') {
    const id = value.match(/^([a-z]+)_[0-9A-Za-z]{27}$/);
    return id ? `id:${id[1]}` : 'string';
  }
  return typeof value;
}

describe('attack protection over the Frontend API (SQLite)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  describe('session fixation (issue 14 item 2, ASVS 3.2.1)', () => {
    it('a completed password sign-in gets a new __client value; a value planted before it gets nothing', async () => {
      await t.domain.users.create({ emailAddresses: ['fixed@example.com'], password: 'fixation passphrase' }, SYSTEM_CALLER);
      const attacker = fapiBrowser(t.app);
      await attacker.call('POST', '/v1/client/sign_ins', { identifier: 'nobody@example.com' });
      const planted = attacker.cookie;
      expect(planted).toMatch(/^__client=/);

      const victim = fapiBrowser(t.app);
      victim.cookie = planted;
      const signIn = await victim.call('POST', '/v1/client/sign_ins', {
        identifier: 'fixed@example.com',
        password: 'fixation passphrase',
        strategy: 'password',
      });
      expect(signIn.body.response.status).toBe('complete');
      expect(signIn.clientCookieLine).toMatch(/^__client=[^;]+;.*HttpOnly/);
      expect(signIn.clientCookieLine).toMatch(/SameSite=Lax/);
      expect(victim.cookie).not.toBe(planted);

      const attackerView = await attacker.call('GET', '/v1/client');
      // On a development instance an unknown value gets a fresh, empty client: never the victim's.
      expect(attackerView.body.response?.sessions ?? []).toEqual([]);
      const victimView = await victim.call('GET', '/v1/client');
      expect(victimView.body.response.sessions).toHaveLength(1);
    });

    it('an identifier-first e-mail-code sign-in, a sign-up and a sign-out each issue a new value', async () => {
      await t.domain.users.create({ emailAddresses: ['fixed-code@example.com'], password: 'fixation passphrase' }, SYSTEM_CALLER);
      const b = fapiBrowser(t.app);
      const signInId = await startCodeSignIn(b, 'fixed-code@example.com');
      const beforeSignIn = b.cookie;
      const signedIn = await b.call('POST', `/v1/client/sign_ins/${signInId}/attempt_first_factor`, {
        strategy: 'email_code',
        code: await mailedCode(t, 'fixed-code@example.com'),
      });
      expect(signedIn.body.response.status).toBe('complete');
      expect(b.cookie).not.toBe(beforeSignIn);
      expect((await fapiBrowserWith(beforeSignIn).call('GET', '/v1/client')).body.response?.sessions ?? []).toEqual([]);

      const beforeSignOut = b.cookie;
      const signedOut = await b.call('DELETE', '/v1/client/sessions');
      expect(signedOut.status).toBe(200);
      expect(signedOut.clientCookieLine).toMatch(/HttpOnly/);
      expect(b.cookie).not.toBe(beforeSignOut);
      expect((await fapiBrowserWith(beforeSignOut).call('GET', '/v1/client')).body.response?.sessions ?? []).toEqual([]);

      const up = fapiBrowser(t.app);
      const signUpId = await startSignUp(up, 'fixed-signup@example.com');
      const beforeSignUp = up.cookie;
      const done = await up.call('POST', `/v1/client/sign_ups/${signUpId}/attempt_verification`, {
        strategy: 'email_code',
        code: await mailedCode(t, 'fixed-signup@example.com'),
      });
      expect(done.body.response.status).toBe('complete');
      expect(up.cookie).not.toBe(beforeSignUp);
      expect((await fapiBrowserWith(beforeSignUp).call('GET', '/v1/client')).body.response?.sessions ?? []).toEqual([]);
      expect((await up.call('GET', '/v1/client')).body.response.sessions).toHaveLength(1);
    });

    function fapiBrowserWith(cookie: string) {
      const b = fapiBrowser(t.app);
      b.cookie = cookie;
      return b;
    }
  });

  describe('code brute force across prepares (issue 14 item 3, ASVS 2.2.1)', () => {
    it('e-mail sign-in codes: a fresh prepare gives no fresh budget; past it, 429 with Retry-After', async () => {
      await t.domain.users.create({ emailAddresses: ['guess-signin@example.com'], password: 'guessing passphrase' }, SYSTEM_CALLER);
      const answers: number[] = [];
      // Each round: a new browser (so per-client limits play no part), a new sign-in, a new code, three guesses.
      for (let round = 0; round < 4; round++) {
        const b = fapiBrowser(t.app);
        const id = await startCodeSignIn(b, 'guess-signin@example.com');
        const code = await mailedCode(t, 'guess-signin@example.com');
        for (let i = 0; i < 3; i++) {
          const res = await b.call('POST', `/v1/client/sign_ins/${id}/attempt_first_factor`, {
            strategy: 'email_code',
            code: wrongCode(code, i),
          });
          answers.push(res.status);
          if (res.status === 429) {
            expect(res.body.errors[0].code).toBe('too_many_requests');
            expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
          }
        }
      }
      expect(answers.filter((s) => s === 422)).toHaveLength(10);
      expect(answers.slice(10).every((s) => s === 429)).toBe(true);
      // Even the right code of a fresh prepare is refused now.
      const b = fapiBrowser(t.app);
      const id = await startCodeSignIn(b, 'guess-signin@example.com');
      const right = await b.call('POST', `/v1/client/sign_ins/${id}/attempt_first_factor`, {
        strategy: 'email_code',
        code: await mailedCode(t, 'guess-signin@example.com'),
      });
      expect(right.status).toBe(429);
    });

    it('reset-password codes share the address budget', async () => {
      await t.domain.users.create({ emailAddresses: ['guess-reset@example.com'], password: 'guessing passphrase' }, SYSTEM_CALLER);
      let last = 0;
      for (let round = 0; round < 4; round++) {
        const b = fapiBrowser(t.app);
        const id = await startCodeSignIn(b, 'guess-reset@example.com', 'reset_password_email_code');
        const code = await mailedCode(t, 'guess-reset@example.com');
        for (let i = 0; i < 3; i++)
          last = (
            await b.call('POST', `/v1/client/sign_ins/${id}/attempt_first_factor`, {
              strategy: 'reset_password_email_code',
              code: wrongCode(code, i),
            })
          ).status;
      }
      expect(last).toBe(429);
    });

    it('code sends per address are limited: the sixth prepare in the window gets 429', async () => {
      await t.domain.users.create({ emailAddresses: ['flooded@example.com'], password: 'flooding passphrase' }, SYSTEM_CALLER);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const b = fapiBrowser(t.app);
        const created = await b.call('POST', '/v1/client/sign_ins', { identifier: 'flooded@example.com' });
        const res = await b.call('POST', `/v1/client/sign_ins/${created.body.response.id}/prepare_first_factor`, {
          strategy: 'email_code',
        });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      const mails = (await t.store.mailOutbox.listRecent(200)).filter((m) => m.toAddress === 'flooded@example.com');
      expect(mails).toHaveLength(5);
    });

    it('sign-up codes: the address budget holds across fresh sign-ups (no claiming an address by guessing)', async () => {
      const statuses: number[] = [];
      for (let round = 0; round < 4; round++) {
        const b = fapiBrowser(t.app);
        const id = await startSignUp(b, 'victim-signup@example.com');
        for (let i = 0; i < 3; i++)
          statuses.push(
            (await b.call('POST', `/v1/client/sign_ups/${id}/attempt_verification`, { strategy: 'email_code', code: '000000' })).status,
          );
        if (statuses.includes(429)) break;
      }
      expect(statuses).toContain(429);
      expect(statuses.indexOf(429)).toBe(10);
    });

    it('/v1/me e-mail verification codes: the address budget holds across prepares', async () => {
      await t.domain.users.create({ emailAddresses: ['me-guess@example.com'], password: 'me guessing passphrase' }, SYSTEM_CALLER);
      const b = fapiBrowser(t.app);
      const signIn = await b.call('POST', '/v1/client/sign_ins', {
        identifier: 'me-guess@example.com',
        password: 'me guessing passphrase',
        strategy: 'password',
      });
      expect(signIn.body.response.status).toBe('complete');
      const added = await b.call('POST', '/v1/me/email_addresses', { email_address: 'not-mine@example.com' });
      const emailId = added.body.response.id as string;
      const statuses: number[] = [];
      for (let round = 0; round < 4 && !statuses.includes(429); round++) {
        expect((await b.call('POST', `/v1/me/email_addresses/${emailId}/prepare_verification`, { strategy: 'email_code' })).status).toBe(
          200,
        );
        for (let i = 0; i < 3; i++)
          statuses.push((await b.call('POST', `/v1/me/email_addresses/${emailId}/attempt_verification`, { code: '000000' })).status);
      }
      expect(statuses.indexOf(429)).toBe(10);
    });
  });

  describe('enumeration (issue 14 item 7, ASVS 2.2.1 / 3.x)', () => {
    it('known and unknown identifiers get answers of the same shape, id format and masking', async () => {
      await t.domain.users.create(
        {
          emailAddresses: ['owner.person@secret-domain.example'],
          password: 'enumeration passphrase',
          firstName: 'Ada',
          lastName: 'Lovelace',
          username: 'ada_lovelace',
        },
        SYSTEM_CALLER,
      );
      const answersFor = async (identifier: string) => {
        const b = fapiBrowser(t.app);
        const created = await b.call('POST', '/v1/client/sign_ins', { identifier });
        const prepared = await b.call('POST', `/v1/client/sign_ins/${created.body.response.id}/prepare_first_factor`, {
          strategy: 'email_code',
        });
        const wrong = await b.call('POST', `/v1/client/sign_ins/${created.body.response.id}/attempt_first_factor`, {
          strategy: 'email_code',
          code: '000000',
        });
        return { created, prepared, wrong };
      };
      for (const [known, unknown] of [
        ['owner.person@secret-domain.example', 'owner.persom@secret-domain.example'],
        ['ada_lovelace', 'ada_lovelacf'],
      ] as const) {
        const k = await answersFor(known);
        const u = await answersFor(unknown);
        for (const step of ['created', 'prepared', 'wrong'] as const) {
          expect(k[step].status, step).toBe(u[step].status);
          expect(shapeOf(k[step].body), step).toEqual(shapeOf(u[step].body));
        }
        for (const answer of [k.created, u.created, k.prepared, u.prepared]) {
          const json = JSON.stringify(answer.body);
          expect(json).not.toContain('Ada');
          expect(json).not.toContain('Lovelace');
          // A username must not reveal the account's address, not even its domain.
          if (!known.includes('@')) expect(json).not.toContain('secret-domain');
          const factor = answer.body.response.supported_first_factors.find((f: { strategy: string }) => f.strategy === 'email_code');
          expect(factor.email_address_id).toMatch(/^idn_[0-9A-Za-z]{27}$/);
          expect(answer.body.response.user_data).toEqual({ first_name: null, last_name: null, image_url: '', has_image: false });
        }
        const safe = (a: typeof k.created) =>
          a.body.response.supported_first_factors.find((f: { strategy: string }) => f.strategy === 'email_code').safe_identifier;
        expect(safe(k.created).length).toBe(safe(u.created).length);
      }
    });
  });

  describe('mail abuse and squatting (issue 14 item 8)', () => {
    it('an unverified address listed by another account does not block the owner, who takes it by verifying', async () => {
      const squatter = await t.domain.users.create(
        { emailAddresses: ['squatter@example.com'], password: 'squatting passphrase' },
        SYSTEM_CALLER,
      );
      const listed = await t.app.inject({
        method: 'POST',
        url: '/api/v1/email_addresses',
        headers: { ...t.auth, 'content-type': 'application/json' },
        payload: { user_id: squatter.user.id, email_address: 'real.owner@example.com', verified: false },
      });
      expect(listed.statusCode).toBe(200);

      const owner = fapiBrowser(t.app);
      const id = await startSignUp(owner, 'real.owner@example.com');
      const done = await owner.call('POST', `/v1/client/sign_ups/${id}/attempt_verification`, {
        strategy: 'email_code',
        code: await mailedCode(t, 'real.owner@example.com'),
      });
      expect(done.status).toBe(200);
      expect(done.body.response.status).toBe('complete');
      const squatterNow = await t.domain.users.get(squatter.user.id);
      expect(squatterNow.emailAddresses.map((e) => e.emailAddress)).toEqual(['squatter@example.com']);
      const ownerRecord = await t.domain.users.get(done.body.response.created_user_id);
      expect(ownerRecord.emailAddresses[0]).toMatchObject({ emailAddress: 'real.owner@example.com', verified: true });
    });

    it('sign-up mail cannot be sent without limit: a PATCH mails nothing, prepares are limited per client and per address', async () => {
      const b = fapiBrowser(t.app);
      const created = await b.call('POST', '/v1/client/sign_ups', { password: 'a sturdy passphrase' });
      const id = created.body.response.id as string;
      const perClient: number[] = [];
      for (let i = 0; i < 7; i++) {
        const patched = await b.call('PATCH', `/v1/client/sign_ups/${id}`, { email_address: `patched-${i}@example.com` });
        expect(patched.status).toBe(200);
        perClient.push((await b.call('POST', `/v1/client/sign_ups/${id}/prepare_verification`, { strategy: 'email_code' })).status);
      }
      expect(perClient).toEqual([200, 200, 200, 200, 200, 429, 429]);

      const perAddress: number[] = [];
      for (let i = 0; i < 6; i++) {
        const other = fapiBrowser(t.app);
        const started = await other.call('POST', '/v1/client/sign_ups', { password: 'a sturdy passphrase' });
        const signUpId = started.body.response.id as string;
        await other.call('PATCH', `/v1/client/sign_ups/${signUpId}`, { email_address: 'mail-bombed@example.com' });
        perAddress.push(
          (await other.call('POST', `/v1/client/sign_ups/${signUpId}/prepare_verification`, { strategy: 'email_code' })).status,
        );
      }
      expect(perAddress).toEqual([200, 200, 200, 200, 200, 429]);
      const mails = (await t.store.mailOutbox.listRecent(500)).filter((m) => m.toAddress === 'mail-bombed@example.com');
      expect(mails).toHaveLength(5);
    });
  });

  describe('retries after a lost answer (issue 14 item 13)', () => {
    it('a browser that never saw its sign-up completion retries with its old cookie and gets the completed sign-up and its session', async () => {
      const b = fapiBrowser(t.app);
      const id = await startSignUp(b, 'retrying@example.com');
      const oldCookie = b.cookie;
      const code = await mailedCode(t, 'retrying@example.com');
      const first = await b.call('POST', `/v1/client/sign_ups/${id}/attempt_verification`, { strategy: 'email_code', code });
      expect(first.body.response.status).toBe('complete');

      // The answer was lost: the browser still holds the old cookie and sends the same request again.
      const retry = fapiBrowser(t.app);
      retry.cookie = oldCookie;
      const again = await retry.call('POST', `/v1/client/sign_ups/${id}/attempt_verification`, { strategy: 'email_code', code });
      expect(again.status).toBe(200);
      expect(again.body.response).toMatchObject({
        status: 'complete',
        created_session_id: first.body.response.created_session_id,
        created_user_id: first.body.response.created_user_id,
      });
      expect(again.body.client.sessions.map((s: { id: string }) => s.id)).toEqual([first.body.response.created_session_id]);
      expect(retry.cookie).not.toBe(oldCookie);
      expect((await retry.call('GET', '/v1/client')).body.response.sessions).toHaveLength(1);

      // The old cookie is good for nothing else, and a wrong code does not pass as a retry.
      const stale = fapiBrowser(t.app);
      stale.cookie = oldCookie;
      expect((await stale.call('GET', '/v1/client')).body.response?.sessions ?? []).toEqual([]);
      stale.cookie = oldCookie; // that look got this browser a fresh client of its own (development instance)
      const guess = await stale.call('POST', `/v1/client/sign_ups/${id}/attempt_verification`, {
        strategy: 'email_code',
        code: wrongCode(code),
      });
      expect(guess.status).toBe(422);
    });

    it('a retry after a crash between checking the code and completing the sign-up completes it', async () => {
      const b = fapiBrowser(t.app);
      const id = await startSignUp(b, 'crashed@example.com');
      const code = await mailedCode(t, 'crashed@example.com');
      // The state a process killed right after the code check leaves: the code used, nothing else written.
      const row = await t.store.verificationCodes.find(id, 'sign_up_email');
      expect(row && (await t.store.verificationCodes.markVerified(row.id))).toBe(true);
      const retried = await b.call('POST', `/v1/client/sign_ups/${id}/attempt_verification`, { strategy: 'email_code', code });
      expect(retried.status).toBe(200);
      expect(retried.body.response.status).toBe('complete');
      expect(retried.body.client.sessions).toHaveLength(1);
      expect((await t.domain.users.get(retried.body.response.created_user_id)).emailAddresses[0]?.emailAddress).toBe('crashed@example.com');
    });
  });
});

describe('account lockout (issue 14 item 5, ASVS 2.2.1), with lockout.maxAttempts = 5', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ flags: { 'lockout-max-attempts': '5', 'lockout-duration-minutes': '30' } });
  });
  afterAll(async () => t.close());

  it('locks the resolved user after failures through e-mail variants and the identifier-first flow; BAPI unlock resets', async () => {
    const environment = await fapiBrowser(t.app).call('GET', '/v1/environment');
    expect(environment.body.user_settings.attack_protection.user_lockout).toEqual({
      enabled: true,
      max_attempts: 5,
      duration_in_minutes: 30,
    });
    const { user } = await t.domain.users.create(
      { emailAddresses: ['locked.out@example.com'], password: 'the right passphrase' },
      SYSTEM_CALLER,
    );
    const fresh = await t.app.inject({ method: 'GET', url: `/api/v1/users/${user.id}`, headers: t.auth });
    expect(JSON.parse(fresh.body)).toMatchObject({ locked: false, lockout_expires_in_seconds: null, verification_attempts_remaining: 5 });

    const statuses: number[] = [];
    for (const identifier of [' locked.out@example.com', 'LOCKED.OUT@example.com', 'Locked.Out@Example.com ']) {
      const b = fapiBrowser(t.app);
      statuses.push(
        (await b.call('POST', '/v1/client/sign_ins', { identifier, password: 'wrong guess one', strategy: 'password' })).status,
      );
    }
    for (let i = 0; i < 2; i++) {
      const b = fapiBrowser(t.app);
      const created = await b.call('POST', '/v1/client/sign_ins', { identifier: 'locked.out@example.com' });
      const attempt = await b.call('POST', `/v1/client/sign_ins/${created.body.response.id}/attempt_first_factor`, {
        strategy: 'password',
        password: `wrong guess ${i}`,
      });
      statuses.push(attempt.status);
      if (i === 1) {
        expect(attempt.body.errors[0].code).toBe('user_locked');
        expect(attempt.body.errors[0].meta.lockout_expires_in_seconds).toBe(1800);
      }
    }
    expect(statuses).toEqual([422, 422, 422, 422, 403]);
    // Each failed password and the lockout are in the audit log, with the address they came from.
    const audited = (await t.domain.audit.list({ targetId: user.id, actionPrefix: 'user.' }, 50, 0)).data;
    const failures = audited.filter((e) => e.action === 'user.sign_in_failed');
    expect(failures.map((e) => [e.actorId, e.ip])).toEqual(Array(5).fill([user.id, '127.0.0.1']));
    expect(audited.find((e) => e.action === 'user.locked_out')).toMatchObject({ actorId: user.id, ip: '127.0.0.1' });

    const b = fapiBrowser(t.app);
    const right = await b.call('POST', '/v1/client/sign_ins', { identifier: 'locked.out@example.com', password: 'the right passphrase' });
    expect(right.status).toBe(403);
    expect(right.body.errors[0]).toMatchObject({ code: 'user_locked', meta: { lockout_expires_in_seconds: expect.any(Number) } });
    const lockedJson = JSON.parse((await t.app.inject({ method: 'GET', url: `/api/v1/users/${user.id}`, headers: t.auth })).body);
    expect(lockedJson).toMatchObject({ locked: true, verification_attempts_remaining: 0 });
    expect(lockedJson.lockout_expires_in_seconds).toBeGreaterThan(1700);

    const unlocked = await t.app.inject({ method: 'POST', url: `/api/v1/users/${user.id}/unlock`, headers: t.auth });
    expect(JSON.parse(unlocked.body)).toMatchObject({
      locked: false,
      lockout_expires_in_seconds: null,
      verification_attempts_remaining: 5,
    });
    const again = await fapiBrowser(t.app).call('POST', '/v1/client/sign_ins', {
      identifier: 'locked.out@example.com',
      password: 'the right passphrase',
    });
    expect(again.body.response.status).toBe('complete');
  });

  it('wrong e-mail codes count towards the lockout too', async () => {
    await t.domain.users.create({ emailAddresses: ['code.locked@example.com'], password: 'the right passphrase' }, SYSTEM_CALLER);
    const codes: number[] = [];
    for (let round = 0; round < 2; round++) {
      const b = fapiBrowser(t.app);
      const id = await startCodeSignIn(b, 'code.locked@example.com');
      const code = await mailedCode(t, 'code.locked@example.com');
      for (let i = 0; i < 3; i++)
        codes.push(
          (await b.call('POST', `/v1/client/sign_ins/${id}/attempt_first_factor`, { strategy: 'email_code', code: wrongCode(code, i) }))
            .status,
        );
    }
    expect(codes.slice(0, 4)).toEqual([422, 422, 422, 422]);
    expect(codes[4]).toBe(403);
  });
});

describe('change_password is rate limited and counts towards the lockout (issue 14 item 5)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('answers 429 after ten wrong current passwords in a minute', async () => {
    const { user } = await t.domain.users.create(
      { emailAddresses: ['changer@example.com'], password: 'the right passphrase' },
      SYSTEM_CALLER,
    );
    const b = fapiBrowser(t.app);
    await b.call('POST', '/v1/client/sign_ins', {
      identifier: 'changer@example.com',
      password: 'the right passphrase',
      strategy: 'password',
    });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push(
        (await b.call('POST', '/v1/me/change_password', { current_password: `wrong ${i}`, new_password: 'another fine passphrase' }))
          .status,
      );
    expect(statuses.slice(0, 10).every((s) => s === 422)).toBe(true);
    expect(statuses[10]).toBe(429);
    const json = JSON.parse((await t.app.inject({ method: 'GET', url: `/api/v1/users/${user.id}`, headers: t.auth })).body);
    expect(json.verification_attempts_remaining).toBe(90);
    // A wrong current password on the profile is a failed sign-in in the audit log, with its IP, as a wrong password at sign-in is.
    const audited = (await t.domain.audit.list({ targetId: user.id, action: 'user.sign_in_failed' }, 50, 0)).data;
    expect(audited.map((e) => [e.actorId, e.ip])).toEqual(Array(10).fill([user.id, '127.0.0.1']));
  });
});

function raceSuite(dialect: 'sqlite' | 'postgres') {
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

  it('17 concurrent wrong codes get three tries between them; the right code after them fails', async () => {
    await t.domain.users.create({ emailAddresses: ['racer@example.com'], password: 'racing passphrase' }, SYSTEM_CALLER);
    const b = fapiBrowser(t.app);
    const id = await startCodeSignIn(b, 'racer@example.com');
    const code = await mailedCode(t, 'racer@example.com');
    const answers = await Promise.all(
      Array.from({ length: 17 }, (_, i) =>
        b.call('POST', `/v1/client/sign_ins/${id}/attempt_first_factor`, { strategy: 'email_code', code: wrongCode(code, i) }),
      ),
    );
    const codesSeen = answers.map((a) => a.body.errors?.[0]?.code);
    expect(codesSeen.filter((c) => c === 'form_code_incorrect').length).toBeLessThanOrEqual(2);
    expect(codesSeen.every((c) => c === 'form_code_incorrect' || c === 'verification_failed')).toBe(true);
    const row = await t.store.verificationCodes.find(id, 'sign_in_email_code');
    expect(row?.attempts).toBe(3);
    const right = await b.call('POST', `/v1/client/sign_ins/${id}/attempt_first_factor`, { strategy: 'email_code', code });
    expect(right.status).toBe(422);
    expect(right.body.errors[0].code).toBe('verification_failed');
  });
}

describe('attempt counter under concurrency (issue 14 item 4), SQLite', () => raceSuite('sqlite'));
describe.skipIf(!pgOk)('attempt counter under concurrency (issue 14 item 4), PostgreSQL', () => raceSuite('postgres'));
