import type { ClientJSON } from '@clerk/backend';
import type { ClientWithSessions } from '../../domain/backend-clients.js';
import { type SessionWireJSON, serializeSession } from './session.js';
import type { Amended } from './wire.js';

/** Clerk's `client` for the Backend API: @clerk/backend's type with Clerk's session objects (see session.ts). */
export type BackendClientWireJSON = Amended<ClientJSON, { sessions: SessionWireJSON[] }>;

export function serializeBackendClient({ client, sessions }: ClientWithSessions): BackendClientWireJSON {
  return {
    object: 'client',
    id: client.id,
    session_ids: sessions.map((s) => s.id),
    sessions: sessions.map((session) => serializeSession(session)),
    sign_in_id: client.signInId,
    sign_up_id: client.signUpId,
    last_active_session_id: client.lastActiveSessionId,
    last_authentication_strategy: null,
    created_at: client.createdAt,
    updated_at: client.updatedAt,
  };
}
