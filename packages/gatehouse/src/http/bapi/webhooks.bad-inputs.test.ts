import { expect, it } from 'vitest';
import { createTestApp } from '../../testing/app.js';
import { badInputsHarness, getCase } from '../../testing/bad-inputs.js';
import { authCasesFor, bodyCasesFor, type Case, type Endpoint, endpointCase, notFound } from '../../testing/error-cases.js';

/**
 * `/v1/webhook_endpoints` and `/v1/webhook_deliveries` against tables of bad inputs, on a production
 * instance (where loopback and private URLs are refused): each case pins status, code and parameter;
 * none is a 5xx; failed requests change nothing.
 */

const { fixtures, call, fixture, describeBadInputs } = badInputsHarness();

const ENDPOINTS: Endpoint[] = [
  { method: 'GET', url: '/api/v1/webhook_endpoints', body: false },
  { method: 'POST', url: '/api/v1/webhook_endpoints', body: true, required: { url: 'https://hooks.example.com/a' } },
  { method: 'GET', url: '/api/v1/webhook_endpoints/<endpoint>', body: false },
  { method: 'PATCH', url: '/api/v1/webhook_endpoints/<endpoint>', body: true },
  { method: 'DELETE', url: '/api/v1/webhook_endpoints/<endpoint>', body: false },
  { method: 'POST', url: '/api/v1/webhook_endpoints/<endpoint>/rotate_secret', body: true },
  { method: 'GET', url: '/api/v1/webhook_endpoints/<endpoint>/deliveries', body: false },
  { method: 'POST', url: '/api/v1/webhook_endpoints/<endpoint>/replay', body: true, required: { since: 0 } },
  { method: 'POST', url: '/api/v1/webhook_deliveries/<delivery>/retry', body: true },
];

const authCases = authCasesFor(ENDPOINTS, ['none', 'wrong', 'publishable']);
const bodyCases = bodyCasesFor(ENDPOINTS, ['truncated', 'array', 'textPlain', 'tooDeep', 'unknownParam', 'twoUnknownParams']);

const create = endpointCase('POST', '/api/v1/webhook_endpoints');
const patch = endpointCase('PATCH', '/api/v1/webhook_endpoints/<endpoint>');
const replay = endpointCase('POST', '/api/v1/webhook_endpoints/<endpoint>/replay');
const get = getCase;

