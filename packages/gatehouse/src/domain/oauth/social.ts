import { createHash } from 'node:crypto';
import * as oidc from 'openid-client';
import type { SecretBox } from '../../crypto/secret-box.js';
import { GatehouseError, oauthErrors } from '../../errors.js';
import { newId } from '../../ids.js';
import type { ExternalAccount, OAuthFlow, OAuthFlowPurpose, ProviderKey, User } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { Repositories } from '../../store/repositories/index.js';
import type { Clock } from '../clock.js';
import type { OAuthProvider, ProviderClients } from './providers.js';

const FLOW_TTL_MS = 10 * 60_000;
/** A token this close to its expiry is refreshed before it is handed out. */
const EXPIRY_SKEW_MS = 10_000;
/** How long one node may hold an account's refresh before another may try. */
const REFRESH_LEASE_MS = 30_000;
const PROVIDER_TIMEOUT_MS = 10_000;

/** Who the user is at the provider, as Gatehouse keeps it. */
export interface ProviderProfile {
  providerUserId: string;
  emailAddress: string;
  emailVerified: boolean;
  firstName: string;
  lastName: string;
  username: string | null;
  imageUrl: string;
}

export interface ProviderTokens {
  accessToken: string;
  refreshToken: string | null;
  idToken: string | null;
  /** Space-separated, as the provider granted them. */
  scopes: string;
  expiresAt: number | null;
}

export interface ProviderResult {
  provider: ProviderKey;
  profile: ProviderProfile;
  tokens: ProviderTokens;
}

/** What a flow's verification shows on a sign-in or sign-up. */
export interface OAuthVerification {
  strategy: `oauth_${string}`;
  status: 'unverified' | 'verified' | 'transferable' | 'failed' | 'expired';
  errorCode: string | null;
  externalVerificationRedirectUrl: string | null;
  expireAt: number;
}

