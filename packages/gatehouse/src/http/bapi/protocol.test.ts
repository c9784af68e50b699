import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/app.js';
import { CLOUD_ONLY_GROUPS } from './cloud-only.js';

/**
 * Protocol details of the Backend API that every SDK leans on: wrong methods, empty bodies of any
 * type, the optional fields the SDKs read, and the cloud-only groups answered in Clerk's envelope.
 */

let t: TestApp;
let userId: string;
let orgId: string;

// biome-ignore lint/suspicious/noExplicitAny: the tests read answers of many shapes field by field.
type Json = any;

async function call(method: string, url: string, options: { body?: string; contentType?: string } = {}) {
  const res = await t.app.inject({
    method: method as 'GET',
    url,
    headers: { ...t.auth, ...(options.contentType ? { 'content-type': options.contentType } : {}) },
    ...(options.body === undefined ? {} : { payload: options.body }),
  });
  return { status: res.statusCode, headers: res.headers, body: JSON.parse(res.body) as Json };
}

beforeAll(async () => {
  t = await createTestApp();
  const user = await call('POST', '/api/v1/users', {
    body: JSON.stringify({ email_address: ['pat@example.com'], username: 'pat_user', skip_password_checks: true, password: 'password' }),
    contentType: 'application/json',
  });
  userId = user.body.id;
  const org = await call('POST', '/api/v1/organizations', {
    body: JSON.stringify({ name: 'Acme', created_by: userId }),
    contentType: 'application/json',
  });
  orgId = org.body.id;
});

afterAll(async () => {
  await t.close();
});

describe('a known path with the wrong method', () => {
  it.each([
    ['PUT', '/api/v1/users', 'GET, HEAD, POST'],
    ['POST', '/api/v1/users/<user>/organization_memberships', 'GET, HEAD'],
    ['GET', '/api/v1/users/<user>/ban', 'POST'],
    ['DELETE', '/api/v1/jwks', 'GET, HEAD'],
  ])('%s %s answers 405 method_not_allowed with Allow', async (method, url, allow) => {
    const res = await call(method, url.replace('<user>', userId));
    expect(res.status).toBe(405);
    expect(res.body.errors[0].code).toBe('method_not_allowed');
    expect(res.body.clerk_trace_id).toEqual(expect.any(String));
    expect(res.headers.allow).toBe(allow);
  });

  it('answers 404, not 415, for a multipart body to a path nothing serves', async () => {
    const res = await call('POST', `/api/v1/users/${userId}/no_such_thing`, {
      body: '--x\r\n\r\n--x--',
      contentType: 'multipart/form-data; boundary=x',
    });
    expect(res.status).toBe(404);
    expect(res.body.errors[0].long_message).toMatch(/No endpoint matches/);
  });

  it('still answers 404 for a path nothing serves', async () => {
    const res = await call('GET', '/api/v1/nothing_here');
    expect(res.status).toBe(404);
    expect(res.body.errors[0].code).toBe('resource_not_found');
  });
});

describe('empty bodies', () => {
  it.each(['application/octet-stream', 'text/plain', 'application/json', 'application/x-www-form-urlencoded'])(
    'an empty POST labelled %s is accepted',
    async (contentType) => {
      const ban = await call('POST', `/api/v1/users/${userId}/ban`, { body: '', contentType });
      expect(ban.status).toBe(200);
      expect(ban.body.banned).toBe(true);
      const unban = await call('POST', `/api/v1/users/${userId}/unban`, { body: '', contentType });
      expect(unban.status).toBe(200);
      expect(unban.body.banned).toBe(false);
    },
  );

  it('an empty DELETE labelled application/octet-stream is accepted', async () => {
    const created = await call('POST', '/api/v1/users', {
      body: JSON.stringify({ username: 'gone_user' }),
      contentType: 'application/json',
    });
    const res = await call('DELETE', `/api/v1/users/${created.body.id}`, { body: '', contentType: 'application/octet-stream' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ object: 'user', id: created.body.id, deleted: true });
  });

  it('a non-empty octet-stream body is still a 415', async () => {
    const res = await call('POST', `/api/v1/users/${userId}/ban`, { body: 'x', contentType: 'application/octet-stream' });
    expect(res.status).toBe(415);
    expect(res.body.errors[0].code).toBe('unsupported_content_type');
  });

  it('a JSON array where an object is expected is a 400 malformed_request_body', async () => {
    const res = await call('POST', '/api/v1/users', { body: '[{"username":"arr_user"}]', contentType: 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].code).toBe('malformed_request_body');
  });
});

describe('optional fields the SDKs read', () => {
  it('users carry profile_image_url', async () => {
    const res = await call('GET', `/api/v1/users/${userId}`);
    expect(res.body.profile_image_url).toEqual(expect.any(String));
    expect(res.body.profile_image_url).toBe(res.body.image_url);
  });

  it('organizations carry last_active_at', async () => {
    const res = await call('GET', `/api/v1/organizations/${orgId}`);
    expect(res.body).toHaveProperty('last_active_at', null);
  });

  it('membership public_user_data has profile_image_url, username and banned', async () => {
    const res = await call('GET', `/api/v1/organizations/${orgId}/memberships`);
    expect(res.body.data[0].public_user_data).toMatchObject({
      user_id: userId,
      identifier: 'pat@example.com',
      username: 'pat_user',
      banned: false,
    });
    expect(res.body.data[0].public_user_data.profile_image_url).toBe(res.body.data[0].public_user_data.image_url);
  });

  it('sessions carry tasks', async () => {
    const res = await call('POST', '/api/v1/sessions', { body: JSON.stringify({ user_id: userId }), contentType: 'application/json' });
    expect(res.status).toBe(200);
    expect(res.body).toHaveProperty('tasks', null);
  });
});

describe('cloud-only groups', () => {
  const urls = [
    ['GET', '/api/v1/billing/plans'],
    ['DELETE', '/api/v1/billing/subscription_items/csi_1'],
    ['GET', '/api/v1/organizations/<org>/billing/subscription'],
    ['GET', '/api/v1/users/<user>/billing/subscription'],
    ['POST', '/api/v1/proxy_checks'],
    ['POST', '/api/v1/beta_features/change_domain'],
    ['POST', '/api/v1/webhooks/svix'],
    ['DELETE', '/api/v1/webhooks/svix'],
    ['POST', '/api/v1/email'],
    ['POST', '/api/v1/accountless_applications'],
    ['GET', '/api/v1/saml_connections'],
    ['POST', '/api/v1/enterprise_connections'],
    ['GET', '/api/v1/oauth_applications/oa_1'],
    ['POST', '/api/v1/agents/tasks'],
  ];

  it.each(urls)('%s %s answers 404 feature_not_available in the envelope', async (method, url) => {
    const res = await call(method, url.replace('<org>', orgId).replace('<user>', userId));
    expect(res.status).toBe(404);
    expect(res.body.errors[0].code).toBe('feature_not_available');
    expect(res.body.errors[0].long_message).toMatch(/self-hosted Gatehouse/);
    expect(res.body.clerk_trace_id).toEqual(expect.any(String));
  });

  it('names every group it answers for', () => {
    expect(CLOUD_ONLY_GROUPS.map((g) => g.feature)).toContain('Svix webhooks');
  });

  it('needs the secret key like every BAPI route', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/billing/plans' });
    expect(res.statusCode).toBe(401);
  });
});
