import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatehouseError } from '../../errors.js';
import { createTestApp, type TestApp } from '../../testing/app.js';
import { isWebhookSecret, newWebhookSecret } from './signing.js';
import { checkEndpointUrl, isPrivateAddress } from './url-policy.js';

describe('webhook URL policy', () => {
  it.each([
    '127.0.0.1',
    '10.0.0.8',
    '172.20.1.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    'fd00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
  ])('%s is private', (address) => expect(isPrivateAddress(address)).toBe(true));
  it.each(['93.184.216.34', '8.8.8.8', '2606:4700::1111'])('%s is public', (address) => expect(isPrivateAddress(address)).toBe(false));

  it('refuses private targets unless allowed, and anything but http(s) always', () => {
    expect(checkEndpointUrl('https://hooks.example.com/a?b=1', false)).toBe('https://hooks.example.com/a?b=1');
    expect(() => checkEndpointUrl('http://printer.local/a', false)).toThrow(GatehouseError);
    expect(() => checkEndpointUrl('http://metadata.internal/a', false)).toThrow(GatehouseError);
    expect(checkEndpointUrl('http://127.0.0.1:3000/hooks', true)).toBe('http://127.0.0.1:3000/hooks');
    expect(() => checkEndpointUrl('file:///etc/passwd', true)).toThrow(GatehouseError);
  });

  it('makes secrets Svix accepts, and knows one when it sees one', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(isWebhookSecret(secret)).toBe(true);
    expect(isWebhookSecret('whsec_short')).toBe(false);
    expect(isWebhookSecret('not-a-secret')).toBe(false);
  });
});

describe('config-file endpoints', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('are kept in step with the file: updated by URL, created, and removed; API endpoints stay', async () => {
    const secret = newWebhookSecret();
    const api = await t.domain.webhookEndpoints.create({ url: 'http://127.0.0.1:9/api-made' });
    await t.domain.webhookEndpoints.syncConfigured([
      { url: 'http://127.0.0.1:9/a', events: ['user.created'], secret },
      { url: 'http://127.0.0.1:9/b' },
    ]);
    const first = (await t.domain.webhookEndpoints.list(100, 0)).data;
    expect(first.map((r) => [r.endpoint.url, r.endpoint.source]).sort()).toEqual([
      ['http://127.0.0.1:9/a', 'config'],
      ['http://127.0.0.1:9/api-made', 'api'],
      ['http://127.0.0.1:9/b', 'config'],
    ]);
    expect(first.find((r) => r.endpoint.url.endsWith('/a'))?.secret).toBe(secret);
    const b = first.find((r) => r.endpoint.url.endsWith('/b'));
    expect(b && isWebhookSecret(b.secret)).toBe(true);

    await t.domain.webhookEndpoints.syncConfigured([{ url: 'http://127.0.0.1:9/a', events: ['user.deleted'], secret }]);
    const second = (await t.domain.webhookEndpoints.list(100, 0)).data;
    expect(second.map((r) => r.endpoint.url).sort()).toEqual(['http://127.0.0.1:9/a', 'http://127.0.0.1:9/api-made']);
    expect(second.find((r) => r.endpoint.url.endsWith('/a'))?.endpoint.events).toEqual(['user.deleted']);
    expect(second.find((r) => r.endpoint.id === api.endpoint.id)).toBeDefined();

    await expect(t.domain.webhookEndpoints.syncConfigured([{ url: 'http://127.0.0.1:9/a', secret: 'whsec_nope' }])).rejects.toThrow(
      /webhooks\.0\.secret/,
    );
    await expect(t.domain.webhookEndpoints.syncConfigured([{ url: 'http://127.0.0.1:9/a', events: ['user.exploded'] }])).rejects.toThrow(
      /webhooks\.0\.events/,
    );
  });
});
