import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CALLER } from '../../domain/caller.js';
import { createTestApp, mailedCode, type TestApp } from '../../testing/app.js';
import { type FapiBrowser, fapiBrowser } from '../../testing/fapi-browser.js';
import { startMailCatcher } from '../../testing/mail-catcher.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../testing/webhook-receiver.js';

const PASSWORD = 'sms delivery passphrase';
const PHONES_ON = { phoneNumber: 'optional' as const, emailLink: false, passkeys: false };

async function signedInBrowser(t: TestApp, email: string): Promise<FapiBrowser> {
  await t.domain.users.create({ emailAddresses: [email], password: PASSWORD }, SYSTEM_CALLER);
  const b = fapiBrowser(t.app);
  const res = await b.call('POST', '/v1/client/sign_ins', { identifier: email, password: PASSWORD, strategy: 'password' });
  expect(res.body.response.status).toBe('complete');
  return b;
}

async function addPhone(b: FapiBrowser, number: string): Promise<string> {
  const added = await b.call('POST', '/v1/me/phone_numbers', { phone_number: number });
  expect(added.status).toBe(200);
  return added.body.response.id as string;
}

/** A stand-in SMS gateway on loopback: records what it is sent, answers `status`. */
function smsGateway() {
  const received: { headers: Record<string, unknown>; body: Record<string, unknown> }[] = [];
  let status = 200;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => {
      raw += chunk;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(raw) as Record<string, unknown> });
      res.writeHead(status).end();
    });
  });
  return {
    received,
    answer(code: number) {
      status = code;
    },
    async listen(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('SMS through an HTTP gateway (GATEHOUSE_SMS_GATEWAY_URL)', () => {
  const gateway = smsGateway();
  let t: TestApp;
  beforeAll(async () => {
    const url = await gateway.listen();
    t = await createTestApp({ env: { GATEHOUSE_SMS_GATEWAY_URL: url } });
    await t.domain.instance.updateSettings((s) => ({ ...s, passwordless: PHONES_ON }));
  });
  afterAll(async () => {
    await t?.close();
    await gateway.close();
  });

  it('POSTs each code as JSON to the gateway, not to the dev outbox; the code it carried verifies the number', async () => {
    const b = await signedInBrowser(t, 'gateway@example.com');
    const id = await addPhone(b, '+1 415 555 2671');
    const prepared = await b.call('POST', `/v1/me/phone_numbers/${id}/prepare_verification`, { strategy: 'phone_code' });
    expect(prepared.status).toBe(200);
    expect(gateway.received).toHaveLength(1);
    const sms = gateway.received[0];
    expect(sms?.headers['content-type']).toBe('application/json');
    expect(sms?.body).toMatchObject({ to: '+14155552671', code: expect.stringMatching(/^\d{6}$/), expires_in_minutes: 10 });
    expect(sms?.body.text).toBe(`${sms?.body.code} is your Gatehouse verification code. It expires in 10 minutes.`);
    expect((await t.store.mailOutbox.listRecent(50)).some((m) => m.toAddress === '+14155552671')).toBe(false);
    const verified = await b.call('POST', `/v1/me/phone_numbers/${id}/attempt_verification`, { code: String(sms?.body.code) });
    expect(verified.body.response).toMatchObject({ verification: { status: 'verified' } });
  });
});

describe('sms.created through the HTTP gateway: raised once the gateway took the SMS, not when it refused', () => {
  const gateway = smsGateway();
  let t: TestApp;
  let receiver: WebhookReceiver;
  let secret = '';
  let endpointId = '';
  beforeAll(async () => {
    const url = await gateway.listen();
    t = await createTestApp({ env: { GATEHOUSE_SMS_GATEWAY_URL: url } });
    await t.domain.instance.updateSettings((s) => ({ ...s, passwordless: PHONES_ON }));
    receiver = await startWebhookReceiver(() => secret);
    const endpoint = await t.app.inject({
      method: 'POST',
      url: '/api/v1/webhook_endpoints',
      headers: t.auth,
      payload: { url: receiver.url, events: ['sms.created'] },
    });
    expect(endpoint.statusCode).toBe(200);
    secret = endpoint.json().secret as string;
    endpointId = endpoint.json().id as string;
    t.domain.webhookWorker.start();
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
    await gateway.close();
  });

  it('the event carries what the gateway was sent; a refused SMS (503) raises nothing', async () => {
    const b = await signedInBrowser(t, 'gateway-hook@example.com');
    const user = (await b.call('GET', '/v1/me')).body.response;
    const id = await addPhone(b, '+1 415 555 2672');
    const prepare = () => b.call('POST', `/v1/me/phone_numbers/${id}/prepare_verification`, { strategy: 'phone_code' });

    expect((await prepare()).status).toBe(200);
    expect(gateway.received).toHaveLength(1);
    const sent = gateway.received[0]?.body;
    await receiver.waitFor((events) => events.length >= 1);
    expect(receiver.accepted.map((e) => e.type)).toEqual(['sms.created']);
    expect(receiver.accepted[0]?.data).toEqual({
      object: 'sms_message',
      id: expect.stringMatching(/^sms_/),
      slug: 'verification_code',
      from_phone_number: '',
      to_phone_number: sent?.to,
      phone_number_id: id,
      user_id: user.id,
      message: sent?.text,
      status: 'queued',
      data: { otp_code: sent?.code, app: { name: 'Gatehouse' }, expires_in_minutes: 10 },
      delivered_by_clerk: true,
    });

    // The gateway refuses: the request fails, the gateway did get the attempt, and no event is raised.
    gateway.answer(503);
    const refused = await prepare();
    gateway.answer(200);
    expect(gateway.received).toHaveLength(2);
    // Not the caller's fault: a 502 in Clerk's envelope, with words for the person waiting for the code.
    expect([refused.status, refused.body.errors?.[0]?.code]).toEqual([502, 'message_delivery_failed']);
    expect(refused.body.errors?.[0]?.long_message).toMatch(/could not be sent right now/);
    // A third SMS the gateway takes: its event is the next one the receiver gets, after the first.
    expect((await prepare()).status).toBe(200);
    expect(gateway.received).toHaveLength(3);
    await receiver.waitFor((events) => events.length >= 2);
    await t.domain.webhookWorker.idle();
    expect(receiver.accepted.map((e) => (e.type === 'sms.created' ? e.data.data?.otp_code : e.type))).toEqual([
      gateway.received[0]?.body.code,
      gateway.received[2]?.body.code,
    ]);
    // The outbox holds those two events only: the refused SMS wrote none.
    const deliveries = await t.app.inject({ method: 'GET', url: `/api/v1/webhook_endpoints/${endpointId}/deliveries`, headers: t.auth });
    expect(deliveries.json().data).toHaveLength(2);
  });
});

describe('SMS on a development instance without a gateway: the dev outbox', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await t.domain.instance.updateSettings((s) => ({ ...s, passwordless: PHONES_ON }));
  });
  afterAll(async () => t?.close());

  it('/dev/mailbox and /dev/mailbox.json show the SMS, addressed to the number', async () => {
    const b = await signedInBrowser(t, 'outbox@example.com');
    const id = await addPhone(b, '+14155550188');
    await b.call('POST', `/v1/me/phone_numbers/${id}/prepare_verification`, { strategy: 'phone_code' });
    const code = await mailedCode(t, '+14155550188');
    const json = await t.app.inject({ method: 'GET', url: '/dev/mailbox.json' });
    const sms = json.json().data.find((m: { to: string }) => m.to === '+14155550188');
    expect(sms.subject).toBe(`SMS: ${code} is your Gatehouse verification code. It expires in 10 minutes.`);
    const page = await t.app.inject({ method: 'GET', url: '/dev/mailbox' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('+14155550188');
    expect(page.body).toContain(code);
  });

  it('SMS sends per number are limited like e-mail codes: the sixth prepare in the window is 429', async () => {
    const id = await addPhone(await signedInBrowser(t, 'sends@example.com'), '+14155550199');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      // Another browser of the same person each time: the budget is the number's, not the client's.
      const b = fapiBrowser(t.app);
      await b.call('POST', '/v1/client/sign_ins', { identifier: 'sends@example.com', password: PASSWORD, strategy: 'password' });
      statuses.push((await b.call('POST', `/v1/me/phone_numbers/${id}/prepare_verification`, { strategy: 'phone_code' })).status);
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses[5]).toBe(429);
  });
});

