import { expect } from 'vitest';
import { badInputsHarness, getCase } from '../../testing/bad-inputs.js';
import { authCasesFor, bodyCasesFor, type Case, type Endpoint, endpointCase, notFound } from '../../testing/error-cases.js';

/**
 * The organization endpoints against tables of bad inputs, in the style of `bad-inputs.test.ts` and
 * with its harness (`testing/error-cases.ts`): each case pins the HTTP status and the Clerk error
 * code (and the parameter it names); a final loop replays every case and checks what all errors
 * share (never a 5xx, `Content-Type: application/json` exactly, Clerk's envelope with a trace id);
 * and failed requests must change nothing.
 */

const METADATA_OVER_8KB = { blob: 'x'.repeat(8200) };
const { fixtures, call, fixture, describeBadInputs } = badInputsHarness();

// ---------------------------------------------------------------------------------------------
// Every endpoint, for the checks that apply to all of them.

const ENDPOINTS: Endpoint[] = [
  { method: 'GET', url: '/api/v1/organizations', body: false },
  { method: 'POST', url: '/api/v1/organizations', body: true, required: { name: 'Fresh' } },
  { method: 'GET', url: '/api/v1/organizations/<org>', body: false },
  { method: 'PATCH', url: '/api/v1/organizations/<org>', body: true },
  { method: 'DELETE', url: '/api/v1/organizations/<org>', body: false },
  { method: 'PATCH', url: '/api/v1/organizations/<org>/metadata', body: true },
  { method: 'PUT', url: '/api/v1/organizations/<org>/metadata', body: true },
  { method: 'GET', url: '/api/v1/organizations/<org>/memberships', body: false },
  { method: 'POST', url: '/api/v1/organizations/<org>/memberships', body: true, required: { user_id: '<other>', role: 'org:member' } },
  { method: 'PATCH', url: '/api/v1/organizations/<org>/memberships/<user>', body: true, required: { role: 'org:member' } },
  { method: 'DELETE', url: '/api/v1/organizations/<org>/memberships/<user>', body: false },
  { method: 'PATCH', url: '/api/v1/organizations/<org>/memberships/<user>/metadata', body: true },
  { method: 'GET', url: '/api/v1/users/<user>/organization_memberships', body: false },
  { method: 'GET', url: '/api/v1/organization_memberships', body: false },
  { method: 'GET', url: '/api/v1/organizations/<org>/domains', body: false },
  { method: 'POST', url: '/api/v1/organizations/<org>/domains', body: true, required: { name: 'fresh.test' } },
  { method: 'PATCH', url: '/api/v1/organizations/<org>/domains/<domain>', body: true },
  { method: 'DELETE', url: '/api/v1/organizations/<org>/domains/<domain>', body: false },
];

const authCases = authCasesFor(ENDPOINTS, ['none', 'wrong']);

const bodyCases = bodyCasesFor(ENDPOINTS, ['truncated', 'array', 'textPlain', 'tooDeep', 'unknownParam', 'twoUnknownParams']);

// ---------------------------------------------------------------------------------------------
// Endpoint by endpoint.

const get = getCase;

const pagingCases = (url: string): Case[] => [
  get('limit=0', `${url}?limit=0`, 422, 'form_param_value_invalid', 'limit'),
  get('limit=501', `${url}?limit=501`, 422, 'form_param_value_invalid', 'limit'),
  get('limit=abc', `${url}?limit=abc`, 422, 'form_param_format_invalid', 'limit'),
  get('limit twice', `${url}?limit=1&limit=2`, 422, 'form_param_format_invalid', 'limit'),
  get('offset=-1', `${url}?offset=-1`, 422, 'form_param_value_invalid', 'offset'),
  get('paginated=yes', `${url}?paginated=yes`, 422, 'form_param_value_invalid', 'paginated'),
  get('unknown query parameter', `${url}?colour=red`, 422, 'form_param_unknown', 'colour'),
];

const listCases: Case[] = [
  ...pagingCases('/api/v1/organizations'),
  get('unknown order_by', '/api/v1/organizations?order_by=shoe_size', 422, 'form_param_value_invalid', 'order_by'),
  get('order_by with two signs', '/api/v1/organizations?order_by=%2B-name', 422, 'form_param_value_invalid', 'order_by'),
  get('order_by too long', `/api/v1/organizations?order_by=${'a'.repeat(65)}`, 422, 'form_param_value_invalid', 'order_by'),
  get(
    'include_members_count=yes',
    '/api/v1/organizations?include_members_count=yes',
    422,
    'form_param_value_invalid',
    'include_members_count',
  ),
  get('query over 256 characters', `/api/v1/organizations?query=${'q'.repeat(257)}`, 422, 'form_param_value_invalid', 'query'),
  get('query twice', '/api/v1/organizations?query=a&query=b', 422, 'form_param_format_invalid', 'query'),
];

