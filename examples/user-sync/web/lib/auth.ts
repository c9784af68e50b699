'use client';

import { useAuth, useUser } from '@clerk/nextjs';
import axios from 'axios';
import { useEffect, useState } from 'react';

export interface SyncedUser {
  id: string;
  name: string | null;
  mail_address: string;
  role: 'ADMIN' | 'USER';
}

/**
 * The seed's useSyncUser, fixed: the seed `await`s inside the hook body (an async hook, which React
 * cannot call), so the request goes in an effect that runs once per signed-in user; and it sends the
 * session token as `Authorization: Bearer`, which the API now requires (the body's userId alone
 * proves nothing). Returns the synced User row once the API has answered.
 */
export const useSyncUser = (): SyncedUser | null => {
  const { user } = useUser();
  const { getToken } = useAuth();
  const [synced, setSynced] = useState<SyncedUser | null>(null);
  const userId = user?.id;

  useEffect(() => {
    if (!userId) return;
    let cancelled = false;
    (async () => {
      const token = await getToken();
      const { data } = await axios.post<SyncedUser>('/api/auth/sync', { userId }, { headers: { Authorization: `Bearer ${token}` } });
      if (!cancelled) setSynced(data);
    })().catch((error: unknown) => console.error('user sync failed', error));
    return () => {
      cancelled = true;
    };
  }, [userId, getToken]);

  return synced;
};
