import { badInputsHarness } from '../../testing/bad-inputs.js';
import { authCasesFor, bodyCasesFor, type Case, type Endpoint, endpointCase, notFound } from '../../testing/error-cases.js';
import { fapiBrowser } from '../../testing/fapi-browser.js';

/**
 * Issue 16's endpoints (session refresh, sign-up updates, compromised passwords, e-mail replace,
 * instance, redirect URLs, domains) against tables of bad inputs, with the shared harness
 * (`testing/error-cases.ts`): each case pins the status, the Clerk error code and the parameter; a
 * final loop checks that none is a 5xx and all are Clerk's envelope; failed requests change nothing.
 */

const { fixtures, app, call, fixture, describeBadInputs } = badInputsHarness();

const ORIGIN = 'http://127.0.0.1:5173';
const REFRESH = { expired_token: 'x', refresh_token: 'rt_x', request_origin: ORIGIN };

const ENDPOINTS: Endpoint[] = [
  { method: 'POST', url: '/api/v1/sessions/<session>/refresh', body: true, required: REFRESH },
  { method: 'PATCH', url: '/api/v1/sign_ups/<signUp>', body: true },
  { method: 'POST', url: '/api/v1/users/<user>/password/set_compromised', body: true },
  { method: 'POST', url: '/api/v1/users/<user>/password/unset_compromised', body: true },
  { method: 'PUT', url: '/api/v1/users/<user>/email_address', body: true, required: { email_address: 'fresh@example.com' } },
  { method: 'GET', url: '/api/v1/instance', body: false },
  { method: 'PATCH', url: '/api/v1/instance', body: true },
  { method: 'GET', url: '/api/v1/redirect_urls', body: false },
  { method: 'POST', url: '/api/v1/redirect_urls', body: true, required: { url: 'https://fresh.example.com/cb' } },
  { method: 'GET', url: '/api/v1/redirect_urls/<redirect>', body: false },
  { method: 'DELETE', url: '/api/v1/redirect_urls/<redirect>', body: false },
  { method: 'GET', url: '/api/v1/domains', body: false },
  { method: 'POST', url: '/api/v1/domains', body: true, required: { name: 'fresh.example.com', is_satellite: true } },
  { method: 'PATCH', url: '/api/v1/domains/<domain>', body: true },
  { method: 'DELETE', url: '/api/v1/domains/<domain>', body: false },
];

const authCases = authCasesFor(ENDPOINTS, ['none', 'wrong', 'publishable']);
const bodyCases = bodyCasesFor(ENDPOINTS, ['truncated', 'array', 'null', 'textPlain', 'tooDeep', 'unknownParam', 'twoUnknownParams']);

const refresh = endpointCase('POST', '/api/v1/sessions/<session>/refresh');
const refreshCases: Case[] = [
  refresh('no expired_token', { refresh_token: 'rt_x', request_origin: ORIGIN }, 422, 'form_param_missing', 'expired_token'),
  refresh('no refresh_token', { expired_token: 'x', request_origin: ORIGIN }, 422, 'form_param_missing', 'refresh_token'),
  refresh('no request_origin', { expired_token: 'x', refresh_token: 'rt_x' }, 422, 'form_param_missing', 'request_origin'),
  refresh('request_origin is not a URL', { ...REFRESH, request_origin: 'nowhere' }, 422, 'form_param_format_invalid', 'request_origin'),
  refresh('format=xml', { ...REFRESH, format: 'xml' }, 422, 'form_param_value_invalid', 'format'),
  refresh(
    'request_headers values are not lists',
    { ...REFRESH, request_headers: { a: 'x' } },
    422,
    'form_param_format_invalid',
    'request_headers.a',
  ),
  refresh('expired_token is a number', { ...REFRESH, expired_token: 7 }, 422, 'form_param_format_invalid', 'expired_token'),
  refresh('a refresh token that is not the session’s', REFRESH, 422, 'form_param_value_invalid', 'refresh_token'),
  refresh(
    'the right refresh token, an expired token that is no JWT',
    { ...REFRESH, refresh_token: '<refresh>' },
    422,
    'form_param_value_invalid',
    'expired_token',
  ),
  refresh(
    'the right refresh token, a token forged with another key',
    { ...REFRESH, refresh_token: '<refresh>', expired_token: 'eyJhbGciOiJSUzI1NiJ9.eyJzaWQiOiJ4In0.c2ln' },
    422,
    'form_param_value_invalid',
    'expired_token',
  ),
  {
    name: 'suffixed_cookies=maybe',
    method: 'POST',
    url: '/api/v1/sessions/<session>/refresh?suffixed_cookies=maybe',
    body: REFRESH,
    status: 422,
    code: 'form_param_value_invalid',
    param: 'suffixed_cookies',
  },
  notFound('POST', '/api/v1/sessions/sess_doesNotExist/refresh', REFRESH),
];

