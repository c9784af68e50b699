import { errors } from '../errors.js';
import type { Client, Session } from '../model/index.js';
import type { Store } from '../store/index.js';
import type { Clock } from './clock.js';
import type { ClientService } from './frontend/clients.js';
import { effectiveSession } from './sessions.js';

/** A browser's client as the Backend API shows it: with every session it ever held. */
export interface ClientWithSessions {
  client: Client;
  sessions: Session[];
}

/** The Backend API's read-only view of clients (`/v1/clients`): list, get, and verify a client token. */
export function createBackendClientService(store: Store, clock: Clock, clients: ClientService) {
  async function withSessions(client: Client): Promise<ClientWithSessions> {
    const now = clock();
    const sessions = (await store.sessions.listByClient(client.id)).map((row) => effectiveSession(row, now));
    return { client, sessions };
  }

  return {
    async list(limit: number, offset: number): Promise<{ data: ClientWithSessions[]; totalCount: number }> {
      const [rows, totalCount] = await Promise.all([store.clients.list(limit, offset), store.clients.count()]);
      const data: ClientWithSessions[] = [];
      for (const client of rows) data.push(await withSessions(client));
      return { data, totalCount };
    },

    async get(id: string): Promise<ClientWithSessions> {
      const client = await store.clients.findById(id);
      if (!client) throw errors.notFound('client');
      return withSessions(client);
    },

    /**
     * The client a `__client` token names. The token is looked up by its hash, so an unknown one
     * costs the same as a known one and says nothing beyond "not found".
     */
    async verify(token: string): Promise<ClientWithSessions> {
      const client = await clients.resolve(token);
      if (!client) throw errors.notFound('client');
      return withSessions(client);
    },
  };
}

export type BackendClientService = ReturnType<typeof createBackendClientService>;
