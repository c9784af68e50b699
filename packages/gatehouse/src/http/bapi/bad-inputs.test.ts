import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/app.js';
import {
  authCasesFor,
  bodyCasesFor,
  type Case,
  callBapi,
  createErrorCaseHarness,
  type Endpoint,
  endpointCase,
  type Method,
  notFound,
} from '../../testing/error-cases.js';

/**
 * Every Backend API endpoint against tables of bad inputs: each case pins the HTTP status and the
 * Clerk error code (and the parameter it names). A final loop replays every case and checks what
 * all errors share: never a 5xx, `Content-Type: application/json` exactly, and Clerk's envelope
 * with a trace id. Failed requests must change nothing, which the last tests check. The case
 * format and the checks live in `testing/error-cases.ts`, shared with the organization tables.
 */

const METADATA_OVER_8KB = { blob: 'x'.repeat(8200) };
const CLAIMS_OVER_1_2KB = { blob: 'x'.repeat(1300) };
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const EC_PKCS8_PEM = ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const RSA_PKCS1_PEM = rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const GARBAGE_PKCS8_PEM = '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n';

/** `<user>`, `<session>`… in the cases' URLs and bodies: filled in by `beforeAll`. */
const fixtures: Record<string, string> = {};
let t: TestApp;
const { call, fixture, describeTables, itSharesTheEnvelope } = createErrorCaseHarness(() => t, fixtures);

// ---------------------------------------------------------------------------------------------
// Every endpoint, for the checks that apply to all of them.

const ENDPOINTS: Endpoint[] = [
  { method: 'GET', url: '/api/v1/users', body: false },
  { method: 'GET', url: '/api/v1/users/count', body: false },
  { method: 'GET', url: '/api/v1/users/<user>', body: false },
  { method: 'POST', url: '/api/v1/users', body: true },
  { method: 'PATCH', url: '/api/v1/users/<user>', body: true },
  { method: 'DELETE', url: '/api/v1/users/<user>', body: false },
  { method: 'PATCH', url: '/api/v1/users/<user>/metadata', body: true },
  { method: 'PUT', url: '/api/v1/users/<user>/metadata', body: true },
  { method: 'POST', url: '/api/v1/users/<flagged>/ban', body: true },
  { method: 'POST', url: '/api/v1/users/<flagged>/unban', body: true },
  { method: 'POST', url: '/api/v1/users/<flagged>/lock', body: true },
  { method: 'POST', url: '/api/v1/users/<flagged>/unlock', body: true },
  { method: 'POST', url: '/api/v1/users/<user>/verify_password', body: true, required: { password: 'x' } },
  { method: 'POST', url: '/api/v1/users/<user>/verify_totp', body: true, required: { code: '123456' } },
  { method: 'DELETE', url: '/api/v1/users/<user>/mfa', body: false },
  { method: 'POST', url: '/api/v1/email_addresses', body: true, required: { user_id: '<user>', email_address: 'new@example.com' } },
  { method: 'GET', url: '/api/v1/email_addresses/<email>', body: false },
  { method: 'PATCH', url: '/api/v1/email_addresses/<email>', body: true },
  { method: 'DELETE', url: '/api/v1/email_addresses/<email>', body: false },
  { method: 'POST', url: '/api/v1/phone_numbers', body: true, required: { user_id: '<user>', phone_number: '+14155550188' } },
  { method: 'GET', url: '/api/v1/phone_numbers/<phone>', body: false },
  { method: 'PATCH', url: '/api/v1/phone_numbers/<phone>', body: true },
  { method: 'DELETE', url: '/api/v1/phone_numbers/<phone>', body: false },
  { method: 'GET', url: '/api/v1/sessions', body: false },
  { method: 'GET', url: '/api/v1/sessions/<session>', body: false },
  { method: 'POST', url: '/api/v1/sessions', body: true, required: { user_id: '<user>' } },
  { method: 'POST', url: '/api/v1/sessions/<revoked>/revoke', body: true },
  { method: 'POST', url: '/api/v1/sessions/<session>/tokens', body: true },
  { method: 'POST', url: '/api/v1/sessions/<session>/tokens/tmpl', body: true },
  { method: 'GET', url: '/api/v1/jwks', body: false },
  { method: 'GET', url: '/api/v1/jwt_templates', body: false },
  { method: 'GET', url: '/api/v1/jwt_templates/<template>', body: false },
  { method: 'POST', url: '/api/v1/jwt_templates', body: true, required: { name: 'fresh', claims: {} } },
  { method: 'PATCH', url: '/api/v1/jwt_templates/<template>', body: true },
  { method: 'DELETE', url: '/api/v1/jwt_templates/<template>', body: false },
  { method: 'GET', url: '/api/v1/instance/session_token', body: false },
  { method: 'PATCH', url: '/api/v1/instance/session_token', body: true },
];

const authCases = authCasesFor(ENDPOINTS, ['none', 'wrong', 'basic', 'publishable', 'wrongWithMalformedBody']);

const bodyCases = bodyCasesFor(ENDPOINTS, [
  'truncated',
  'notJson',
  'array',
  'null',
  'string',
  'textPlain',
  'tooDeep',
  'unknownParam',
  'twoUnknownParams',
]);

// ---------------------------------------------------------------------------------------------
// Endpoint by endpoint.

const listQueryCases = (url: string): Case[] => [
  { name: 'limit=0', method: 'GET', url: `${url}?limit=0`, status: 422, code: 'form_param_value_invalid', param: 'limit' },
  { name: 'limit=501', method: 'GET', url: `${url}?limit=501`, status: 422, code: 'form_param_value_invalid', param: 'limit' },
  { name: 'limit=abc', method: 'GET', url: `${url}?limit=abc`, status: 422, code: 'form_param_format_invalid', param: 'limit' },
  { name: 'limit=1.5', method: 'GET', url: `${url}?limit=1.5`, status: 422, code: 'form_param_format_invalid', param: 'limit' },
  { name: 'limit twice', method: 'GET', url: `${url}?limit=1&limit=2`, status: 422, code: 'form_param_format_invalid', param: 'limit' },
  { name: 'offset=-1', method: 'GET', url: `${url}?offset=-1`, status: 422, code: 'form_param_value_invalid', param: 'offset' },
  { name: 'offset=abc', method: 'GET', url: `${url}?offset=abc`, status: 422, code: 'form_param_format_invalid', param: 'offset' },
  { name: 'paginated=yes', method: 'GET', url: `${url}?paginated=yes`, status: 422, code: 'form_param_value_invalid', param: 'paginated' },
  { name: 'unknown query parameter', method: 'GET', url: `${url}?colour=red`, status: 422, code: 'form_param_unknown', param: 'colour' },
];

