import type { AddressInfo } from 'node:net';
import { type ClerkClient, createClerkClient, verifyToken } from '@clerk/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CALLER } from '../../domain/caller.js';
import { organizationTokenClaims, permissionsForRole, slugFromName } from '../../domain/organizations.js';
import { GatehouseError } from '../../errors.js';
import type { Organization, OrganizationMembership } from '../../model/index.js';
import { createTestApp, type TestApp } from '../../testing/app.js';

/**
 * Organizations in session tokens: the v2 `o` claim (with `fea`), read back by the official
 * `@clerk/backend` (`verifyToken`, `authenticateRequest` → `toAuth()` and `has()`), and the `{{org.*}}`
 * shortcodes, all following the session's active organization.
 */

const ADMIN_PERMISSIONS = permissionsForRole('org:admin');

/**
 * `has({ permission })` for a system permission. Real Clerk leaves `org:sys_*` out of session tokens,
 * and `@clerk/backend`'s types refuse such literal keys; Gatehouse puts them in, and `has()` reads them at run
 * time (a `string`-typed key passes the type check).
 */
function permission(key: string): { permission: string } {
  return { permission: key };
}

function decode(jwt: string): Record<string, unknown> {
  const [, payload] = jwt.split('.');
  return JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
}

describe('organizationTokenClaims', () => {
  const organization = { id: 'org_1', slug: 'acme' } as Organization;
  const membership = (role: string) => ({ role }) as OrganizationMembership;

  it('packs the admin permissions into per, fea and one bitmask per feature', () => {
    expect(organizationTokenClaims({ organization, membership: membership('org:admin'), permissions: ADMIN_PERMISSIONS })).toEqual({
      o: { id: 'org_1', slg: 'acme', rol: 'admin', per: 'manage,delete,read', fpm: '3,5,5' },
      fea: 'o:sys_profile,o:sys_memberships,o:sys_domains',
    });
  });

  it('packs the member permissions', () => {
    const permissions = permissionsForRole('org:member');
    expect(organizationTokenClaims({ organization, membership: membership('org:member'), permissions })).toEqual({
      o: { id: 'org_1', slg: 'acme', rol: 'member', per: 'read', fpm: '1' },
      fea: 'o:sys_memberships',
    });
  });

  it('leaves per, fpm and fea out for a role without permissions', () => {
    expect(organizationTokenClaims({ organization, membership: membership('org:viewer'), permissions: [] })).toEqual({
      o: { id: 'org_1', slg: 'acme', rol: 'viewer' },
    });
  });
});

describe('slugFromName', () => {
  it.each([
    ['Acme, Inc.', 'acme-inc'],
    ['  Café Zürich  ', 'cafe-zurich'],
    ['ALL--CAPS__name', 'all-caps-name'],
    ['x'.repeat(80), 'x'.repeat(64)],
  ])('%j → %j', (name, slug) => {
    expect(slugFromName(name)).toBe(slug);
  });

  it('makes a random slug for a name without letters or digits', () => {
    expect(slugFromName('株式会社')).toMatch(/^org-[a-z0-9]{10}$/);
  });
});

