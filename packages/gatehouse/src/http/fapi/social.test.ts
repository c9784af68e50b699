/**
 * Social sign-in over HTTP against real providers on 127.0.0.1: an OpenID provider (`oidc-provider`)
 * playing "google" and a `custom_` provider, and a plain OAuth 2.0 server playing "github". The
 * browser is driven as clerk-js drives it (create with `strategy=oauth_…`, follow
 * `external_verification_redirect_url`, come back through `/v1/oauth_callback`), and the token vault
 * is read with `@clerk/backend`.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClerkClient } from '@clerk/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/app.js';
import { type FapiBrowser, fapiBrowser } from '../../testing/fapi-browser.js';
import {
  followProvider,
  startGithubProvider,
  startOidcProvider,
  type TestGithub,
  type TestOidcProvider,
} from '../../testing/oauth-providers.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../../testing/services.js';

const PUBLIC_URL = 'http://127.0.0.1:4000';
const CALLBACK = `${PUBLIC_URL}/v1/oauth_callback`;
const APP = 'http://127.0.0.1:5173';

/** Follows a provider's redirects until it sends the browser back to Gatehouse. */
const throughProvider = (start: string) => followProvider(start, PUBLIC_URL);

describe('social sign-in', () => {
  let t: TestApp;
  let google: TestOidcProvider;
  let acme: TestOidcProvider;
  let forged: TestOidcProvider;
  let github: TestGithub;
  let apiUrl: string;

  beforeAll(async () => {
    google = await startOidcProvider({ redirectUri: CALLBACK });
    acme = await startOidcProvider({ redirectUri: CALLBACK });
    forged = await startOidcProvider({ redirectUri: CALLBACK });
    github = await startGithubProvider({ redirectUri: CALLBACK });
    const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-social-'));
    const configFile = path.join(dir, 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        oauth: {
          google: { clientId: google.clientId, clientSecret: google.clientSecret, issuer: google.issuer },
          github: {
            clientId: github.clientId,
            clientSecret: github.clientSecret,
            authorizationUrl: `${github.url}/login/oauth/authorize`,
            tokenUrl: `${github.url}/login/oauth/access_token`,
            userInfoUrl: `${github.url}/user`,
            emailsUrl: `${github.url}/user/emails`,
          },
          // Endpoints of acme's server, but the issuer of google's: every ID token names the wrong issuer.
          custom_acme: {
            name: 'Acme SSO',
            clientId: acme.clientId,
            clientSecret: acme.clientSecret,
            issuer: google.issuer,
            authorizationUrl: `${acme.issuer}/auth`,
            tokenUrl: `${acme.issuer}/token`,
          },
          // Its JWKS will name the signing key's id with another public key: every signature fails.
          custom_forged: { clientId: forged.clientId, clientSecret: forged.clientSecret, issuer: forged.issuer },
        },
      }),
    );
    t = await createTestApp({ flags: { config: configFile, 'public-url': PUBLIC_URL } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    apiUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/api`;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await google?.close();
    await acme?.close();
    await forged?.close();
    await github?.close();
  });

  async function begin(browser: FapiBrowser, kind: 'sign_ins' | 'sign_ups', strategy: string) {
    const res = await browser.call('POST', `/v1/client/${kind}`, {
      strategy,
      redirect_url: `${APP}/sso-callback`,
      action_complete_redirect_url: `${APP}/done`,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const verification =
      kind === 'sign_ins' ? res.body.response.first_factor_verification : res.body.response.verifications.external_account;
    expect(verification.status).toBe('unverified');
    expect(verification.strategy).toBe(strategy);
    return verification.external_verification_redirect_url as string;
  }

  async function callback(browser: FapiBrowser, url: string) {
    const res = await t.app.inject({ method: 'GET', url: url.slice(PUBLIC_URL.length), headers: { cookie: browser.cookie } });
    return { status: res.statusCode, location: res.headers.location as string | undefined, body: res.body };
  }

  async function client(browser: FapiBrowser) {
    return (await browser.call('GET', '/v1/client')).body.response;
  }

  it('lists the providers in the environment as clerk-js reads them', async () => {
    const env = (await t.app.inject({ method: 'GET', url: '/v1/environment' })).json();
    expect(Object.keys(env.user_settings.social).sort()).toEqual([
      'oauth_custom_acme',
      'oauth_custom_forged',
      'oauth_github',
      'oauth_google',
    ]);
    expect(env.user_settings.social.oauth_google).toMatchObject({
      enabled: true,
      authenticatable: true,
      strategy: 'oauth_google',
      name: 'Google',
    });
    expect(env.user_settings.social.oauth_custom_acme.name).toBe('Acme SSO');
  });

  it('asks the provider with PKCE S256, state and nonce', async () => {
    const url = new URL(await begin(fapiBrowser(t.app), 'sign_ins', 'oauth_google'));
    expect(url.origin).toBe(google.issuer);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('state')).toBeTruthy();
    expect(url.searchParams.get('nonce')).toBeTruthy();
    expect(url.searchParams.get('redirect_uri')).toBe(CALLBACK);
    expect(url.searchParams.get('scope')).toBe('openid email profile');
  });

  it('signs up a new user through a sign-in (transfer), with an external account and the tokens sealed', async () => {
    google.user = { sub: 'g-new', email: 'newbie@example.com', emailVerified: true, givenName: 'New', familyName: 'Bie' };
    const browser = fapiBrowser(t.app);
    const back = await callback(browser, await throughProvider(await begin(browser, 'sign_ins', 'oauth_google')));
    // No account yet: back to the app's callback page, where clerk-js sees `transferable`.
    expect(back.status).toBe(303);
    expect(back.location).toBe(`${APP}/sso-callback`);
    const before = await client(browser);
    expect(before.sessions).toHaveLength(0);
    expect(before.sign_in.first_factor_verification).toMatchObject({
      status: 'transferable',
      error: { code: 'external_account_not_found' },
    });
    // What handleRedirectCallback does next: signUp.create({ transfer: true }).
    const signUp = await browser.call('POST', '/v1/client/sign_ups', { transfer: 'true' });
    expect(signUp.status, JSON.stringify(signUp.body)).toBe(200);
    expect(signUp.body.response).toMatchObject({
      status: 'complete',
      email_address: 'newbie@example.com',
      first_name: 'New',
      last_name: 'Bie',
    });
    const userId = signUp.body.response.created_user_id as string;

    const clerk = createClerkClient({ secretKey: t.secretKey, apiUrl, telemetry: { disabled: true } });
    const user = await clerk.users.getUser(userId);
    expect(user.externalAccounts).toHaveLength(1);
    expect(user.externalAccounts[0]).toMatchObject({
      provider: 'oauth_google',
      providerUserId: 'g-new',
      emailAddress: 'newbie@example.com',
    });
    expect(user.emailAddresses[0]?.verification?.status).toBe('verified');
    expect(user.passwordEnabled).toBe(false);

    // The token from the vault works at the provider's protected resource.
    const { data } = await clerk.users.getUserOauthAccessToken(userId, 'google');
    expect(data).toHaveLength(1);
    const token = data[0]?.token ?? '';
    const resource = await fetch(`${google.issuer}/api/calendar`, { headers: { authorization: `Bearer ${token}` } });
    expect(resource.status).toBe(200);
    expect((await resource.json()).owner).toBe('g-new');

    // Sealed at rest: neither the access token nor the refresh token is in the database file.
    // The database file and its write-ahead log, where fresh rows are until a checkpoint.
    const files = ['gatehouse.db', 'gatehouse.db-wal'].map((f) => path.join(t.dataDir, f)).filter((f) => existsSync(f));
    const dbBytes = Buffer.concat(files.map((f) => readFileSync(f)));
    expect(dbBytes.includes(Buffer.from(token))).toBe(false);
    expect(dbBytes.includes(Buffer.from('g-new'))).toBe(true);
  });

  it('signs in an existing user by the verified e-mail both sides agree on, linking the account', async () => {
    const clerk = createClerkClient({ secretKey: t.secretKey, apiUrl, telemetry: { disabled: true } });
    const existing = await clerk.users.createUser({ emailAddress: ['linked@example.com'], password: 'a long passphrase here' });
    google.user = { sub: 'g-linked', email: 'linked@example.com', emailVerified: true };
    const browser = fapiBrowser(t.app);
    const back = await callback(browser, await throughProvider(await begin(browser, 'sign_ins', 'oauth_google')));
    expect(back.location).toBe(`${APP}/done`);
    const now = await client(browser);
    expect(now.sessions).toHaveLength(1);
    expect(now.sessions[0].user.id).toBe(existing.id);
    expect(now.sign_in).toMatchObject({ status: 'complete', first_factor_verification: { status: 'verified', strategy: 'oauth_google' } });
    expect(now.sessions[0].user.external_accounts).toMatchObject([{ provider: 'google', provider_user_id: 'g-linked' }]);
  });

  it('turns a sign-up for an existing account into a sign-in (transfer)', async () => {
    google.user = { sub: 'g-linked', email: 'linked@example.com', emailVerified: true };
    const browser = fapiBrowser(t.app);
    const back = await callback(browser, await throughProvider(await begin(browser, 'sign_ups', 'oauth_google')));
    expect(back.location).toBe(`${APP}/sso-callback`);
    const before = await client(browser);
    expect(before.sign_up.verifications.external_account).toMatchObject({
      status: 'transferable',
      error: { code: 'external_account_exists' },
    });
    const signIn = await browser.call('POST', '/v1/client/sign_ins', { transfer: 'true' });
    expect(signIn.status, JSON.stringify(signIn.body)).toBe(200);
    expect(signIn.body.response.status).toBe('complete');
    expect((await client(browser)).sessions).toHaveLength(1);
  });

  it('an account with a second factor is asked for it after the provider, whether signing in or transferring a sign-up', async () => {
    const clerk = createClerkClient({ secretKey: t.secretKey, apiUrl, telemetry: { disabled: true } });
    const user = await clerk.users.createUser({ emailAddress: ['guarded@example.com'], password: 'a long passphrase here' });
    const number = await clerk.phoneNumbers.createPhoneNumber({ userId: user.id, phoneNumber: '+15555550123', verified: true });
    await clerk.phoneNumbers.updatePhoneNumber(number.id, { reservedForSecondFactor: true });
    await t.domain.instance.updateSettings((s) => ({ ...s, passwordless: { ...s.passwordless, phoneNumber: 'optional' } }));
    try {
      google.user = { sub: 'g-guarded', email: 'guarded@example.com', emailVerified: true };
      const browser = fapiBrowser(t.app);
      const back = await callback(browser, await throughProvider(await begin(browser, 'sign_ins', 'oauth_google')));
      // No session yet: back to the SSO callback page, where clerk-js finds the sign-in waiting.
      expect(back.location).toBe(`${APP}/sso-callback`);
      const waiting = await client(browser);
      expect(waiting.sessions).toEqual([]);
      expect(waiting.sign_in).toMatchObject({
        status: 'needs_second_factor',
        created_session_id: null,
        first_factor_verification: { status: 'verified', strategy: 'oauth_google' },
        supported_second_factors: [{ strategy: 'phone_code', phone_number_id: number.id }],
      });
      const signInId = waiting.sign_in.id as string;
      await browser.call('POST', `/v1/client/sign_ins/${signInId}/prepare_second_factor`, { strategy: 'phone_code' });
      // Clerk's test number: the code is 424242 on a development instance.
      const wrong = await browser.call('POST', `/v1/client/sign_ins/${signInId}/attempt_second_factor`, {
        strategy: 'phone_code',
        code: '111111',
      });
      expect(wrong.body.errors[0].code).toBe('form_code_incorrect');
      const done = await browser.call('POST', `/v1/client/sign_ins/${signInId}/attempt_second_factor`, {
        strategy: 'phone_code',
        code: '424242',
      });
      expect(done.body.response).toMatchObject({ status: 'complete', first_factor_verification: { strategy: 'oauth_google' } });
      expect(done.body.client.sessions[0].user.id).toBe(user.id);

      // A sign-up through the provider for this account turns into the same waiting sign-in.
      const other = fapiBrowser(t.app);
      await callback(other, await throughProvider(await begin(other, 'sign_ups', 'oauth_google')));
      const transferred = await other.call('POST', '/v1/client/sign_ins', { transfer: 'true' });
      expect(transferred.body.response).toMatchObject({ status: 'needs_second_factor', created_session_id: null });
      expect(transferred.body.client.sessions).toEqual([]);
    } finally {
      await t.domain.instance.updateSettings((s) => ({ ...s, passwordless: { ...s.passwordless, phoneNumber: 'off' } }));
    }
  });

  it('signs in with GitHub (no ID token: profile and e-mails from its API)', async () => {
    const browser = fapiBrowser(t.app);
    const back = await callback(browser, await throughProvider(await begin(browser, 'sign_ups', 'oauth_github')));
    expect(back.location).toBe(`${APP}/done`);
    const now = await client(browser);
    expect(now.sessions).toHaveLength(1);
    expect(now.sessions[0].user.email_addresses[0].email_address).toBe('octo@example.com');
    expect(now.sessions[0].user.external_accounts).toMatchObject([{ provider: 'github', provider_user_id: '4242', username: 'octo' }]);
    // Later: a sign-in with GitHub finds the account.
    const again = fapiBrowser(t.app);
    const second = await callback(again, await throughProvider(await begin(again, 'sign_ins', 'oauth_github')));
    expect(second.location).toBe(`${APP}/done`);
    expect((await client(again)).sessions[0].user.id).toBe(now.sessions[0].user.id);
  });

  it('refuses a tampered state, a replayed callback, a wrong nonce, a wrong issuer, access_denied and an unverified e-mail of an existing user, creating no session', async () => {
    google.user = { sub: 'g-refused', email: 'refused@example.com', emailVerified: true };
    // Tampered state: no flow matches; a clear 400 and nothing else.
    let browser = fapiBrowser(t.app);
    const returned = new URL(await throughProvider(await begin(browser, 'sign_ins', 'oauth_google')));
    const genuine = returned.href;
    returned.searchParams.set('state', `${returned.searchParams.get('state')}x`);
    let back = await callback(browser, returned.href);
    expect(back.status).toBe(400);
    expect(JSON.parse(back.body).errors[0].code).toBe('oauth_callback_invalid');
    expect((await client(browser)).sessions).toHaveLength(0);

    // Replay: the genuine callback works once, then the same code and state are refused.
    back = await callback(browser, genuine);
    expect(back.status).toBe(303);
    const replay = await callback(fapiBrowser(t.app), genuine);
    expect(replay.status).toBe(400);
    expect(JSON.parse(replay.body).errors[0].code).toBe('oauth_callback_invalid');

    // Another browser presenting this browser's callback: refused (state is bound to the client).
    browser = fapiBrowser(t.app);
    const started = await throughProvider(await begin(browser, 'sign_ins', 'oauth_google'));
    const stranger = fapiBrowser(t.app);
    await stranger.call('POST', '/v1/client/sign_ins', { identifier: 'nobody@example.com' });
    back = await callback(stranger, started);
    expect(back.status).toBe(400);
    expect((await client(stranger)).sessions).toHaveLength(0);

    // Wrong nonce: the ID token carries a nonce this flow did not send.
    browser = fapiBrowser(t.app);
    const withNonce = new URL(await begin(browser, 'sign_ins', 'oauth_google'));
    withNonce.searchParams.set('nonce', 'not-the-flows-nonce');
    back = await callback(browser, await throughProvider(withNonce.href));
    expect(back.location).toBe(`${APP}/sso-callback`);
    let after = await client(browser);
    expect(after.sessions).toHaveLength(0);
    expect(after.sign_in.first_factor_verification).toMatchObject({ status: 'failed', error: { code: 'oauth_token_exchange_error' } });

    // Wrong issuer: acme's ID tokens name acme, the connection expects google's issuer.
    acme.user = { sub: 'a-1', email: 'acme@example.com', emailVerified: true };
    browser = fapiBrowser(t.app);
    back = await callback(browser, await throughProvider(await begin(browser, 'sign_ins', 'oauth_custom_acme')));
    after = await client(browser);
    expect(after.sessions).toHaveLength(0);
    expect(after.sign_in.first_factor_verification.status).toBe('failed');

    // A signature the provider's JWKS does not vouch for: the key id is right, the key is not.
    const realKeys = (await (await fetch(`${forged.issuer}/jwks`)).json()) as { keys: { kid: string; alg?: string; use?: string }[] };
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
    forged.jwksOverride = { keys: realKeys.keys.map((k) => ({ ...other, kid: k.kid, alg: k.alg, use: k.use })) };
    forged.user = { sub: 'f-1', email: 'forged@example.com', emailVerified: true };
    browser = fapiBrowser(t.app);
    back = await callback(browser, await throughProvider(await begin(browser, 'sign_ins', 'oauth_custom_forged')));
    after = await client(browser);
    expect(after.sessions).toHaveLength(0);
    expect(after.sign_in.first_factor_verification).toMatchObject({ status: 'failed', error: { code: 'oauth_token_exchange_error' } });
    // (Without openid-client's signature check enabled this sign-in succeeds: the claims are all right.)
    forged.jwksOverride = undefined;

    // access_denied at the provider: Clerk's error on the verification.
    google.mode = 'deny';
    browser = fapiBrowser(t.app);
    back = await callback(browser, await throughProvider(await begin(browser, 'sign_ins', 'oauth_google')));
    google.mode = 'allow';
    expect(back.location).toBe(`${APP}/sso-callback`);
    after = await client(browser);
    expect(after.sessions).toHaveLength(0);
    expect(after.sign_in.first_factor_verification).toMatchObject({ status: 'failed', error: { code: 'oauth_access_denied' } });

    // The provider has not verified the address an existing user has: never linked.
    const clerk = createClerkClient({ secretKey: t.secretKey, apiUrl, telemetry: { disabled: true } });
    await clerk.users.createUser({ emailAddress: ['victim@example.com'], password: 'a long passphrase here' });
    google.user = { sub: 'g-attacker', email: 'victim@example.com', emailVerified: false };
    for (const kind of ['sign_ins', 'sign_ups'] as const) {
      browser = fapiBrowser(t.app);
      back = await callback(browser, await throughProvider(await begin(browser, kind, 'oauth_google')));
      after = await client(browser);
      expect(after.sessions).toHaveLength(0);
      const verification = kind === 'sign_ins' ? after.sign_in.first_factor_verification : after.sign_up.verifications.external_account;
      expect(verification).toMatchObject({ status: 'failed', error: { code: 'external_account_email_address_verification_required' } });
    }
  }, 60_000);

  it('refreshes an expired token once for ten concurrent callers; a revoked grant is a clear error', async () => {
    google.user = { sub: 'g-vault', email: 'vault@example.com', emailVerified: true };
    google.accessTokenTtl = 12;
    const browser = fapiBrowser(t.app);
    await callback(browser, await throughProvider(await begin(browser, 'sign_ups', 'oauth_google')));
    const userId = (await client(browser)).sessions[0].user.id as string;
    const clerk = createClerkClient({ secretKey: t.secretKey, apiUrl, telemetry: { disabled: true } });
    const first = (await clerk.users.getUserOauthAccessToken(userId, 'google')).data[0];
    google.accessTokenTtl = 3600;
    // Within the 10-second skew of its expiry after 3 s: the next calls refresh it, once.
    await new Promise((r) => setTimeout(r, 3000));
    const refreshesBefore = google.refreshes;
    const all = await Promise.all(Array.from({ length: 10 }, () => clerk.users.getUserOauthAccessToken(userId, 'oauth_google')));
    expect(google.refreshes - refreshesBefore).toBe(1);
    const tokens = new Set(all.map((r) => r.data[0]?.token));
    expect(tokens.size).toBe(1);
    expect(tokens.has(first?.token)).toBe(false);
    const fresh = [...tokens][0] ?? '';
    const resource = await fetch(`${google.issuer}/api/calendar`, { headers: { authorization: `Bearer ${fresh}` } });
    expect(resource.status).toBe(200);

    // The user revokes the app at the provider; the next refresh is refused and the account marked.
    google.accessTokenTtl = 12;
    const b2 = fapiBrowser(t.app);
    google.user = { sub: 'g-revoked', email: 'revoked@example.com', emailVerified: true };
    await callback(b2, await throughProvider(await begin(b2, 'sign_ups', 'oauth_google')));
    const revokedUser = (await client(b2)).sessions[0].user.id as string;
    google.accessTokenTtl = 3600;
    await google.revokeAll();
    await new Promise((r) => setTimeout(r, 3000));
    const refused = await clerk.users
      .getUserOauthAccessToken(revokedUser, 'google')
      .catch((e: { status: number; errors: { code: string }[] }) => e);
    expect(refused).toMatchObject({ status: 422, errors: [{ code: 'oauth_token_retrieval_error' }] });
    const marked = await clerk.users.getUser(revokedUser);
    expect(marked.externalAccounts[0]?.verification?.status).toBe('expired');
  }, 60_000);

  it('removes an external account through the Backend API', async () => {
    google.user = { sub: 'g-removed', email: 'removed@example.com', emailVerified: true };
    const browser = fapiBrowser(t.app);
    await callback(browser, await throughProvider(await begin(browser, 'sign_ups', 'oauth_google')));
    const user = (await client(browser)).sessions[0].user;
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${user.id}/external_accounts/${user.external_accounts[0].id}`,
      headers: t.auth,
    });
    expect(res.json()).toMatchObject({ object: 'external_account', deleted: true });
    const clerk = createClerkClient({ secretKey: t.secretKey, apiUrl, telemetry: { disabled: true } });
    expect((await clerk.users.getUser(user.id)).externalAccounts).toHaveLength(0);
    expect((await clerk.users.getUserOauthAccessToken(user.id, 'google')).data).toHaveLength(0);
  });

  it('connects a provider to a signed-in user from /v1/me/external_accounts, with an additional scope', async () => {
    const clerk = createClerkClient({ secretKey: t.secretKey, apiUrl, telemetry: { disabled: true } });
    await clerk.users.createUser({ emailAddress: ['connector@example.com'], password: 'a long passphrase here' });
    const browser = fapiBrowser(t.app);
    const signIn = await browser.call('POST', '/v1/client/sign_ins', {
      identifier: 'connector@example.com',
      password: 'a long passphrase here',
    });
    expect(signIn.body.response.status).toBe('complete');
    google.user = { sub: 'g-connected', email: 'other-address@example.com', emailVerified: true };
    const res = await browser.call('POST', '/v1/me/external_accounts', {
      strategy: 'oauth_google',
      redirect_url: `${APP}/user`,
      additional_scope: 'calendar.read',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const url = res.body.response.verification.external_verification_redirect_url as string;
    expect(new URL(url).searchParams.get('scope')).toBe('openid email profile calendar.read');
    const back = await callback(browser, await throughProvider(url));
    expect(back.location).toBe(`${APP}/user`);
    const user = (await client(browser)).sessions[0].user;
    expect(user.external_accounts).toMatchObject([
      { provider: 'google', provider_user_id: 'g-connected', approved_scopes: expect.stringContaining('calendar.read') },
    ]);
    // Re-authorizing asks again for what was granted plus the new scope, and renews the one account.
    const again = await browser.call('PATCH', `/v1/me/external_accounts/${user.external_accounts[0].id}/reauthorize`, {
      redirect_url: `${APP}/user`,
      additional_scope: 'offline_access',
    });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    const scopeAsked = new URL(again.body.response.verification.external_verification_redirect_url).searchParams.get('scope')?.split(' ');
    expect(scopeAsked).toEqual(expect.arrayContaining(['openid', 'email', 'profile', 'calendar.read', 'offline_access']));
    await callback(browser, await throughProvider(again.body.response.verification.external_verification_redirect_url));
    const renewed = (await client(browser)).sessions[0].user.external_accounts;
    expect(renewed).toHaveLength(1);
    expect(renewed[0].approved_scopes).toContain('offline_access');
    const removed = await browser.call('DELETE', `/v1/me/external_accounts/${user.external_accounts[0].id}`);
    expect(removed.body.response).toMatchObject({ deleted: true });
  });
});