const usersListCases: Case[] = [
  ...listQueryCases('/api/v1/users'),
  {
    name: 'unknown order_by',
    method: 'GET',
    url: '/api/v1/users?order_by=shoe_size',
    status: 422,
    code: 'form_param_value_invalid',
    param: 'order_by',
  },
  {
    name: 'order_by a column that is not sortable',
    method: 'GET',
    url: '/api/v1/users?order_by=-password_digest',
    status: 422,
    code: 'form_param_value_invalid',
    param: 'order_by',
  },
  {
    name: 'order_by with two signs',
    method: 'GET',
    url: '/api/v1/users?order_by=%2B-created_at',
    status: 422,
    code: 'form_param_value_invalid',
    param: 'order_by',
  },
  {
    name: 'order_by too long',
    method: 'GET',
    url: `/api/v1/users?order_by=${'a'.repeat(65)}`,
    status: 422,
    code: 'form_param_value_invalid',
    param: 'order_by',
  },
  {
    name: 'query twice',
    method: 'GET',
    url: '/api/v1/users?query=a&query=b',
    status: 422,
    code: 'form_param_format_invalid',
    param: 'query',
  },
  {
    name: 'query too long',
    method: 'GET',
    url: `/api/v1/users?query=${'q'.repeat(257)}`,
    status: 422,
    code: 'form_param_value_invalid',
    param: 'query',
  },
];

const usersCountCases: Case[] = [
  {
    name: 'limit is not a count parameter',
    method: 'GET',
    url: '/api/v1/users/count?limit=1',
    status: 422,
    code: 'form_param_unknown',
    param: 'limit',
  },
  {
    name: 'order_by is not a count parameter',
    method: 'GET',
    url: '/api/v1/users/count?order_by=created_at',
    status: 422,
    code: 'form_param_unknown',
    param: 'order_by',
  },
  {
    name: 'unknown query parameter',
    method: 'GET',
    url: '/api/v1/users/count?colour=red',
    status: 422,
    code: 'form_param_unknown',
    param: 'colour',
  },
  {
    name: 'query twice',
    method: 'GET',
    url: '/api/v1/users/count?query=a&query=b',
    status: 422,
    code: 'form_param_format_invalid',
    param: 'query',
  },
];

const usersGetCases: Case[] = [
  notFound('GET', '/api/v1/users/user_doesNotExist'),
  { ...notFound('GET', `/api/v1/users/user_${'x'.repeat(200)}`), name: 'a 200-character id' },
  { ...notFound('GET', `/api/v1/users/user_${'x'.repeat(600)}`), name: 'an id longer than the router allows' },
  { ...notFound('GET', '/api/v1/users/%E0%A4%A'), name: 'a broken percent-escape in the id' },
];

const createUser = endpointCase('POST', '/api/v1/users');

const usersCreateCases: Case[] = [
  createUser('first_name is a number', { first_name: 5 }, 422, 'form_param_format_invalid', 'first_name'),
  createUser('last_name is a boolean', { last_name: true }, 422, 'form_param_format_invalid', 'last_name'),
  createUser('first_name too long', { first_name: 'n'.repeat(257) }, 422, 'form_param_value_invalid', 'first_name'),
  createUser('email_address is a string, not an array', { email_address: 'a@b.c' }, 422, 'form_param_format_invalid', 'email_address'),
  createUser('email_address holds a number', { email_address: [5] }, 422, 'form_param_format_invalid', 'email_address.0'),
  createUser('email_address is not an e-mail', { email_address: ['not-an-email'] }, 422, 'form_param_format_invalid', 'email_address'),
  createUser(
    'more than 100 e-mail addresses',
    { email_address: Array.from({ length: 101 }, (_, i) => `many${i}@example.com`) },
    422,
    'form_param_value_invalid',
    'email_address',
  ),
  createUser('public_metadata is an array', { public_metadata: [] }, 422, 'form_param_format_invalid', 'public_metadata'),
  createUser('public_metadata is a string', { public_metadata: 'x' }, 422, 'form_param_format_invalid', 'public_metadata'),
  createUser('private_metadata is a number', { private_metadata: 5 }, 422, 'form_param_format_invalid', 'private_metadata'),
  createUser('unsafe_metadata is null', { unsafe_metadata: null }, 422, 'form_param_format_invalid', 'unsafe_metadata'),
  createUser(
    'public_metadata over 8 KB',
    { public_metadata: METADATA_OVER_8KB },
    422,
    'form_param_exceeds_allowed_size',
    'public_metadata',
  ),
  createUser(
    'private_metadata over 8 KB',
    { private_metadata: METADATA_OVER_8KB },
    422,
    'form_param_exceeds_allowed_size',
    'private_metadata',
  ),
  createUser(
    'unsafe_metadata over 8 KB',
    { unsafe_metadata: METADATA_OVER_8KB },
    422,
    'form_param_exceeds_allowed_size',
    'unsafe_metadata',
  ),
  createUser(
    'primary_email_address_id is for updates only',
    { primary_email_address_id: 'idn_x' },
    422,
    'form_param_unknown',
    'primary_email_address_id',
  ),
  createUser('an unknown parameter next to good ones', { first_name: 'Zed', shoe_size: 44 }, 422, 'form_param_unknown', 'shoe_size'),
  createUser('duplicate e-mail address', { email_address: ['ann@example.com'] }, 422, 'form_identifier_exists', 'email_address'),
  createUser(
    'duplicate e-mail address in another case',
    { email_address: [' ANN@Example.COM '] },
    422,
    'form_identifier_exists',
    'email_address',
  ),
  createUser('duplicate username', { username: 'ann_user' }, 422, 'form_identifier_exists', 'username'),
  createUser('duplicate username in another case', { username: 'Ann_User' }, 422, 'form_identifier_exists', 'username'),
  createUser('duplicate external_id', { external_id: 'ext-ann' }, 422, 'form_identifier_exists', 'external_id'),
  createUser('username too short', { username: 'ab' }, 422, 'form_param_format_invalid', 'username'),
  createUser('username with a space', { username: 'ann lee' }, 422, 'form_param_format_invalid', 'username'),
  createUser('external_id empty', { external_id: '' }, 422, 'form_param_value_invalid', 'external_id'),
  createUser('password too short', { password: 'short' }, 422, 'form_password_length_too_short', 'password'),
  createUser('a commonly leaked password', { password: 'password' }, 422, 'form_password_pwned', 'password'),
  createUser('a commonly leaked password in capitals', { password: 'PASSWORD1' }, 422, 'form_password_pwned', 'password'),
  createUser('password over 256 characters', { password: 'Pw-'.repeat(90) }, 422, 'form_param_format_invalid', 'password'),
  createUser('password is a number', { password: 12345678 }, 422, 'form_param_format_invalid', 'password'),
  createUser(
    'both password and password_digest',
    {
      password: 'a-Fine-password-42',
      password_digest: '$2b$04$abcdefghijklmnopqrstuuM0b5uJ1YjFQ6jT2E3D3NQO8gD7FqQe',
      password_hasher: 'bcrypt',
    },
    422,
    'form_param_format_invalid',
    'password_digest',
  ),
  createUser('password_digest without password_hasher', { password_digest: '$2b$04$x' }, 422, 'form_param_missing', 'password_hasher'),
  createUser('password_hasher without password_digest', { password_hasher: 'bcrypt' }, 422, 'form_param_missing', 'password_digest'),
  createUser(
    'unsupported password_hasher',
    { password_digest: 'abc', password_hasher: 'md5' },
    422,
    'form_param_value_invalid',
    'password_hasher',
  ),
  createUser(
    'malformed bcrypt digest',
    { password_digest: '$2b$04$tooShort', password_hasher: 'bcrypt' },
    422,
    'form_param_format_invalid',
    'password_digest',
  ),
  createUser(
    'a bcrypt digest labelled argon2id',
    { password_digest: '$2b$04$abcdefghijklmnopqrstuuM0b5uJ1YjFQ6jT2E3D3NQO8gD7FqQe', password_hasher: 'argon2id' },
    422,
    'form_param_format_invalid',
    'password_digest',
  ),
  createUser(
    'malformed scrypt_firebase digest',
    { password_digest: 'abc', password_hasher: 'scrypt_firebase' },
    422,
    'form_param_format_invalid',
    'password_digest',
  ),
  createUser(
    'pbkdf2_sha256 digest with zero iterations',
    { password_digest: 'pbkdf2_sha256$0$c2FsdA==$aGFzaA==', password_hasher: 'pbkdf2_sha256' },
    422,
    'form_param_format_invalid',
    'password_digest',
  ),
  createUser(
    'empty password_digest',
    { password_digest: '', password_hasher: 'bcrypt' },
    422,
    'form_param_value_invalid',
    'password_digest',
  ),
  createUser('skip_password_checks is a string', { skip_password_checks: 'yes' }, 422, 'form_param_format_invalid', 'skip_password_checks'),
  createUser('banned is a string', { banned: 'true' }, 422, 'form_param_format_invalid', 'banned'),
  createUser('created_at is not a date', { created_at: 'last tuesday' }, 422, 'form_param_format_invalid', 'created_at'),
  createUser('created_at is negative', { created_at: -1 }, 422, 'form_param_value_invalid', 'created_at'),
  createUser('created_at is fractional', { created_at: 1.5 }, 422, 'form_param_format_invalid', 'created_at'),
  createUser('legal_accepted_at is an object', { legal_accepted_at: {} }, 422, 'form_param_format_invalid', 'legal_accepted_at'),
  {
    ...createUser('form-encoded unknown parameter', 'shoe_size=44', 422, 'form_param_unknown', 'shoe_size'),
    contentType: 'application/x-www-form-urlencoded',
  },
  { ...createUser('a body without a Content-Type', '{"first_name":"Ann"}', 415, 'unsupported_content_type'), contentType: null },
  { ...createUser('an XML body', '<user/>', 415, 'unsupported_content_type'), contentType: 'application/xml' },
  createUser('a body over 1 MB', { first_name: 'x'.repeat(1_100_000) }, 422, 'form_param_value_invalid', 'body'),
];

