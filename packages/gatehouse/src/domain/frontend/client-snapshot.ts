import type { Client, SignIn, SignUp, VerificationCode } from '../../model/index.js';
import type { FactorSettings } from '../factor-settings.js';
import type { OAuthVerification } from '../oauth/social.js';
import type { MembershipRecord } from '../organizations.js';
import type { TokenService } from '../tokens.js';
import type { AttackProtection, LockoutState } from './attack-protection.js';
import { CLIENT_COOKIE_MAX_AGE_S, type ClientService, type SessionWithUser } from './clients.js';
import type { SignInService } from './sign-ins.js';
import type { SignUpRequirements, SignUpService } from './sign-ups.js';
import type { SignInFactors } from './strategies/index.js';

/** A sign-in with everything its JSON shows: the account's factors and the current factor's code. */
export interface SignInSnapshot {
  signIn: SignIn;
  factors: SignInFactors;
  verification: VerificationCode | undefined;
  /** The provider round trip of an `oauth_<provider>` first factor. */
  oauth?: OAuthVerification;
  /** The code behind the second factor, for factors that send one (a phone code). */
  secondFactorVerification: VerificationCode | undefined;
  /** The instance's factors, read once for this answer (which first factors are listed). */
  settings: FactorSettings;
}

/** A sign-up with everything its JSON shows: what is still required, and the e-mail code sent. */
export interface SignUpSnapshot {
  signUp: SignUp;
  requirements: SignUpRequirements;
  verification: VerificationCode | undefined;
  /** The provider round trip of a sign-up through `oauth_<provider>`. */
  oauth?: OAuthVerification;
  /** The SMS code sent for the sign-up's phone number, if any. */
  phoneVerification?: VerificationCode | undefined;
}

/** An active session with its user, and a fresh token when it is the client's active session. */
export interface SessionSnapshot extends SessionWithUser {
  token: string | undefined;
  /** The user's lockout now (the user JSON's `locked`, `lockout_expires_in_seconds`, …). */
  lockout: LockoutState;
  /** The user's organization memberships (the user JSON's `organization_memberships`, which clerk-js reads for `clerk.organization`). */
  memberships: MembershipRecord[];
}

/** Everything the Frontend API's `client` JSON shows, read at `now`. */
export interface ClientSnapshot {
  client: Client;
  sessions: SessionSnapshot[];
  signIn: SignInSnapshot | null;
  signUp: SignUpSnapshot | null;
  cookieExpiresAt: number;
  now: number;
}

/**
 * The browser's client as one snapshot, so a pure serializer can render the `{ response, client }`
 * envelope. A request that has just built the snapshot of its own sign-in or sign-up passes it in
 * (`known`), and it is not read again.
 */
export function createClientSnapshots(deps: {
  clients: ClientService;
  signIns: SignInService;
  signUps: SignUpService;
  tokens: TokenService;
  clock: () => number;
  protection: AttackProtection;
  membershipsOf: (userId: string) => Promise<MembershipRecord[]>;
}) {
  return {
    async snapshot(
      clientId: string,
      options: { origin?: string; known?: { signIn?: SignInSnapshot; signUp?: SignUpSnapshot } } = {},
    ): Promise<ClientSnapshot | undefined> {
      const view = await deps.clients.viewById(clientId);
      if (!view) return undefined;
      const sessions: SessionSnapshot[] = [];
      for (const entry of view.sessions) {
        // Only the active session carries a fresh token: signing one per session would waste the hot path.
        const token =
          entry.session.id === view.client.lastActiveSessionId
            ? await deps.tokens.mintSessionToken(
                { session: entry.session, user: entry.record.user, emailAddresses: entry.record.emailAddresses },
                { authorizedParty: options.origin },
              )
            : undefined;
        const memberships = await deps.membershipsOf(entry.record.user.id);
        sessions.push({ ...entry, token, lockout: deps.protection.state(entry.record.user), memberships });
      }
      const knownSignIn = options.known?.signIn;
      const knownSignUp = options.known?.signUp;
      const signIn = view.signIn
        ? knownSignIn?.signIn.id === view.signIn.id
          ? knownSignIn
          : await deps.signIns.snapshot(view.signIn)
        : null;
      const signUp = view.signUp
        ? knownSignUp?.signUp.id === view.signUp.id
          ? knownSignUp
          : await deps.signUps.snapshot(view.signUp)
        : null;
      return {
        client: view.client,
        sessions,
        signIn,
        signUp,
        cookieExpiresAt: view.client.createdAt + CLIENT_COOKIE_MAX_AGE_S * 1000,
        now: deps.clock(),
      };
    },
  };
}

export type ClientSnapshots = ReturnType<typeof createClientSnapshots>;
