import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ClerkClient, createClerkClient } from '@clerk/backend';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, mailedCode, type TestApp } from '../../testing/app.js';
import { type FapiBrowser, fapiBrowser } from '../../testing/fapi-browser.js';
import { followProvider, startOidcProvider, type TestOidcProvider } from '../../testing/oauth-providers.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../../testing/services.js';

const pgOk = await postgresAvailable();
const PASSWORD = 'membership required passphrase';

function claimsOf(jwt: string): Record<string, unknown> {
  const [, payload] = jwt.split('.');
  return JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
}

/** The app in-process and listening (for `@clerk/backend`), and an SDK client pointed at it. */
async function startApp(database?: TestDatabase): Promise<{ t: TestApp; clerk: ClerkClient }> {
  // The setting comes from the environment variable, as an operator would set it.
  const t = await createTestApp({ databaseUrl: database?.url, env: { GATEHOUSE_FORCE_ORGANIZATION_SELECTION: '1' } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const apiUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/api`;
  const clerk = createClerkClient({
    secretKey: t.secretKey,
    apiUrl,
    publishableKey: t.domain.publishableKey(),
    telemetry: { disabled: true },
  });
  return { t, clerk };
}

async function signIn(b: FapiBrowser, identifier: string) {
  const res = await b.call('POST', '/v1/client/sign_ins', { identifier, password: PASSWORD, strategy: 'password' });
  expect(res.status).toBe(200);
  expect(res.body.response.status).toBe('complete');
  return { sessionId: res.body.response.created_session_id as string, client: res.body.client };
}

async function tokenOf(b: FapiBrowser, sessionId: string): Promise<string> {
  const res = await b.call('POST', `/v1/client/sessions/${sessionId}/tokens`, {});
  expect(res.status).toBe(200);
  return res.body.jwt as string;
}

/** What an app's server sees for a session token (Clerk's default: a pending session is signed out). */
async function appSees(clerk: ClerkClient, jwt: string) {
  const state = await clerk.authenticateRequest(new Request('http://127.0.0.1:3000/x', { headers: { authorization: `Bearer ${jwt}` } }));
  return state.toAuth();
}

/**
 * `organizations.forceOrganizationSelection` (Clerk's "Membership required"): a sign-in or sign-up
 * leaves a *pending* session with Clerk's `choose-organization` task; setting an organization active
 * (touch: one of the user's, or one just created) completes it. With MFA required too, both tasks are due, each done on its own.
 */
describe('membership required: the choose-organization session task (SQLite, HTTP on loopback)', () => {
  let t: TestApp;
  let clerk: ClerkClient;

  beforeAll(async () => {
    ({ t, clerk } = await startApp());
  });
  afterAll(async () => t?.close());

  it('the environment and the Backend API say an organization is required', async () => {
    const env = (await fapiBrowser(t.app).call('GET', '/v1/environment')).body;
    expect(env.organization_settings).toMatchObject({ enabled: true, force_organization_selection: true });
    const bapi = await t.app.inject({ method: 'GET', url: '/api/v1/instance/organization_settings', headers: t.auth });
    expect(bapi.json()).toMatchObject({ object: 'organization_settings', force_organization_selection: true });
  });

  it('a sign-in leaves a pending session with the task; creating an organization and choosing it completes it', async () => {
    const user = await clerk.users.createUser({ emailAddress: ['newcomer@example.com'], password: PASSWORD });
    const b = fapiBrowser(t.app);
    const { sessionId, client } = await signIn(b, 'newcomer@example.com');
    expect(client.last_active_session_id).toBe(sessionId);
    expect(client.sessions[0]).toMatchObject({ id: sessionId, status: 'pending', tasks: [{ key: 'choose-organization' }] });
    expect(client.sessions[0].last_active_organization_id).toBeNull();

    const pendingJwt = await tokenOf(b, sessionId);
    expect(claimsOf(pendingJwt)).toMatchObject({ sid: sessionId, sts: 'pending' });
    expect(await appSees(clerk, pendingJwt)).toMatchObject({ userId: null, sessionStatus: 'pending' });
    const bapi = await t.app.inject({ method: 'GET', url: `/api/v1/sessions/${sessionId}`, headers: t.auth });
    expect(bapi.json()).toMatchObject({ status: 'pending', tasks: [{ key: 'choose-organization' }] });

    // The personal account is no choice, and another's organization is refused: still pending.
    const personal = await b.call('POST', `/v1/client/sessions/${sessionId}/touch`, { active_organization_id: '' });
    expect(personal.status).toBe(200);
    expect(personal.body.response).toMatchObject({ status: 'pending', tasks: [{ key: 'choose-organization' }] });
    const foreign = await clerk.organizations.createOrganization({ name: 'Not Theirs' });
    const refused = await b.call('POST', `/v1/client/sessions/${sessionId}/touch`, { active_organization_id: foreign.id });
    expect(refused.status).toBe(404);
    expect(refused.body.errors[0].code).toBe('organization_not_found_or_unauthorized');
    expect((await clerk.sessions.getSession(sessionId)).status).toBe('pending');

    // The task screen's "Create organization": the pending session may create one (it switches to
    // nothing, as on Clerk), then clerk-js's setActive({ organization }) touches with it: done.
    const created = await b.call('POST', '/v1/organizations', { name: 'Newcomer Labs' });
    expect(created.status).toBe(200);
    const orgId = created.body.response.id as string;
    expect(created.body.client.sessions[0]).toMatchObject({ id: sessionId, status: 'pending', last_active_organization_id: null });
    const touched = await b.call('POST', `/v1/client/sessions/${sessionId}/touch`, { active_organization_id: orgId });
    expect(touched.status).toBe(200);
    expect(touched.body.response).toMatchObject({ id: sessionId, status: 'active', tasks: null, last_active_organization_id: orgId });
    expect(claimsOf(touched.body.client.sessions[0].last_active_token.jwt)).toMatchObject({ sts: 'active' });

    const active = await appSees(clerk, await tokenOf(b, sessionId));
    expect(active).toMatchObject({ userId: user.id, sessionId, sessionStatus: 'active', orgId, orgRole: 'org:admin' });
    expect(await clerk.sessions.getSession(sessionId)).toMatchObject({ status: 'active', lastActiveOrganizationId: orgId });
  });

  it('a member picks one of their organizations (touch), and members get the task on every sign-in', async () => {
    const user = await clerk.users.createUser({ emailAddress: ['member@example.com'], password: PASSWORD });
    const org = await clerk.organizations.createOrganization({ name: 'Member Co' });
    await clerk.organizations.createOrganizationMembership({ organizationId: org.id, userId: user.id, role: 'org:member' });
    for (const round of [1, 2]) {
      const b = fapiBrowser(t.app);
      const { sessionId, client } = await signIn(b, 'member@example.com');
      expect(client.sessions[0], `sign-in ${round}`).toMatchObject({ status: 'pending', tasks: [{ key: 'choose-organization' }] });
      // The task screen lists the membership from the client's user.
      expect(client.sessions[0].user.organization_memberships.map((m: { organization: { id: string } }) => m.organization.id)).toEqual([
        org.id,
      ]);
      // setActive({ organization }) may name the organization by slug too.
      const touched = await b.call('POST', `/v1/client/sessions/${sessionId}/touch`, {
        active_organization_id: round === 1 ? org.id : org.slug,
      });
      expect(touched.status).toBe(200);
      expect(touched.body.response).toMatchObject({ id: sessionId, status: 'active', tasks: null, last_active_organization_id: org.id });
      expect(touched.body.client.sessions[0].status).toBe('active');
      expect(await appSees(clerk, await tokenOf(b, sessionId))).toMatchObject({ userId: user.id, orgId: org.id, orgRole: 'org:member' });
    }
  });

  it('a sign-up completes with a pending session too', async () => {
    const b = fapiBrowser(t.app);
    const created = await b.call('POST', '/v1/client/sign_ups', { email_address: 'signup@example.com', password: PASSWORD });
    const id = created.body.response.id as string;
    await b.call('POST', `/v1/client/sign_ups/${id}/prepare_verification`, { strategy: 'email_code' });
    const done = await b.call('POST', `/v1/client/sign_ups/${id}/attempt_verification`, {
      strategy: 'email_code',
      code: await mailedCode(t, 'signup@example.com'),
    });
    expect(done.body.response.status).toBe('complete');
    expect(done.body.client.sessions[0]).toMatchObject({
      id: done.body.response.created_session_id,
      status: 'pending',
      tasks: [{ key: 'choose-organization' }],
    });
  });

  it('with MFA required too, both tasks are due (setup-mfa first) and each is done on its own', async () => {
    await t.domain.instance.updateSettings((s) => ({ ...s, factors: { ...s.factors, mfaRequired: true } }));
    try {
      await clerk.users.createUser({ emailAddress: ['both@example.com'], password: PASSWORD });
      const b = fapiBrowser(t.app);
      const { sessionId, client } = await signIn(b, 'both@example.com');
      expect(client.sessions[0]).toMatchObject({ status: 'pending', tasks: [{ key: 'setup-mfa' }, { key: 'choose-organization' }] });
      // The organization first: setup-mfa is left.
      const orgId = (await b.call('POST', '/v1/organizations', { name: 'Both Inc' })).body.response.id as string;
      const touched = await b.call('POST', `/v1/client/sessions/${sessionId}/touch`, { active_organization_id: orgId });
      expect(touched.body.response).toMatchObject({ status: 'pending', tasks: [{ key: 'setup-mfa' }], last_active_organization_id: orgId });
      const { secret } = (await b.call('POST', '/v1/me/totp')).body.response;
      const code = new TOTP({ secret: Secret.fromBase32(secret) }).generate();
      const verified = await b.call('POST', '/v1/me/totp/attempt_verification', { code });
      expect(verified.status).toBe(200);
      expect(verified.body.client.sessions[0]).toMatchObject({
        id: sessionId,
        status: 'active',
        tasks: null,
        last_active_organization_id: orgId,
      });
    } finally {
      await t.domain.instance.updateSettings((s) => ({ ...s, factors: { ...s.factors, mfaRequired: false } }));
    }
  });

  it('the Backend API still makes active sessions, and with the setting off sign-ins are as before', async () => {
    const user = await clerk.users.createUser({ emailAddress: ['off@example.com'], password: PASSWORD });
    expect((await clerk.sessions.createSession({ userId: user.id })).status).toBe('active');
    const off = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/instance/organization_settings',
      headers: t.auth,
      payload: { force_organization_selection: false },
    });
    expect(off.json()).toMatchObject({ force_organization_selection: false });
    try {
      expect((await fapiBrowser(t.app).call('GET', '/v1/environment')).body.organization_settings.force_organization_selection).toBe(false);
      const b = fapiBrowser(t.app);
      const { sessionId, client } = await signIn(b, 'off@example.com');
      expect(client.sessions[0]).toMatchObject({ status: 'active', tasks: null, last_active_organization_id: null });
      const auth = await appSees(clerk, await tokenOf(b, sessionId));
      expect(auth).toMatchObject({ userId: user.id, sessionStatus: 'active' });
      expect(auth?.orgId).toBeUndefined();
    } finally {
      await t.domain.instance.updateSettings((s) => ({ ...s, organizations: { ...s.organizations, forceOrganizationSelection: true } }));
    }
  });
});

describe.skipIf(!pgOk)('membership required on PostgreSQL', () => {
  let t: TestApp;
  let clerk: ClerkClient;
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    ({ t, clerk } = await startApp(database));
  });
  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it('a sign-in waits for the task; choosing an organization makes the session active', async () => {
    const user = await clerk.users.createUser({ emailAddress: ['pg-member@example.com'], password: PASSWORD });
    const org = await clerk.organizations.createOrganization({ name: 'Postgres Org', createdBy: user.id });
    const b = fapiBrowser(t.app);
    const { sessionId, client } = await signIn(b, 'pg-member@example.com');
    expect(client.sessions[0]).toMatchObject({ status: 'pending', tasks: [{ key: 'choose-organization' }] });
    const touched = await b.call('POST', `/v1/client/sessions/${sessionId}/touch`, { active_organization_id: org.id });
    expect(touched.body.response).toMatchObject({ status: 'active', tasks: null, last_active_organization_id: org.id });
    expect(await appSees(clerk, await tokenOf(b, sessionId))).toMatchObject({ userId: user.id, orgId: org.id, orgRole: 'org:admin' });
  });
});

/**
 * A session made by social sign-in waits for the task too: Google played by a real OpenID provider
 * (`oidc-provider`) on loopback, the browser driven as clerk-js drives it (sign-in with
 * `strategy=oauth_google`, through the provider, back through `/v1/oauth_callback`; a new user's
 * sign-in transferred to a sign-up, as `handleRedirectCallback` does).
 */
describe('membership required: sessions from social sign-in (SQLite, OpenID provider on loopback)', () => {
  const PUBLIC_URL = 'http://127.0.0.1:4000';
  const APP = 'http://127.0.0.1:5173';
  let t: TestApp;
  let clerk: ClerkClient;
  let google: TestOidcProvider;

  beforeAll(async () => {
    google = await startOidcProvider({ redirectUri: `${PUBLIC_URL}/v1/oauth_callback` });
    const configFile = path.join(mkdtempSync(path.join(tmpdir(), 'gatehouse-choose-org-')), 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({ oauth: { google: { clientId: google.clientId, clientSecret: google.clientSecret, issuer: google.issuer } } }),
    );
    t = await createTestApp({
      flags: { config: configFile, 'public-url': PUBLIC_URL },
      env: { GATEHOUSE_FORCE_ORGANIZATION_SELECTION: '1' },
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const apiUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/api`;
    clerk = createClerkClient({ secretKey: t.secretKey, apiUrl, publishableKey: t.domain.publishableKey(), telemetry: { disabled: true } });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await google?.close();
  });

  /** `signIn.create({ strategy: 'oauth_google' })`, the provider, and the callback; answers where it sent the browser. */
  async function signInWithGoogle(b: FapiBrowser): Promise<string | undefined> {
    const started = await b.call('POST', '/v1/client/sign_ins', {
      strategy: 'oauth_google',
      redirect_url: `${APP}/sso-callback`,
      action_complete_redirect_url: `${APP}/done`,
    });
    expect(started.status).toBe(200);
    const back = await followProvider(started.body.response.first_factor_verification.external_verification_redirect_url, PUBLIC_URL);
    const res = await t.app.inject({ method: 'GET', url: back.slice(PUBLIC_URL.length), headers: { cookie: b.cookie } });
    expect(res.statusCode).toBe(303);
    return res.headers.location as string | undefined;
  }

  it('an existing member signing in with Google gets a pending session with the task; choosing the organization completes it', async () => {
    const user = await clerk.users.createUser({ emailAddress: ['social-member@example.com'], password: PASSWORD });
    const org = await clerk.organizations.createOrganization({ name: 'Social Co', createdBy: user.id });
    google.user = { sub: 'g-social-member', email: 'social-member@example.com', emailVerified: true };
    const b = fapiBrowser(t.app);
    expect(await signInWithGoogle(b)).toBe(`${APP}/done`);
    const client = (await b.call('GET', '/v1/client')).body.response;
    expect(client.sign_in).toMatchObject({
      status: 'complete',
      first_factor_verification: { status: 'verified', strategy: 'oauth_google' },
    });
    const sessionId = client.last_active_session_id as string;
    expect(client.sessions).toHaveLength(1);
    expect(client.sessions[0]).toMatchObject({ id: sessionId, status: 'pending', tasks: [{ key: 'choose-organization' }] });
    expect(client.sessions[0].user.external_accounts).toMatchObject([{ provider: 'google', provider_user_id: 'g-social-member' }]);
    const pendingJwt = await tokenOf(b, sessionId);
    expect(claimsOf(pendingJwt)).toMatchObject({ sid: sessionId, sts: 'pending' });
    expect(await appSees(clerk, pendingJwt)).toMatchObject({ userId: null, sessionStatus: 'pending' });

    const touched = await b.call('POST', `/v1/client/sessions/${sessionId}/touch`, { active_organization_id: org.id });
    expect(touched.status).toBe(200);
    expect(touched.body.response).toMatchObject({ id: sessionId, status: 'active', tasks: null, last_active_organization_id: org.id });
    expect(await appSees(clerk, await tokenOf(b, sessionId))).toMatchObject({
      userId: user.id,
      sessionId,
      sessionStatus: 'active',
      orgId: org.id,
      orgRole: 'org:admin',
    });
  });

  it('a new user signed up through Google (transfer) gets the task too, and completes it by creating an organization', async () => {
    google.user = { sub: 'g-social-new', email: 'social-new@example.com', emailVerified: true, givenName: 'Soc', familyName: 'Ial' };
    const b = fapiBrowser(t.app);
    // No account yet: back to the app's callback page, where clerk-js sees `transferable`.
    expect(await signInWithGoogle(b)).toBe(`${APP}/sso-callback`);
    const signUp = await b.call('POST', '/v1/client/sign_ups', { transfer: 'true' });
    expect(signUp.status).toBe(200);
    expect(signUp.body.response).toMatchObject({ status: 'complete', email_address: 'social-new@example.com' });
    const sessionId = signUp.body.response.created_session_id as string;
    expect(signUp.body.client.sessions).toHaveLength(1);
    expect(signUp.body.client.sessions[0]).toMatchObject({ id: sessionId, status: 'pending', tasks: [{ key: 'choose-organization' }] });
    expect(claimsOf(await tokenOf(b, sessionId))).toMatchObject({ sid: sessionId, sts: 'pending' });

    const orgId = (await b.call('POST', '/v1/organizations', { name: 'Social Newcomers' })).body.response.id as string;
    const touched = await b.call('POST', `/v1/client/sessions/${sessionId}/touch`, { active_organization_id: orgId });
    expect(touched.body.response).toMatchObject({ id: sessionId, status: 'active', tasks: null, last_active_organization_id: orgId });
    const userId = signUp.body.response.created_user_id as string;
    expect(await appSees(clerk, await tokenOf(b, sessionId))).toMatchObject({
      userId,
      sessionStatus: 'active',
      orgId,
      orgRole: 'org:admin',
    });
    expect((await clerk.users.getUser(userId)).externalAccounts).toMatchObject([
      { provider: 'oauth_google', providerUserId: 'g-social-new' },
    ]);
  });
});
