import type { Caller } from '../caller.js';

/** How a one-time code reaches a person; the mail module implements it. */
export interface CodeMessage {
  to: string;
  kind: 'verification_code' | 'sign_in_code' | 'reset_password_code';
  locale: string;
  code: string;
  expiresInMinutes: number;
  /** Who asked for it (the `email.created` event's request attributes). */
  caller: Caller;
}

export type CodeSender = (message: CodeMessage) => Promise<void>;

/** An invitation (to an organization or to the application) with the link that carries its ticket. */
export interface InvitationMessage {
  to: string;
  locale: string;
  url: string;
  /** The organization's name for an organization invitation; absent for an instance invitation. */
  organizationName?: string;
  expiresInDays: number;
  caller: Caller;
}

export type InvitationSender = (message: InvitationMessage) => Promise<void>;
/** A one-time code by SMS; the delivery module (`mail/sms.ts`) sends it through a gateway or the dev outbox. */
export interface SmsMessage {
  /** E.164. */
  to: string;
  code: string;
  expiresInMinutes: number;
  /** What the code is for (the `slug` of `sms.created`); a verification code when absent. */
  kind?: CodeMessage['kind'];
  caller: Caller;
}

export type SmsSender = (message: SmsMessage) => Promise<void>;

/** An e-mail carrying a link (`email_link`) instead of a code. */
export interface LinkMessage {
  to: string;
  kind: 'sign_in_link' | 'verification_link';
  locale: string;
  link: string;
  expiresInMinutes: number;
  caller: Caller;
}

export type LinkSender = (message: LinkMessage) => Promise<void>;