const updateUser = endpointCase('PATCH', '/api/v1/users/<user>');

const usersUpdateCases: Case[] = [
  notFound('PATCH', '/api/v1/users/user_doesNotExist', { first_name: 'Nobody' }),
  updateUser('first_name is a number', { first_name: 5 }, 422, 'form_param_format_invalid', 'first_name'),
  updateUser('email_address cannot be set here', { email_address: ['new@example.com'] }, 422, 'form_param_unknown', 'email_address'),
  updateUser('banned cannot be set here', { banned: true }, 422, 'form_param_unknown', 'banned'),
  updateUser(
    'primary_email_address_id that does not exist',
    { primary_email_address_id: 'idn_nope' },
    422,
    'form_param_value_invalid',
    'primary_email_address_id',
  ),
  updateUser(
    "primary_email_address_id of another user's address",
    { primary_email_address_id: '<otherEmail>' },
    422,
    'form_param_value_invalid',
    'primary_email_address_id',
  ),
  updateUser('username taken by another user', { username: 'bob_user' }, 422, 'form_identifier_exists', 'username'),
  updateUser('external_id taken by another user', { external_id: 'ext-bob' }, 422, 'form_identifier_exists', 'external_id'),
  updateUser('username too short', { username: 'ab' }, 422, 'form_param_format_invalid', 'username'),
  updateUser('password too short', { password: 'short' }, 422, 'form_password_length_too_short', 'password'),
  updateUser('a commonly leaked password', { password: 'qwerty123' }, 422, 'form_password_pwned', 'password'),
  updateUser(
    'malformed bcrypt digest',
    { password_digest: 'nope', password_hasher: 'bcrypt' },
    422,
    'form_param_format_invalid',
    'password_digest',
  ),
  updateUser('public_metadata is an array', { public_metadata: [] }, 422, 'form_param_format_invalid', 'public_metadata'),
  updateUser(
    'public_metadata over 8 KB',
    { public_metadata: METADATA_OVER_8KB },
    422,
    'form_param_exceeds_allowed_size',
    'public_metadata',
  ),
  updateUser('locale is a number', { locale: 5 }, 422, 'form_param_format_invalid', 'locale'),
];

const usersDeleteCases: Case[] = [notFound('DELETE', '/api/v1/users/user_doesNotExist')];

const metadataCases: Case[] = (['PATCH', 'PUT'] as const).flatMap((method): Case[] => {
  const url = '/api/v1/users/<user>/metadata';
  return [
    notFound(method, '/api/v1/users/user_doesNotExist/metadata', { public_metadata: {} }),
    {
      name: 'public_metadata is an array',
      method,
      url,
      body: { public_metadata: [] },
      status: 422,
      code: 'form_param_format_invalid',
      param: 'public_metadata',
    },
    {
      name: 'public_metadata is a string',
      method,
      url,
      body: { public_metadata: 'x' },
      status: 422,
      code: 'form_param_format_invalid',
      param: 'public_metadata',
    },
    {
      name: 'private_metadata is null',
      method,
      url,
      body: { private_metadata: null },
      status: 422,
      code: 'form_param_format_invalid',
      param: 'private_metadata',
    },
    {
      name: 'private_metadata over 8 KB',
      method,
      url,
      body: { private_metadata: METADATA_OVER_8KB },
      status: 422,
      code: 'form_param_exceeds_allowed_size',
      param: 'private_metadata',
    },
    {
      name: 'unsafe_metadata over 8 KB next to a good public_metadata',
      method,
      url,
      body: { public_metadata: { fine: true }, unsafe_metadata: METADATA_OVER_8KB },
      status: 422,
      code: 'form_param_exceeds_allowed_size',
      param: 'unsafe_metadata',
    },
    {
      name: 'first_name is not metadata',
      method,
      url,
      body: { first_name: 'Ann' },
      status: 422,
      code: 'form_param_unknown',
      param: 'first_name',
    },
  ];
});

