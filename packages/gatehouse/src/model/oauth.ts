/** A social provider's key: a built-in one, or `custom_<key>` for any OpenID Connect provider. */
export type ProviderKey = 'google' | 'github' | 'microsoft' | `custom_${string}`;

/** What an OAuth flow was started for. */
export type OAuthFlowPurpose = 'sign_in' | 'sign_up' | 'connect';
/**
 * Where a flow stands: sent to the provider (`pending`), came back and did its work (`verified`),
 * found an account for the other flow (`transferable`), or failed (`failed`, with an error code).
 */
export type OAuthFlowStatus = 'pending' | 'verified' | 'transferable' | 'failed';

/** One round trip to a provider: its state (stored hashed), PKCE verifier and nonce (sealed), and its outcome. */
export interface OAuthFlow {
  id: string;
  stateHash: string;
  clientId: string;
  purpose: OAuthFlowPurpose;
  /** The sign-in, sign-up or (for `connect`) external account it belongs to. */
  attemptId: string;
  provider: string;
  /** Sealed JSON `{ codeVerifier, nonce }`. */
  secretsEnc: string;
  authorizationUrl: string;
  redirectUrl: string;
  actionCompleteRedirectUrl: string | null;
  status: OAuthFlowStatus;
  /** Set once the provider has redirected back: a state works once. */
  consumed: boolean;
  errorCode: string | null;
  /** Sealed JSON of what the provider said (profile and tokens), kept for a transfer. */
  resultEnc: string | null;
  expireAt: number;
  createdAt: number;
  updatedAt: number;
}

/** A user's account at a provider, and the provider's tokens, sealed. */
export interface ExternalAccount {
  id: string;
  userId: string;
  provider: ProviderKey;
  providerUserId: string;
  emailAddress: string;
  emailVerified: boolean;
  firstName: string;
  lastName: string;
  username: string | null;
  imageUrl: string;
  approvedScopes: string;
  /** `verified`; `revoked` when the provider refused the refresh token; `pending` while being connected. */
  status: 'pending' | 'verified' | 'revoked';
  /** Sealed JSON `{ accessToken, refreshToken, idToken }`; null while pending. */
  tokensEnc: string | null;
  tokenExpiresAt: number | null;
  /** A node refreshing the tokens holds the account until then (single-flight across nodes). */
  refreshLeaseUntil: number | null;
  createdAt: number;
  updatedAt: number;
}
