import type { ClientJSON } from '@clerk/shared/types';
import type { ClientSnapshot } from '../../domain/frontend/client-snapshot.js';
import type { ImageLinks } from '../../domain/images/links.js';
import { type FrontendSessionWireJSON, serializeFrontendSession } from './session.js';
import { type SignInWireJSON, serializeSignIn } from './sign-in.js';
import { type SignUpWireJSON, serializeSignUp } from './sign-up.js';
import type { Amended } from './wire.js';

/** Clerk's `client`: @clerk/shared's `ClientJSON` holding Clerk's session, sign-in and sign-up objects (see their files). */
export type ClientWireJSON = Amended<
  ClientJSON,
  { sessions: FrontendSessionWireJSON[]; sign_in: SignInWireJSON | null; sign_up: SignUpWireJSON | null }
>;

/** The Frontend API's `client`, rendered from one domain snapshot. */
export function serializeClient(snapshot: ClientSnapshot, links: ImageLinks): ClientWireJSON {
  const { client } = snapshot;
  return {
    object: 'client',
    id: client.id,
    sessions: snapshot.sessions.map((entry) =>
      serializeFrontendSession(entry, snapshot.now, entry.lockout, links, entry.token, entry.memberships),
    ),
    sign_in: snapshot.signIn ? serializeSignIn(snapshot.signIn, links) : null,
    sign_up: snapshot.signUp ? serializeSignUp(snapshot.signUp) : null,
    last_active_session_id: client.lastActiveSessionId,
    captcha_bypass: false,
    cookie_expires_at: snapshot.cookieExpiresAt,
    last_authentication_strategy: null,
    created_at: client.createdAt,
    updated_at: client.updatedAt,
  };
}