const getCases: Case[] = [
  notFound('GET', '/api/v1/organizations/org_doesNotExist'),
  { ...notFound('GET', '/api/v1/organizations/no-such-slug'), name: 'unknown slug' },
  get(
    'include_members_count=maybe',
    '/api/v1/organizations/<org>?include_members_count=maybe',
    422,
    'form_param_value_invalid',
    'include_members_count',
  ),
  get('unknown query parameter', '/api/v1/organizations/<org>?limit=1', 422, 'form_param_unknown', 'limit'),
];

const create = endpointCase('POST', '/api/v1/organizations');

const createCases: Case[] = [
  create('no parameters', {}, 422, 'form_param_missing', 'name'),
  create('name is a number', { name: 5 }, 422, 'form_param_format_invalid', 'name'),
  create('name is null', { name: null }, 422, 'form_param_format_invalid', 'name'),
  create('name is empty', { name: '' }, 422, 'form_param_missing', 'name'),
  create('name is blank', { name: '   ' }, 422, 'form_param_missing', 'name'),
  create('name over 256 characters', { name: 'n'.repeat(257) }, 422, 'form_param_value_invalid', 'name'),
  create('slug with a space', { name: 'Fresh', slug: 'has space' }, 422, 'form_param_format_invalid', 'slug'),
  create('slug with an underscore', { name: 'Fresh', slug: 'bad_slug' }, 422, 'form_param_format_invalid', 'slug'),
  create('slug is empty', { name: 'Fresh', slug: '' }, 422, 'form_param_format_invalid', 'slug'),
  create('slug over 100 characters', { name: 'Fresh', slug: 's'.repeat(101) }, 422, 'form_param_value_invalid', 'slug'),
  create('slug is a number', { name: 'Fresh', slug: 7 }, 422, 'form_param_format_invalid', 'slug'),
  create('slug taken', { name: 'Fresh', slug: 'acme' }, 422, 'form_identifier_exists', 'slug'),
  create('slug taken, in capitals', { name: 'Fresh', slug: 'ACME' }, 422, 'form_identifier_exists', 'slug'),
  create('the slug made from the name is taken', { name: 'ACME' }, 422, 'form_identifier_exists', 'slug'),
  create('unknown created_by', { name: 'Fresh', created_by: 'user_doesNotExist' }, 422, 'form_param_value_invalid', 'created_by'),
  create('created_by is a number', { name: 'Fresh', created_by: 5 }, 422, 'form_param_format_invalid', 'created_by'),
  create('created_by is empty', { name: 'Fresh', created_by: '' }, 422, 'form_param_value_invalid', 'created_by'),
  create(
    'max_allowed_memberships below 0',
    { name: 'Fresh', max_allowed_memberships: -1 },
    422,
    'form_param_value_invalid',
    'max_allowed_memberships',
  ),
  create(
    'max_allowed_memberships fractional',
    { name: 'Fresh', max_allowed_memberships: 1.5 },
    422,
    'form_param_format_invalid',
    'max_allowed_memberships',
  ),
  create(
    'max_allowed_memberships is a string',
    { name: 'Fresh', max_allowed_memberships: '5' },
    422,
    'form_param_format_invalid',
    'max_allowed_memberships',
  ),
  create('public_metadata is an array', { name: 'Fresh', public_metadata: [] }, 422, 'form_param_format_invalid', 'public_metadata'),
  create('private_metadata is a string', { name: 'Fresh', private_metadata: 'x' }, 422, 'form_param_format_invalid', 'private_metadata'),
  create(
    'public_metadata over 8 KB',
    { name: 'Fresh', public_metadata: METADATA_OVER_8KB },
    422,
    'form_param_exceeds_allowed_size',
    'public_metadata',
  ),
  create('unsafe_metadata (organizations have none)', { name: 'Fresh', unsafe_metadata: {} }, 422, 'form_param_unknown', 'unsafe_metadata'),
];

const patch = endpointCase('PATCH', '/api/v1/organizations/<org>');

