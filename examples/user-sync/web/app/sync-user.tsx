'use client';

import { useSyncUser } from '../lib/auth';

/** Mounted in the layout: every signed-in page load makes sure the app's User row exists. */
export function SyncUser() {
  const synced = useSyncUser();
  if (!synced) return null;
  return (
    <p id="sync-status" data-user-id={synced.id}>
      Your row: {synced.name || '(no name)'} &lt;{synced.mail_address}&gt;, {synced.role}
    </p>
  );
}