const flagCases: Case[] = (['ban', 'unban', 'lock', 'unlock'] as const).flatMap((action): Case[] => [
  notFound('POST', `/api/v1/users/user_doesNotExist/${action}`),
  {
    name: 'a body parameter on a parameterless action',
    method: 'POST',
    url: `/api/v1/users/<flagged>/${action}`,
    body: { banned: false },
    status: 422,
    code: 'form_param_unknown',
    param: 'banned',
  },
]);

const verifyPassword = endpointCase('POST', '/api/v1/users/<user>/verify_password');

const verifyPasswordCases: Case[] = [
  notFound('POST', '/api/v1/users/user_doesNotExist/verify_password', { password: 'whatever-it-is' }),
  verifyPassword('no password', {}, 422, 'form_param_missing', 'password'),
  verifyPassword('password is a number', { password: 12345678 }, 422, 'form_param_format_invalid', 'password'),
  verifyPassword('password is null', { password: null }, 422, 'form_param_format_invalid', 'password'),
  verifyPassword('password over 1024 characters', { password: 'p'.repeat(1025) }, 422, 'form_param_value_invalid', 'password'),
  verifyPassword('wrong password', { password: 'not-the-password' }, 422, 'form_password_incorrect', 'password'),
  verifyPassword('an unknown parameter', { password: 'x', user_id: '<user>' }, 422, 'form_param_unknown', 'user_id'),
  {
    ...verifyPassword('a user with no password', { password: 'anything-at-all' }, 422, 'form_password_incorrect', 'password'),
    url: '/api/v1/users/<other>/verify_password',
  },
];

const verifyTotp = endpointCase('POST', '/api/v1/users/<user>/verify_totp');

const secondFactorCases: Case[] = [
  notFound('POST', '/api/v1/users/user_doesNotExist/verify_totp', { code: '123456' }),
  notFound('DELETE', '/api/v1/users/user_doesNotExist/mfa'),
  notFound('DELETE', '/api/v1/users/user_doesNotExist/totp'),
  notFound('DELETE', '/api/v1/users/user_doesNotExist/backup_code'),
  // A user without an authenticator or backup codes: nothing to delete.
  notFound('DELETE', '/api/v1/users/<user>/totp'),
  notFound('DELETE', '/api/v1/users/<user>/backup_code'),
  verifyTotp('no code', {}, 422, 'form_param_missing', 'code'),
  verifyTotp('code is a number', { code: 123456 }, 422, 'form_param_format_invalid', 'code'),
  verifyTotp('code is empty', { code: '' }, 422, 'form_param_value_invalid', 'code'),
  verifyTotp('code over 64 characters', { code: '1'.repeat(65) }, 422, 'form_param_value_invalid', 'code'),
  verifyTotp('a user without second factors', { code: '123456' }, 422, 'form_code_incorrect', 'code'),
  verifyTotp('an unknown parameter', { code: '123456', user_id: '<user>' }, 422, 'form_param_unknown', 'user_id'),
];

const createEmail = endpointCase('POST', '/api/v1/email_addresses');

const emailAddressCases: Case[] = [
  createEmail('no parameters', {}, 422, 'form_param_missing', 'user_id'),
  createEmail('no email_address', { user_id: '<user>' }, 422, 'form_param_missing', 'email_address'),
  createEmail('no user_id', { email_address: 'new@example.com' }, 422, 'form_param_missing', 'user_id'),
  createEmail(
    'email_address is an array',
    { user_id: '<user>', email_address: ['new@example.com'] },
    422,
    'form_param_format_invalid',
    'email_address',
  ),
  createEmail('user_id is a number', { user_id: 5, email_address: 'new@example.com' }, 422, 'form_param_format_invalid', 'user_id'),
  createEmail(
    'verified is a string',
    { user_id: '<user>', email_address: 'new@example.com', verified: 'yes' },
    422,
    'form_param_format_invalid',
    'verified',
  ),
  createEmail('not an e-mail address', { user_id: '<user>', email_address: 'nope' }, 422, 'form_param_format_invalid', 'email_address'),
  createEmail(
    'unknown user',
    { user_id: 'user_doesNotExist', email_address: 'new@example.com' },
    422,
    'form_param_value_invalid',
    'user_id',
  ),
  createEmail(
    'address taken by the same user',
    { user_id: '<user>', email_address: 'ann@example.com' },
    422,
    'form_identifier_exists',
    'email_address',
  ),
  createEmail(
    'address taken by another user',
    { user_id: '<user>', email_address: 'BOB@example.com' },
    422,
    'form_identifier_exists',
    'email_address',
  ),
  notFound('GET', '/api/v1/email_addresses/idn_doesNotExist'),
  notFound('PATCH', '/api/v1/email_addresses/idn_doesNotExist', { verified: true }),
  notFound('DELETE', '/api/v1/email_addresses/idn_doesNotExist'),
  {
    name: 'verified is a string',
    method: 'PATCH',
    url: '/api/v1/email_addresses/<email>',
    body: { verified: 'yes' },
    status: 422,
    code: 'form_param_format_invalid',
    param: 'verified',
  },
  {
    name: 'the address itself cannot be changed',
    method: 'PATCH',
    url: '/api/v1/email_addresses/<email>',
    body: { email_address: 'changed@example.com' },
    status: 422,
    code: 'form_param_unknown',
    param: 'email_address',
  },
];

const createPhone = endpointCase('POST', '/api/v1/phone_numbers');

