import { errors } from '../../errors.js';
import { newId } from '../../ids.js';
import type { ExternalAccount, OAuthFlow } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { Caller } from '../caller.js';
import type { Clock } from '../clock.js';
import type { SignInService } from '../frontend/sign-ins.js';
import type { SignUpService } from '../frontend/sign-ups.js';
import type { ProviderResult, SocialService } from './social.js';

/**
 * The provider's redirect back (`/v1/oauth_callback`): the flow's answer goes to its sign-in,
 * sign-up or connection, and the browser goes back to the app — to `action_complete_redirect_url`
 * when a session was created, else to `redirect_url`, where clerk-js's `handleRedirectCallback`
 * reads the outcome (a transfer, missing fields, an error) from the client.
 */
export function createOAuthCallback(deps: {
  store: Store;
  clock: Clock;
  social: SocialService;
  signIns: SignInService;
  signUps: SignUpService;
}) {
  const { store, clock, social } = deps;

  /** A connection from `<UserProfile/>`: the pending account gets the provider's identity and tokens. */
  async function completeConnection(flow: OAuthFlow, result: ProviderResult): Promise<void> {
    const pending = await store.externalAccounts.findById(flow.attemptId);
    if (!pending) {
      await social.markFlow(flow, { status: 'failed', errorCode: 'oauth_callback_invalid' });
      return;
    }
    const existing = await social.findAccount(result.provider, result.profile.providerUserId);
    if (existing && existing.userId !== pending.userId) {
      await social.markFlow(flow, { status: 'failed', errorCode: 'external_account_exists' });
      return;
    }
    await store.transaction(async (tx) => {
      // Re-authorizing (or connecting the same account twice) renews the one account.
      const target = existing ?? pending;
      await social.refreshAccount(tx, target, result);
      await tx.externalAccounts.update(target.id, { providerUserId: result.profile.providerUserId });
      if (existing && existing.id !== pending.id) await tx.externalAccounts.delete(pending.id);
    });
    await social.markFlow(flow, { status: 'verified' });
  }

  return {
    async handle(
      query: URLSearchParams,
      browserClientId: string | undefined,
      caller: Caller,
    ): Promise<{ redirectUrl: string; clientId: string; sessionCreated: boolean }> {
      const { flow, result } = await social.receive(query, browserClientId);
      let sessionCreated = false;
      if (result) {
        if (flow.purpose === 'sign_in') sessionCreated = (await deps.signIns.completeFromProvider(flow, result, caller)).sessionCreated;
        else if (flow.purpose === 'sign_up')
          sessionCreated = (await deps.signUps.completeFromProvider(flow, result, caller)).sessionCreated;
        else await completeConnection(flow, result);
      }
      const after = (await social.findFlow(flow.id)) ?? flow;
      const done = sessionCreated || (flow.purpose === 'connect' && after.status === 'verified');
      return {
        redirectUrl: done && flow.actionCompleteRedirectUrl ? flow.actionCompleteRedirectUrl : flow.redirectUrl,
        clientId: flow.clientId,
        sessionCreated,
      };
    },

    /**
     * `POST /v1/me/external_accounts`: a pending account for `userId` and a flow to the provider
     * (with any additional scopes); `reauthorize` starts a new flow for an existing account.
     */
    async connect(input: {
      clientId: string;
      userId: string;
      strategy: string;
      redirectUrl: string;
      additionalScopes: string[];
      accountId?: string;
    }): Promise<{ account: ExternalAccount; flow: OAuthFlow }> {
      const provider = social.provider(input.strategy);
      if (!provider) throw errors.paramValueInvalid('strategy', `${input.strategy} is not an enabled social connection`);
      let account: ExternalAccount | undefined;
      if (input.accountId) {
        account = await store.externalAccounts.findById(input.accountId);
        if (!account || account.userId !== input.userId) throw errors.notFound('external account');
      } else {
        const now = clock();
        account = {
          id: newId('eac'),
          userId: input.userId,
          provider: provider.key,
          providerUserId: '',
          emailAddress: '',
          emailVerified: false,
          firstName: '',
          lastName: '',
          username: null,
          imageUrl: '',
          approvedScopes: '',
          status: 'pending',
          tokensEnc: null,
          tokenExpiresAt: null,
          refreshLeaseUntil: null,
          createdAt: now,
          updatedAt: now,
        };
        await store.externalAccounts.insert(account);
      }
      const previousScopes = account.approvedScopes.split(/[ ,]+/).filter(Boolean);
      const flow = await social.start({
        clientId: input.clientId,
        purpose: 'connect',
        attemptId: account.id,
        strategy: input.strategy,
        redirectUrl: input.redirectUrl,
        actionCompleteRedirectUrl: input.redirectUrl,
        additionalScopes: [...previousScopes, ...input.additionalScopes],
      });
      return { account, flow };
    },
  };
}

export type OAuthCallback = ReturnType<typeof createOAuthCallback>;
