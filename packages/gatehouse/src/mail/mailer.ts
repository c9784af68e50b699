import type { Transporter } from 'nodemailer';
import type { Clock } from '../domain/clock.js';
import { newId } from '../ids.js';
import type { Store } from '../store/index.js';
import { isSingleEmailAddress } from './address.js';
import { DEFAULT_FROM_ADDRESS, type FromAddress } from './from-address.js';
import { isMailLocale, type MailLocale, pickLocale } from './locale.js';
import { type MailKind, renderInvitationMail, renderMail } from './templates.js';

export type { MailKind } from './templates.js';

export interface CodeMailMessage {
  to: string;
  kind: MailKind;
  locale: MailLocale;
  code: string;
  expiresInMinutes: number;
  /** The instance's application name (`frontend.applicationName`) when sent; else the mailer's `appName`. */
  appName?: string;
}

/** An invitation with the link carrying its ticket. */
export interface InvitationMailMessage {
  to: string;
  kind: 'invitation';
  locale: MailLocale;
  url: string;
  organizationName?: string;
  expiresInDays: number;
  appName?: string;
}

export type MailMessage = CodeMailMessage | InvitationMailMessage;

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  /** Sends a message already rendered (an e-mail link, `mail/link-mail.ts`). */
  sendRendered(message: RenderedMessage): Promise<void>;
  /** `smtp`: delivered to a real server. `outbox`: kept in the database for `/dev/mailbox`. */
  readonly mode: 'smtp' | 'outbox';
  /** Whether mail can go out now (the dashboard's health): resolves to a description, rejects with the reason. */
  check(): Promise<string>;
  /** Where the next message goes (`the SMTP server smtp://host:587`, or the dev outbox), without connecting. */
  where(): Promise<string>;
  close(): Promise<void>;
}

export interface RenderedMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  locale: string;
  appName: string;
}

export interface MailerOptions {
  /** `smtp://host:port` or `smtps://user:pass@host:465`; without it mail goes to the dev outbox. */
  smtpUrl?: string;
  /** The sender; without a name the message's application name is shown beside the address. */
  from?: FromAddress;
  appName: string;
  store: Store;
  clock: Clock;
  log: (line: string) => void;
  /** Say once, at start, where mail goes (default true); a cluster's workers leave it to the primary. */
  announce?: boolean;
  /**
   * The SMTP server and sender stored in the instance settings (set from the dashboard), read before
   * each message when `smtpUrl` is not set: every node follows a change within seconds.
   */
  stored?: () => Promise<{ smtpUrl?: string | undefined; from?: FromAddress | undefined }>;
}