const phoneNumberCases: Case[] = [
  createPhone('no parameters', {}, 422, 'form_param_missing', 'user_id'),
  createPhone('no phone_number', { user_id: '<user>' }, 422, 'form_param_missing', 'phone_number'),
  createPhone('no user_id', { phone_number: '+14155550188' }, 422, 'form_param_missing', 'user_id'),
  createPhone(
    'phone_number is an array',
    { user_id: '<user>', phone_number: ['+14155550188'] },
    422,
    'form_param_format_invalid',
    'phone_number',
  ),
  createPhone(
    'phone_number over 32 characters',
    { user_id: '<user>', phone_number: '1'.repeat(33) },
    422,
    'form_param_value_invalid',
    'phone_number',
  ),
  createPhone('not a phone number', { user_id: '<user>', phone_number: 'call me' }, 422, 'form_param_format_invalid', 'phone_number'),
  createPhone(
    'verified is a string',
    { user_id: '<user>', phone_number: '+14155550188', verified: 'yes' },
    422,
    'form_param_format_invalid',
    'verified',
  ),
  createPhone('unknown user', { user_id: 'user_doesNotExist', phone_number: '+14155550188' }, 422, 'form_param_value_invalid', 'user_id'),
  createPhone(
    "another user's verified number, verified again",
    { user_id: '<user>', phone_number: '+1 415 555 0199', verified: true },
    422,
    'form_identifier_exists',
    'phone_number',
  ),
  createPhone('an unknown parameter', { user_id: '<user>', phone_number: '+14155550188', sms: true }, 422, 'form_param_unknown', 'sms'),
  notFound('GET', '/api/v1/phone_numbers/idn_doesNotExist'),
  notFound('PATCH', '/api/v1/phone_numbers/idn_doesNotExist', { verified: true }),
  notFound('DELETE', '/api/v1/phone_numbers/idn_doesNotExist'),
  {
    name: 'reserved_for_second_factor is a string',
    method: 'PATCH',
    url: '/api/v1/phone_numbers/<phone>',
    body: { reserved_for_second_factor: 'yes' },
    status: 422,
    code: 'form_param_format_invalid',
    param: 'reserved_for_second_factor',
  },
  {
    name: 'the number itself cannot be changed',
    method: 'PATCH',
    url: '/api/v1/phone_numbers/<phone>',
    body: { phone_number: '+14155550177' },
    status: 422,
    code: 'form_param_unknown',
    param: 'phone_number',
  },
];

const sessionCases: Case[] = [
  ...listQueryCases('/api/v1/sessions'),
  {
    name: 'unknown status',
    method: 'GET',
    url: '/api/v1/sessions?status=sleeping',
    status: 422,
    code: 'form_param_value_invalid',
    param: 'status',
  },
  {
    name: 'empty user_id',
    method: 'GET',
    url: '/api/v1/sessions?user_id=',
    status: 422,
    code: 'form_param_value_invalid',
    param: 'user_id',
  },
  notFound('GET', '/api/v1/sessions/sess_doesNotExist'),
  { name: 'no user_id', method: 'POST', url: '/api/v1/sessions', body: {}, status: 422, code: 'form_param_missing', param: 'user_id' },
  {
    name: 'user_id is a number',
    method: 'POST',
    url: '/api/v1/sessions',
    body: { user_id: 5 },
    status: 422,
    code: 'form_param_format_invalid',
    param: 'user_id',
  },
  {
    name: 'unknown user',
    method: 'POST',
    url: '/api/v1/sessions',
    body: { user_id: 'user_doesNotExist' },
    status: 422,
    code: 'form_param_value_invalid',
    param: 'user_id',
  },
  { name: 'a banned user', method: 'POST', url: '/api/v1/sessions', body: { user_id: '<banned>' }, status: 403, code: 'user_banned' },
  { name: 'a locked user', method: 'POST', url: '/api/v1/sessions', body: { user_id: '<locked>' }, status: 403, code: 'user_locked' },
  notFound('POST', '/api/v1/sessions/sess_doesNotExist/revoke'),
  notFound('POST', '/api/v1/sessions/sess_doesNotExist/tokens'),
  { name: 'a revoked session', method: 'POST', url: '/api/v1/sessions/<revoked>/tokens', status: 404, code: 'session_not_active' },
  {
    name: 'expires_in_seconds is a string',
    method: 'POST',
    url: '/api/v1/sessions/<session>/tokens',
    body: { expires_in_seconds: '60' },
    status: 422,
    code: 'form_param_format_invalid',
    param: 'expires_in_seconds',
  },
  {
    name: 'expires_in_seconds below 30',
    method: 'POST',
    url: '/api/v1/sessions/<session>/tokens',
    body: { expires_in_seconds: 10 },
    status: 422,
    code: 'form_param_value_invalid',
    param: 'expires_in_seconds',
  },
  notFound('POST', '/api/v1/sessions/sess_doesNotExist/tokens/tmpl'),
  {
    name: 'an unknown template',
    method: 'POST',
    url: '/api/v1/sessions/<session>/tokens/no-such-template',
    status: 404,
    code: 'resource_not_found',
  },
  { name: 'a revoked session', method: 'POST', url: '/api/v1/sessions/<revoked>/tokens/tmpl', status: 404, code: 'session_not_active' },
  {
    name: 'an unknown template for a revoked session',
    method: 'POST',
    url: '/api/v1/sessions/<revoked>/tokens/no-such-template',
    status: 404,
    code: 'session_not_active',
  },
];

const JWT_RESERVED = ['azp', 'exp', 'iat', 'iss', 'jti', 'nbf', 'sub'];
const SESSION_RESERVED = ['azp', 'exp', 'iat', 'iss', 'jti', 'nbf', 'sid', 'sub', 'v', 'fva', 'sts', 'act', 'org_id', 'org_role'];

const createTemplate = endpointCase('POST', '/api/v1/jwt_templates');

const customKey = (algorithm: string, key: string) => ({
  name: 'signed',
  claims: { a: 1 },
  custom_signing_key: true,
  signing_algorithm: algorithm,
  signing_key: key,
});

