import type { AddressInfo } from 'node:net';
import { type ClerkClient, createClerkClient } from '@clerk/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/app.js';
import { type FapiBrowser, fapiBrowser } from '../../testing/fapi-browser.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../../testing/services.js';

const pgOk = await postgresAvailable();
const PASSWORD = 'a sturdy passphrase';

/**
 * Enrollment by verified domain over the Frontend API, as clerk-js calls it: automatic invitations
 * (for users who exist when the domain is verified and for those who sign up later), suggestions,
 * and the membership requests accepting a suggestion files, settled by the organization's admins.
 */
function enrollmentSuite(dialect: 'sqlite' | 'postgres') {
  let t: TestApp;
  let database: TestDatabase | undefined;
  let clerk: ClerkClient;
  let apiUrl: string;
  let admin: FapiBrowser;
  let acmeId: string;
  let betaId: string;

  async function mailedCode(address: string): Promise<string> {
    const mail = (await t.store.mailOutbox.listRecent(50)).find((m) => m.toAddress === address);
    const code = mail?.textBody.match(/\b\d{6}\b/)?.[0];
    if (!code) throw new Error(`no code mailed to ${address}`);
    return code;
  }

  async function signIn(address: string): Promise<FapiBrowser> {
    const browser = fapiBrowser(t.app);
    const res = await browser.call('POST', '/v1/client/sign_ins', { identifier: address, password: PASSWORD });
    expect(res.body.response.status).toBe('complete');
    return browser;
  }

  /** `<SignUp/>`'s e-mail code flow; answers the signed-in browser. */
  async function signUp(address: string): Promise<FapiBrowser> {
    const browser = fapiBrowser(t.app);
    const created = await browser.call('POST', '/v1/client/sign_ups', { email_address: address, password: PASSWORD });
    expect(created.status).toBe(200);
    const id = created.body.response.id as string;
    await browser.call('POST', `/v1/client/sign_ups/${id}/prepare_verification`, { strategy: 'email_code' });
    const done = await browser.call('POST', `/v1/client/sign_ups/${id}/attempt_verification`, {
      strategy: 'email_code',
      code: await mailedCode(address),
    });
    expect(done.body.response.status).toBe('complete');
    return browser;
  }

  beforeAll(async () => {
    database = dialect === 'postgres' ? await createTestDatabase() : undefined;
    t = await createTestApp({ databaseUrl: database?.url });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    apiUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/api`;
    clerk = createClerkClient({ secretKey: t.secretKey, apiUrl, publishableKey: t.domain.publishableKey(), telemetry: { disabled: true } });
    await clerk.instance.updateOrganizationSettings({
      domainsEnabled: true,
      domainsEnrollmentModes: ['manual_invitation', 'automatic_invitation', 'automatic_suggestion'],
    });
    await clerk.users.createUser({ emailAddress: ['ada@acme.test'], password: PASSWORD });
    // Carol exists before Acme claims her domain.
    await clerk.users.createUser({ emailAddress: ['carol@acme.test'], password: PASSWORD });
    admin = await signIn('ada@acme.test');
    acmeId = (await admin.call('POST', '/v1/organizations', { name: 'Acme' })).body.response.id;
    betaId = (await admin.call('POST', '/v1/organizations', { name: 'Beta' })).body.response.id;
  });

  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it('automatic_invitation: existing users with an address there are invited when the domain is verified, new sign-ups when they sign up', async () => {
    const domain = await clerk.organizations.createOrganizationDomain({
      organizationId: acmeId,
      name: 'acme.test',
      enrollmentMode: 'automatic_invitation',
      verified: true,
    });
    // Ada is a member already: no invitation for her. Carol gets one, without a mail.
    const carol = await signIn('carol@acme.test');
    const carolInvites = await carol.call('GET', '/v1/me/organization_invitations?status=pending');
    expect(carolInvites.body.response).toMatchObject({
      total_count: 1,
      data: [{ object: 'organization_invitation', email_address: 'carol@acme.test', role: 'org:member', status: 'pending' }],
    });
    expect(carolInvites.body.response.data[0].public_organization_data).toMatchObject({ id: acmeId, name: 'Acme' });
    expect((await t.store.mailOutbox.listRecent(50)).some((m) => m.toAddress === 'carol@acme.test')).toBe(false);
    expect((await admin.call('GET', '/v1/me/organization_invitations')).body.response.total_count).toBe(0);
    const listed = await clerk.organizations.getOrganizationDomainList({ organizationId: acmeId });
    expect((listed.data[0] as unknown as { total_pending_invitations: number }).total_pending_invitations).toBe(1);

    const accepted = await carol.call('POST', `/v1/me/organization_invitations/${carolInvites.body.response.data[0].id}/accept`);
    expect(accepted.body.response.status).toBe('accepted');
    expect((await carol.call('GET', '/v1/me/organization_memberships')).body.response.data[0].organization.id).toBe(acmeId);

    // A new sign-up at the domain.
    const dan = await signUp('dan@acme.test');
    const danInvites = await dan.call('GET', '/v1/me/organization_invitations');
    expect(danInvites.body.response.total_count).toBe(1);
    // Setting the mode again offers nothing twice; an unverified domain offers nothing.
    await clerk.organizations.updateOrganizationDomain({
      organizationId: acmeId,
      domainId: domain.id,
      enrollmentMode: 'automatic_invitation',
    });
    expect((await dan.call('GET', '/v1/me/organization_invitations')).body.response.total_count).toBe(1);
    const other = await signUp('eve@elsewhere.test');
    expect((await other.call('GET', '/v1/me/organization_invitations')).body.response.total_count).toBe(0);
  });

  it('automatic_suggestion: a suggestion, accepted as a membership request, which an admin accepts or rejects', async () => {
    // Verified from the profile, as <OrganizationProfile/> does it, then set to suggest.
    const added = await admin.call('POST', `/v1/organizations/${betaId}/domains`, { name: 'beta.test' });
    const base = `/v1/organizations/${betaId}/domains/${added.body.response.id}`;
    await admin.call('POST', `${base}/prepare_affiliation_verification`, { affiliation_email_address: 'it@beta.test' });
    await admin.call('POST', `${base}/attempt_affiliation_verification`, { code: await mailedCode('it@beta.test') });
    const mode = await admin.call('POST', `${base}/update_enrollment_mode`, { enrollment_mode: 'automatic_suggestion' });
    expect(mode.body.response).toMatchObject({ enrollment_mode: 'automatic_suggestion', total_pending_suggestions: 0 });

    const fay = await signUp('fay@beta.test');
    const gus = await signUp('gus@beta.test');
    expect((await fay.call('GET', '/v1/me/organization_invitations')).body.response.total_count).toBe(0);
    const suggestions = await fay.call('GET', '/v1/me/organization_suggestions?status=pending,accepted');
    expect(suggestions.status).toBe(200);
    expect(suggestions.body.response.total_count).toBe(1);
    const suggestion = suggestions.body.response.data[0];
    expect(suggestion).toMatchObject({
      object: 'organization_suggestion',
      status: 'pending',
      public_organization_data: { id: betaId, name: 'Beta', slug: 'beta', has_image: false },
    });
    expect((await admin.call('GET', base)).body.response.total_pending_suggestions).toBe(2);

    // Another user's suggestion is not found; accepting twice is the same answer.
    expect((await gus.call('POST', `/v1/me/organization_suggestions/${suggestion.id}/accept`)).status).toBe(404);
    const accepted = await fay.call('POST', `/v1/me/organization_suggestions/${suggestion.id}/accept`);
    expect(accepted.body.response).toMatchObject({ id: suggestion.id, status: 'accepted' });
    expect((await fay.call('POST', `/v1/me/organization_suggestions/${suggestion.id}/accept`)).body.response.status).toBe('accepted');
    expect((await fay.call('GET', '/v1/me/organization_suggestions?status=pending')).body.response.total_count).toBe(0);
    const gusSuggestion = (await gus.call('GET', '/v1/me/organization_suggestions')).body.response.data[0];
    await gus.call('POST', `/v1/me/organization_suggestions/${gusSuggestion.id}/accept`);

    // The admin's Requests tab.
    const requests = await admin.call('GET', `/v1/organizations/${betaId}/membership_requests?status=pending`);
    expect(requests.body.response.total_count).toBe(2);
    const fayRequest = requests.body.response.data.find(
      (r: { public_user_data: { identifier: string } }) => r.public_user_data.identifier === 'fay@beta.test',
    );
    expect(fayRequest).toMatchObject({ object: 'organization_membership_request', organization_id: betaId, status: 'pending' });
    const gusRequest = requests.body.response.data.find((r: { id: string }) => r.id !== fayRequest.id);

    // Neither the requester nor a plain member may settle requests; a stranger is told nothing.
    expect((await fay.call('GET', `/v1/organizations/${betaId}/membership_requests`)).status).toBe(404);
    const carol = await signIn('carol@acme.test');
    expect((await carol.call('POST', `/v1/organizations/${acmeId}/membership_requests/${fayRequest.id}/accept`)).status).toBe(403);
    expect((await admin.call('POST', `/v1/organizations/${acmeId}/membership_requests/${fayRequest.id}/accept`)).status).toBe(404);

    const admitted = await admin.call('POST', `/v1/organizations/${betaId}/membership_requests/${fayRequest.id}/accept`);
    expect(admitted.body.response).toMatchObject({ id: fayRequest.id, status: 'accepted' });
    const again = await admin.call('POST', `/v1/organizations/${betaId}/membership_requests/${fayRequest.id}/reject`);
    expect(again.body.errors[0].code).toBe('organization_membership_request_not_pending');
    const fayMemberships = (await fay.call('GET', '/v1/me/organization_memberships')).body.response.data;
    expect(fayMemberships).toMatchObject([{ organization: { id: betaId }, role: 'org:member' }]);

    const rejected = await admin.call('POST', `/v1/organizations/${betaId}/membership_requests/${gusRequest.id}/reject`);
    expect(rejected.body.response.status).toBe('revoked');
    expect((await gus.call('GET', '/v1/me/organization_memberships')).body.response.total_count).toBe(0);
    const all = await admin.call('GET', `/v1/organizations/${betaId}/membership_requests?status=accepted,revoked`);
    expect(all.body.response.total_count).toBe(2);
  });

  it('the Backend API adding a verified address, or marking one verified, enrolls its user', async () => {
    const ned = await clerk.users.createUser({ emailAddress: ['ned@elsewhere.test'], password: PASSWORD });
    // acme.test invites automatically (first test), beta.test suggests (second test).
    await clerk.emailAddresses.createEmailAddress({ userId: ned.id, emailAddress: 'ned@acme.test', verified: true });
    const unverified = await clerk.emailAddresses.createEmailAddress({ userId: ned.id, emailAddress: 'ned@beta.test' });
    const b = await signIn('ned@elsewhere.test');
    expect((await b.call('GET', '/v1/me/organization_invitations')).body.response).toMatchObject({
      total_count: 1,
      data: [{ email_address: 'ned@acme.test', status: 'pending', public_organization_data: { id: acmeId } }],
    });
    // An unverified address earns nothing; marked verified, it earns Beta's suggestion.
    expect((await b.call('GET', '/v1/me/organization_suggestions')).body.response.total_count).toBe(0);
    await clerk.emailAddresses.updateEmailAddress(unverified.id, { verified: true });
    expect((await b.call('GET', '/v1/me/organization_suggestions')).body.response).toMatchObject({
      total_count: 1,
      data: [{ status: 'pending', public_organization_data: { id: betaId } }],
    });
    // PUT /v1/users/{id}/email_address (no @clerk/backend method): the new primary address is verified.
    const oz = await clerk.users.createUser({ emailAddress: ['oz@elsewhere.test'], password: PASSWORD });
    const replaced = await fetch(`${apiUrl}/v1/users/${oz.id}/email_address`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${t.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email_address: 'oz@acme.test' }),
    });
    expect(replaced.status).toBe(200);
    const ozInvites = await clerk.organizations.getOrganizationInvitationList({ organizationId: acmeId, status: ['pending'] });
    expect(ozInvites.data.map((i) => i.emailAddress)).toContain('oz@acme.test');
  });

  it('a suggestion belongs to its domain: counted per domain and taken back with it; a deleted domain revokes the invitations it made', async () => {
    const gammaId = (await admin.call('POST', '/v1/organizations', { name: 'Gamma' })).body.response.id as string;
    const addDomain = async (name: string, enrollmentMode: 'automatic_invitation' | 'automatic_suggestion') =>
      (await clerk.organizations.createOrganizationDomain({ organizationId: gammaId, name, enrollmentMode, verified: true })).id;
    const domainJson = async (domainId: string) =>
      (await admin.call('GET', `/v1/organizations/${gammaId}/domains/${domainId}`)).body.response;
    const pendingSuggestions = async (...domainIds: string[]) => {
      const counts: number[] = [];
      for (const id of domainIds) counts.push((await domainJson(id)).total_pending_suggestions);
      return counts;
    };
    const north = await addDomain('north.test', 'automatic_suggestion');
    const south = await addDomain('south.test', 'automatic_suggestion');
    const east = await addDomain('east.test', 'automatic_suggestion');
    await clerk.users.createUser({ emailAddress: ['ivy@north.test'], password: PASSWORD });
    await clerk.users.createUser({ emailAddress: ['jon@south.test'], password: PASSWORD });
    const kim = await clerk.users.createUser({ emailAddress: ['kim@north.test'], password: PASSWORD });
    // Kim's second address matches east, but Gamma was offered to Kim once already (by north).
    await clerk.emailAddresses.createEmailAddress({ userId: kim.id, emailAddress: 'kim@east.test', verified: true });
    expect(await pendingSuggestions(north, south, east)).toEqual([2, 1, 0]);

    // manual_invitation: south takes back its pending suggestion; north keeps its own.
    await clerk.organizations.updateOrganizationDomain({ organizationId: gammaId, domainId: south, enrollmentMode: 'manual_invitation' });
    const jon = await signIn('jon@south.test');
    expect((await jon.call('GET', '/v1/me/organization_suggestions')).body.response.total_count).toBe(0);
    expect(await pendingSuggestions(north, south)).toEqual([2, 0]);

    // Ivy asks to join, then north is deleted (<OrganizationProfile/>'s Remove domain): an accepted
    // suggestion stays with its request; Kim's pending one goes, and east offers Gamma in its own name.
    const ivy = await signIn('ivy@north.test');
    const ivySuggestion = (await ivy.call('GET', '/v1/me/organization_suggestions')).body.response.data[0];
    await ivy.call('POST', `/v1/me/organization_suggestions/${ivySuggestion.id}/accept`);
    expect((await admin.call('DELETE', `/v1/organizations/${gammaId}/domains/${north}`)).status).toBe(200);
    expect((await ivy.call('GET', '/v1/me/organization_suggestions?status=accepted')).body.response.total_count).toBe(1);
    expect((await admin.call('GET', `/v1/organizations/${gammaId}/membership_requests?status=pending`)).body.response.total_count).toBe(1);
    const kimBrowser = await signIn('kim@north.test');
    const kimSuggestions = (await kimBrowser.call('GET', '/v1/me/organization_suggestions?status=pending')).body.response;
    expect(kimSuggestions).toMatchObject({ total_count: 1, data: [{ public_organization_data: { id: gammaId } }] });
    expect(await pendingSuggestions(east)).toEqual([1]);
    // <OrganizationProfile/>'s "Delete pending invitations and suggestions", switching east to invitations:
    // Kim's suggestion goes, and east invites Kim instead.
    const switched = await admin.call('POST', `/v1/organizations/${gammaId}/domains/${east}/update_enrollment_mode`, {
      enrollment_mode: 'automatic_invitation',
      delete_pending: 'true',
    });
    expect(switched.body.response).toMatchObject({ total_pending_suggestions: 0, total_pending_invitations: 1 });
    expect((await kimBrowser.call('GET', '/v1/me/organization_suggestions?status=pending')).body.response.total_count).toBe(0);
    expect((await kimBrowser.call('GET', '/v1/me/organization_invitations')).body.response).toMatchObject({
      total_count: 1,
      data: [{ email_address: 'kim@east.test', public_organization_data: { id: gammaId } }],
    });

    // automatic_invitation: deleting the domain revokes the pending invitations it made, not those people sent.
    const west = await addDomain('west.test', 'automatic_invitation');
    await clerk.users.createUser({ emailAddress: ['lea@west.test'], password: PASSWORD });
    await clerk.organizations.createOrganizationInvitation({ organizationId: gammaId, emailAddress: 'max@west.test', role: 'org:member' });
    expect((await domainJson(west)).total_pending_invitations).toBe(2);
    await clerk.organizations.deleteOrganizationDomain({ organizationId: gammaId, domainId: west });
    const invitations = await clerk.organizations.getOrganizationInvitationList({
      organizationId: gammaId,
      status: ['pending', 'revoked'],
    });
    const statusOf = (address: string) => invitations.data.find((i) => i.emailAddress === address)?.status;
    expect({ lea: statusOf('lea@west.test'), max: statusOf('max@west.test') }).toEqual({ lea: 'revoked', max: 'pending' });
    const lea = await signIn('lea@west.test');
    expect((await lea.call('GET', '/v1/me/organization_invitations')).body.response.total_count).toBe(0);
  });

  it('refuses bad filters and unknown ids with Clerk errors, never a 5xx', async () => {
    const cases: [string, string, number, string][] = [
      ['GET', '/v1/me/organization_suggestions?status=lost', 422, 'form_param_value_invalid'],
      ['GET', '/v1/me/organization_suggestions?limit=-1', 422, 'form_param_format_invalid'],
      ['POST', '/v1/me/organization_suggestions/orgsug_doesNotExist/accept', 404, 'resource_not_found'],
      ['GET', `/v1/organizations/${betaId}/membership_requests?status=maybe`, 422, 'form_param_value_invalid'],
      ['GET', `/v1/organizations/${betaId}/membership_requests?offset=x`, 422, 'form_param_format_invalid'],
      ['POST', `/v1/organizations/${betaId}/membership_requests/orgreq_doesNotExist/accept`, 404, 'resource_not_found'],
      ['POST', `/v1/organizations/${betaId}/membership_requests/orgreq_doesNotExist/reject`, 404, 'resource_not_found'],
      ['GET', '/v1/organizations/org_doesNotExist/membership_requests', 404, 'organization_not_found_or_unauthorized'],
    ];
    for (const [method, url, status, code] of cases) {
      const res = await admin.call(method as 'GET' | 'POST', url);
      expect({ url, status: res.status, code: res.body.errors?.[0]?.code }).toEqual({ url, status, code });
    }
    const signedOut = await fapiBrowser(t.app).call('GET', '/v1/me/organization_suggestions');
    expect({ status: signedOut.status, code: signedOut.body.errors[0].code }).toEqual({ status: 401, code: 'authentication_invalid' });
  });
}

describe('enrollment by verified domain (SQLite)', () => enrollmentSuite('sqlite'));
describe.skipIf(!pgOk)('enrollment by verified domain (PostgreSQL)', () => enrollmentSuite('postgres'));