const signUp = endpointCase('PATCH', '/api/v1/sign_ups/<signUp>');
const signUpCases: Case[] = [
  signUp('external_id is a number', { external_id: 7 }, 422, 'form_param_format_invalid', 'external_id'),
  signUp('external_id is empty', { external_id: '' }, 422, 'form_param_value_invalid', 'external_id'),
  signUp('external_id is too long', { external_id: 'x'.repeat(257) }, 422, 'form_param_value_invalid', 'external_id'),
  signUp('custom_action is a string', { custom_action: 'yes' }, 422, 'form_param_format_invalid', 'custom_action'),
  notFound('PATCH', '/api/v1/sign_ups/sua_doesNotExist', { custom_action: true }),
];

const setCompromised = (user: string) => endpointCase('POST', `/api/v1/users/${user}/password/set_compromised`);
const replaceEmail = endpointCase('PUT', '/api/v1/users/<user>/email_address');
const userCases: Case[] = [
  setCompromised('<user>')(
    'revoke_all_sessions is a string',
    { revoke_all_sessions: 'yes' },
    422,
    'form_param_format_invalid',
    'revoke_all_sessions',
  ),
  setCompromised('<passwordless>')('a user without a password', {}, 422, 'form_param_value_invalid', 'user_id'),
  notFound('POST', '/api/v1/users/user_doesNotExist/password/set_compromised', {}),
  notFound('POST', '/api/v1/users/user_doesNotExist/password/unset_compromised', {}),
  replaceEmail('no email_address', {}, 422, 'form_param_missing', 'email_address'),
  replaceEmail('not an e-mail address', { email_address: 'nope' }, 422, 'form_param_format_invalid', 'email_address'),
  replaceEmail('two addresses', { email_address: 'a@example.com, b@example.com' }, 422, 'form_param_format_invalid', 'email_address'),
  replaceEmail('another user’s address', { email_address: 'taken@example.com' }, 422, 'form_identifier_exists', 'email_address'),
  replaceEmail('too long', { email_address: `${'x'.repeat(320)}@example.com` }, 422, 'form_param_value_invalid', 'email_address'),
  notFound('PUT', '/api/v1/users/user_doesNotExist/email_address', { email_address: 'fresh@example.com' }),
];

const instance = endpointCase('PATCH', '/api/v1/instance');
const instanceCases: Case[] = [
  instance(
    'allowed_origins is a string',
    { allowed_origins: 'https://a.example.com' },
    422,
    'form_param_format_invalid',
    'allowed_origins',
  ),
  instance('an allowed origin that is no URL', { allowed_origins: ['nowhere'] }, 422, 'form_param_format_invalid', 'allowed_origins'),
  instance('a javascript: origin', { allowed_origins: ['javascript:alert(1)'] }, 422, 'form_param_format_invalid', 'allowed_origins'),
  instance(
    'too many allowed origins',
    { allowed_origins: Array(101).fill('https://a.example.com') },
    422,
    'form_param_value_invalid',
    'allowed_origins',
  ),
  instance('support_email is no address', { support_email: 'nope' }, 422, 'form_param_format_invalid', 'support_email'),
  instance('development_origin is no URL', { development_origin: 'nowhere' }, 422, 'form_param_format_invalid', 'development_origin'),
  instance('test_mode is a string', { test_mode: 'yes' }, 422, 'form_param_format_invalid', 'test_mode'),
  instance('hibp is a number', { hibp: 1 }, 422, 'form_param_format_invalid', 'hibp'),
  instance(
    'an unknown preferred strategy',
    { preferred_sign_in_strategy_when_password_required: 'sms' },
    422,
    'form_param_value_invalid',
    'preferred_sign_in_strategy_when_password_required',
  ),
];

const createRedirect = endpointCase('POST', '/api/v1/redirect_urls');
const redirectCases: Case[] = [
  createRedirect('no url', {}, 422, 'form_param_missing', 'url'),
  createRedirect('not a URL', { url: 'callback' }, 422, 'form_param_format_invalid', 'url'),
  createRedirect('a javascript: URL', { url: 'javascript:alert(1)' }, 422, 'form_param_format_invalid', 'url'),
  createRedirect('a data: URL', { url: 'data:text/html,hi' }, 422, 'form_param_format_invalid', 'url'),
  createRedirect('credentials in the URL', { url: 'https://u:p@a.example.com/cb' }, 422, 'form_param_format_invalid', 'url'),
  createRedirect('a fragment', { url: 'https://a.example.com/cb#x' }, 422, 'form_param_format_invalid', 'url'),
  createRedirect('too long', { url: `https://a.example.com/${'x'.repeat(2048)}` }, 422, 'form_param_value_invalid', 'url'),
  createRedirect('url is a list', { url: ['https://a.example.com/cb'] }, 422, 'form_param_format_invalid', 'url'),
  {
    name: 'paginated=yes',
    method: 'GET',
    url: '/api/v1/redirect_urls?paginated=yes',
    status: 422,
    code: 'form_param_value_invalid',
    param: 'paginated',
  },
  notFound('GET', '/api/v1/redirect_urls/ru_doesNotExist'),
  notFound('DELETE', '/api/v1/redirect_urls/ru_doesNotExist'),
];

