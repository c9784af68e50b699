/**
 * The dashboard's Configure pages in Chromium against a real `gatehouse start`: a sign-in option
 * changed with the keyboard shows in /v1/environment and in the hosted <SignIn/>; an allowlist entry,
 * a redirect URL and a logo; SMTP settings saved and a test mail caught by a real SMTP server, with
 * the template previews; the secret key rotated with a grace period (the old key still accepted by
 * @clerk/backend) and the signing key rotated (both keys in the JWKS); every action in the audit log.
 * Screenshots: artifacts/e2e/dashboard-configure-*.png.
 */
import { deflateSync } from 'node:zlib';
import { createClerkClient } from '@clerk/backend';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailCatcher } from '../testing/mail-catcher.js';
import { chromiumAvailable, newContext, shot } from './browser.js';
import { chromiumSuite, createFirstOperator, dashboardPage, STEP, signInToDashboard } from './harness.js';

const hasChromium = chromiumAvailable();
const OPERATOR = { email: 'configure-ops@example.com', password: 'configure passphrase 1' };
/** A 48×48 PNG of two colours (a real image, drawn here), the logo uploaded through the file input. */
function logoPng(): Buffer {
  const size = 48;
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const b of bytes) c = (crcTable[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows: number[] = [];
  for (let y = 0; y < size; y++) {
    rows.push(0);
    for (let x = 0; x < size; x++) rows.push(...(x + y < size ? [79, 70, 229] : [16, 185, 129]));
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
const PNG = logoPng();

describe.skipIf(!hasChromium)('the dashboard’s Configure pages in Chromium', () => {
  let page: Page;
  let catcher: Awaited<ReturnType<typeof startMailCatcher>>;
  // The mail server the SMTP settings point at (Gatehouse starts without one). Its hooks come before
  // the suite's: it starts first and closes last.
  beforeAll(async () => {
    // The server insists on the credentials saved in the page: the sealed password must reach it intact.
    catcher = await startMailCatcher({
      authOptional: false,
      onAuth(auth, _session, callback) {
        if (auth.username === 'relay-user' && auth.password === 'relay-password-123') callback(null, { user: auth.username });
        else callback(new Error('Invalid username or password'));
      },
    });
  });
  afterAll(async () => {
    await catcher?.close();
  });
  const suite = chromiumSuite();
  const clerk = (secretKey = suite.gatehouse.env.secretKey) =>
    createClerkClient({ secretKey, apiUrl: suite.gatehouse.env.apiUrl, telemetry: { disabled: true } });
  const go = (path: string, heading: string) => dashboardPage(page, suite.gatehouse, path, heading);
  const environment = async () => (await fetch(`${suite.gatehouse.url}/v1/environment`)).json();

  beforeAll(async () => {
    const { context } = await newContext(suite.browser, 'dashboard-configure');
    page = await context.newPage();
    page.on('dialog', (dialog) => dialog.accept());
    // The first operator, from the link the first start printed.
    await createFirstOperator(suite.gatehouse, OPERATOR);
  }, 180_000);

  it('signs in and changes a sign-in option with the keyboard: /v1/environment and <SignIn/> show it', async () => {
    await signInToDashboard(page, suite.gatehouse, OPERATOR);

    expect((await environment()).user_settings.attributes.username.used_for_first_factor).toBe(false);
    await page.getByRole('link', { name: 'Sign-in & sign-up' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign-in & sign-up' }).waitFor({ timeout: STEP });
    // Keyboard only: the username select, then the TOTP box with Space, then Enter on Save.
    await page.getByLabel('Username', { exact: true }).focus();
    await page.keyboard.press('ArrowDown'); // off → optional
    await page.getByLabel('Authenticator app (TOTP)').focus();
    await page.keyboard.press('Space');
    await page.getByText('2 unsaved changes').waitFor({ timeout: STEP });
    await page.getByRole('button', { name: 'Save sign-in options' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('Sign-in options saved.').waitFor({ timeout: STEP });
    const env = await environment();
    expect(env.user_settings.attributes.username).toMatchObject({ enabled: true, used_for_first_factor: true });
    expect(env.user_settings.attributes.authenticator_app.enabled).toBe(false);

    // Allowlist: an entry, listed and kept in the Backend API's list.
    await page.getByLabel('Add to the allowlist (address or domain)').fill('@partner.example');
    await page.getByLabel('Add to the allowlist (address or domain)').press('Enter');
    await page.getByText('@partner.example', { exact: true }).waitFor({ timeout: STEP });
    expect((await clerk().allowlistIdentifiers.getAllowlistIdentifierList()).data.map((a) => a.identifier)).toContain('@partner.example');
    await shot(page, 'dashboard-configure-01-sign-in-options');

    // The hosted <SignIn/> (clerk-js reads /v1/environment) asks for the username too.
    const { context: visitorContext } = await newContext(suite.browser, 'dashboard-configure-visitor');
    const visitor = await visitorContext.newPage();
    await visitor.goto(`${suite.gatehouse.url}/sign-in`);
    await visitor.getByLabel(/Email address or username/i).waitFor({ timeout: STEP });
    await shot(visitor, 'dashboard-configure-02-sign-in-with-username');
    await visitorContext.close();
  }, 120_000);

  it('sets the logo and a redirect URL on the Application page', async () => {
    await go('/dashboard/configure', 'Application');
    await page.getByLabel('Upload a logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: PNG });
    await page.getByText('Logo saved.').waitFor({ timeout: STEP });
    await page.getByAltText("The application's logo").waitFor({ timeout: STEP });
    expect((await environment()).display_config.logo_image_url).toMatch(/\/v1\/images\/[0-9a-f]{64}\.png$/);
    await page.getByLabel('Redirect URL to add').fill('myapp://oauth/callback');
    await page.getByRole('button', { name: 'Add URL' }).click();
    await page.getByText('myapp://oauth/callback', { exact: true }).waitFor({ timeout: STEP });
    expect((await clerk().redirectUrls.getRedirectUrlList()).data.map((r) => r.url)).toContain('myapp://oauth/callback');
    await shot(page, 'dashboard-configure-03-application');
  }, 60_000);

  it('saves SMTP settings and a test mail arrives at a real SMTP server; templates preview', async () => {
    await go('/dashboard/email', 'E-mail');
    await page.getByTestId('delivers-via').getByText('dev outbox').waitFor({ timeout: STEP });
    await page.getByLabel('Host', { exact: true }).fill('127.0.0.1');
    await page.getByLabel('Port', { exact: true }).fill(String(catcher.port));
    await page.getByLabel('Username', { exact: true }).fill('relay-user');
    await page.getByLabel('Password', { exact: true }).fill('relay-password-123');
    await page.getByLabel('Sender', { exact: true }).fill('Configure Test <hello@configure.example>');
    await page.getByRole('button', { name: 'Save mail settings' }).click();
    await page.getByText('Mail settings saved.').waitFor({ timeout: STEP });
    await page.getByTestId('delivers-via').getByText(`the SMTP server smtp://127.0.0.1:${catcher.port}`).waitFor({ timeout: STEP });
    await expect.poll(() => page.getByLabel('Password', { exact: true }).inputValue()).toBe('');
    await page.getByText('Stored (sealed). Leave empty to keep it.').waitFor({ timeout: STEP });

    await page.getByLabel('Send a test mail to').fill('inbox@configure.example');
    await page.getByRole('button', { name: 'Send test mail' }).click();
    await page.getByText(/Test mail sent to inbox@configure\.example via the SMTP server/).waitFor({ timeout: STEP });
    await expect.poll(() => catcher.mails.some((m) => m.to.includes('inbox@configure.example')), { timeout: STEP }).toBe(true);
    const mail = catcher.mails.find((m) => m.to.includes('inbox@configure.example'));
    expect(mail?.subject).toBe('Test message from Gatehouse');
    expect(mail?.raw).toContain('hello@configure.example');

    await page.getByLabel('Template', { exact: true }).selectOption('sign_in_code');
    await page.getByLabel('Language').selectOption('ja');
    await page.getByTestId('template-subject').getByText('123456').waitFor({ timeout: STEP });
    const frame = page.frameLocator('iframe.mail-preview');
    await frame.getByText('123456').waitFor({ timeout: STEP });
    // The screenshot in English (this machine's Chromium may lack CJK fonts).
    await page.getByLabel('Language').selectOption('en');
    await frame.getByText('Sign in to Gatehouse').waitFor({ timeout: STEP });
    await shot(page, 'dashboard-configure-04-email');
  }, 90_000);

  it('rotates the secret key with a grace period (the old key still works) and the signing key (both in the JWKS)', async () => {
    const oldKey = suite.gatehouse.env.secretKey;
    const jwksBefore = (await (await fetch(`${suite.gatehouse.url}/.well-known/jwks.json`)).json()).keys.length;
    await go('/dashboard/keys', 'API keys');
    await page.getByText('CLERK_PUBLISHABLE_KEY=').waitFor({ timeout: STEP });
    await page.getByLabel('Grace period (hours)').fill('2');
    await page.getByRole('button', { name: 'Rotate secret key' }).click();
    await page.getByText(/New secret key made; the previous one works until/).waitFor({ timeout: STEP });
    // The page reloads the keys after the rotation: wait for the new one to show.
    const shown = async () => (await page.getByTestId('secret-key').textContent())?.trim() ?? '';
    await expect.poll(shown, { timeout: STEP }).toMatch(/^sk_test_\w+$/);
    await expect.poll(shown, { timeout: STEP }).not.toBe(oldKey);
    const newKey = await shown();
    // Both keys work during the grace period.
    for (const key of [oldKey, newKey]) expect((await clerk(key).users.getCount()) >= 0).toBe(true);
    await expect(clerk('sk_test_notakey000000000000000000000000000000').users.getCount()).rejects.toThrow();

    await page.getByLabel('Overlap before it signs (seconds, 10–86400)').fill('10');
    await page.getByRole('button', { name: 'Rotate signing key' }).click();
    await page.getByText(/New signing key .* published/).waitFor({ timeout: STEP });
    await page.getByRole('cell', { name: 'pending' }).waitFor({ timeout: STEP });
    const jwksAfter = (await (await fetch(`${suite.gatehouse.url}/.well-known/jwks.json`)).json()).keys.length;
    expect(jwksAfter).toBe(jwksBefore + 1);
    await shot(page, 'dashboard-configure-05-keys');
  }, 60_000);

  it('records every action in the audit log', async () => {
    await go('/dashboard/audit', 'Audit log');
    for (const action of [
      'sign_in_options.update',
      'allowlist_identifier.create',
      'settings.logo_update',
      'redirect_url.create',
      'mail_settings.update',
      'mail.test_sent',
      'keys.rotate_secret_key',
      'keys.rotate_signing_key',
    ]) {
      await page.getByRole('cell', { name: action, exact: true }).first().waitFor({ timeout: STEP });
    }
    expect(await page.content()).not.toContain('relay-password-123');
    await shot(page, 'dashboard-configure-06-audit-log');
  }, 60_000);
});