const jwtTemplateCases: Case[] = [
  ...listQueryCases('/api/v1/jwt_templates'),
  notFound('GET', '/api/v1/jwt_templates/jtmp_doesNotExist'),
  createTemplate('no parameters', {}, 422, 'form_param_missing', 'name'),
  createTemplate('no claims', { name: 'fresh' }, 422, 'form_param_missing', 'claims'),
  createTemplate('name is a number', { name: 5, claims: {} }, 422, 'form_param_format_invalid', 'name'),
  createTemplate('empty name', { name: '', claims: {} }, 422, 'form_param_value_invalid', 'name'),
  createTemplate('claims is an array', { name: 'fresh', claims: [] }, 422, 'form_param_format_invalid', 'claims'),
  createTemplate('claims is a string', { name: 'fresh', claims: '{}' }, 422, 'form_param_format_invalid', 'claims'),
  ...JWT_RESERVED.map((claim) =>
    createTemplate(`reserved claim ${claim}`, { name: 'fresh', claims: { [claim]: 'x' } }, 422, 'form_param_format_invalid', 'claims'),
  ),
  createTemplate('unknown shortcode', { name: 'fresh', claims: { x: '{{user.shoe_size}}' } }, 422, 'form_param_format_invalid', 'claims'),
  createTemplate('duplicate name', { name: 'tmpl', claims: { a: 1 } }, 422, 'form_identifier_exists', 'name'),
  createTemplate('lifetime below 30', { name: 'fresh', claims: {}, lifetime: 5 }, 422, 'form_param_value_invalid', 'lifetime'),
  createTemplate('lifetime is a string', { name: 'fresh', claims: {}, lifetime: '60' }, 422, 'form_param_format_invalid', 'lifetime'),
  createTemplate(
    'allowed_clock_skew over 300',
    { name: 'fresh', claims: {}, allowed_clock_skew: 301 },
    422,
    'form_param_value_invalid',
    'allowed_clock_skew',
  ),
  createTemplate(
    'custom key without signing_key',
    { name: 'fresh', claims: {}, custom_signing_key: true },
    422,
    'form_param_missing',
    'signing_key',
  ),
  createTemplate('unsupported signing_algorithm', customKey('none', 'secret'), 422, 'form_param_value_invalid', 'signing_algorithm'),
  createTemplate('RS256 with a key that is not PEM', customKey('RS256', 'secret'), 422, 'form_param_format_invalid', 'signing_key'),
  createTemplate(
    'RS256 with a PEM that holds no key',
    customKey('RS256', GARBAGE_PKCS8_PEM),
    422,
    'form_param_format_invalid',
    'signing_key',
  ),
  createTemplate('RS256 with an EC key', customKey('RS256', EC_PKCS8_PEM), 422, 'form_param_format_invalid', 'signing_key'),
  createTemplate('RS256 with a PKCS#1 key', customKey('RS256', RSA_PKCS1_PEM), 422, 'form_param_format_invalid', 'signing_key'),
  notFound('PATCH', '/api/v1/jwt_templates/jtmp_doesNotExist', { name: 'x' }),
  {
    name: 'rename onto another template',
    method: 'PATCH',
    url: '/api/v1/jwt_templates/<template>',
    body: { name: 'other-tmpl' },
    status: 422,
    code: 'form_identifier_exists',
    param: 'name',
  },
  {
    name: 'reserved claim sub',
    method: 'PATCH',
    url: '/api/v1/jwt_templates/<template>',
    body: { claims: { sub: 'x' } },
    status: 422,
    code: 'form_param_format_invalid',
    param: 'claims',
  },
  {
    name: 'lifetime below 30',
    method: 'PATCH',
    url: '/api/v1/jwt_templates/<template>',
    body: { lifetime: 10 },
    status: 422,
    code: 'form_param_value_invalid',
    param: 'lifetime',
  },
  {
    name: 'switch to RS256 keeping an HS256 secret',
    method: 'PATCH',
    url: '/api/v1/jwt_templates/<hsTemplate>',
    body: { signing_algorithm: 'RS256' },
    status: 422,
    code: 'form_param_format_invalid',
    param: 'signing_key',
  },
  notFound('DELETE', '/api/v1/jwt_templates/jtmp_doesNotExist'),
];

const sessionTokenPatch = endpointCase('PATCH', '/api/v1/instance/session_token');

const sessionTokenCases: Case[] = [
  ...SESSION_RESERVED.map((claim) =>
    sessionTokenPatch(`reserved claim ${claim}`, { claims: { [claim]: 'x' } }, 422, 'form_param_format_invalid', 'claims'),
  ),
  sessionTokenPatch('a template over 1.2 KB', { claims: CLAIMS_OVER_1_2KB }, 422, 'session_token_claims_too_large'),
  sessionTokenPatch('claims is an array', { claims: [] }, 422, 'form_param_format_invalid', 'claims'),
  sessionTokenPatch('claims is a string', { claims: 'x' }, 422, 'form_param_format_invalid', 'claims'),
  sessionTokenPatch('unknown shortcode', { claims: { x: '{{session.shoe_size}}' } }, 422, 'form_param_format_invalid', 'claims'),
  sessionTokenPatch('lifetime below 5', { lifetime: 1 }, 422, 'form_param_value_invalid', 'lifetime'),
  sessionTokenPatch('lifetime over a day', { lifetime: 86_401 }, 422, 'form_param_value_invalid', 'lifetime'),
  sessionTokenPatch('lifetime is a string', { lifetime: '60' }, 422, 'form_param_format_invalid', 'lifetime'),
  sessionTokenPatch('lifetime is fractional', { lifetime: 60.5 }, 422, 'form_param_format_invalid', 'lifetime'),
];

const routeCases: Case[] = [
  { name: 'unknown resource', method: 'GET', url: '/api/v1/widgets', status: 404, code: 'resource_not_found' },
  { name: 'unknown sub-resource', method: 'GET', url: '/api/v1/users/<user>/widgets', status: 404, code: 'resource_not_found' },
  { name: 'unknown API version', method: 'GET', url: '/api/v2/users', status: 404, code: 'resource_not_found' },
  { name: 'unsupported method on a known path', method: 'PUT', url: '/api/v1/users', body: {}, status: 405, code: 'method_not_allowed' },
  { name: 'DELETE on the JWKS', method: 'DELETE', url: '/api/v1/jwks', status: 405, code: 'method_not_allowed' },
  {
    name: 'wrong method on a path with an id',
    method: 'PUT',
    url: '/api/v1/users/<user>/ban',
    body: {},
    status: 405,
    code: 'method_not_allowed',
  },
  {
    name: 'a cloud-only resource',
    method: 'POST',
    url: '/api/v1/saml_connections',
    body: { name: 'Acme' },
    status: 404,
    code: 'feature_not_available',
  },
  {
    name: 'a cloud-only resource with a malformed body',
    method: 'POST',
    url: '/api/v1/webhooks/svix',
    body: '{"a":',
    status: 400,
    code: 'malformed_request_body',
  },
  {
    name: 'a non-empty octet-stream body',
    method: 'POST',
    url: '/api/v1/users/<user>/ban',
    body: 'x',
    contentType: 'application/octet-stream',
    status: 415,
    code: 'unsupported_content_type',
  },
];

const verifyClient = endpointCase('POST', '/api/v1/clients/verify');

