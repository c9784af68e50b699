import { badInputsHarness, getCase } from '../../testing/bad-inputs.js';
import { authCasesFor, bodyCasesFor, type Case, type Endpoint, endpointCase, notFound } from '../../testing/error-cases.js';

/**
 * The machine-authentication endpoints (`/api_keys`, `/m2m_tokens`, `/v1/machines`) against tables of
 * bad inputs, with the harness of `bad-inputs.test.ts` (`testing/error-cases.ts`): each case pins the
 * status, the Clerk error code and the parameter; a final loop checks that none is a 5xx and all are
 * Clerk's envelope; and failed requests change nothing.
 */

const { fixtures, call, fixture, describeBadInputs } = badInputsHarness();

const ENDPOINTS: Endpoint[] = [
  { method: 'GET', url: '/api/api_keys?subject=<user>', body: false },
  { method: 'POST', url: '/api/api_keys', body: true, required: { name: 'k', subject: '<user>' } },
  { method: 'GET', url: '/api/api_keys/<key>', body: false },
  { method: 'PATCH', url: '/api/api_keys/<key>', body: true },
  { method: 'DELETE', url: '/api/api_keys/<key>', body: false },
  { method: 'POST', url: '/api/api_keys/<key>/revoke', body: true },
  { method: 'GET', url: '/api/api_keys/<key>/secret', body: false },
  { method: 'POST', url: '/api/api_keys/verify', body: true, required: { secret: 'ak_x' } },
  { method: 'GET', url: '/api/v1/machines', body: false },
  { method: 'POST', url: '/api/v1/machines', body: true, required: { name: 'm' } },
  { method: 'GET', url: '/api/v1/machines/<machine>', body: false },
  { method: 'PATCH', url: '/api/v1/machines/<machine>', body: true },
  { method: 'DELETE', url: '/api/v1/machines/<machine>', body: false },
  { method: 'GET', url: '/api/v1/machines/<machine>/secret_key', body: false },
  { method: 'POST', url: '/api/v1/machines/<machine>/secret_key/rotate', body: true, required: { previous_token_ttl: 0 } },
  { method: 'POST', url: '/api/v1/machines/<machine>/scopes', body: true, required: { to_machine_id: '<other>' } },
  { method: 'DELETE', url: '/api/v1/machines/<machine>/scopes/<other>', body: false },
  { method: 'GET', url: '/api/m2m_tokens?subject=<machine>', body: false },
  { method: 'POST', url: '/api/m2m_tokens', body: true },
  { method: 'POST', url: '/api/m2m_tokens/<token>/revoke', body: true },
  { method: 'POST', url: '/api/m2m_tokens/verify', body: true, required: { token: 'mt_x' } },
];

const authCases = authCasesFor(ENDPOINTS, ['none', 'wrong', 'publishable']);
const bodyCases = bodyCasesFor(ENDPOINTS, ['truncated', 'array', 'textPlain', 'tooDeep', 'unknownParam', 'twoUnknownParams']);

const get = getCase;

const createKey = endpointCase('POST', '/api/api_keys');
const patchKey = endpointCase('PATCH', '/api/api_keys/<key>');
const verifyKey = endpointCase('POST', '/api/api_keys/verify');

