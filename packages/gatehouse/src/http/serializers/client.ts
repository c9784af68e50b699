import type { ClientJSON } from '@clerk/shared/types';
import type { Client } from '../../model/index.js';
import type { FrontendSessionWireJSON } from './session.js';
import type { SignInWireJSON } from './sign-in.js';
import type { SignUpWireJSON } from './sign-up.js';
import type { Amended } from './wire.js';

/** Clerk's `client`: @clerk/shared's `ClientJSON` holding Clerk's session, sign-in and sign-up objects (see their files). */
export type ClientWireJSON = Amended<
  ClientJSON,
  { sessions: FrontendSessionWireJSON[]; sign_in: SignInWireJSON | null; sign_up: SignUpWireJSON | null }
>;

export function serializeClient(
  client: Client,
  parts: { sessions: FrontendSessionWireJSON[]; signIn: SignInWireJSON | null; signUp: SignUpWireJSON | null; cookieExpiresAt: number },
): ClientWireJSON {
  return {
    object: 'client',
    id: client.id,
    sessions: parts.sessions,
    sign_in: parts.signIn,
    sign_up: parts.signUp,
    last_active_session_id: client.lastActiveSessionId,
    captcha_bypass: false,
    cookie_expires_at: parts.cookieExpiresAt,
    last_authentication_strategy: null,
    created_at: client.createdAt,
    updated_at: client.updatedAt,
  };
}