const updateCases: Case[] = [
  notFound('PATCH', '/api/v1/organizations/org_doesNotExist', { name: 'x' }),
  patch('name is empty', { name: '' }, 422, 'form_param_missing', 'name'),
  patch('name is null', { name: null }, 422, 'form_param_format_invalid', 'name'),
  patch('slug with a dot', { slug: 'a.b' }, 422, 'form_param_format_invalid', 'slug'),
  patch('slug taken by another organization', { slug: 'full-house' }, 422, 'form_identifier_exists', 'slug'),
  patch('max_allowed_memberships below 0', { max_allowed_memberships: -5 }, 422, 'form_param_value_invalid', 'max_allowed_memberships'),
  patch('admin_delete_enabled is a string', { admin_delete_enabled: 'yes' }, 422, 'form_param_format_invalid', 'admin_delete_enabled'),
  patch('public_metadata over 8 KB', { public_metadata: METADATA_OVER_8KB }, 422, 'form_param_exceeds_allowed_size', 'public_metadata'),
  patch('created_by cannot be changed', { created_by: '<other>' }, 422, 'form_param_unknown', 'created_by'),
  notFound('DELETE', '/api/v1/organizations/org_doesNotExist'),
  { ...notFound('DELETE', '/api/v1/organizations/no-such-slug'), name: 'unknown slug' },
];

const metadataCases: Case[] = (['PATCH', 'PUT'] as const).flatMap((method): Case[] => [
  notFound(method, '/api/v1/organizations/org_doesNotExist/metadata', { public_metadata: {} }),
  {
    name: 'public_metadata is an array',
    method,
    url: '/api/v1/organizations/<org>/metadata',
    body: { public_metadata: [1] },
    status: 422,
    code: 'form_param_format_invalid',
    param: 'public_metadata',
  },
  {
    name: 'private_metadata over 8 KB',
    method,
    url: '/api/v1/organizations/<org>/metadata',
    body: { private_metadata: METADATA_OVER_8KB },
    status: 422,
    code: 'form_param_exceeds_allowed_size',
    param: 'private_metadata',
  },
  {
    name: 'unsafe_metadata (organizations have none)',
    method,
    url: '/api/v1/organizations/<org>/metadata',
    body: { unsafe_metadata: {} },
    status: 422,
    code: 'form_param_unknown',
    param: 'unsafe_metadata',
  },
]);

const addMember = (
  name: string,
  body: unknown,
  status: number,
  code: string,
  param?: string,
  url = '/api/v1/organizations/<org>/memberships',
): Case => ({
  name,
  method: 'POST',
  url,
  body,
  status,
  code,
  ...(param ? { param } : {}),
});

const membershipCases: Case[] = [
  ...pagingCases('/api/v1/organizations/<org>/memberships'),
  notFound('GET', '/api/v1/organizations/org_doesNotExist/memberships'),
  get('unknown order_by', '/api/v1/organizations/<org>/memberships?order_by=shoe_size', 422, 'form_param_value_invalid', 'order_by'),
  get(
    'order_by phone_number (no phone numbers yet)',
    '/api/v1/organizations/<org>/memberships?order_by=phone_number',
    422,
    'form_param_value_invalid',
    'order_by',
  ),
  notFound('POST', '/api/v1/organizations/org_doesNotExist/memberships', { user_id: '<other>', role: 'org:member' }),
  addMember('no parameters', {}, 422, 'form_param_missing', 'user_id'),
  addMember('no role', { user_id: '<other>' }, 422, 'form_param_missing', 'role'),
  addMember('no user_id', { role: 'org:member' }, 422, 'form_param_missing', 'user_id'),
  addMember('an unknown role', { user_id: '<other>', role: 'org:owner' }, 422, 'form_param_value_invalid', 'role'),
  addMember('a role without the org: prefix', { user_id: '<other>', role: 'admin' }, 422, 'form_param_value_invalid', 'role'),
  addMember('an empty role', { user_id: '<other>', role: '' }, 422, 'form_param_value_invalid', 'role'),
  addMember('role is a number', { user_id: '<other>', role: 1 }, 422, 'form_param_format_invalid', 'role'),
  addMember('user_id is an array', { user_id: ['<other>'], role: 'org:member' }, 422, 'form_param_format_invalid', 'user_id'),
  addMember('an unknown user', { user_id: 'user_doesNotExist', role: 'org:member' }, 422, 'form_param_value_invalid', 'user_id'),
  addMember('already a member', { user_id: '<user>', role: 'org:member' }, 400, 'already_a_member_in_organization', 'user_id'),
  addMember(
    'the organization is full',
    { user_id: '<other>', role: 'org:member' },
    403,
    'organization_membership_quota_exceeded',
    undefined,
    '/api/v1/organizations/<full>/memberships',
  ),
  notFound('PATCH', '/api/v1/organizations/org_doesNotExist/memberships/<user>', { role: 'org:admin' }),
  { ...notFound('PATCH', '/api/v1/organizations/<org>/memberships/<other>', { role: 'org:admin' }), name: 'a user who is not a member' },
  { ...notFound('PATCH', '/api/v1/organizations/<org>/memberships/user_doesNotExist', { role: 'org:admin' }), name: 'an unknown user' },
  {
    name: 'no role',
    method: 'PATCH',
    url: '/api/v1/organizations/<org>/memberships/<user>',
    body: {},
    status: 422,
    code: 'form_param_missing',
    param: 'role',
  },
  {
    name: 'an unknown role',
    method: 'PATCH',
    url: '/api/v1/organizations/<org>/memberships/<user>',
    body: { role: 'org:superuser' },
    status: 422,
    code: 'form_param_value_invalid',
    param: 'role',
  },
  notFound('DELETE', '/api/v1/organizations/org_doesNotExist/memberships/<user>'),
  { ...notFound('DELETE', '/api/v1/organizations/<org>/memberships/<other>'), name: 'a user who is not a member' },
  notFound('PATCH', '/api/v1/organizations/org_doesNotExist/memberships/<user>/metadata', { public_metadata: {} }),
  {
    ...notFound('PATCH', '/api/v1/organizations/<org>/memberships/<other>/metadata', { public_metadata: {} }),
    name: 'a user who is not a member',
  },
  {
    name: 'public_metadata is a string',
    method: 'PATCH',
    url: '/api/v1/organizations/<org>/memberships/<user>/metadata',
    body: { public_metadata: 'x' },
    status: 422,
    code: 'form_param_format_invalid',
    param: 'public_metadata',
  },
  {
    name: 'public_metadata over 8 KB',
    method: 'PATCH',
    url: '/api/v1/organizations/<org>/memberships/<user>/metadata',
    body: { public_metadata: METADATA_OVER_8KB },
    status: 422,
    code: 'form_param_exceeds_allowed_size',
    param: 'public_metadata',
  },
];

