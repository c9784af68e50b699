import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/index.js';
import { type CaughtMail, startMailCatcher } from '../testing/mail-catcher.js';
import { parseFromAddress } from './from-address.js';
import { escapeHtml } from './html.js';
import { type MailLocale, pickLocale } from './locale.js';
import { createMailer, MailDeliveryError } from './mailer.js';
import { MAIL_KINDS, renderMail } from './templates.js';

// --- A small MIME reader: enough for what nodemailer writes (RFC 2047 words, QP and base64 parts). ---

function decodeQ(text: string, underscoreIsSpace: boolean): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === '_' && underscoreIsSpace) {
      bytes.push(0x20);
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

/** Decodes RFC 2047 encoded words; adjacent words are joined as bytes, since a character may span two. */
function decodeHeaderValue(value: string): string {
  return value.replace(/=\?[^?]+\?[BbQq]\?[^?]*\?=(?:\s+=\?[^?]+\?[BbQq]\?[^?]*\?=)*/g, (run) => {
    const bytes = [...run.matchAll(/=\?[^?]+\?([BbQq])\?([^?]*)\?=/g)].map(([, enc, text = '']) =>
      enc?.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : decodeQ(text, true),
    );
    return Buffer.concat(bytes).toString('utf8');
  });
}

interface Part {
  headers: Map<string, string>;
  body: string;
}

function parsePart(raw: string): Part {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split === -1 ? raw : raw.slice(0, split);
  const body = split === -1 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decodeBody(part: Part): string {
  const encoding = (part.headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (encoding === 'base64') return Buffer.from(part.body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQ(part.body.replace(/=\r?\n/g, ''), false).toString('utf8');
  return part.body;
}

interface ParsedMail {
  headers: Map<string, string>;
  subject: string;
  text: string;
  html: string;
}

function parseMail(raw: string): ParsedMail {
  const top = parsePart(raw);
  const boundary = /boundary="?([^";]+)"?/.exec(top.headers.get('content-type') ?? '')?.[1];
  if (!boundary) throw new Error('expected a multipart message');
  const parts = top.body
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((chunk) => parsePart(chunk.replace(/^\r?\n/, '').replace(/\r?\n$/, '')));
  const find = (type: string) => {
    const part = parts.find((p) => (p.headers.get('content-type') ?? '').toLowerCase().startsWith(type));
    if (!part) throw new Error(`no ${type} part`);
    return decodeBody(part);
  };
  return {
    headers: top.headers,
    subject: decodeHeaderValue(top.headers.get('subject') ?? ''),
    text: find('text/plain'),
    html: find('text/html'),
  };
}

let dir: string;
let store: Store;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-mail-'));
  store = await openStore({ url: `sqlite:${path.join(dir, 'gatehouse.db')}` });
});

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const NOW = 1_700_000_000_000;
const clock = () => NOW;