describe('social sign-up with a required username', () => {
  let t: TestApp;
  let google: TestOidcProvider;

  beforeAll(async () => {
    google = await startOidcProvider({ redirectUri: CALLBACK });
    const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-social-'));
    const configFile = path.join(dir, 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        frontend: { username: 'required' },
        oauth: { google: { clientId: google.clientId, clientSecret: google.clientSecret, issuer: google.issuer } },
      }),
    );
    t = await createTestApp({ flags: { config: configFile, 'public-url': PUBLIC_URL } });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await google?.close();
  });

  it('leaves the sign-up missing the username, then completes it with the external account', async () => {
    google.user = { sub: 'g-needs-username', email: 'needs-username@example.com', emailVerified: true };
    const browser = fapiBrowser(t.app);
    const created = await browser.call('POST', '/v1/client/sign_ups', {
      strategy: 'oauth_google',
      redirect_url: `${APP}/sso-callback`,
      action_complete_redirect_url: `${APP}/done`,
    });
    const url = created.body.response.verifications.external_account.external_verification_redirect_url as string;
    const res = await t.app.inject({
      method: 'GET',
      url: (await throughProvider(url)).slice(PUBLIC_URL.length),
      headers: { cookie: browser.cookie },
    });
    // No session yet: back to the app's callback page, where clerk-js sees the missing field.
    expect(res.headers.location).toBe(`${APP}/sso-callback`);
    const signUp = (await browser.call('GET', '/v1/client')).body.response.sign_up;
    expect(signUp).toMatchObject({
      status: 'missing_requirements',
      missing_fields: ['username'],
      unverified_fields: [],
      email_address: 'needs-username@example.com',
      verifications: { external_account: { status: 'verified', strategy: 'oauth_google' } },
    });
    const done = await browser.call('PATCH', `/v1/client/sign_ups/${signUp.id}`, { username: 'needs_username' });
    expect(done.body.response.status).toBe('complete');
    const user = (await browser.call('GET', '/v1/client')).body.response.sessions[0].user;
    expect(user).toMatchObject({
      username: 'needs_username',
      external_accounts: [{ provider: 'google', provider_user_id: 'g-needs-username' }],
    });
  });
});