export function hashState(state: string): string {
  return createHash('sha256').update(state).digest('hex');
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * Social sign-in's protocol side: starting a flow at a provider (PKCE S256, state and nonce), taking
 * its answer at the callback (state single-use and bound to the client that started it; the ID
 * token checked by openid-client: issuer, audience, signature through the provider's JWKS, expiry,
 * nonce), and the token vault (sealed tokens, refreshed single-flight across nodes).
 */
export function createSocialService(deps: { store: Store; clock: Clock; box: SecretBox; providers: ProviderClients; callbackUrl: string }) {
  const { store, clock, box, providers } = deps;
  const refreshing = new Map<string, Promise<ProviderTokens>>();

  function provider(strategyOrKey: string): OAuthProvider | undefined {
    return providers.find(strategyOrKey.startsWith('oauth_') ? strategyOrKey.slice('oauth_'.length) : strategyOrKey);
  }

  async function configOf(p: OAuthProvider): Promise<oidc.Configuration> {
    try {
      return await providers.config(p);
    } catch {
      throw oauthErrors.providerUnavailable(p.name);
    }
  }

  function sealTokens(tokens: ProviderTokens): string {
    return box.seal(JSON.stringify({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, idToken: tokens.idToken }));
  }

  function openTokens(account: ExternalAccount): ProviderTokens {
    const sealed = JSON.parse(box.open(account.tokensEnc ?? '')) as {
      accessToken: string;
      refreshToken: string | null;
      idToken: string | null;
    };
    return { ...sealed, scopes: account.approvedScopes, expiresAt: account.tokenExpiresAt };
  }

  function tokensFrom(response: oidc.TokenEndpointResponse, fallbackScopes: string, previous?: ProviderTokens): ProviderTokens {
    const now = clock();
    return {
      accessToken: response.access_token,
      refreshToken: response.refresh_token ?? previous?.refreshToken ?? null,
      idToken: response.id_token ?? previous?.idToken ?? null,
      scopes: response.scope ?? fallbackScopes,
      expiresAt: typeof response.expires_in === 'number' ? now + response.expires_in * 1000 : null,
    };
  }

  async function githubProfile(p: OAuthProvider, accessToken: string): Promise<ProviderProfile> {
    const get = async (url: string) => {
      const res = await fetch(url, {
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json', 'user-agent': 'Gatehouse' },
        signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
      });
      if (!res.ok) throw new Error(`${new URL(url).pathname} answered ${res.status}`);
      return res.json() as Promise<unknown>;
    };
    const user = (await get(p.userInfoUrl ?? '')) as Record<string, unknown>;
    const emails = p.emailsUrl ? ((await get(p.emailsUrl)) as { email?: unknown; primary?: unknown; verified?: unknown }[]) : [];
    const primary = Array.isArray(emails) ? (emails.find((e) => e.primary === true) ?? emails[0]) : undefined;
    const [first = '', ...rest] = text(user.name).split(' ');
    return {
      providerUserId: String(user.id ?? ''),
      emailAddress: text(primary?.email ?? user.email).toLowerCase(),
      emailVerified: primary?.verified === true,
      firstName: first,
      lastName: rest.join(' '),
      username: text(user.login) || null,
      imageUrl: text(user.avatar_url),
    };
  }

  function oidcProfile(claims: oidc.IDToken): ProviderProfile {
    const verified = claims.email_verified === true || claims.email_verified === 'true';
    return {
      providerUserId: claims.sub,
      emailAddress: text(claims.email).toLowerCase(),
      emailVerified: verified,
      firstName: text(claims.given_name),
      lastName: text(claims.family_name),
      username: text(claims.preferred_username) || null,
      imageUrl: text(claims.picture),
    };
  }

  return {
    /** The enabled providers, for the environment and the strategy list. */
    providers: () => providers.list(),
    provider,

    /**
     * Starts a round trip to the provider for a sign-in, sign-up or connection of `clientId`: a new
     * state (stored hashed), PKCE verifier and nonce (sealed). Returns the URL to send the browser to.
     */
    async start(input: {
      clientId: string;
      purpose: OAuthFlowPurpose;
      attemptId: string;
      strategy: string;
      redirectUrl: string;
      actionCompleteRedirectUrl?: string;
      additionalScopes?: string[];
    }): Promise<OAuthFlow> {
      const p = provider(input.strategy);
      if (!p) throw oauthErrors.providerUnavailable(input.strategy);
      const config = await configOf(p);
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const scopes = [...new Set([...p.scopes, ...(input.additionalScopes ?? [])])];
      const url = oidc.buildAuthorizationUrl(config, {
        ...p.authorizationParams,
        redirect_uri: deps.callbackUrl,
        response_type: 'code',
        scope: scopes.join(' '),
        state,
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        ...(p.kind === 'oidc' ? { nonce } : {}),
      });
      const now = clock();
      const flow: OAuthFlow = {
        id: newId('oaf'),
        stateHash: hashState(state),
        clientId: input.clientId,
        purpose: input.purpose,
        attemptId: input.attemptId,
        provider: p.key,
        secretsEnc: box.seal(JSON.stringify({ codeVerifier, nonce })),
        authorizationUrl: url.href,
        redirectUrl: input.redirectUrl,
        actionCompleteRedirectUrl: input.actionCompleteRedirectUrl ?? null,
        status: 'pending',
        consumed: false,
        errorCode: null,
        resultEnc: null,
        expireAt: now + FLOW_TTL_MS,
        createdAt: now,
        updatedAt: now,
      };
      await store.oauthFlows.insert(flow);
      return flow;
    },

    /** The verification a sign-in or sign-up shows for its latest flow. */
    async verification(attemptId: string): Promise<OAuthVerification | undefined> {
      const flow = await store.oauthFlows.latestFor(attemptId);
      return flow && describe(flow);
    },

    async verificationOfFlow(flowId: string): Promise<OAuthVerification | undefined> {
      const flow = await store.oauthFlows.findById(flowId);
      return flow && describe(flow);
    },

    latestFlow: (attemptId: string) => store.oauthFlows.latestFor(attemptId),
    findFlow: (id: string) => store.oauthFlows.findById(id),

    async markFlow(flow: OAuthFlow, changes: { status: OAuthFlow['status']; errorCode?: string | null; result?: ProviderResult }) {
      await store.oauthFlows.update(flow.id, {
        status: changes.status,
        errorCode: changes.errorCode ?? null,
        ...(changes.result ? { resultEnc: box.seal(JSON.stringify(changes.result)) } : {}),
        updatedAt: clock(),
      });
    },

    /** What the provider said in a flow, kept (sealed) for a transfer. */
    flowResult(flow: OAuthFlow): ProviderResult | undefined {
      return flow.resultEnc ? (JSON.parse(box.open(flow.resultEnc)) as ProviderResult) : undefined;
    },

    /**
     * Takes the provider's redirect: finds the flow by its state and consumes it (a state works
     * once), checks the browser, then exchanges the code and reads the profile. A refused answer
     * (access denied, a bad code, a wrong nonce or issuer) marks the flow failed and comes back as
     * `error`; only a callback that cannot be tied to a flow throws.
     */
    async receive(
      query: URLSearchParams,
      browserClientId: string | undefined,
    ): Promise<{ flow: OAuthFlow; result?: ProviderResult; errorCode?: string }> {
      const state = query.get('state');
      if (!state) throw oauthErrors.stateInvalid();
      const flow = await store.oauthFlows.findByStateHash(hashState(state));
      if (!flow) throw oauthErrors.stateInvalid();
      if (!(await store.oauthFlows.consume(flow.id, clock()))) throw oauthErrors.stateInvalid();
      // A browser that shows a client must be the one that started the flow (login CSRF).
      if (browserClientId && browserClientId !== flow.clientId) {
        await this.markFlow(flow, { status: 'failed', errorCode: 'oauth_callback_invalid' });
        throw oauthErrors.clientMismatch();
      }
      const fail = async (errorCode: string) => {
        await this.markFlow(flow, { status: 'failed', errorCode });
        return { flow: { ...flow, status: 'failed' as const, errorCode }, errorCode };
      };
      const providerError = query.get('error');
      if (providerError) return fail(providerError === 'access_denied' ? 'oauth_access_denied' : 'oauth_token_exchange_error');
      const p = provider(flow.provider);
      if (!p) return fail('oauth_token_exchange_error');
      const { codeVerifier, nonce } = JSON.parse(box.open(flow.secretsEnc)) as { codeVerifier: string; nonce: string };
      const callback = new URL(deps.callbackUrl);
      for (const [key, value] of query) callback.searchParams.append(key, value);
      try {
        const config = await configOf(p);
        const response = await oidc.authorizationCodeGrant(
          config,
          callback,
          {
            pkceCodeVerifier: codeVerifier,
            expectedState: state,
            ...(p.kind === 'oidc' ? { expectedNonce: nonce, idTokenExpected: true } : {}),
          },
          { redirect_uri: deps.callbackUrl },
        );
        const tokens = tokensFrom(response, p.scopes.join(' '));
        let profile: ProviderProfile;
        if (p.kind === 'oidc') {
          const claims = response.claims();
          if (!claims) return fail('oauth_token_exchange_error');
          profile = oidcProfile(claims);
          if (!profile.emailAddress && config.serverMetadata().userinfo_endpoint) {
            const info = await oidc.fetchUserInfo(config, tokens.accessToken, claims.sub);
            profile = oidcProfile({ ...claims, ...info } as oidc.IDToken);
          }
        } else {
          profile = await githubProfile(p, tokens.accessToken);
        }
        if (!profile.providerUserId) return fail('oauth_token_exchange_error');
        return { flow, result: { provider: p.key, profile, tokens } };
      } catch (error) {
        if (error instanceof GatehouseError) throw error;
        return fail('oauth_token_exchange_error');
      }
    },

    /** A new external account for `userId` from a provider's answer, written with `tx`. */
    async link(tx: Repositories, userId: string, result: ProviderResult): Promise<ExternalAccount> {
      const now = clock();
      const account: ExternalAccount = {
        id: newId('eac'),
        userId,
        provider: result.provider,
        providerUserId: result.profile.providerUserId,
        emailAddress: result.profile.emailAddress,
        emailVerified: result.profile.emailVerified,
        firstName: result.profile.firstName,
        lastName: result.profile.lastName,
        username: result.profile.username,
        imageUrl: result.profile.imageUrl,
        approvedScopes: result.tokens.scopes,
        status: 'verified',
        tokensEnc: sealTokens(result.tokens),
        tokenExpiresAt: result.tokens.expiresAt,
        refreshLeaseUntil: null,
        createdAt: now,
        updatedAt: now,
      };
      await tx.externalAccounts.insert(account);
      return account;
    },

    /** Stores a new sign-in's tokens and profile on an existing account (a revoked one is good again). */
    async refreshAccount(tx: Repositories, account: ExternalAccount, result: ProviderResult): Promise<void> {
      await tx.externalAccounts.update(account.id, {
        emailAddress: result.profile.emailAddress,
        emailVerified: result.profile.emailVerified,
        firstName: result.profile.firstName,
        lastName: result.profile.lastName,
        username: result.profile.username,
        imageUrl: result.profile.imageUrl,
        approvedScopes: result.tokens.scopes,
        status: 'verified',
        tokensEnc: sealTokens(result.tokens),
        tokenExpiresAt: result.tokens.expiresAt,
        updatedAt: clock(),
      });
    },

    /**
     * The user a provider's answer belongs to: the one with this external account, or the one whose
     * verified address the provider has verified too. An address the provider has not verified
     * never links to an existing user (`errorCode`).
     */
    async resolveOwner(result: ProviderResult): Promise<{ user?: User; account?: ExternalAccount; errorCode?: string }> {
      const account = await store.externalAccounts.findByProviderUser(result.provider, result.profile.providerUserId);
      if (account) return { user: await store.users.findById(account.userId), account };
      if (!result.profile.emailAddress) return {};
      const found = await store.emailAddresses.findWithOwner(result.profile.emailAddress);
      if (!found?.email.verified) return {};
      if (!result.profile.emailVerified) return { errorCode: 'external_account_email_address_verification_required' };
      return { user: found.user };
    },

    findAccount: (provider: string, providerUserId: string) => store.externalAccounts.findByProviderUser(provider, providerUserId),
    accountsOf: (userId: string) => store.externalAccounts.listForUser(userId),
    accountsOfUsers: (userIds: string[]) => store.externalAccounts.listForUsers(userIds),

    /**
     * The user's access token at `providerKey`, refreshed first when it has expired: one refresh per
     * account at a time in this process (callers share it) and across nodes (a lease row update
     * that only one node wins; the others wait for its result).
     */
    async accessToken(userId: string, providerKey: string): Promise<{ account: ExternalAccount; tokens: ProviderTokens }[]> {
      const accounts = (await store.externalAccounts.listForUser(userId)).filter(
        (a) => a.provider === providerKey && a.status !== 'pending',
      );
      const out: { account: ExternalAccount; tokens: ProviderTokens }[] = [];
      for (const account of accounts) {
        if (account.status === 'revoked') {
          throw oauthErrors.tokenRetrieval('the provider revoked the grant; the user must sign in with it again.');
        }
        let tokens = openTokens(account);
        if (tokens.expiresAt !== null && tokens.expiresAt - EXPIRY_SKEW_MS <= clock()) {
          let shared = refreshing.get(account.id);
          if (!shared) {
            shared = refreshOne(account.id).finally(() => refreshing.delete(account.id));
            refreshing.set(account.id, shared);
          }
          tokens = await shared;
        }
        out.push({ account: (await store.externalAccounts.findById(account.id)) ?? account, tokens });
      }
      return out;
    },

    async removeAccount(userId: string, accountId: string): Promise<ExternalAccount> {
      const account = await store.externalAccounts.findById(accountId);
      if (!account || account.userId !== userId)
        throw new GatehouseError(404, [
          { code: 'resource_not_found', message: 'not found', longMessage: 'The external account was not found.' },
        ]);
      await store.externalAccounts.delete(accountId);
      return account;
    },
  };

  function describe(flow: OAuthFlow): OAuthVerification {
    const pending = flow.status === 'pending';
    const expired = pending && (flow.consumed || flow.expireAt <= clock());
    return {
      strategy: `oauth_${flow.provider}`,
      status: expired ? 'expired' : flow.status === 'pending' ? 'unverified' : (flow.status as OAuthVerification['status']),
      errorCode: flow.errorCode,
      externalVerificationRedirectUrl: pending && !expired ? flow.authorizationUrl : null,
      expireAt: flow.expireAt,
    };
  }

  /** Refreshes one account's tokens under the lease, or waits for the node that holds it. */
  async function refreshOne(accountId: string): Promise<ProviderTokens> {
    const deadline = clock() + REFRESH_LEASE_MS + 5_000;
    for (;;) {
      const now = clock();
      const current = await store.externalAccounts.findById(accountId);
      if (!current) throw oauthErrors.tokenRetrieval('the external account was removed.');
      if (current.status === 'revoked')
        throw oauthErrors.tokenRetrieval('the provider revoked the grant; the user must sign in with it again.');
      const tokens = openTokens(current);
      if (tokens.expiresAt === null || tokens.expiresAt - EXPIRY_SKEW_MS > now) return tokens;
      if (await store.externalAccounts.takeRefreshLease(accountId, now, now + REFRESH_LEASE_MS)) {
        return refreshHeld(current, tokens);
      }
      if (now > deadline) throw oauthErrors.tokenRetrieval('another refresh of this token did not finish.');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function refreshHeld(account: ExternalAccount, tokens: ProviderTokens): Promise<ProviderTokens> {
    const p = provider(account.provider);
    const release = () => store.externalAccounts.update(account.id, { refreshLeaseUntil: null });
    if (!p || !tokens.refreshToken) {
      await release();
      throw oauthErrors.tokenRetrieval('the token has expired and the provider gave no refresh token.');
    }
    let fresh: ProviderTokens;
    try {
      const response = await oidc.refreshTokenGrant(await configOf(p), tokens.refreshToken);
      fresh = tokensFrom(response, tokens.scopes, tokens);
    } catch (error) {
      if (error instanceof oidc.ResponseBodyError && error.error === 'invalid_grant') {
        await store.externalAccounts.update(account.id, { status: 'revoked', refreshLeaseUntil: null, updatedAt: clock() });
        throw oauthErrors.tokenRetrieval('the provider revoked the grant; the user must sign in with it again.');
      }
      await release();
      if (error instanceof GatehouseError) throw error;
      throw oauthErrors.providerUnavailable(p.name);
    }
    await store.externalAccounts.update(account.id, {
      tokensEnc: sealTokens(fresh),
      tokenExpiresAt: fresh.expiresAt,
      approvedScopes: fresh.scopes,
      refreshLeaseUntil: null,
      updatedAt: clock(),
    });
    return fresh;
  }
}

export type SocialService = ReturnType<typeof createSocialService>;