describe('session tokens follow the active organization', () => {
  let t: TestApp;
  let clerk: ClerkClient;
  let apiUrl: string;
  let userId: string;
  let sessionId: string;
  let orgId: string;

  async function bapi(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown) {
    const res = await t.app.inject({
      method,
      url: `/api${url}`,
      headers: { ...t.auth, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, unknown> };
  }

  async function token(template?: string): Promise<string> {
    const res = await bapi('POST', `/v1/sessions/${sessionId}/tokens${template ? `/${template}` : ''}`, {});
    expect(res.status).toBe(200);
    return String(res.body.jwt);
  }

  async function authOf(jwt: string) {
    const state = await clerk.authenticateRequest(
      new Request('http://127.0.0.1:3000/api/x', { headers: { authorization: `Bearer ${jwt}` } }),
    );
    expect(state.isSignedIn).toBe(true);
    const auth = state.toAuth();
    if (!auth) throw new Error('signed out');
    return auth;
  }

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    apiUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/api`;
    clerk = createClerkClient({ secretKey: t.secretKey, apiUrl, publishableKey: t.domain.publishableKey(), telemetry: { disabled: true } });
    const user = await t.domain.users.create({ emailAddresses: ['olga@example.com'], firstName: 'Olga' }, SYSTEM_CALLER);
    userId = user.user.id;
    const org = await t.domain.organizations.create(
      {
        name: 'Acme',
        createdBy: userId,
        publicMetadata: { tier: 'gold' },
      },
      SYSTEM_CALLER,
    );
    orgId = org.organization.id;
    sessionId = (await t.domain.sessions.create(userId, SYSTEM_CALLER)).id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('has no organization claims while no organization is active', async () => {
    const jwt = await token();
    const claims = decode(jwt);
    expect(claims.o).toBeUndefined();
    expect(claims.fea).toBeUndefined();
    const auth = await authOf(jwt);
    expect(auth.orgId).toBeUndefined();
    expect(auth.has({ role: 'org:admin' })).toBe(false);
  });

  it('carries o and fea for the active organization, and the SDK turns them into orgId, orgRole, orgSlug and has()', async () => {
    const session = await t.domain.sessions.setActiveOrganization(sessionId, orgId);
    expect(session.lastActiveOrganizationId).toBe(orgId);
    expect((await bapi('GET', `/v1/sessions/${sessionId}`)).body.last_active_organization_id).toBe(orgId);

    const jwt = await token();
    expect(decode(jwt)).toMatchObject({
      o: { id: orgId, slg: 'acme', rol: 'admin', per: 'manage,delete,read', fpm: '3,5,5' },
      fea: 'o:sys_profile,o:sys_memberships,o:sys_domains',
    });
    const verified = await verifyToken(jwt, { secretKey: t.secretKey, apiUrl });
    expect(verified.sub).toBe(userId);

    const auth = await authOf(jwt);
    expect(auth.orgId).toBe(orgId);
    expect(auth.orgRole).toBe('org:admin');
    expect(auth.orgSlug).toBe('acme');
    expect([...(auth.orgPermissions ?? [])].sort()).toEqual([...ADMIN_PERMISSIONS].sort());
    expect(auth.has({ role: 'org:admin' })).toBe(true);
    expect(auth.has(permission('org:sys_memberships:read'))).toBe(true);
    expect(auth.has(permission('org:sys_profile:delete'))).toBe(true);
    expect(auth.has(permission('org:sys_domains:manage'))).toBe(true);
    expect(auth.has({ role: 'org:member' })).toBe(false);
    expect(auth.has(permission('org:sys_billing:manage'))).toBe(false);
  });

  it('follows a role change on the next token', async () => {
    const res = await bapi('PATCH', `/v1/organizations/${orgId}/memberships/${userId}`, { role: 'org:member' });
    expect(res.status).toBe(200);
    const jwt = await token();
    expect(decode(jwt)).toMatchObject({ o: { rol: 'member', per: 'read', fpm: '1' }, fea: 'o:sys_memberships' });
    const auth = await authOf(jwt);
    expect(auth.orgRole).toBe('org:member');
    expect(auth.has({ role: 'org:member' })).toBe(true);
    expect(auth.has(permission('org:sys_memberships:read'))).toBe(true);
    expect(auth.has(permission('org:sys_memberships:manage'))).toBe(false);
    expect(auth.has({ role: 'org:admin' })).toBe(false);
    expect((await bapi('PATCH', `/v1/organizations/${orgId}/memberships/${userId}`, { role: 'org:admin' })).status).toBe(200);
  });

  it('renders {{org.*}} shortcodes in the session token and in JWT templates', async () => {
    const claims = {
      organization: {
        id: '{{org.id}}',
        name: '{{org.name}}',
        slug: '{{org.slug}}',
        image: '{{org.image_url}}',
        meta: '{{org.public_metadata}}',
        tier: '{{org.public_metadata.tier}}',
        role: '{{org.role}}',
        permissions: '{{org.membership_permissions}}',
      },
      label: '{{org.name}} / {{org.role}}',
    };
    expect((await bapi('PATCH', '/v1/instance/session_token', { claims })).status).toBe(200);
    const expected = {
      id: orgId,
      name: 'Acme',
      slug: 'acme',
      meta: { tier: 'gold' },
      tier: 'gold',
      role: 'org:admin',
      permissions: ADMIN_PERMISSIONS,
    };
    expect(decode(await token())).toMatchObject({ organization: expected, label: 'Acme / org:admin' });
    // An organization without a logo has its default avatar, as on Clerk.
    expect((decode(await token()).organization as Record<string, unknown>).image).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/v1\/images\/avatars\/o-\d+-A\.svg$/,
    );

    expect(
      (await bapi('POST', '/v1/jwt_templates', { name: 'org-tmpl', claims: { org: '{{org.slug}}', who: '{{user.id}}' } })).status,
    ).toBe(200);
    expect(decode(await token('org-tmpl'))).toMatchObject({ org: 'acme', who: userId });

    await t.domain.sessions.setActiveOrganization(sessionId, null);
    const personal = decode(await token());
    expect(personal.organization).toEqual({});
    expect(personal.label).toBe(' / ');
    expect(decode(await token('org-tmpl')).org).toBeUndefined();
    expect((await bapi('PATCH', '/v1/instance/session_token', { claims: {} })).status).toBe(200);
  });

  it('accepts a slug, refuses an organization the user is not a member of, and drops o once the membership is gone', async () => {
    expect((await t.domain.sessions.setActiveOrganization(sessionId, 'ACME')).lastActiveOrganizationId).toBe(orgId);
    const stranger = await t.domain.organizations.create({ name: 'Elsewhere' }, SYSTEM_CALLER);
    for (const target of [stranger.organization.id, 'org_doesNotExist', 'no-such-slug']) {
      const error = await t.domain.sessions.setActiveOrganization(sessionId, target).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GatehouseError);
      expect((error as GatehouseError).code).toBe('organization_not_found_or_unauthorized');
      expect((error as GatehouseError).status).toBe(404);
    }
    expect((await t.domain.sessions.get(sessionId)).lastActiveOrganizationId).toBe(orgId);

    // A membership gone behind the session's back: the token leaves `o` out.
    const membership = await t.store.organizationMemberships.find(orgId, userId);
    await t.store.organizationMemberships.delete(membership?.id ?? '');
    const jwt = await token();
    expect(decode(jwt).o).toBeUndefined();
    expect((await authOf(jwt)).orgId).toBeUndefined();
    expect((await t.domain.sessions.get(sessionId)).lastActiveOrganizationId).toBe(orgId);

    // Removing the member through the API also clears the session's active organization.
    expect((await bapi('POST', `/v1/organizations/${orgId}/memberships`, { user_id: userId, role: 'org:admin' })).status).toBe(200);
    expect(decode(await token()).o).toMatchObject({ id: orgId });
    expect((await bapi('DELETE', `/v1/organizations/${orgId}/memberships/${userId}`)).status).toBe(200);
    expect((await t.domain.sessions.get(sessionId)).lastActiveOrganizationId).toBeNull();
    expect(decode(await token()).o).toBeUndefined();

    // So does deleting the organization.
    expect((await bapi('POST', `/v1/organizations/${orgId}/memberships`, { user_id: userId, role: 'org:member' })).status).toBe(200);
    await t.domain.sessions.setActiveOrganization(sessionId, orgId);
    expect((await bapi('DELETE', `/v1/organizations/${orgId}`)).status).toBe(200);
    expect((await bapi('GET', `/v1/sessions/${sessionId}`)).body.last_active_organization_id).toBeNull();
    expect(decode(await token()).o).toBeUndefined();

    const revoked = await t.domain.sessions.create(userId, SYSTEM_CALLER);
    await t.domain.sessions.revoke(revoked.id, SYSTEM_CALLER);
    const error = await t.domain.sessions.setActiveOrganization(revoked.id, null).catch((e: unknown) => e);
    expect((error as GatehouseError).code).toBe('session_not_active');
  });
});
