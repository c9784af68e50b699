import type { OutboxMail } from '../model/index.js';
import type { Store } from '../store/index.js';

/** The dev outbox: mail kept in the database when no SMTP server is configured, newest first. */
export function createDevOutbox(store: Store) {
  return {
    recent: (limit: number): Promise<OutboxMail[]> => store.mailOutbox.listRecent(limit),
  };
}

export type DevOutbox = ReturnType<typeof createDevOutbox>;
