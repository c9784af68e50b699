import type { ExternalAccountJSON, OauthAccessTokenJSON } from '@clerk/backend';
import type { ExternalAccountJSON as FrontendExternalAccountJSON } from '@clerk/shared/types';
import type { OAuthVerification, ProviderTokens } from '../../domain/oauth/social.js';
import type { ExternalAccount } from '../../model/index.js';
import { serializeOAuthVerification, type VerificationWireJSON } from './verification.js';
import type { Amended } from './wire.js';

/**
 * Clerk's `external_account`. The Backend API names the provider as the strategy (`oauth_google`),
 * the Frontend API as the provider (`google`; clerk-js strips `oauth_` either way). A connection in
 * progress carries the verification with the provider's URL to go to.
 */
export type ExternalAccountWireJSON = Amended<
  ExternalAccountJSON,
  { image_url: string; public_metadata: Record<string, unknown>; verification: VerificationWireJSON | null }
> &
  Pick<FrontendExternalAccountJSON, 'object'>;

function verificationOf(account: ExternalAccount, pending: OAuthVerification | undefined): VerificationWireJSON | null {
  if (pending && (account.status === 'pending' || pending.status === 'unverified')) return serializeOAuthVerification(pending);
  if (account.status === 'pending') return null;
  return {
    object: 'verification',
    status: account.status === 'revoked' ? 'expired' : 'verified',
    strategy: `oauth_${account.provider}`,
    attempts: null,
    expire_at: null,
  };
}

export function serializeExternalAccount(
  account: ExternalAccount,
  audience: 'backend' | 'frontend',
  pending?: OAuthVerification,
): ExternalAccountWireJSON {
  return {
    object: 'external_account',
    id: account.id,
    provider: audience === 'backend' ? `oauth_${account.provider}` : account.provider,
    identification_id: account.id.replace(/^eac_/, 'idn_'),
    provider_user_id: account.providerUserId,
    approved_scopes: account.approvedScopes,
    email_address: account.emailAddress,
    first_name: account.firstName,
    last_name: account.lastName,
    image_url: account.imageUrl,
    username: account.username,
    phone_number: null,
    public_metadata: {},
    label: null,
    verification: verificationOf(account, pending),
  };
}

/** One entry of `GET /v1/users/{id}/oauth_access_tokens/{provider}` (`@clerk/backend`'s `OauthAccessToken`). */
export function serializeOauthAccessToken(account: ExternalAccount, tokens: ProviderTokens): OauthAccessTokenJSON {
  return {
    object: 'oauth_access_token',
    external_account_id: account.id,
    token: tokens.accessToken,
    provider: `oauth_${account.provider}`,
    public_metadata: {},
    label: null,
    scopes: tokens.scopes.split(/[ ,]+/).filter(Boolean),
    ...(tokens.expiresAt !== null ? { expires_at: Math.floor(tokens.expiresAt / 1000) } : {}),
    ...(tokens.idToken ? { id_token: tokens.idToken } : {}),
  };
}
