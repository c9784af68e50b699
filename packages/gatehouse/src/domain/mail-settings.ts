import * as z from 'zod';
import { errors } from '../errors.js';
import { parseFromAddress } from '../mail/from-address.js';
import type { InstanceService } from './instance.js';

/**
 * Where mail goes when the configuration says nothing (`--smtp`, `--mail-from`): the instance
 * settings' `mail` section, set from the dashboard. The SMTP password is sealed with the encryption
 * key and never leaves the server again; every node reads the section within the settings cache's
 * two seconds.
 */
export const mailSettingsSchema = z
  .object({
    smtp: z
      .object({
        host: z.string().min(1).max(253),
        port: z.number().int().min(1).max(65_535),
        /** `smtps://` (TLS from the first byte, port 465); otherwise `smtp://` (STARTTLS when the server offers it). */
        secure: z.boolean(),
        username: z.string().max(320).optional(),
        passwordEnc: z.string().min(1).max(4000).optional(),
      })
      .strict()
      .optional(),
    /** `Name <address>` or a bare address (then the application name is shown beside it). */
    from: z.string().min(3).max(400).optional(),
  })
  .strict();

export type MailSettings = z.infer<typeof mailSettingsSchema>;

export function parseMailSettings(raw: unknown): MailSettings {
  const parsed = mailSettingsSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : {};
}

/** The SMTP server as the dashboard shows it: never the password, only whether one is kept. */
export interface SmtpView {
  host: string;
  port: number;
  secure: boolean;
  username: string;
  hasPassword: boolean;
}

export function viewSmtp(settings: MailSettings): SmtpView | null {
  const smtp = settings.smtp;
  if (!smtp) return null;
  return { host: smtp.host, port: smtp.port, secure: smtp.secure, username: smtp.username ?? '', hasPassword: Boolean(smtp.passwordEnc) };
}

/** The stored server as the URL nodemailer takes; `open` unseals the password. */
export function smtpUrlOf(settings: MailSettings, open: (sealed: string) => string): string | undefined {
  const smtp = settings.smtp;
  if (!smtp) return undefined;
  const url = new URL(`${smtp.secure ? 'smtps' : 'smtp'}://${smtp.host}:${smtp.port}`);
  if (smtp.username) url.username = encodeURIComponent(smtp.username);
  if (smtp.passwordEnc) url.password = encodeURIComponent(open(smtp.passwordEnc));
  return url.toString().replace(/\/$/, '');
}

/** A host name or address: no scheme, path, port, credentials or spaces (those would change the URL built from it). */
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$|^\[[0-9a-f:.]+\]$/i;

export interface SmtpInput {
  host: string;
  port: number;
  secure: boolean;
  username?: string;
  /** A new password; absent keeps the stored one, `''` removes it. */
  password?: string;
}

/** The next `mail` section after a change from the dashboard (validated; the password sealed). */
export function changeMailSettings(
  current: MailSettings,
  input: { smtp?: SmtpInput | null; from?: string | null },
  seal: (plain: string) => string,
): MailSettings {
  const next: MailSettings = { ...current };
  if (input.smtp === null) delete next.smtp;
  else if (input.smtp) {
    const host = input.smtp.host.trim();
    if (!HOST.test(host)) throw errors.paramInvalid('host', 'must be a host name such as smtp.example.com');
    const username = input.smtp.username?.trim() || undefined;
    const passwordEnc =
      input.smtp.password === undefined
        ? username
          ? current.smtp?.passwordEnc
          : undefined
        : input.smtp.password === ''
          ? undefined
          : seal(input.smtp.password);
    if (passwordEnc && !username) throw errors.paramMissing('username');
    next.smtp = {
      host,
      port: input.smtp.port,
      secure: input.smtp.secure,
      ...(username ? { username } : {}),
      ...(passwordEnc ? { passwordEnc } : {}),
    };
  }
  if (input.from === null || input.from === '') delete next.from;
  else if (input.from !== undefined) {
    if (!parseFromAddress(input.from))
      throw errors.paramInvalid('from', 'must be an address, or a name and an address as "Acme <no-reply@acme.com>"');
    next.from = input.from.trim();
  }
  return next;
}

/** The `mail` section as the dashboard reads and writes it (the password sealed on the way in). */
export function createMailSettingsService(deps: { instance: InstanceService; seal: (plain: string) => string }) {
  return {
    get: async (): Promise<MailSettings> => (await deps.instance.settings()).mail,
    async update(input: { smtp?: SmtpInput | null; from?: string | null }): Promise<MailSettings> {
      const next = await deps.instance.updateSettings((current) => ({
        ...current,
        mail: changeMailSettings(current.mail, input, deps.seal),
      }));
      return next.mail;
    },
  };
}