const addDomain = endpointCase('POST', '/api/v1/domains');
const updateDomain = (id: string) => endpointCase('PATCH', `/api/v1/domains/${id}`);
const domainCases: Case[] = [
  addDomain('no name', { is_satellite: true }, 422, 'form_param_missing', 'name'),
  addDomain('no is_satellite', { name: 'a.example.com' }, 422, 'form_param_missing', 'is_satellite'),
  addDomain('a second primary domain', { name: 'a.example.com', is_satellite: false }, 422, 'form_param_value_invalid', 'is_satellite'),
  addDomain('a name with a scheme', { name: 'https://a.example.com', is_satellite: true }, 422, 'form_param_format_invalid', 'name'),
  addDomain('a name with a path', { name: 'a.example.com/app', is_satellite: true }, 422, 'form_param_format_invalid', 'name'),
  addDomain('a name with spaces', { name: 'a example com', is_satellite: true }, 422, 'form_param_format_invalid', 'name'),
  addDomain('the primary domain’s name', { name: '<primaryName>', is_satellite: true }, 422, 'form_identifier_exists', 'name'),
  addDomain('a satellite added twice', { name: 'sat.example.com', is_satellite: true }, 422, 'form_identifier_exists', 'name'),
  addDomain(
    'proxy_url is no URL',
    { name: 'b.example.com', is_satellite: true, proxy_url: 'proxy' },
    422,
    'form_param_format_invalid',
    'proxy_url',
  ),
  addDomain(
    'an ftp proxy_url',
    { name: 'b.example.com', is_satellite: true, proxy_url: 'ftp://b.example.com' },
    422,
    'form_param_format_invalid',
    'proxy_url',
  ),
  addDomain('is_satellite is a string', { name: 'b.example.com', is_satellite: 'yes' }, 422, 'form_param_format_invalid', 'is_satellite'),
  updateDomain('<domain>')('a name with a path', { name: 'a.example.com/x' }, 422, 'form_param_format_invalid', 'name'),
  updateDomain('<primary>')('renaming the primary domain', { name: 'a.example.com' }, 422, 'form_param_value_invalid', 'domain_id'),
  notFound('PATCH', '/api/v1/domains/dmn_doesNotExist', { proxy_url: null }),
  {
    name: 'deleting the primary domain',
    method: 'DELETE',
    url: '/api/v1/domains/<primary>',
    status: 422,
    code: 'form_param_value_invalid',
    param: 'domain_id',
  },
  notFound('DELETE', '/api/v1/domains/dmn_doesNotExist'),
];

const TABLES = {
  auth: authCases,
  bodies: bodyCases,
  'session refresh': refreshCases,
  'sign-up updates': signUpCases,
  'user passwords and e-mail': userCases,
  instance: instanceCases,
  'redirect URLs': redirectCases,
  domains: domainCases,
};

const snapshot = async () => ({
  instance: (await call('GET', '/api/v1/instance')).body,
  settings: await app().domain.instance.settings(),
  redirects: (await call('GET', '/api/v1/redirect_urls')).body,
  domains: (await call('GET', '/api/v1/domains')).body,
  user: (await call('GET', `/api/v1/users/${fixtures.user}`)).body,
  signUp: (await call('GET', `/api/v1/sign_ups/${fixtures.signUp}`)).body,
  session: (await call('GET', `/api/v1/sessions/${fixtures.session}`)).body,
});

describeBadInputs('issue 16’s Backend API endpoints against bad inputs', {
  async arrange(t) {
    const ann = await fixture('/api/v1/users', { email_address: ['ann@example.com'], password: 'a sturdy passphrase' });
    const nopass = await fixture('/api/v1/users', { email_address: ['nopass@example.com'] });
    await fixture('/api/v1/users', { email_address: ['taken@example.com'] });
    const session = await fixture('/api/v1/sessions', { user_id: ann.id });
    const redirect = await fixture('/api/v1/redirect_urls', { url: 'https://app.example.com/cb' });
    const domain = await fixture('/api/v1/domains', { name: 'sat.example.com', is_satellite: true });
    const domains = (await call('GET', '/api/v1/domains')).body.data as { id: string; name: string; is_satellite: boolean }[];
    const primary = domains.find((d) => !d.is_satellite);
    const created = await fapiBrowser(t.app).call('POST', '/v1/client/sign_ups', { email_address: 'new@example.com' });
    Object.assign(fixtures, {
      user: String(ann.id),
      passwordless: String(nopass.id),
      session: String(session.id),
      refresh: t.domain.tokens.refreshTokenFor(String(session.id)),
      signUp: String(created.body.response.id),
      redirect: String(redirect.id),
      domain: String(domain.id),
      primary: primary?.id ?? '',
      primaryName: primary?.name ?? '',
    });
  },
  snapshot,
  tables: TABLES,
  atLeast: 150,
  unchanged: 'changed nothing: the instance, its lists, the user, the sign-up and the session are as they were',
});