describe('SMTP mode', () => {
  const localizedSubject: Record<MailLocale, string> = {
    en: 'is your verification code',
    'zh-CN': '是您的验证码',
    ja: '確認コード',
    ko: '인증 코드',
  };
  const localizedExpiry: Record<MailLocale, string> = {
    en: 'expires in 10 minutes',
    'zh-CN': '10 分钟内有效',
    ja: '有効期限は10分',
    ko: '10분 후에 만료',
  };

  it('delivers a verification code in each locale to a real SMTP server', async () => {
    const smtp = await startMailCatcher();
    const lines: string[] = [];
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, appName: 'Acme', store, clock, log: (l) => lines.push(l) });
    try {
      expect(mailer.mode).toBe('smtp');
      const locales: MailLocale[] = ['en', 'zh-CN', 'ja', 'ko'];
      const codes = ['123456', '234567', '345678', '456789'];
      for (const [i, locale] of locales.entries()) {
        await mailer.send({
          to: `user-${locale}@example.com`,
          kind: 'verification_code',
          locale,
          code: codes[i] as string,
          expiresInMinutes: 10,
        });
      }
      expect(smtp.mails).toHaveLength(4);
      for (const [i, locale] of locales.entries()) {
        const code = codes[i] as string;
        const to = `user-${locale}@example.com`;
        const message = smtp.mails[i] as CaughtMail;
        expect(message.rcptTo).toEqual([to]);
        expect(message.mailFrom).toBe('no-reply@gatehouse.local');
        expect(message.raw).toContain(to);
        const mail = parseMail(message.raw);
        expect(mail.headers.get('to')).toBe(to);
        // No From configured: the application's name beside Gatehouse's no-reply address.
        expect(decodeHeaderValue(mail.headers.get('from') ?? '')).toBe('Acme <no-reply@gatehouse.local>');
        expect(mail.subject).toContain(code);
        expect(mail.subject).toContain(localizedSubject[locale]);
        expect(mail.subject).toBe(renderMail('verification_code', locale, { code, appName: 'Acme', expiresInMinutes: 10 }).subject);
        expect(mail.text).toContain(code);
        expect(mail.text).toContain(localizedExpiry[locale]);
        expect(mail.html).toContain(code);
        expect(mail.html).toContain(`lang="${locale}"`);
      }
      // Codes stay out of the logs when mail really goes out.
      expect(lines.join('\n')).not.toMatch(/123456|234567|345678|456789/);
      expect(lines).toEqual([`mail: delivering over SMTP via smtp://127.0.0.1:${smtp.port}`]);
      expect(await store.mailOutbox.listRecent(50)).toEqual([]);
    } finally {
      await mailer.close();
      await smtp.close();
    }
  });

  it('uses the configured From address', async () => {
    const smtp = await startMailCatcher();
    const mailer = createMailer({
      smtpUrl: `smtp://127.0.0.1:${smtp.port}`,
      from: parseFromAddress('Acme Auth <auth@acme.test>'),
      appName: 'Acme',
      store,
      clock,
      log: () => {},
    });
    try {
      await mailer.send({ to: 'a@example.com', kind: 'reset_password_code', locale: 'en', code: '909090', expiresInMinutes: 15 });
      expect(smtp.mails[0]?.mailFrom).toBe('auth@acme.test');
      const mail = parseMail(smtp.mails[0]?.raw ?? '');
      expect(decodeHeaderValue(mail.headers.get('from') ?? '')).toBe('Acme Auth <auth@acme.test>');
      expect(mail.subject).toBe('909090 is your password reset code');
      expect(mail.text).toContain('expires in 15 minutes');
    } finally {
      await mailer.close();
      await smtp.close();
    }
  });

  it('authenticates with the credentials in the URL', async () => {
    const seen: { username?: string | null; password?: string | null }[] = [];
    const smtp = await startMailCatcher({
      allowInsecureAuth: true,
      authOptional: false,
      onAuth(auth, _session, callback) {
        seen.push({ username: auth.username, password: auth.password });
        callback(null, { user: auth.username });
      },
    });
    const mailer = createMailer({
      smtpUrl: `smtp://mailer:p%40ss%20word@127.0.0.1:${smtp.port}`,
      appName: 'Acme',
      store,
      clock,
      log: () => {},
    });
    try {
      await mailer.send({ to: 'a@example.com', kind: 'sign_in_code', locale: 'ko', code: '111222', expiresInMinutes: 10 });
      expect(seen).toEqual([{ username: 'mailer', password: 'p@ss word' }]);
      expect(parseMail(smtp.mails[0]?.raw ?? '').subject).toBe('로그인 코드: 111222');
    } finally {
      await mailer.close();
      await smtp.close();
    }
  });

  it('reports a rejected login without the password', async () => {
    const smtp = await startMailCatcher({
      allowInsecureAuth: true,
      authOptional: false,
      onAuth(_auth, _session, callback) {
        callback(new Error('Invalid username or password'));
      },
    });
    const lines: string[] = [];
    const mailer = createMailer({
      smtpUrl: `smtp://mailer:hunter2-secret@127.0.0.1:${smtp.port}`,
      appName: 'Acme',
      store,
      clock,
      log: (l) => lines.push(l),
    });
    try {
      const error = await mailer
        .send({ to: 'a@example.com', kind: 'sign_in_code', locale: 'en', code: '333444', expiresInMinutes: 10 })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(MailDeliveryError);
      const e = error as MailDeliveryError;
      expect(e.code).toBe('EAUTH');
      expect(e.message).toContain(`smtp://127.0.0.1:${smtp.port}`);
      expect(e.message).not.toContain('hunter2');
      expect(e.message).not.toContain('333444');
      expect(JSON.stringify(e)).not.toContain('hunter2');
      expect(lines.join('\n')).not.toContain('hunter2');
    } finally {
      await mailer.close();
      await smtp.close();
    }
  });

  it('reports an unreachable server without the password', async () => {
    const smtp = await startMailCatcher();
    await smtp.close();
    const mailer = createMailer({
      smtpUrl: `smtps://mailer:hunter2-secret@127.0.0.1:${smtp.port}`,
      appName: 'Acme',
      store,
      clock,
      log: () => {},
    });
    try {
      const error = await mailer
        .send({ to: 'a@example.com', kind: 'verification_code', locale: 'en', code: '555666', expiresInMinutes: 10 })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(MailDeliveryError);
      expect((error as Error).message).toMatch(/^mail: SMTP delivery via smtps:\/\/127\.0\.0\.1:\d+ failed/);
      expect((error as Error).message).not.toContain('hunter2');
    } finally {
      await mailer.close();
    }
  });

  it('refuses a malformed SMTP URL without echoing it', () => {
    const make = (smtpUrl: string) => () => createMailer({ smtpUrl, appName: 'Acme', store, clock, log: () => {} });
    expect(make('not a url hunter2')).toThrow(/not a valid URL/);
    expect(make('not a url hunter2')).not.toThrow(/hunter2/);
    expect(make('http://user:hunter2@host')).toThrow(/smtp:\/\/ or smtps:\/\//);
  });

  it('refuses anything but one plain recipient address', async () => {
    const smtp = await startMailCatcher();
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, appName: 'Acme', store, clock, log: () => {} });
    try {
      for (const to of ['a@example.com, b@example.com', 'Eve <eve@example.com>', 'a@example.com\r\nBcc: b@example.com', 'nobody', '']) {
        await expect(mailer.send({ to, kind: 'verification_code', locale: 'en', code: '123456', expiresInMinutes: 10 })).rejects.toThrow(
          /not a single e-mail address/,
        );
      }
      expect(smtp.mails).toEqual([]);
    } finally {
      await mailer.close();
      await smtp.close();
    }
  });
});

