import { badInputsHarness } from '../../testing/bad-inputs.js';
import { authCasesFor, bodyCasesFor, type Case, type Endpoint, endpointCase, notFound } from '../../testing/error-cases.js';

/**
 * Invitations, sign-in tokens, organization roles and permissions, instance restrictions and
 * organization settings, allowlist/blocklist against tables of bad inputs (harness:
 * `testing/error-cases.ts`): exact status and code, never a 5xx, Clerk's envelope, nothing changed.
 */

const { fixtures, call, fixture, describeBadInputs } = badInputsHarness();

const ENDPOINTS: Endpoint[] = [
  { method: 'POST', url: '/api/v1/organizations/<org>/invitations', body: true, required: { email_address: 'x@example.com' } },
  { method: 'GET', url: '/api/v1/organizations/<org>/invitations', body: false },
  { method: 'GET', url: '/api/v1/organizations/<org>/invitations/<inv>', body: false },
  { method: 'POST', url: '/api/v1/organizations/<org>/invitations/<inv>/revoke', body: true },
  { method: 'GET', url: '/api/v1/users/<user>/organization_invitations', body: false },
  { method: 'POST', url: '/api/v1/invitations', body: true, required: { email_address: 'y@example.com' } },
  { method: 'GET', url: '/api/v1/invitations', body: false },
  { method: 'POST', url: '/api/v1/sign_in_tokens', body: true, required: { user_id: '<user>' } },
  { method: 'GET', url: '/api/v1/organization_roles', body: false },
  { method: 'POST', url: '/api/v1/organization_roles', body: true, required: { key: 'org:fresh', name: 'Fresh' } },
  { method: 'PATCH', url: '/api/v1/organization_roles/<role>', body: true },
  { method: 'GET', url: '/api/v1/organization_permissions', body: false },
  { method: 'POST', url: '/api/v1/organization_permissions', body: true, required: { key: 'org:a:b', name: 'A' } },
  { method: 'PATCH', url: '/api/v1/instance/restrictions', body: true },
  { method: 'PATCH', url: '/api/v1/instance/organization_settings', body: true },
  { method: 'POST', url: '/api/v1/allowlist_identifiers', body: true, required: { identifier: 'ok.test' } },
  { method: 'POST', url: '/api/v1/blocklist_identifiers', body: true, required: { identifier: 'ok.test' } },
];

const authCases = authCasesFor(ENDPOINTS, ['none', 'wrong']);
const bodyCases = bodyCasesFor(ENDPOINTS, ['truncated', 'array', 'textPlain', 'tooDeep', 'unknownParam']);

const invite = endpointCase('POST', '/api/v1/organizations/<org>/invitations');
const invitationCases: Case[] = [
  invite('no e-mail address', {}, 422, 'form_param_missing', 'email_address'),
  invite('e-mail address is a number', { email_address: 5 }, 422, 'form_param_format_invalid', 'email_address'),
  invite('not an address', { email_address: 'nobody' }, 422, 'form_param_format_invalid', 'email_address'),
  invite('unknown role', { email_address: 'x@example.com', role: 'org:nope' }, 422, 'form_param_value_invalid', 'role'),
  invite('expires_in_days 0', { email_address: 'x@example.com', expires_in_days: 0 }, 422, 'form_param_value_invalid', 'expires_in_days'),
  invite(
    'redirect_url not a URL',
    { email_address: 'x@example.com', redirect_url: 'nope' },
    422,
    'form_param_format_invalid',
    'redirect_url',
  ),
  invite('already invited', { email_address: 'pending@example.com' }, 400, 'duplicate_record', 'email_address'),
  invite('already a member', { email_address: 'ann@example.com' }, 400, 'already_a_member_in_organization', 'user_id'),
  notFound('POST', '/api/v1/organizations/org_doesNotExist/invitations', { email_address: 'x@example.com' }),
  notFound('GET', '/api/v1/organizations/<org>/invitations/orginv_doesNotExist'),
  notFound('POST', '/api/v1/organizations/<org>/invitations/orginv_doesNotExist/revoke', {}),
  {
    name: 'unknown status',
    method: 'GET',
    url: '/api/v1/organizations/<org>/invitations?status=lost',
    status: 422,
    code: 'form_param_value_invalid',
    param: 'status',
  },
  {
    name: 'bulk: not an array',
    method: 'POST',
    url: '/api/v1/organizations/<org>/invitations/bulk',
    body: {},
    status: 400,
    code: 'malformed_request_body',
  },
  {
    name: 'bulk: an empty array',
    method: 'POST',
    url: '/api/v1/organizations/<org>/invitations/bulk',
    body: '[]',
    status: 422,
    code: 'form_param_missing',
    param: 'email_address',
  },
  notFound('GET', '/api/v1/users/user_doesNotExist/organization_invitations'),
];