describe('wrong SMS codes count towards the lockout (lockout.maxAttempts = 3)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ flags: { 'lockout-max-attempts': '3', 'lockout-duration-minutes': '30' } });
    await t.domain.instance.updateSettings((s) => ({ ...s, passwordless: PHONES_ON }));
  });
  afterAll(async () => t?.close());

  it('phone_code sign-ins: wrong codes lock the user, who is then refused with user_locked and shown locked', async () => {
    const number = '+14155550166';
    const owner = await signedInBrowser(t, 'sms-lock@example.com');
    const id = await addPhone(owner, number);
    await owner.call('POST', `/v1/me/phone_numbers/${id}/prepare_verification`, { strategy: 'phone_code' });
    await owner.call('POST', `/v1/me/phone_numbers/${id}/attempt_verification`, { code: await mailedCode(t, number) });

    const b = fapiBrowser(t.app);
    const signIn = (await b.call('POST', '/v1/client/sign_ins', { identifier: number })).body.response;
    expect(signIn.supported_first_factors.map((f: { strategy: string }) => f.strategy)).toContain('phone_code');
    await b.call('POST', `/v1/client/sign_ins/${signIn.id}/prepare_first_factor`, { strategy: 'phone_code', phone_number_id: id });
    const code = await mailedCode(t, number);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const answers: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await b.call('POST', `/v1/client/sign_ins/${signIn.id}/attempt_first_factor`, { strategy: 'phone_code', code: wrong });
      answers.push(`${res.status} ${res.body.errors[0].code}`);
    }
    // The failure that reaches lockout.maxAttempts is answered with the lockout itself.
    expect(answers).toEqual(['422 form_code_incorrect', '422 form_code_incorrect', '403 user_locked']);
    // The right code now: the account is locked, before the code is compared.
    const locked = await b.call('POST', `/v1/client/sign_ins/${signIn.id}/attempt_first_factor`, { strategy: 'phone_code', code });
    expect(locked.status).toBe(403);
    expect(locked.body.errors[0]).toMatchObject({ code: 'user_locked', meta: { lockout_expires_in_seconds: 1800 } });
    const password = await fapiBrowser(t.app).call('POST', '/v1/client/sign_ins', {
      identifier: 'sms-lock@example.com',
      password: PASSWORD,
      strategy: 'password',
    });
    expect(password.body.errors[0].code).toBe('user_locked');
    const me = (await owner.call('GET', '/v1/me')).body.response;
    expect(me).toMatchObject({ locked: true, lockout_expires_in_seconds: 1800 });
    const bapi = await t.app.inject({ method: 'GET', url: `/api/v1/users/${me.id}`, headers: t.auth });
    expect(bapi.json()).toMatchObject({ locked: true, lockout_expires_in_seconds: 1800 });
  });
});