const clientsCases: Case[] = [
  notFound('GET', '/api/v1/clients/client_doesNotExist'),
  { name: 'limit=0', method: 'GET', url: '/api/v1/clients?limit=0', status: 422, code: 'form_param_value_invalid', param: 'limit' },
  { name: 'an unknown filter', method: 'GET', url: '/api/v1/clients?user_id=x', status: 422, code: 'form_param_unknown', param: 'user_id' },
  verifyClient('token missing', {}, 422, 'form_param_missing', 'token'),
  verifyClient('token is a number', { token: 5 }, 422, 'form_param_format_invalid', 'token'),
  verifyClient('token names no client', { token: 'nope' }, 404, 'resource_not_found'),
  notFound('GET', '/api/v1/sign_ups/sua_doesNotExist'),
  notFound('POST', '/api/v1/sessions/sess_doesNotExist/verify', { token: 'x' }),
  {
    name: 'verify without a token',
    method: 'POST',
    url: '/api/v1/sessions/<session>/verify',
    body: {},
    status: 422,
    code: 'form_param_missing',
    param: 'token',
  },
  {
    name: 'verify a garbage token',
    method: 'POST',
    url: '/api/v1/sessions/<session>/verify',
    body: { token: 'a.b.c' },
    status: 422,
    code: 'form_param_value_invalid',
    param: 'token',
  },
  {
    name: 'verify a 20 KB token',
    method: 'POST',
    url: '/api/v1/sessions/<session>/verify',
    body: { token: 'x'.repeat(20_000) },
    status: 422,
    code: 'form_param_value_invalid',
    param: 'token',
  },
  notFound('POST', '/api/v1/users/user_doesNotExist/remove_password', {}),
  {
    name: 'remove_password with a string flag',
    method: 'POST',
    url: '/api/v1/users/<user>/remove_password',
    body: { sign_out_of_other_sessions: 'yes' },
    status: 422,
    code: 'form_param_format_invalid',
    param: 'sign_out_of_other_sessions',
  },
  {
    name: 'remove_password with an unknown parameter',
    method: 'POST',
    url: '/api/v1/users/<user>/remove_password',
    body: { x: 1 },
    status: 422,
    code: 'form_param_unknown',
    param: 'x',
  },
  notFound('DELETE', '/api/v1/users/<user>/web3_wallets/idn_nope'),
  notFound('GET', '/api/v1/users/user_doesNotExist/oauth_access_tokens/google'),
  notFound('DELETE', '/api/v1/users/<user>/external_accounts/eac_nope'),
  {
    name: 'oauth_access_tokens with an unknown parameter',
    method: 'GET',
    url: '/api/v1/users/<user>/oauth_access_tokens/google?x=1',
    status: 422,
    code: 'form_param_unknown',
    param: 'x',
  },
  verifyClient('token is 10 KB', { token: 'x'.repeat(10_000) }, 404, 'resource_not_found'),
];

const TABLES: Record<string, Case[]> = {
  '/v1/clients': clientsCases,
  authentication: authCases,
  'request bodies': bodyCases,
  'GET /v1/users': usersListCases,
  'GET /v1/users/count': usersCountCases,
  'GET /v1/users/{id}': usersGetCases,
  'POST /v1/users': usersCreateCases,
  'PATCH /v1/users/{id}': usersUpdateCases,
  'DELETE /v1/users/{id}': usersDeleteCases,
  '/v1/users/{id}/metadata': metadataCases,
  '/v1/users/{id}/{ban,unban,lock,unlock}': flagCases,
  'POST /v1/users/{id}/verify_password': verifyPasswordCases,
  '/v1/users/{id}/{mfa,totp,backup_code,verify_totp}': secondFactorCases,
  '/v1/email_addresses': emailAddressCases,
  '/v1/phone_numbers': phoneNumberCases,
  '/v1/sessions': sessionCases,
  '/v1/jwt_templates': jwtTemplateCases,
  '/v1/instance/session_token': sessionTokenCases,
  'unknown routes': routeCases,
};
const ALL_CASES = Object.values(TABLES).flat();

// ---------------------------------------------------------------------------------------------

let before: { userCount: unknown; sessionToken: unknown; templates: unknown };

describe('BAPI bad inputs', () => {
  beforeAll(async () => {
    t = await createTestApp();
    const ann = await fixture('/api/v1/users', {
      email_address: ['ann@example.com'],
      username: 'ann_user',
      external_id: 'ext-ann',
      first_name: 'Ann',
      password: 'correct-Horse-battery-9',
      public_metadata: { role: 'admin' },
    });
    const bob = await fixture('/api/v1/users', { email_address: ['bob@example.com'], username: 'bob_user', external_id: 'ext-bob' });
    const flagged = await fixture('/api/v1/users', { first_name: 'Flag' });
    const banned = await fixture('/api/v1/users', { first_name: 'Banned', banned: true });
    const locked = await fixture('/api/v1/users', { first_name: 'Locked', locked: true });
    const phone = await fixture('/api/v1/phone_numbers', { user_id: bob.id, phone_number: '+14155550199', verified: true });
    const session = await fixture('/api/v1/sessions', { user_id: ann.id });
    const revoked = await fixture('/api/v1/sessions', { user_id: ann.id });
    await fixture(`/api/v1/sessions/${revoked.id}/revoke`, {});
    const template = await fixture('/api/v1/jwt_templates', { name: 'tmpl', claims: { role: '{{user.public_metadata.role}}' } });
    const other = await fixture('/api/v1/jwt_templates', { name: 'other-tmpl', claims: { a: 1 } });
    const hs = await fixture('/api/v1/jwt_templates', {
      name: 'hs-tmpl',
      claims: { a: 1 },
      custom_signing_key: true,
      signing_algorithm: 'HS256',
      signing_key: 'a-shared-secret',
    });
    Object.assign(fixtures, {
      user: ann.id,
      other: bob.id,
      flagged: flagged.id,
      banned: banned.id,
      locked: locked.id,
      email: ann.primary_email_address_id,
      otherEmail: bob.primary_email_address_id,
      phone: phone.id,
      session: session.id,
      revoked: revoked.id,
      template: template.id,
      otherTemplate: other.id,
      hsTemplate: hs.id,
    });
    before = {
      userCount: (await call('GET', '/api/v1/users/count')).body,
      sessionToken: (await call('GET', '/api/v1/instance/session_token')).body,
      templates: (await call('GET', '/api/v1/jwt_templates?limit=100')).body,
    };
  });
  afterAll(async () => {
    await t?.close();
  });

  describeTables(TABLES);

  itSharesTheEnvelope(ALL_CASES, 300);

  it('changed nothing: users, e-mails, passwords, sessions, templates and settings are as they were', async () => {
    const ann = (await call('GET', `/api/v1/users/${fixtures.user}`)).body;
    expect(ann).toMatchObject({
      first_name: 'Ann',
      username: 'ann_user',
      external_id: 'ext-ann',
      public_metadata: { role: 'admin' },
      private_metadata: {},
      unsafe_metadata: {},
      primary_email_address_id: fixtures.email,
      banned: false,
      locked: false,
      locale: null,
    });
    expect((ann.email_addresses as { email_address: string }[]).map((e) => e.email_address)).toEqual(['ann@example.com']);
    expect(ann.phone_numbers).toEqual([]);
    expect((await call('GET', `/api/v1/phone_numbers/${fixtures.phone}`)).body).toMatchObject({
      phone_number: '+14155550199',
      verification: { status: 'verified' },
      reserved_for_second_factor: false,
    });
    expect(await call('POST', `/api/v1/users/${fixtures.user}/verify_password`, { password: 'correct-Horse-battery-9' })).toEqual({
      status: 200,
      body: { verified: true },
    });
    expect((await call('GET', `/api/v1/users/${fixtures.other}`)).body).toMatchObject({ password_enabled: false, username: 'bob_user' });
    expect((await call('GET', `/api/v1/users/${fixtures.flagged}`)).body).toMatchObject({ banned: false, locked: false });
    expect((await call('GET', `/api/v1/email_addresses/${fixtures.email}`)).body).toMatchObject({
      email_address: 'ann@example.com',
      verification: { status: 'verified' },
    });
    expect((await call('GET', `/api/v1/sessions/${fixtures.session}`)).body).toMatchObject({ status: 'active' });
    const token = await call('POST', `/api/v1/sessions/${fixtures.session}/tokens/tmpl`, {});
    expect(token.status).toBe(200);
    const [, payload] = String(token.body.jwt).split('.');
    expect(JSON.parse(Buffer.from(payload ?? '', 'base64url').toString())).toMatchObject({ role: 'admin', sub: fixtures.user });
    expect((await call('GET', '/api/v1/users/count')).body).toEqual(before.userCount);
    expect((await call('GET', '/api/v1/instance/session_token')).body).toEqual(before.sessionToken);
    expect((await call('GET', '/api/v1/jwt_templates?limit=100')).body).toEqual(before.templates);
    expect((await call('GET', `/api/v1/jwt_templates/${fixtures.hsTemplate}`)).body).toMatchObject({ signing_algorithm: 'HS256' });
  });
});

