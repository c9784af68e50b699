import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface CaughtMail {
  /** The envelope's recipients, lower-cased for matching (see `rcptTo` for them as sent). */
  to: string[];
  /** The decoded Subject header. */
  subject: string;
  /** The message as it came over the wire (headers and MIME body), for tests that decode it themselves. */
  raw: string;
  at: number;
  /** The envelope's sender (`MAIL FROM`), as sent; `''` for a null sender. */
  mailFrom: string;
  /** The envelope's recipients (`RCPT TO`), as sent. */
  rcptTo: string[];
}

/** Decodes RFC 2047 encoded words (`=?UTF-8?B?…?=`, `=?UTF-8?Q?…?=`) in a header value. */
function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_m, _charset: string, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_x, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
            'latin1',
          ).toString('utf8'),
    );
}

function subjectOf(raw: string): string {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const line = unfolded.split(/\r?\n/).find((l) => /^subject:/i.test(l));
  return line ? decodeHeader(line.slice('subject:'.length).trim()) : '';
}

/**
 * A real SMTP server on 127.0.0.1 that keeps every message; Gatehouse delivers to it with
 * `--smtp smtp://127.0.0.1:<port>`, and tests read the one-time codes out of the subjects (the
 * e2e tests) or the raw messages (the mailer's own tests). `options` change the server's defaults,
 * e.g. to require a login (`authOptional: false`, `onAuth`).
 */
export async function startMailCatcher(options: Omit<SMTPServerOptions, 'onData'> = {}) {
  const mails: CaughtMail[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    ...options,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const rcptTo = session.envelope.rcptTo.map((r) => r.address);
        mails.push({
          to: rcptTo.map((address) => address.toLowerCase()),
          subject: subjectOf(raw),
          raw,
          at: Date.now(),
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          rcptTo,
        });
        for (const wake of waiters) wake();
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;

  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    mails,
    /** Number of messages caught so far: pass it to `waitForCode` to wait for a newer one. */
    count: () => mails.length,
    /** Waits for a mail to `to` (after the first `after` messages) and returns the 6-digit code in its subject. */
    async waitForCode(
      to: string,
      options: { after?: number; timeoutMs?: number; subject?: RegExp } = {},
    ): Promise<{ code: string; mail: CaughtMail }> {
      const deadline = Date.now() + (options.timeoutMs ?? 20_000);
      const wanted = to.toLowerCase();
      for (;;) {
        const mail = mails
          .slice(options.after ?? 0)
          .reverse()
          .find((m) => m.to.includes(wanted) && (!options.subject || options.subject.test(m.subject)));
        const code = mail?.subject.match(/\b\d{6}\b/)?.[0];
        if (mail && code) return { code, mail };
        const left = deadline - Date.now();
        if (left <= 0) {
          const seen = mails.map((m) => `${m.to.join(',')}: ${m.subject}`).join('\n  ');
          throw new Error(`no code mailed to ${to} within the timeout; caught:\n  ${seen || '(nothing)'}`);
        }
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiters.delete(wake);
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(wake, Math.min(left, 500));
          waiters.add(wake);
        });
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type MailCatcher = Awaited<ReturnType<typeof startMailCatcher>>;