const endpointCases: Case[] = [
  create('no url', {}, 422, 'form_param_missing', 'url'),
  create('url is a number', { url: 5 }, 422, 'form_param_format_invalid', 'url'),
  create('empty url', { url: '' }, 422, 'form_param_value_invalid', 'url'),
  create('relative url', { url: '/hooks' }, 422, 'form_param_format_invalid', 'url'),
  create('ftp url', { url: 'ftp://hooks.example.com/a' }, 422, 'form_param_format_invalid', 'url'),
  create('javascript url', { url: 'javascript:alert(1)' }, 422, 'form_param_format_invalid', 'url'),
  create('url with credentials', { url: 'https://user:pw@hooks.example.com/a' }, 422, 'form_param_format_invalid', 'url'),
  create('loopback on production', { url: 'http://127.0.0.1:8080/a' }, 422, 'form_param_format_invalid', 'url'),
  create('localhost on production', { url: 'http://localhost/a' }, 422, 'form_param_format_invalid', 'url'),
  create('IPv6 loopback on production', { url: 'http://[::1]/a' }, 422, 'form_param_format_invalid', 'url'),
  create('private network on production', { url: 'http://10.1.2.3/a' }, 422, 'form_param_format_invalid', 'url'),
  create('cloud metadata address', { url: 'http://169.254.169.254/latest' }, 422, 'form_param_format_invalid', 'url'),
  create('IPv4-mapped loopback', { url: 'http://[::ffff:127.0.0.1]/a' }, 422, 'form_param_format_invalid', 'url'),
  create('url over 2048 characters', { url: `https://hooks.example.com/${'a'.repeat(2050)}` }, 422, 'form_param_value_invalid', 'url'),
  create(
    'unknown event type',
    { url: 'https://hooks.example.com/a', events: ['user.exploded'] },
    422,
    'form_param_value_invalid',
    'events',
  ),
  create('events is a string', { url: 'https://hooks.example.com/a', events: 'user.created' }, 422, 'form_param_format_invalid', 'events'),
  create('events of numbers', { url: 'https://hooks.example.com/a', events: [1] }, 422, 'form_param_format_invalid', 'events.0'),
  create('a secret cannot be chosen', { url: 'https://hooks.example.com/a', secret: 'whsec_abc' }, 422, 'form_param_unknown', 'secret'),
  patch('disabled is a string', { disabled: 'yes' }, 422, 'form_param_format_invalid', 'disabled'),
  patch('url to loopback', { url: 'http://127.0.0.1/a' }, 422, 'form_param_format_invalid', 'url'),
  patch('unknown event type', { events: ['nope'] }, 422, 'form_param_value_invalid', 'events'),
  replay('no since', {}, 422, 'form_param_missing', 'since'),
  replay('since is a string', { since: 'yesterday' }, 422, 'form_param_format_invalid', 'since'),
  replay('since is negative', { since: -1 }, 422, 'form_param_value_invalid', 'since'),
  replay('since is fractional', { since: 1.5 }, 422, 'form_param_format_invalid', 'since'),
  get('limit=0', '/api/v1/webhook_endpoints?limit=0', 422, 'form_param_value_invalid', 'limit'),
  get('limit=501 on deliveries', '/api/v1/webhook_endpoints/<endpoint>/deliveries?limit=501', 422, 'form_param_value_invalid', 'limit'),
  get('unknown query parameter', '/api/v1/webhook_endpoints?colour=red', 422, 'form_param_unknown', 'colour'),
  notFound('GET', '/api/v1/webhook_endpoints/whe_doesNotExist'),
  notFound('PATCH', '/api/v1/webhook_endpoints/whe_doesNotExist', { disabled: true }),
  notFound('DELETE', '/api/v1/webhook_endpoints/whe_doesNotExist'),
  notFound('POST', '/api/v1/webhook_endpoints/whe_doesNotExist/rotate_secret', {}),
  notFound('GET', '/api/v1/webhook_endpoints/whe_doesNotExist/deliveries'),
  notFound('POST', '/api/v1/webhook_endpoints/whe_doesNotExist/replay', { since: 0 }),
  notFound('POST', '/api/v1/webhook_deliveries/whd_doesNotExist/retry', {}),
  endpointCase('POST', '/api/v1/webhook_deliveries/<disabledDelivery>/retry')(
    'the endpoint is disabled',
    {},
    422,
    'form_param_value_invalid',
    'id',
  ),
  endpointCase('POST', '/api/v1/webhook_endpoints/<disabled>/replay')(
    'the endpoint is disabled',
    { since: 0 },
    422,
    'form_param_value_invalid',
    'id',
  ),
];

const TABLES = { auth: authCases, bodies: bodyCases, endpoints: endpointCases };

const snapshot = async () => ({
  endpoints: (await call('GET', '/api/v1/webhook_endpoints?limit=100')).body,
  deliveries: (await call('GET', `/api/v1/webhook_endpoints/${fixtures.endpoint}/deliveries?limit=100`)).body,
});

describeBadInputs('webhook endpoints against bad inputs', {
  app: { flags: { 'instance-type': 'production' } },
  async arrange(t) {
    const endpoint = await fixture('/api/v1/webhook_endpoints', { url: 'https://hooks.example.com/a' });
    const disabled = await fixture('/api/v1/webhook_endpoints', { url: 'https://hooks.example.com/b' });
    await fixture('/api/v1/users', { email_address: ['ann@example.com'] });
    const [delivery] = (await call('GET', `/api/v1/webhook_endpoints/${disabled.id as string}/deliveries`)).body.data as { id: string }[];
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/webhook_endpoints/${disabled.id as string}`,
      headers: t.auth,
      payload: { disabled: true },
    });
    expect(res.statusCode).toBe(200);
    const [own] = (await call('GET', `/api/v1/webhook_endpoints/${endpoint.id as string}/deliveries`)).body.data as { id: string }[];
    Object.assign(fixtures, {
      endpoint: endpoint.id,
      disabled: disabled.id,
      delivery: own?.id,
      disabledDelivery: delivery?.id,
    });
  },
  snapshot,
  tables: TABLES,
  atLeast: 80,
  unchanged: 'changed nothing: endpoints and deliveries are as they were',
  more() {
    it('development instances accept loopback URLs (a local app receiving webhooks)', async () => {
      const dev = await createTestApp();
      try {
        const res = await dev.app.inject({
          method: 'POST',
          url: '/api/v1/webhook_endpoints',
          headers: dev.auth,
          payload: { url: 'http://127.0.0.1:3000/api/webhooks' },
        });
        expect(res.statusCode).toBe(200);
      } finally {
        await dev.close();
      }
    });
  },
});