const pgOk = await postgresAvailable();

describe("Microsoft's multi-tenant issuer (common)", () => {
  const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
  let t: TestApp;
  let ms: TestOidcProvider;

  beforeAll(async () => {
    ms = await startOidcProvider({ redirectUri: CALLBACK, tenant: TENANT });
    const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-social-'));
    const configFile = path.join(dir, 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({ oauth: { microsoft: { clientId: ms.clientId, clientSecret: ms.clientSecret, issuer: ms.commonIssuer } } }),
    );
    t = await createTestApp({ flags: { config: configFile, 'public-url': PUBLIC_URL } });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await ms?.close();
  });

  async function signInWithMicrosoft() {
    const browser = fapiBrowser(t.app);
    const res = await browser.call('POST', '/v1/client/sign_ins', {
      strategy: 'oauth_microsoft',
      redirect_url: `${APP}/sso-callback`,
      action_complete_redirect_url: `${APP}/done`,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const at = await throughProvider(res.body.response.first_factor_verification.external_verification_redirect_url);
    const back = await t.app.inject({ method: 'GET', url: at.slice(PUBLIC_URL.length), headers: { cookie: browser.cookie } });
    return { browser, location: back.headers.location, client: (await browser.call('GET', '/v1/client')).body.response };
  }

  it('accepts an ID token whose issuer is the template with its own tenant, and refuses one naming another tenant', async () => {
    // The discovered issuer is the template; the ID token names the tenant's issuer and its `tid`.
    const discovered = await (await fetch(`${ms.commonIssuer}/.well-known/openid-configuration`)).json();
    expect(discovered.issuer).toMatch(/\/\{tenantid\}\/v2\.0$/);
    expect(ms.issuer).toBe(discovered.issuer.replace('{tenantid}', TENANT));

    ms.user = { sub: 'ms-1', email: 'ada@contoso.example', emailVerified: true, givenName: 'Ada' };
    const first = await signInWithMicrosoft();
    expect(first.location).toBe(`${APP}/sso-callback`);
    expect(first.client.sign_in.first_factor_verification).toMatchObject({
      status: 'transferable',
      strategy: 'oauth_microsoft',
      error: { code: 'external_account_not_found' },
    });
    const signUp = await first.browser.call('POST', '/v1/client/sign_ups', { transfer: 'true' });
    expect(signUp.status, JSON.stringify(signUp.body)).toBe(200);
    expect(signUp.body.response).toMatchObject({ status: 'complete', email_address: 'ada@contoso.example' });

    // An ID token of this tenant's issuer that claims another tenant: the issuer does not match.
    ms.tidClaim = '00000000-0000-0000-0000-000000000001';
    const forged = await signInWithMicrosoft();
    expect(forged.location).toBe(`${APP}/sso-callback`);
    expect(forged.client.sessions).toHaveLength(0);
    expect(forged.client.sign_in.first_factor_verification).toMatchObject({
      status: 'failed',
      error: { code: 'oauth_token_exchange_error' },
    });

    // The tenant's own again: the account made above signs in.
    ms.tidClaim = undefined;
    const again = await signInWithMicrosoft();
    expect(again.location).toBe(`${APP}/done`);
    expect(again.client.sessions).toHaveLength(1);
    expect(again.client.sessions[0].user.external_accounts).toMatchObject([{ provider: 'microsoft', provider_user_id: 'ms-1' }]);
  });
});

describe.skipIf(!pgOk)('the token vault on two nodes sharing PostgreSQL', () => {
  let nodes: TestApp[] = [];
  let google: TestOidcProvider;
  let database: TestDatabase;

  beforeAll(async () => {
    google = await startOidcProvider({ redirectUri: CALLBACK });
    database = await createTestDatabase();
    // One data dir: both nodes read the same encryption key, as nodes of one deployment must.
    const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-social-pg-'));
    const configFile = path.join(dir, 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({ oauth: { google: { clientId: google.clientId, clientSecret: google.clientSecret, issuer: google.issuer } } }),
    );
    const flags = { config: configFile, 'public-url': PUBLIC_URL, 'data-dir': dir };
    nodes.push(await createTestApp({ databaseUrl: database.url, flags }));
    nodes.push(await createTestApp({ databaseUrl: database.url, flags }));
  }, 60_000);

  afterAll(async () => {
    for (const node of nodes) await node.close();
    nodes = [];
    await database?.drop();
    await google?.close();
  });

  it('refreshes an expired token once when ten calls arrive at two nodes together', async () => {
    const [a, b] = nodes as [TestApp, TestApp];
    google.user = { sub: 'g-two-nodes', email: 'two-nodes@example.com', emailVerified: true };
    google.accessTokenTtl = 12;
    const browser = fapiBrowser(a.app);
    const created = await browser.call('POST', '/v1/client/sign_ups', { strategy: 'oauth_google', redirect_url: `${APP}/sso-callback` });
    const url = created.body.response.verifications.external_account.external_verification_redirect_url as string;
    await a.app.inject({ method: 'GET', url: (await throughProvider(url)).slice(PUBLIC_URL.length), headers: { cookie: browser.cookie } });
    const userId = (await browser.call('GET', '/v1/client')).body.response.sessions[0].user.id as string;
    google.accessTokenTtl = 3600;
    await new Promise((r) => setTimeout(r, 3000));
    const before = google.refreshes;
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? b : a).app.inject({
          method: 'GET',
          url: `/api/v1/users/${userId}/oauth_access_tokens/google?paginated=true`,
          headers: a.auth,
        }),
      ),
    );
    expect(answers.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
    expect(google.refreshes - before).toBe(1);
    expect(new Set(answers.map((r) => r.json().data[0].token)).size).toBe(1);
  }, 60_000);
});