/** Thrown when a message cannot be handed to the SMTP server; never carries credentials. */
export class MailDeliveryError extends Error {
  override readonly name = 'MailDeliveryError';
  constructor(
    message: string,
    /** Nodemailer's error code, e.g. `EAUTH`, `ECONNECTION`, `EENVELOPE`. */
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * One plain address (the rule every input is checked with too): no display name, no list, no line
 * breaks. Nodemailer would otherwise parse `a@b.c, x@y.z` as two recipients.
 */
function assertAddress(to: string): void {
  if (!isSingleEmailAddress(to)) throw new Error('mail: the recipient is not a single e-mail address');
}

// Sending happens inside a request; nodemailer's own defaults (2 min to connect, 10 min idle) are
// far longer than any client waits. A `?connectionTimeout=…` in the URL still wins.
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

interface SmtpTarget {
  /** `smtps://host:465`, for logs. */
  display: string;
  /** Strings that must never reach a log or an error message. */
  secrets: string[];
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Every form a credential can take on its way out: as typed in the URL, decoded, and base64 as AUTH sends it. */
function credentialForms(raw: string): string[] {
  const decoded = safeDecode(raw);
  return [raw, decoded, encodeURIComponent(decoded), Buffer.from(decoded).toString('base64')];
}

function describeSmtpUrl(smtpUrl: string): SmtpTarget {
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    // The URL may hold a password: do not echo it.
    throw new Error('mail: the SMTP URL is not a valid URL');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new Error('mail: the SMTP URL must start with smtp:// or smtps://');
  const secrets = new Set<string>();
  if (url.password !== '') {
    for (const form of credentialForms(url.password)) secrets.add(form);
    // What AUTH PLAIN puts on the wire.
    secrets.add(Buffer.from(`\u0000${safeDecode(url.username)}\u0000${safeDecode(url.password)}`).toString('base64'));
  }
  // A one- or two-letter user name would blank out unrelated text; passwords go whatever their length.
  if (url.username.length >= 3) for (const form of credentialForms(url.username)) secrets.add(form);
  return { display: `${url.protocol}//${url.host}`, secrets: [...secrets].filter((s) => s !== '').sort((a, b) => b.length - a.length) };
}

function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('***');
  return out;
}

/** Log lines are single lines whatever an address holds. */
function oneLine(value: string): string {
  return value.replace(/\p{Cc}/gu, '?');
}

function render(message: MailMessage, appName: string) {
  // Typed as a MailLocale, but a raw tag (`ko-KR`) from an untyped caller still lands on the right language.
  const locale: MailLocale = isMailLocale(message.locale) ? message.locale : pickLocale(String(message.locale));
  const rendered =
    message.kind === 'invitation'
      ? renderInvitationMail(locale, {
          appName,
          url: message.url,
          organizationName: message.organizationName,
          expiresInDays: message.expiresInDays,
        })
      : renderMail(message.kind, locale, { code: message.code, appName, expiresInMinutes: message.expiresInMinutes });
  return { locale, ...rendered };
}

function createSmtpMailer(options: MailerOptions & { smtpUrl: string }): Mailer {
  const target = describeSmtpUrl(options.smtpUrl);
  // nodemailer loads on first use: a server that never mails should not pay for it at start-up.
  let transport: Promise<Transporter> | undefined;
  const transporter = () => {
    transport ??= import('nodemailer').then(({ createTransport }) => createTransport({ ...TIMEOUTS, url: options.smtpUrl }));
    return transport;
  };
  if (options.announce !== false) options.log(`mail: delivering over SMTP via ${target.display}`);
  return {
    mode: 'smtp',
    async check() {
      try {
        await (await transporter()).verify();
      } catch (error) {
        throw new Error(redact(oneLine(String((error as Error).message ?? 'unknown error')), target.secrets));
      }
      return `SMTP via ${target.display}`;
    },
    where: async () => `the SMTP server ${target.display}`,
    async send(message) {
      const appName = message.appName ?? options.appName;
      const { subject, text, html } = render(message, appName);
      await this.sendRendered({ to: message.to, subject, text, html, locale: message.locale, appName });
    },
    async sendRendered({ to, subject, text, html, appName }) {
      assertAddress(to);
      const message = { to };
      const from = { name: options.from?.name ?? appName, address: options.from?.address ?? DEFAULT_FROM_ADDRESS };
      try {
        await (await transporter()).sendMail({ from, to: message.to, subject, text, html });
      } catch (error) {
        const e = error as { message?: unknown; code?: unknown };
        const code = typeof e.code === 'string' ? e.code : undefined;
        const detail = redact(oneLine(String(e.message ?? 'unknown error')), target.secrets);
        throw new MailDeliveryError(`mail: SMTP delivery via ${target.display} failed${code ? ` (${code})` : ''}: ${detail}`, code);
      }
    },
    async close() {
      if (transport) (await transport).close();
    },
  };
}

function createOutboxMailer(options: MailerOptions): Mailer {
  if (options.announce !== false) options.log('mail: no SMTP URL configured; messages go to the dev outbox at /dev/mailbox');
  return {
    mode: 'outbox',
    check: async () => 'dev outbox (/dev/mailbox); no SMTP configured',
    where: async () => 'the dev outbox (/dev/mailbox)',
    async send(message) {
      const appName = message.appName ?? options.appName;
      const { locale, subject, text, html } = render(message, appName);
      await this.sendRendered({ to: message.to, subject, text, html, locale, appName });
    },
    async sendRendered({ to, subject, text, html, locale }) {
      assertAddress(to);
      const message = { to };
      await options.store.mailOutbox.insert({
        id: newId('mail'),
        toAddress: message.to,
        subject,
        textBody: text,
        htmlBody: html,
        locale,
        createdAt: options.clock(),
      });
      // The code is in the subject: in the dev outbox that is how a developer reads it.
      options.log(`mail to ${oneLine(message.to)}: ${JSON.stringify(subject)}`);
    },
    async close() {},
  };
}

/**
 * The configuration says nothing about SMTP: each message goes where the stored settings say when it
 * is sent (an SMTP mailer made once per stored server), or to the dev outbox while they say nothing.
 */
function createStoredMailer(options: MailerOptions & { stored: NonNullable<MailerOptions['stored']> }): Mailer {
  const outbox = createOutboxMailer(options);
  let smtp: { key: string; mailer: Mailer } | undefined;
  const current = async (): Promise<Mailer> => {
    // A failed read fails the message: falling back to the outbox could log a production code.
    const stored = await options.stored();
    const smtpUrl = stored.smtpUrl;
    if (!smtpUrl) return outbox;
    const from = options.from ?? stored.from;
    const key = JSON.stringify([smtpUrl, from ?? null]);
    if (smtp?.key !== key) {
      const previous = smtp?.mailer;
      smtp = { key, mailer: createSmtpMailer({ ...options, smtpUrl, from, announce: false }) };
      await previous?.close().catch(() => {});
    }
    return smtp.mailer;
  };
  return {
    mode: 'outbox',
    check: async () => (await current()).check(),
    where: async () => (await current()).where(),
    send: async (message) => (await current()).send(message),
    sendRendered: async (message) => (await current()).sendRendered(message),
    async close() {
      await smtp?.mailer.close();
    },
  };
}

/**
 * SMTP when `smtpUrl` is set, else the server stored in the settings (`stored`), else the dev outbox
 * (a table plus one log line per message).
 */
export function createMailer(options: MailerOptions): Mailer {
  const smtpUrl = options.smtpUrl?.trim();
  if (smtpUrl) return createSmtpMailer({ ...options, smtpUrl });
  return options.stored ? createStoredMailer({ ...options, stored: options.stored }) : createOutboxMailer(options);
}