describe('outbox mode', () => {
  it('stores the message in the database and logs the subject with the code', async () => {
    const lines: string[] = [];
    const mailer = createMailer({ appName: 'Acme', store, clock, log: (l) => lines.push(l) });
    expect(mailer.mode).toBe('outbox');
    await mailer.send({ to: 'a@b.c', kind: 'verification_code', locale: 'en', code: '123456', expiresInMinutes: 10 });
    await mailer.send({ to: 'd@e.f', kind: 'sign_in_code', locale: 'zh-CN', code: '654321', expiresInMinutes: 5 });
    expect(lines).toEqual([
      'mail: no SMTP URL configured; messages go to the dev outbox at /dev/mailbox',
      'mail to a@b.c: "123456 is your verification code"',
      'mail to d@e.f: "654321 是您的登录验证码"',
    ]);
    const rows = await store.mailOutbox.listRecent(50);
    expect(rows).toHaveLength(2);
    const row = rows.find((r) => r.toAddress === 'a@b.c');
    expect(row).toMatchObject({ subject: '123456 is your verification code', locale: 'en', createdAt: NOW });
    expect(row?.id).toMatch(/^mail_[0-9A-Za-z]{27}$/);
    expect(row?.textBody).toContain('123456');
    expect(row?.textBody).toContain('This code expires in 10 minutes.');
    expect(row?.htmlBody).toContain('123456');
    const zh = rows.find((r) => r.toAddress === 'd@e.f');
    expect(zh).toMatchObject({ subject: '654321 是您的登录验证码', locale: 'zh-CN' });
    expect(zh?.textBody).toContain('验证码 5 分钟内有效。');
    await mailer.close();
  });

  it('treats a blank SMTP URL as none', () => {
    expect(createMailer({ smtpUrl: '  ', appName: 'Acme', store, clock, log: () => {} }).mode).toBe('outbox');
  });
});

