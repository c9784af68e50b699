import type { Store } from '../store/index.js';

/** A message as the dev outbox shows it. */
export interface OutboxMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  locale: string;
  createdAt: number;
}

/** The dev outbox: mail kept in the database when no SMTP server is configured, newest first. */
export function createDevOutbox(store: Store) {
  return {
    async recent(limit: number): Promise<OutboxMail[]> {
      const rows = await store.mailOutbox.listRecent(limit);
      return rows.map((row) => ({
        id: row.id,
        to: row.to_address,
        subject: row.subject,
        text: row.text_body,
        html: row.html_body,
        locale: row.locale,
        createdAt: row.created_at,
      }));
    },
  };
}

export type DevOutbox = ReturnType<typeof createDevOutbox>;