const apiKeyCases: Case[] = [
  get('no subject', '/api/api_keys', 422, 'form_param_missing', 'subject'),
  get('subject is not a user or organization', '/api/api_keys?subject=mch_abc', 422, 'form_param_format_invalid', 'subject'),
  get('include_invalid=yes', '/api/api_keys?subject=<user>&include_invalid=yes', 422, 'form_param_value_invalid', 'include_invalid'),
  get('limit=0', '/api/api_keys?subject=<user>&limit=0', 422, 'form_param_value_invalid', 'limit'),
  get('unknown query parameter', '/api/api_keys?subject=<user>&colour=red', 422, 'form_param_unknown', 'colour'),
  createKey('no parameters', {}, 422, 'form_param_missing', 'name'),
  createKey('no subject', { name: 'k' }, 422, 'form_param_missing', 'subject'),
  createKey('blank name', { name: '  ', subject: '<user>' }, 422, 'form_param_value_invalid', 'name'),
  createKey('name over 256 characters', { name: 'n'.repeat(257), subject: '<user>' }, 422, 'form_param_value_invalid', 'name'),
  createKey('unknown user', { name: 'k', subject: 'user_doesNotExist' }, 422, 'form_param_value_invalid', 'subject'),
  createKey('unknown organization', { name: 'k', subject: 'org_doesNotExist' }, 422, 'form_param_value_invalid', 'subject'),
  createKey('subject is a machine', { name: 'k', subject: '<machine>' }, 422, 'form_param_format_invalid', 'subject'),
  createKey('scopes is a string', { name: 'k', subject: '<user>', scopes: 'read' }, 422, 'form_param_format_invalid', 'scopes'),
  createKey('claims is an array', { name: 'k', subject: '<user>', claims: [] }, 422, 'form_param_format_invalid', 'claims'),
  createKey(
    'claims over 8 KB',
    { name: 'k', subject: '<user>', claims: { blob: 'x'.repeat(8200) } },
    422,
    'form_param_exceeds_allowed_size',
    'claims',
  ),
  patchKey('claims over 8 KB', { claims: { blob: 'x'.repeat(8200) } }, 422, 'form_param_exceeds_allowed_size', 'claims'),
  createKey(
    'seconds_until_expiration is 0',
    { name: 'k', subject: '<user>', seconds_until_expiration: 0 },
    422,
    'form_param_value_invalid',
    'seconds_until_expiration',
  ),
  createKey(
    'seconds_until_expiration is a string',
    { name: 'k', subject: '<user>', seconds_until_expiration: '60' },
    422,
    'form_param_format_invalid',
    'seconds_until_expiration',
  ),
  notFound('GET', '/api/api_keys/ak_doesNotExist'),
  notFound('GET', '/api/api_keys/ak_doesNotExist/secret'),
  notFound('DELETE', '/api/api_keys/ak_doesNotExist'),
  notFound('POST', '/api/api_keys/ak_doesNotExist/revoke', {}),
  notFound('PATCH', '/api/api_keys/ak_doesNotExist', { description: 'x' }),
  patchKey('moving to another subject', { subject: '<otherUser>' }, 422, 'form_param_value_invalid', 'subject'),
  patchKey('scopes of numbers', { scopes: [1, 2] }, 422, 'form_param_format_invalid', 'scopes.0'),
  endpointCase('POST', '/api/api_keys/<key>/revoke')(
    'reason is a number',
    { revocation_reason: 5 },
    422,
    'form_param_format_invalid',
    'revocation_reason',
  ),
  verifyKey('no secret', {}, 422, 'form_param_missing', 'secret'),
  verifyKey('empty secret', { secret: '' }, 422, 'form_param_value_invalid', 'secret'),
  verifyKey('secret over 512 characters', { secret: `ak_${'a'.repeat(600)}` }, 422, 'form_param_value_invalid', 'secret'),
  verifyKey('an unknown secret', { secret: 'ak_doesNotExist' }, 404, 'resource_not_found'),
  verifyKey('the machine secret key is not an API key', { secret: '<machineSecret>' }, 404, 'resource_not_found'),
  verifyKey('the instance secret key is not an API key', { secret: '<secretKey>' }, 404, 'resource_not_found'),
  verifyKey('a revoked key', { secret: '<revokedKeySecret>' }, 404, 'resource_not_found'),
];

const createMachine = endpointCase('POST', '/api/v1/machines');
const machineCases: Case[] = [
  get('unknown order_by', '/api/v1/machines?order_by=shoe_size', 422, 'form_param_value_invalid', 'order_by'),
  get('limit=501', '/api/v1/machines?limit=501', 422, 'form_param_value_invalid', 'limit'),
  createMachine('no name', {}, 422, 'form_param_missing', 'name'),
  createMachine('name is a number', { name: 5 }, 422, 'form_param_format_invalid', 'name'),
  createMachine(
    'unknown scoped machine',
    { name: 'm', scoped_machines: ['mch_doesNotExist'] },
    422,
    'form_param_value_invalid',
    'scoped_machines',
  ),
  createMachine(
    '151 scoped machines',
    { name: 'm', scoped_machines: Array.from({ length: 151 }, (_, i) => `mch_${i}`) },
    422,
    'form_param_value_invalid',
    'scoped_machines',
  ),
  createMachine('default_token_ttl is 0', { name: 'm', default_token_ttl: 0 }, 422, 'form_param_value_invalid', 'default_token_ttl'),
  createMachine(
    'default_token_ttl is fractional',
    { name: 'm', default_token_ttl: 1.5 },
    422,
    'form_param_format_invalid',
    'default_token_ttl',
  ),
  notFound('GET', '/api/v1/machines/mch_doesNotExist'),
  notFound('PATCH', '/api/v1/machines/mch_doesNotExist', { name: 'x' }),
  notFound('DELETE', '/api/v1/machines/mch_doesNotExist'),
  notFound('GET', '/api/v1/machines/mch_doesNotExist/secret_key'),
  notFound('POST', '/api/v1/machines/mch_doesNotExist/secret_key/rotate', { previous_token_ttl: 0 }),
  notFound('POST', '/api/v1/machines/mch_doesNotExist/scopes', { to_machine_id: '<other>' }),
  notFound('DELETE', '/api/v1/machines/<machine>/scopes/mch_doesNotExist'),
  endpointCase('PATCH', '/api/v1/machines/<machine>')('name is empty', { name: '' }, 422, 'form_param_value_invalid', 'name'),
  endpointCase('POST', '/api/v1/machines/<machine>/secret_key/rotate')(
    'no previous_token_ttl',
    {},
    422,
    'form_param_missing',
    'previous_token_ttl',
  ),
  endpointCase('POST', '/api/v1/machines/<machine>/secret_key/rotate')(
    'previous_token_ttl over 8 hours',
    { previous_token_ttl: 28_801 },
    422,
    'form_param_value_invalid',
    'previous_token_ttl',
  ),
  endpointCase('POST', '/api/v1/machines/<machine>/scopes')('no to_machine_id', {}, 422, 'form_param_missing', 'to_machine_id'),
  endpointCase('POST', '/api/v1/machines/<machine>/scopes')(
    'unknown to_machine_id',
    { to_machine_id: 'mch_doesNotExist' },
    422,
    'form_param_value_invalid',
    'to_machine_id',
  ),
  endpointCase('POST', '/api/v1/machines/<machine>/scopes')(
    'scope already there',
    { to_machine_id: '<other>' },
    422,
    'form_identifier_exists',
    'to_machine_id',
  ),
];