const userMembershipCases: Case[] = [
  ...pagingCases('/api/v1/users/<user>/organization_memberships'),
  notFound('GET', '/api/v1/users/user_doesNotExist/organization_memberships'),
  get('order_by (not offered here)', '/api/v1/users/<user>/organization_memberships?order_by=name', 422, 'form_param_unknown', 'order_by'),
];

const addDomain = endpointCase('POST', '/api/v1/organizations/<org>/domains');
const updateDomain = endpointCase('PATCH', '/api/v1/organizations/<org>/domains/<domain>');

const instanceMembershipCases: Case[] = [
  ...pagingCases('/api/v1/organization_memberships'),
  get('unknown order_by', '/api/v1/organization_memberships?order_by=shoe_size', 422, 'form_param_value_invalid', 'order_by'),
];

const domainCases: Case[] = [
  ...pagingCases('/api/v1/organizations/<org>/domains'),
  get('verified=yes', '/api/v1/organizations/<org>/domains?verified=yes', 422, 'form_param_value_invalid', 'verified'),
  get(
    'unknown enrollment_mode',
    '/api/v1/organizations/<org>/domains?enrollment_mode=all',
    422,
    'form_param_value_invalid',
    'enrollment_mode',
  ),
  notFound('GET', '/api/v1/organizations/org_doesNotExist/domains'),
  addDomain('no parameters', {}, 422, 'form_param_missing', 'name'),
  addDomain('name is a number', { name: 5 }, 422, 'form_param_format_invalid', 'name'),
  addDomain('name is not a domain', { name: 'not a domain' }, 422, 'form_param_format_invalid', 'name'),
  addDomain('name without a dot', { name: 'localhost' }, 422, 'form_param_format_invalid', 'name'),
  addDomain('name over 253 characters', { name: `${'a'.repeat(250)}.test` }, 422, 'form_param_value_invalid', 'name'),
  addDomain('a public mail provider', { name: 'gmail.com' }, 400, 'organization_domain_common', 'name'),
  addDomain('taken', { name: 'acme.test' }, 400, 'organization_domain_already_exists', 'name'),
  addDomain('taken, in capitals', { name: 'ACME.test' }, 400, 'organization_domain_already_exists', 'name'),
  addDomain('unknown enrollment_mode', { name: 'fresh.test', enrollment_mode: 'all' }, 422, 'form_param_value_invalid', 'enrollment_mode'),
  addDomain('verified is a string', { name: 'fresh.test', verified: 'yes' }, 422, 'form_param_format_invalid', 'verified'),
  { ...notFound('POST', '/api/v1/organizations/org_doesNotExist/domains', { name: 'fresh.test' }), name: 'unknown organization' },
  updateDomain('name is not a domain', { name: 'a b' }, 422, 'form_param_format_invalid', 'name'),
  updateDomain('unknown enrollment_mode', { enrollment_mode: 'x' }, 422, 'form_param_value_invalid', 'enrollment_mode'),
  updateDomain('verified is null', { verified: null }, 422, 'form_param_format_invalid', 'verified'),
  notFound('PATCH', '/api/v1/organizations/<org>/domains/orgdmn_doesNotExist', { verified: true }),
  { ...notFound('PATCH', '/api/v1/organizations/<full>/domains/<domain>', { verified: true }), name: "another organization's domain" },
  notFound('DELETE', '/api/v1/organizations/<org>/domains/orgdmn_doesNotExist'),
  { ...notFound('DELETE', '/api/v1/organizations/<full>/domains/<domain>'), name: "another organization's domain" },
];

