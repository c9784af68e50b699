import type { OutboxMail } from '../../model/index.js';

/** A mail of the development mailbox (`/dev/mailbox.json`), Gatehouse's own: no SDK type exists. */
export interface OutboxMailJSON {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  locale: string;
  created_at: number;
}

export function serializeOutboxMail(mail: OutboxMail): OutboxMailJSON {
  return {
    id: mail.id,
    to: mail.toAddress,
    subject: mail.subject,
    text: mail.textBody,
    html: mail.htmlBody,
    locale: mail.locale,
    created_at: mail.createdAt,
  };
}