const instanceCases: Case[] = [
  endpointCase('POST', '/api/v1/invitations')(
    'taken address',
    { email_address: 'ann@example.com' },
    422,
    'form_identifier_exists',
    'email_address',
  ),
  endpointCase('POST', '/api/v1/invitations')(
    'unknown template',
    { email_address: 'z@example.com', template_slug: 'x' },
    422,
    'form_param_value_invalid',
    'template_slug',
  ),
  {
    name: 'unknown status',
    method: 'GET',
    url: '/api/v1/invitations?status=lost',
    status: 422,
    code: 'form_param_value_invalid',
    param: 'status',
  },
  notFound('POST', '/api/v1/invitations/inv_doesNotExist/revoke', {}),
  notFound('DELETE', '/api/v1/invitations/inv_doesNotExist'),
  endpointCase('POST', '/api/v1/sign_in_tokens')(
    'unknown user',
    { user_id: 'user_doesNotExist' },
    422,
    'form_param_value_invalid',
    'user_id',
  ),
  endpointCase('POST', '/api/v1/sign_in_tokens')(
    'expires_in_seconds 0',
    { user_id: '<user>', expires_in_seconds: 0 },
    422,
    'form_param_value_invalid',
    'expires_in_seconds',
  ),
  notFound('POST', '/api/v1/sign_in_tokens/sitkn_doesNotExist/revoke', {}),
];

const role = endpointCase('POST', '/api/v1/organization_roles');
const permission = endpointCase('POST', '/api/v1/organization_permissions');
const roleCases: Case[] = [
  role('no key', { name: 'X' }, 422, 'form_param_missing', 'key'),
  role('key without org:', { key: 'billing', name: 'X' }, 422, 'form_param_format_invalid', 'key'),
  role('key taken by a built-in role', { key: 'org:admin', name: 'X' }, 422, 'form_identifier_exists', 'key'),
  role(
    'unknown permission',
    { key: 'org:fresh', name: 'X', permissions: ['org:nope:nope'] },
    422,
    'form_param_value_invalid',
    'permissions',
  ),
  endpointCase('PATCH', '/api/v1/organization_roles/role_admin')(
    'a built-in role',
    { name: 'Boss' },
    422,
    'form_param_value_invalid',
    'role',
  ),
  notFound('GET', '/api/v1/organization_roles/role_doesNotExist'),
  notFound('DELETE', '/api/v1/organization_roles/role_doesNotExist'),
  notFound('POST', '/api/v1/organization_roles/<role>/permissions/perm_doesNotExist', {}),
  permission('system key', { key: 'org:sys_profile:manage', name: 'X' }, 422, 'form_param_format_invalid', 'key'),
  permission('key of two parts', { key: 'org:invoices', name: 'X' }, 422, 'form_param_format_invalid', 'key'),
  permission('no name', { key: 'org:a:b' }, 422, 'form_param_missing', 'name'),
  notFound('GET', '/api/v1/organization_permissions/perm_doesNotExist'),
  endpointCase('PATCH', '/api/v1/instance/restrictions')(
    'unknown sign-up mode',
    { sign_up_mode: 'closed' },
    422,
    'form_param_value_invalid',
    'sign_up_mode',
  ),
  endpointCase('PATCH', '/api/v1/instance/restrictions')(
    'allowlist is a string',
    { allowlist: 'yes' },
    422,
    'form_param_format_invalid',
    'allowlist',
  ),
  endpointCase('PATCH', '/api/v1/instance/organization_settings')(
    'unknown creator role',
    { creator_role_id: 'role_nope' },
    422,
    'form_param_value_invalid',
    'creator_role_id',
  ),
  endpointCase('PATCH', '/api/v1/instance/organization_settings')(
    'force_organization_selection not a boolean',
    { force_organization_selection: 'yes' },
    422,
    'form_param_format_invalid',
    'force_organization_selection',
  ),
  endpointCase('POST', '/api/v1/allowlist_identifiers')(
    'identifier with a space',
    { identifier: 'a b' },
    422,
    'form_param_format_invalid',
    'identifier',
  ),
  notFound('DELETE', '/api/v1/blocklist_identifiers/blid_doesNotExist'),
];

const TABLES: Record<string, Case[]> = {
  authentication: authCases,
  'request bodies': bodyCases,
  'organization invitations': invitationCases,
  'instance invitations and sign-in tokens': instanceCases,
  'roles, permissions, restrictions': roleCases,
};

async function snapshot(): Promise<Record<string, unknown>> {
  return {
    invitations: (await call('GET', `/api/v1/organizations/${fixtures.org}/invitations?limit=100`)).body,
    instanceInvitations: (await call('GET', '/api/v1/invitations?limit=100')).body,
    roles: (await call('GET', '/api/v1/organization_roles?limit=100')).body,
    permissions: (await call('GET', '/api/v1/organization_permissions?limit=100')).body,
    settings: (await call('GET', '/api/v1/instance/organization_settings')).body,
  };
}

describeBadInputs('BAPI invitation, role and restriction bad inputs', {
  async arrange() {
    const ann = await fixture('/api/v1/users', { email_address: ['ann@example.com'], first_name: 'Ann' });
    const acme = await fixture('/api/v1/organizations', { name: 'Acme', created_by: ann.id });
    const inv = await fixture(`/api/v1/organizations/${acme.id}/invitations`, { email_address: 'pending@example.com', notify: false });
    const roleRow = await fixture('/api/v1/organization_roles', { key: 'org:viewer', name: 'Viewer' });
    Object.assign(fixtures, { user: ann.id, org: acme.id, inv: inv.id, role: roleRow.id });
  },
  snapshot,
  tables: TABLES,
  atLeast: 120,
});