describe('a mail server that refuses a code mail', () => {
  let t: TestApp;
  let catcher: Awaited<ReturnType<typeof startMailCatcher>>;
  beforeAll(async () => {
    // A real SMTP server that refuses every recipient, as a mail server over quota or misconfigured does.
    catcher = await startMailCatcher({
      onRcptTo(_address, _session, callback) {
        callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
      },
    });
    t = await createTestApp({ flags: { smtp: catcher.url } });
  });
  afterAll(async () => {
    await t?.close();
    await catcher?.close();
  });

  it("answers a code request with 502 message_delivery_failed in Clerk's envelope, not a 500", async () => {
    const b = fapiBrowser(t.app);
    const created = await b.call('POST', '/v1/client/sign_ups', { email_address: 'refused@example.com', password: PASSWORD });
    expect(created.status).toBe(200);
    const signUpId = created.body.response.id as string;
    const prepared = await b.call('POST', `/v1/client/sign_ups/${signUpId}/prepare_verification`, { strategy: 'email_code' });
    expect([prepared.status, prepared.body.errors?.[0]?.code]).toEqual([502, 'message_delivery_failed']);
    expect(prepared.body.errors?.[0]?.long_message).toBe('The email could not be sent right now. Try again in a moment.');
    expect(catcher.mails).toHaveLength(0);
  });
});