describe('pickLocale', () => {
  it.each([
    // explicit locale wins
    ['en-US', undefined, 'en'],
    ['ko-KR', 'ja', 'ko'],
    ['ja-JP', undefined, 'ja'],
    ['zh-CN', undefined, 'zh-CN'],
    ['zh-Hans', undefined, 'zh-CN'],
    ['zh', undefined, 'zh-CN'],
    ['zh-SG', undefined, 'zh-CN'],
    ['zh-Hans-CN', undefined, 'zh-CN'],
    ['zh_CN', undefined, 'zh-CN'],
    ['ZH-cn', undefined, 'zh-CN'],
    ['en-GB', 'ko-KR,ko;q=0.9', 'en'],
    // unsupported or empty explicit locale: fall back to the header
    ['fr-FR', 'ja,en;q=0.5', 'ja'],
    ['', 'ko', 'ko'],
    [undefined, 'ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7', 'ko'],
    [undefined, 'ja-JP,ja;q=0.9', 'ja'],
    [undefined, 'zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    // q-values, not order, decide
    [undefined, 'en;q=0.5, ja;q=0.8', 'ja'],
    [undefined, 'ko;q=0.1, zh-Hans;q=0.9, en', 'en'],
    [undefined, 'ko;q=0.1, zh-Hans;q=0.9, en;q=0.2', 'zh-CN'],
    // unsupported languages are skipped, q=0 means "not this one"
    [undefined, 'fr-FR, de;q=0.9, ja;q=0.8, en;q=0.7', 'ja'],
    [undefined, 'ja;q=0, ko;q=0.3', 'ko'],
    [undefined, 'ja;q=0', 'en'],
    [undefined, '*', 'en'],
    [undefined, 'fr, de', 'en'],
    [undefined, ' ;;, ,', 'en'],
    [undefined, 'ja;q=abc, ko;q=0.4', 'ko'],
    [undefined, undefined, 'en'],
  ] as const)('pickLocale(%j, %j) = %s', (explicit, header, expected) => {
    expect(pickLocale(explicit, header)).toBe(expected);
  });
});

describe('templates', () => {
  const locales: MailLocale[] = ['en', 'zh-CN', 'ja', 'ko'];
  const ignore: Record<MailLocale, RegExp> = {
    en: /ignore this email/,
    'zh-CN': /请忽略此邮件/,
    ja: /破棄してください/,
    ko: /무시하셔도 됩니다/,
  };

  it.each(MAIL_KINDS.flatMap((kind) => locales.map((locale) => [kind, locale] as const)))('%s in %s', (kind, locale) => {
    const mail = renderMail(kind, locale, { code: '482913', appName: 'Acme', expiresInMinutes: 10 });
    expect(mail.subject).toContain('482913');
    for (const body of [mail.text, mail.html]) {
      expect(body).toContain('482913');
      expect(body).toContain('10');
      expect(body).toMatch(ignore[locale]);
    }
    expect(mail.text).toContain('Acme');
    expect(mail.html).toContain('Acme');
    expect(mail.html).toContain(`<html lang="${locale}">`);
    expect(mail.html).toContain(`<title>${escapeHtml(mail.subject)}</title>`);
  });

  it('gives each kind its own subject', () => {
    for (const locale of locales) {
      const subjects = new Set(
        MAIL_KINDS.map((kind) => renderMail(kind, locale, { code: '1', appName: 'A', expiresInMinutes: 1 }).subject),
      );
      expect(subjects.size).toBe(MAIL_KINDS.length);
    }
  });

  it('matches Clerk’s English subjects', () => {
    const params = { code: '123456', appName: 'Acme', expiresInMinutes: 10 };
    expect(renderMail('verification_code', 'en', params).subject).toBe('123456 is your verification code');
    expect(renderMail('sign_in_code', 'en', params).subject).toBe('123456 is your sign-in code');
    expect(renderMail('reset_password_code', 'en', params).subject).toBe('123456 is your password reset code');
  });

  it('says "1 minute", not "1 minutes"', () => {
    expect(renderMail('verification_code', 'en', { code: '1', appName: 'A', expiresInMinutes: 1 }).text).toContain('expires in 1 minute.');
  });

  it('escapes every interpolated value in HTML', () => {
    for (const kind of MAIL_KINDS) {
      for (const locale of locales) {
        const mail = renderMail(kind, locale, { code: '<i>1</i>', appName: `<script>alert("x")</script> & 'co'`, expiresInMinutes: 10 });
        expect(mail.html).not.toContain('<script>');
        expect(mail.html).not.toContain('<i>');
        expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;');
        expect(mail.html).toContain('&lt;i&gt;1&lt;/i&gt;');
        // The text part is plain text: nothing to escape there.
        expect(mail.text).toContain('<script>alert("x")</script>');
      }
    }
  });
});
