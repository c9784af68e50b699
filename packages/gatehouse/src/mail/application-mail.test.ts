import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { SYSTEM_CALLER } from '../domain/caller.js';
import { createTestApp, type TestApp } from '../testing/app.js';
import { type MailCatcher, startMailCatcher } from '../testing/mail-catcher.js';

const ORIGIN = 'http://127.0.0.1:5173';

function fromHeader(raw: string): string {
  const head = (raw.split(/\r?\n\r?\n/, 1)[0] ?? '').replace(/\r?\n[ \t]+/g, ' ');
  return head.split(/\r?\n/).find((line) => /^from:/i.test(line)) ?? '';
}

/**
 * Mail speaks in the instance's application name (`frontend.applicationName`, as the hosted pages
 * and clerk-js show it) and comes from the configured sender, delivered to a real SMTP server.
 */
describe('mail: application name and From address, over SMTP', () => {
  let smtp: MailCatcher;
  let t: TestApp;

  async function requestCode(email: string): Promise<void> {
    let cookie = '';
    const post = async (url: string, form: Record<string, string>) => {
      const res = await t.app.inject({
        method: 'POST',
        url,
        headers: { origin: ORIGIN, cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(form).toString(),
      });
      const set = res.headers['set-cookie'];
      for (const line of Array.isArray(set) ? set : set ? [set] : []) if (line.startsWith('__client=')) cookie = line.split(';')[0] ?? '';
      expect(res.statusCode, res.body).toBe(200);
      return JSON.parse(res.body).response as { id: string; supported_first_factors: { strategy: string; email_address_id?: string }[] };
    };
    const signIn = await post('/v1/client/sign_ins', { identifier: email });
    const factor = signIn.supported_first_factors.find((f) => f.strategy === 'email_code');
    await post(`/v1/client/sign_ins/${signIn.id}/prepare_first_factor`, {
      strategy: 'email_code',
      email_address_id: factor?.email_address_id ?? '',
    });
  }

  beforeAll(async () => {
    smtp = await startMailCatcher();
    const configFile = path.join(tmpdir(), `gatehouse-mail-${process.pid}-${Date.now()}.json`);
    writeFileSync(configFile, JSON.stringify({ frontend: { applicationName: 'Acme Corp' } }));
    t = await createTestApp({ flags: { smtp: smtp.url, 'mail-from': 'Acme Sign-in <auth@acme.test>', config: configFile } });
    await t.domain.users.create({ emailAddresses: ['mia@example.com'], password: 'a mail passphrase' }, SYSTEM_CALLER);
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('names the application in the message and sends from the configured address', async () => {
    const before = smtp.count();
    await requestCode('mia@example.com');
    const { mail } = await smtp.waitForCode('mia@example.com', { after: before });
    expect(mail.mailFrom).toBe('auth@acme.test');
    expect(fromHeader(mail.raw)).toMatch(/^From: "?Acme Sign-in"? <auth@acme\.test>$/i);
    expect(mail.raw).toContain('Acme Corp');
    expect(mail.raw).not.toMatch(/Gatehouse/);
  });

  it('follows a renamed application at once', async () => {
    await t.domain.instance.updateSettings((settings) => ({
      ...settings,
      frontend: { ...settings.frontend, applicationName: 'Acme Renamed' },
    }));
    const before = smtp.count();
    await requestCode('mia@example.com');
    const { mail } = await smtp.waitForCode('mia@example.com', { after: before });
    expect(mail.raw).toContain('Acme Renamed');
  });
});

describe('mail From configuration', () => {
  const load = (flags: Record<string, string>, env: NodeJS.ProcessEnv = {}) => loadConfig({ 'data-dir': tmpdir(), ...flags }, env);

  it('reads --mail-from and GATEHOUSE_MAIL_FROM, a bare address keeping the application name as the shown name', () => {
    expect(load({ 'mail-from': 'Acme <no-reply@acme.com>' }).mailFrom).toEqual({ name: 'Acme', address: 'no-reply@acme.com' });
    expect(load({}, { GATEHOUSE_MAIL_FROM: 'no-reply@acme.com' }).mailFrom).toEqual({ name: undefined, address: 'no-reply@acme.com' });
    expect(load({}).mailFrom).toBeUndefined();
  });

  it.each([
    ['not an address', 'nobody'],
    ['two addresses', 'a@acme.com, b@acme.com'],
    ['a header injection', 'Acme\r\nBcc: victim@example.com <a@acme.com>'],
    ['a broken bracket', 'Acme <a@acme.com'],
  ])('refuses %s with a message naming the flag and the fix', (_name, value) => {
    expect(() => load({ 'mail-from': value })).toThrow(
      /^--mail-from ".*" is not a sender address; use "Acme <no-reply@acme.com>" or no-reply@acme.com\.$/s,
    );
  });
});