const TABLES: Record<string, Case[]> = {
  authentication: authCases,
  'request bodies': bodyCases,
  'GET /v1/organizations': listCases,
  'GET /v1/organizations/{idOrSlug}': getCases,
  'POST /v1/organizations': createCases,
  'PATCH|DELETE /v1/organizations/{id}': updateCases,
  '/v1/organizations/{id}/metadata': metadataCases,
  '/v1/organizations/{id}/memberships': membershipCases,
  'GET /v1/users/{id}/organization_memberships': userMembershipCases,
  '/v1/organizations/{id}/domains': domainCases,
  'GET /v1/organization_memberships': instanceMembershipCases,
};

// ---------------------------------------------------------------------------------------------

async function snapshot(): Promise<Record<string, unknown>> {
  return {
    organizations: (await call('GET', '/api/v1/organizations?limit=100&include_members_count=true')).body,
    acmeMembers: (await call('GET', `/api/v1/organizations/${fixtures.org}/memberships?limit=100`)).body,
    fullMembers: (await call('GET', `/api/v1/organizations/${fixtures.full}/memberships?limit=100`)).body,
    annMemberships: (await call('GET', `/api/v1/users/${fixtures.user}/organization_memberships?limit=100`)).body,
    domains: (await call('GET', `/api/v1/organizations/${fixtures.org}/domains?limit=100`)).body,
    bobMemberships: (await call('GET', `/api/v1/users/${fixtures.other}/organization_memberships?limit=100`)).body,
  };
}

describeBadInputs('BAPI organization bad inputs', {
  async arrange() {
    const ann = await fixture('/api/v1/users', { email_address: ['ann@example.com'], first_name: 'Ann' });
    const bob = await fixture('/api/v1/users', { email_address: ['bob@example.com'], first_name: 'Bob' });
    const acme = await fixture('/api/v1/organizations', {
      name: 'Acme',
      created_by: ann.id,
      public_metadata: { plan: 'pro' },
      private_metadata: { crm: 1 },
    });
    const full = await fixture('/api/v1/organizations', { name: 'Full House', created_by: ann.id, max_allowed_memberships: 1 });
    const domain = await fixture(`/api/v1/organizations/${acme.id}/domains`, {
      name: 'acme.test',
      enrollment_mode: 'automatic_invitation',
    });
    Object.assign(fixtures, { user: ann.id, other: bob.id, org: acme.id, full: full.id, domain: String(domain.id) });
  },
  snapshot,
  tables: TABLES,
  atLeast: 120,
  unchanged: 'changed nothing: organizations, their metadata and memberships are as they were',
  async alsoUnchanged() {
    const acme = (await call('GET', `/api/v1/organizations/${fixtures.org}`)).body;
    expect(acme).toMatchObject({
      name: 'Acme',
      slug: 'acme',
      public_metadata: { plan: 'pro' },
      private_metadata: { crm: 1 },
      max_allowed_memberships: 0,
      admin_delete_enabled: true,
      created_by: fixtures.user,
    });
    const members = (await call('GET', `/api/v1/organizations/${fixtures.org}/memberships`)).body;
    expect(members).toMatchObject({
      total_count: 1,
      data: [{ role: 'org:admin', public_metadata: {}, public_user_data: { user_id: fixtures.user } }],
    });
    expect((await call('GET', `/api/v1/users/${fixtures.other}/organization_memberships`)).body).toEqual({ data: [], total_count: 0 });
  },
});
