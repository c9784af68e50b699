/**
 * The dashboard's Configure API over HTTP (in-process, real SQLite, a real SMTP server): sign-in
 * options reach /v1/environment, allow/block lists, redirect URLs and domains through the Backend
 * API's services, the logo, SMTP settings sealed at rest and never answered, a test mail caught by
 * the SMTP server with the stored credentials, template previews, the secret key's grace period,
 * what the config file sets refused, and every action in the audit log.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CALLER } from '../../domain/caller.js';
import { createTestApp, type TestApp } from '../../testing/app.js';
import { fapiBrowser } from '../../testing/fapi-browser.js';
import { startMailCatcher } from '../../testing/mail-catcher.js';
import { removeDir } from '../../testing/server.js';

const ORIGIN = 'http://127.0.0.1:4000';
const PASSWORD = 'a long operator passphrase';
const SMTP_USER = 'mailer-user';
const SMTP_PASSWORD = 'smtp-secret-Zq81!';
/** 1×1 transparent PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

/** An operator signed in on `t`: its cookie and CSRF token, and helpers to call the dashboard's API. */
async function operatorOn(t: TestApp, email: string) {
  const token = await t.domain.operators.firstOperatorLink();
  if (!token) throw new Error('no first-operator link');
  // Production operators need a second factor: set one up from the link when it says so.
  const info = (await t.app.inject({ method: 'GET', url: `/dashboard/api/setup?token=${token}` })).json();
  const totp = info.totpRequired
    ? new TOTP({ secret: Secret.fromBase32(info.totp_secret), digits: 6, period: 30, algorithm: 'SHA1' })
    : undefined;
  const setup = await t.app.inject({
    method: 'POST',
    url: '/dashboard/api/setup',
    headers: { origin: ORIGIN },
    payload: { token, email, password: PASSWORD, ...(totp ? { totp_secret: info.totp_secret, totp_code: totp.generate() } : {}) },
  });
  expect(setup.statusCode, setup.body).toBe(200);
  const signIn = await t.app.inject({
    method: 'POST',
    url: '/dashboard/api/sign-in',
    headers: { origin: ORIGIN },
    payload: { email, password: PASSWORD, ...(totp ? { code: totp.generate() } : {}) },
  });
  expect(signIn.statusCode, signIn.body).toBe(200);
  const line = [signIn.headers['set-cookie']].flat().find((l) => String(l).startsWith('__gatehouse_operator=')) ?? '';
  const cookie = String(line).split(';')[0] ?? '';
  const csrf = signIn.json().csrf_token as string;
  return {
    get: (url: string, accept = 'application/json') =>
      t.app.inject({ method: 'GET', url: `/dashboard/api${url}`, headers: { cookie, accept } }),
    write: (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
      t.app.inject({
        method,
        url: `/dashboard/api${url}`,
        headers: { origin: ORIGIN, cookie, 'x-gatehouse-csrf': csrf },
        ...(payload ? { payload } : {}),
      }),
  };
}

describe('dashboard Configure API', () => {
  let t: TestApp;
  let op: Awaited<ReturnType<typeof operatorOn>>;
  let catcher: Awaited<ReturnType<typeof startMailCatcher>>;

  beforeAll(async () => {
    catcher = await startMailCatcher({
      authOptional: false,
      authMethods: ['PLAIN', 'LOGIN'],
      onAuth(auth, _session, callback) {
        if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) callback(null, { user: auth.username });
        else callback(new Error('Invalid username or password'));
      },
    });
    t = await createTestApp({ flags: { port: '4000' } });
    op = await operatorOn(t, 'configure@example.com');
  });
  afterAll(async () => {
    await t?.close();
    await catcher?.close();
  });

  const environment = async () => (await t.app.inject({ method: 'GET', url: '/v1/environment' })).json();

  it('changes sign-in and sign-up options, and /v1/environment shows them', async () => {
    const before = await environment();
    expect(before.user_settings.attributes.authenticator_app.enabled).toBe(true);
    expect(before.user_settings.sign_up.mode).toBe('public');
    const saved = await op.write('PATCH', '/sign-in-options', {
      'factors.totp': false,
      'factors.emailCode': false,
      'frontend.username': 'required',
      'restrictions.signUpMode': 'restricted',
      'passwordless.emailLink': true,
      'organizations.forceOrganizationSelection': true,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().options['factors.totp']).toBe(false);
    const after = await environment();
    expect(after.user_settings.attributes.authenticator_app.enabled).toBe(false);
    expect(after.user_settings.attributes.email_address.first_factors).not.toContain('email_code');
    expect(after.user_settings.attributes.username).toMatchObject({ enabled: true, required: true, used_for_first_factor: true });
    expect(after.user_settings.sign_up.mode).toBe('restricted');
    expect(after.user_settings.attributes.email_address.first_factors).toContain('email_link');
    expect(after.organization_settings.force_organization_selection).toBe(true);
    // Unknown options and bad values are 422s naming them; nothing changes.
    for (const body of [{ 'factors.password': false }, { 'restrictions.signUpMode': 'open' }, { 'factors.totp': 'no' }]) {
      const res = await op.write('PATCH', '/sign-in-options', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(422);
    }
    await op.write('PATCH', '/sign-in-options', {
      'factors.totp': true,
      'factors.emailCode': true,
      'restrictions.signUpMode': 'public',
      'organizations.forceOrganizationSelection': false,
    });
  });

  it('keeps allow and block lists through the Backend API’s restrictions', async () => {
    const added = await op.write('POST', '/restrictions/blocklist', { identifier: '@spam.example' });
    expect(added.statusCode, added.body).toBe(200);
    const entry = added.json().blocklist_identifiers[0];
    expect(entry.identifier).toBe('@spam.example');
    expect((await op.write('POST', '/restrictions/blocklist', { identifier: '@spam.example' })).statusCode).toBe(422);
    const bapi = await t.app.inject({ method: 'GET', url: '/api/v1/blocklist_identifiers', headers: t.auth });
    expect(JSON.stringify(bapi.json())).toContain('@spam.example');
    expect((await op.write('DELETE', `/restrictions/blocklist/${entry.id}`)).json().blocklist_identifiers).toEqual([]);
    expect((await op.write('POST', '/restrictions/nolist', { identifier: 'a.example' })).statusCode).toBe(422);
  });

  it('registers redirect URLs and satellite domains as the Backend API does', async () => {
    const added = await op.write('POST', '/redirect-urls', { url: 'myapp://callback' });
    expect(added.statusCode, added.body).toBe(200);
    const redirect = added.json().redirect_urls[0];
    expect(redirect).toMatchObject({ object: 'redirect_url', url: 'myapp://callback' });
    expect((await op.write('POST', '/redirect-urls', { url: 'javascript:alert(1)' })).statusCode).toBe(422);
    const bapi = await t.app.inject({ method: 'GET', url: '/api/v1/redirect_urls', headers: t.auth });
    expect(bapi.json()[0].url).toBe('myapp://callback');
    expect((await op.write('DELETE', `/redirect-urls/${redirect.id}`)).json().redirect_urls).toEqual([]);

    const domain = await op.write('POST', '/domains', { name: 'shop.example.com' });
    expect(domain.statusCode, domain.body).toBe(200);
    const satellite = domain.json().domains.find((d: { name: string }) => d.name === 'shop.example.com');
    expect(satellite.is_satellite).toBe(true);
    expect((await op.write('DELETE', `/domains/${satellite.id}`)).statusCode).toBe(200);
  });

  it('sets the application logo, which the environment then names', async () => {
    const saved = await op.write('PUT', '/logo', { data: PNG.toString('base64') });
    expect(saved.statusCode, saved.body).toBe(200);
    const logo = saved.json().logo_image_url as string;
    expect(logo).toMatch(/^\/v1\/images\/[0-9a-f]{64}\.png$/);
    expect((await environment()).display_config.logo_image_url).toBe(`${ORIGIN}${logo}`);
    const served = await t.app.inject({ method: 'GET', url: logo });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect((await op.write('PUT', '/logo', { data: Buffer.from('not an image').toString('base64') })).statusCode).toBe(422);
    await op.write('DELETE', '/logo');
    expect((await environment()).display_config.logo_image_url).toBe('');
  });

  it('stores the SMTP server with its password sealed, never answers it, and sends a test mail through it', async () => {
    const before = await op.get('/mail');
    expect(before.json()).toMatchObject({ smtp: null, delivers_via: 'the dev outbox (/dev/mailbox)' });
    const saved = await op.write('PUT', '/mail', {
      smtp: { host: '127.0.0.1', port: catcher.port, secure: false, username: SMTP_USER, password: SMTP_PASSWORD },
      from: 'Acme Ops <ops@acme.example>',
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().smtp).toEqual({ host: '127.0.0.1', port: catcher.port, secure: false, username: SMTP_USER, has_password: true });
    expect(saved.body).not.toContain(SMTP_PASSWORD);
    expect((await op.get('/mail')).body).not.toContain(SMTP_PASSWORD);
    // Sealed at rest: the instance row holds no plaintext password.
    const row = await t.store.instance.get();
    expect(JSON.stringify(row?.settings)).not.toContain(SMTP_PASSWORD);
    expect(JSON.stringify(row?.settings)).toContain('"passwordEnc":"v1.');

    const sent = await op.write('POST', '/mail/test', { to: 'ops-inbox@example.com' });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json().via).toBe(`the SMTP server smtp://127.0.0.1:${catcher.port}`);
    const mail = catcher.mails.find((m) => m.to.includes('ops-inbox@example.com'));
    expect(mail?.subject).toBe('Test message from Gatehouse');
    expect(mail?.raw).toMatch(/From: Acme Ops <ops@acme\.example>/);

    // Sign-in codes now go there too (every message, not only the test).
    const user = await t.domain.users.create({ emailAddresses: ['coded@example.com'] }, SYSTEM_CALLER);
    expect(user.user.id).toBeTruthy();
    const count = catcher.count();
    const browser = fapiBrowser(t.app, ORIGIN);
    const signIn = await browser.call('POST', '/v1/client/sign_ins', { identifier: 'coded@example.com' });
    expect(signIn.status).toBe(200);
    const prepared = await browser.call('POST', `/v1/client/sign_ins/${signIn.body.response.id}/prepare_first_factor`, {
      strategy: 'email_code',
    });
    expect(prepared.status).toBe(200);
    await catcher.waitForCode('coded@example.com', { after: count });

    // Keeping the password: a save without one leaves it; a wrong one fails the test mail with the server's words, no secret.
    await op.write('PUT', '/mail', { smtp: { host: '127.0.0.1', port: catcher.port, secure: false, username: SMTP_USER } });
    expect((await op.write('POST', '/mail/test', { to: 'again@example.com' })).statusCode).toBe(200);
    await op.write('PUT', '/mail', {
      smtp: { host: '127.0.0.1', port: catcher.port, secure: false, username: SMTP_USER, password: 'wrong' },
    });
    const refused = await op.write('POST', '/mail/test', { to: 'again@example.com' });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).not.toContain('wrong');
    for (const bad of [
      { host: 'smtp.example.com/x', port: 25, secure: false },
      { host: 'a b', port: 25, secure: false },
    ]) {
      expect((await op.write('PUT', '/mail', { smtp: bad })).statusCode, JSON.stringify(bad)).toBe(422);
    }
    expect((await op.write('POST', '/mail/test', { to: 'a@example.com, b@example.com' })).statusCode).toBe(422);
    // Back to the outbox.
    await op.write('PUT', '/mail', { smtp: null, from: null });
    expect((await op.get('/mail')).json().delivers_via).toBe('the dev outbox (/dev/mailbox)');
  });

  it('previews every template, in the languages it exists in, in a sandboxed page', async () => {
    const json = await op.get('/mail/preview?template=sign_in_code&locale=ja');
    expect(json.json().subject).toContain('123456');
    const html = await op.get('/mail/preview?template=organization_invitation', 'text/html');
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(String(html.headers['content-security-policy'])).toMatch(/sandbox/);
    expect(html.body).toContain('Acme Inc');
    expect((await op.get('/mail/preview?template=nope')).statusCode).toBe(422);
  });

  it('rotates the secret key with a grace period: the old key still works, then not after a rotation with none', async () => {
    const oldKey = t.secretKey;
    const rotated = await op.write('POST', '/keys/rotate-secret-key', { grace_seconds: 3600 });
    expect(rotated.statusCode, rotated.body).toBe(200);
    const newKey = rotated.json().secret_key as string;
    expect(newKey).not.toBe(oldKey);
    for (const key of [oldKey, newKey]) {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/users?limit=1', headers: { authorization: `Bearer ${key}` } });
      expect(res.statusCode).toBe(200);
    }
    const again = await op.write('POST', '/keys/rotate-secret-key', { grace_seconds: 0 });
    const newest = again.json().secret_key as string;
    for (const [key, status] of [
      [oldKey, 401],
      [newKey, 401],
      [newest, 200],
    ] as const) {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/users?limit=1', headers: { authorization: `Bearer ${key}` } });
      expect(res.statusCode).toBe(status);
    }
  });

  it('records every action in the audit log', async () => {
    const audit = (await op.get('/audit?limit=200')).json().data.map((e: { action: string }) => e.action);
    for (const action of [
      'sign_in_options.update',
      'blocklist_identifier.create',
      'blocklist_identifier.delete',
      'redirect_url.create',
      'redirect_url.delete',
      'domain.create',
      'domain.delete',
      'settings.logo_update',
      'settings.logo_remove',
      'mail_settings.update',
      'mail.test_sent',
      'mail.test_failed',
      'keys.rotate_secret_key',
    ]) {
      expect(audit, action).toContain(action);
    }
    expect(JSON.stringify((await op.get('/audit?limit=200')).json())).not.toContain(SMTP_PASSWORD);
  });
});

describe('dashboard Configure API under a config file', () => {
  let t: TestApp;
  let op: Awaited<ReturnType<typeof operatorOn>>;
  let dir = '';

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-config-'));
    const file = path.join(dir, 'gatehouse.config.json');
    writeFileSync(
      file,
      JSON.stringify({
        factors: { totp: false },
        restrictions: { signUpMode: 'waitlist' },
        organizations: { creatorRole: 'org:admin', forceOrganizationSelection: true },
      }),
    );
    t = await createTestApp({ flags: { port: '4000', config: file, smtp: 'smtp://127.0.0.1:2525' } });
    op = await operatorOn(t, 'locked@example.com');
  });
  afterAll(async () => {
    await t?.close();
    removeDir(dir);
  });

  it('shows what the file sets as locked, refuses to change it, and still changes the rest', async () => {
    const options = (await op.get('/sign-in-options')).json();
    expect(options.config_locked.sort()).toEqual(['factors.totp', 'organizations.forceOrganizationSelection', 'restrictions.signUpMode']);
    expect(options.options['organizations.forceOrganizationSelection']).toBe(true);
    expect(options.options['factors.totp']).toBe(false);
    expect(options.options['restrictions.signUpMode']).toBe('waitlist');
    const refused = await op.write('PATCH', '/sign-in-options', { 'factors.totp': true });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors[0].meta.param_name).toBe('factors.totp');
    const allowed = await op.write('PATCH', '/sign-in-options', { 'factors.backupCode': false });
    expect(allowed.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/v1/environment' })).json().user_settings.attributes.backup_code.enabled).toBe(false);
    const mail = (await op.get('/mail')).json();
    expect(mail.config_locked).toEqual(['mail.smtp']);
    expect((await op.write('PUT', '/mail', { smtp: null })).statusCode).toBe(422);
    // Roles & permissions: the creator role is the file's, the default role is the dashboard's.
    expect((await op.get('/organization-roles')).json().config_locked).toEqual(['creator_role']);
    const creator = await op.write('PATCH', '/organization-settings', { creator_role: 'org:member' });
    expect(creator.statusCode).toBe(422);
    expect(creator.json().errors[0].meta.param_name).toBe('creator_role');
    expect((await op.write('PATCH', '/organization-settings', { default_role: 'org:admin' })).json()).toMatchObject({
      creator_role: 'org:admin',
      default_role: 'org:admin',
    });
  });
});

describe('dashboard Configure API on a production instance', () => {
  let t: TestApp;
  let op: Awaited<ReturnType<typeof operatorOn>>;

  beforeAll(async () => {
    t = await createTestApp({ flags: { port: '4000', 'instance-type': 'production' } });
    op = await operatorOn(t, 'prod-configure@example.com');
  });
  afterAll(async () => t?.close());

  it('never goes back to the dev outbox: a stored SMTP server can be replaced, not removed', async () => {
    const server = { host: 'smtp.example.com', port: 587, secure: false };
    expect((await op.write('PUT', '/mail', { smtp: server })).statusCode).toBe(200);
    const removed = await op.write('PUT', '/mail', { smtp: null });
    expect(removed.statusCode).toBe(422);
    expect(removed.json().errors[0].meta.param_name).toBe('smtp');
    expect((await op.write('PUT', '/mail', { smtp: { ...server, host: 'smtp2.example.com' } })).statusCode).toBe(200);
    expect((await op.get('/mail')).json().delivers_via).toBe('the SMTP server smtp://smtp2.example.com:587');
  });
});