describe('session claims stay within 1.2 KB when metadata changes', () => {
  let app: TestApp;
  let userId: string;
  let sessionId: string;
  const TEMPLATE = { metadata: '{{user.public_metadata}}' };
  const TOO_BIG = { blob: 'x'.repeat(1300) };

  const req = (method: Method, url: string, body?: unknown) => callBapi(app, method, url, body);

  const codeOf = (body: Record<string, unknown>) => (body.errors as { code: string }[] | undefined)?.[0]?.code;

  async function sessionClaims(): Promise<Record<string, unknown>> {
    const res = await req('POST', `/api/v1/sessions/${sessionId}/tokens`, {});
    expect(res.status).toBe(200);
    const [, payload] = String(res.body.jwt).split('.');
    return JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
  }

  // The test moves this clock past the settings cache instead of sleeping.
  let now = Date.now();

  beforeAll(async () => {
    app = await createTestApp({ clock: () => now });
    const user = await req('POST', '/api/v1/users', { first_name: 'Meta', public_metadata: { plan: 'pro' } });
    userId = String(user.body.id);
    sessionId = String((await req('POST', '/api/v1/sessions', { user_id: userId })).body.id);
    expect((await req('PATCH', '/api/v1/instance/session_token', { claims: TEMPLATE })).status).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each([
    { name: 'PATCH /users/{id}/metadata (merge)', method: 'PATCH' as const, path: '/metadata', body: { public_metadata: TOO_BIG } },
    { name: 'PUT /users/{id}/metadata (replace)', method: 'PUT' as const, path: '/metadata', body: { public_metadata: TOO_BIG } },
    { name: 'PATCH /users/{id}', method: 'PATCH' as const, path: '', body: { public_metadata: TOO_BIG } },
  ])('$name refuses it with 422 session_token_claims_too_large and stores nothing', async ({ method, path, body }) => {
    const res = await req(method, `/api/v1/users/${userId}${path}`, body);
    expect(res.status).toBe(422);
    expect(codeOf(res.body)).toBe('session_token_claims_too_large');
    const after = await req('GET', `/api/v1/users/${userId}`);
    expect(after.body.public_metadata).toEqual({ plan: 'pro' });
    expect((await sessionClaims()).metadata).toEqual({ plan: 'pro' });
  });

  it('POST /users refuses a user whose session claims would not fit, and creates nothing', async () => {
    const count = (await req('GET', '/api/v1/users/count')).body;
    const res = await req('POST', '/api/v1/users', { first_name: 'Big', public_metadata: TOO_BIG });
    expect(res.status).toBe(422);
    expect(codeOf(res.body)).toBe('session_token_claims_too_large');
    expect((await req('GET', '/api/v1/users/count')).body).toEqual(count);
  });

  it('still accepts metadata that fits', async () => {
    const res = await req('PATCH', `/api/v1/users/${userId}/metadata`, { public_metadata: { note: 'y'.repeat(1000) } });
    expect(res.status).toBe(200);
    expect((await sessionClaims()).metadata).toEqual({ plan: 'pro', note: 'y'.repeat(1000) });
    const back = await req('PATCH', `/api/v1/users/${userId}/metadata`, { public_metadata: { note: null } });
    expect(back.body.public_metadata).toEqual({ plan: 'pro' });
  });

  it('answers (and does not deadlock) once the cached settings have expired', async () => {
    // The instance settings are cached for 2 s; after that, the size check reads them again.
    now += 2100;
    const timeout = new Promise<'timed out'>((resolve) => setTimeout(() => resolve('timed out'), 5000));
    const res = await Promise.race([req('PATCH', `/api/v1/users/${userId}/metadata`, { public_metadata: TOO_BIG }), timeout]);
    expect(res).not.toBe('timed out');
    expect(res).toMatchObject({ status: 422, body: { errors: [{ code: 'session_token_claims_too_large' }] } });
    now += 2100;
    const ok = await Promise.race([req('PUT', `/api/v1/users/${userId}/metadata`, { private_metadata: { stripe: 'cus_1' } }), timeout]);
    expect(ok).toMatchObject({ status: 200, body: { private_metadata: { stripe: 'cus_1' }, public_metadata: { plan: 'pro' } } });
  });

  it('refuses a template over 1.2 KB and keeps the current one', async () => {
    const res = await req('PATCH', '/api/v1/instance/session_token', { claims: { ...TEMPLATE, blob: 'z'.repeat(1300) } });
    expect(res.status).toBe(422);
    expect(codeOf(res.body)).toBe('session_token_claims_too_large');
    expect((await req('GET', '/api/v1/instance/session_token')).body).toEqual({
      object: 'session_token_template',
      claims: TEMPLATE,
      lifetime: 60,
    });
  });
});