const createToken = endpointCase('POST', '/api/m2m_tokens');
const m2mCases: Case[] = [
  createToken('the instance secret key cannot mint', {}, 403, 'machine_secret_key_required'),
  createToken('token_format is pem', { token_format: 'pem' }, 422, 'form_param_value_invalid', 'token_format'),
  createToken(
    'seconds_until_expiration is negative',
    { seconds_until_expiration: -1 },
    422,
    'form_param_value_invalid',
    'seconds_until_expiration',
  ),
  createToken('claims is a string', { claims: 'x' }, 422, 'form_param_format_invalid', 'claims'),
  get('no subject', '/api/m2m_tokens', 422, 'form_param_missing', 'subject'),
  get('revoked=maybe', '/api/m2m_tokens?subject=<machine>&revoked=maybe', 422, 'form_param_value_invalid', 'revoked'),
  notFound('POST', '/api/m2m_tokens/mt_doesNotExist/revoke', {}),
  endpointCase('POST', '/api/m2m_tokens/verify')('no token', {}, 422, 'form_param_missing', 'token'),
  endpointCase('POST', '/api/m2m_tokens/verify')('an unknown token', { token: 'mt_doesNotExist' }, 404, 'resource_not_found'),
  endpointCase('POST', '/api/m2m_tokens/verify')('an API key is not an M2M token', { token: '<keySecret>' }, 404, 'resource_not_found'),
];

const TABLES = { auth: authCases, bodies: bodyCases, 'API keys': apiKeyCases, machines: machineCases, 'M2M tokens': m2mCases };

const snapshot = async () => ({
  keys: (await call('GET', `/api/api_keys?subject=${fixtures.user}&include_invalid=true`)).body,
  machines: (await call('GET', '/api/v1/machines?order_by=%2Bcreated_at')).body,
  tokens: (await call('GET', `/api/m2m_tokens?subject=${fixtures.machine}&revoked=true&expired=true`)).body,
});

describeBadInputs('machine authentication endpoints against bad inputs', {
  async arrange(t) {
    const ann = await fixture('/api/v1/users', { email_address: ['ann@example.com'] });
    const bob = await fixture('/api/v1/users', { email_address: ['bob@example.com'] });
    const key = await fixture('/api/api_keys', { name: 'key', subject: ann.id });
    const revokedKey = await fixture('/api/api_keys', { name: 'revoked', subject: ann.id });
    await fixture(`/api/api_keys/${revokedKey.id}/revoke`, {});
    const other = await fixture('/api/v1/machines', { name: 'other' });
    const machine = await fixture('/api/v1/machines', { name: 'machine', scoped_machines: [other.id] });
    const minted = await t.app.inject({
      method: 'POST',
      url: '/api/m2m_tokens',
      headers: { authorization: `Bearer ${machine.secret_key}`, 'content-type': 'application/json' },
      payload: '{}',
    });
    const token = JSON.parse(minted.body) as { id: string };
    Object.assign(fixtures, {
      user: ann.id,
      otherUser: bob.id,
      other: other.id,
      machine: machine.id,
      key: key.id,
      keySecret: key.secret,
      revokedKeySecret: revokedKey.secret,
      machineSecret: machine.secret_key,
      secretKey: t.secretKey,
      token: token.id,
    });
  },
  snapshot,
  tables: TABLES,
  atLeast: 150,
  unchanged: 'changed nothing: keys, machines and tokens are as they were',
});
