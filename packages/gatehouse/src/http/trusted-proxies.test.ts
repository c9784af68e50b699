import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { createTestApp, type TestApp } from '../testing/app.js';
import { tempDirs } from '../testing/temp-dirs.js';

const tempDir = tempDirs('gatehouse-proxies-');

const ORIGIN = 'http://127.0.0.1:5173';
const apps: TestApp[] = [];
afterAll(() => Promise.all(apps.map((t) => t.close())));

/** A listening app whose `--trusted-proxies` are `trusted` (none when empty); real sockets on loopback. */
async function serverTrusting(trusted: string): Promise<string> {
  const t = await createTestApp(trusted ? { flags: { 'trusted-proxies': trusted } } : {});
  apps.push(t);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
}

let identifiers = 0;
/** An identifier-first sign-in (a new identifier each time, so only the per-IP limit can refuse it). */
async function signIn(url: string, forwardedFor?: string): Promise<number> {
  const res = await fetch(`${url}/v1/client/sign_ins`, {
    method: 'POST',
    headers: {
      origin: ORIGIN,
      'content-type': 'application/x-www-form-urlencoded',
      ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
    },
    body: new URLSearchParams({ identifier: `visitor${identifiers++}@example.com` }).toString(),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Signs in until refused; the number of sign-ins that got through (throws if none is refused). */
async function exhaust(url: string, forwardedFor: (i: number) => string | undefined): Promise<number> {
  for (let i = 0; i < 500; i++) {
    const status = await signIn(url, forwardedFor(i));
    if (status === 429) return i;
    expect(status).toBe(200);
  }
  throw new Error('the per-IP limit never refused');
}

describe('trusted proxies', () => {
  it('behind a trusted proxy, one client exhausts only its own per-IP budget', async () => {
    const url = await serverTrusting('127.0.0.1/32');
    const allowed = await exhaust(url, () => '203.0.113.7');
    expect(allowed).toBeGreaterThan(0);
    // The next visitor, forwarded by the same proxy, is not blocked.
    expect(await signIn(url, '198.51.100.9')).toBe(200);
    // The noisy client stays blocked, also when it sends its own X-Forwarded-For for the proxy to
    // append to: only the address the trusted proxy appended counts.
    expect(await signIn(url, '198.51.100.10, 203.0.113.7')).toBe(429);
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    // Trusts a proxy network, but the requests come straight from 127.0.0.1.
    const url = await serverTrusting('10.0.0.0/8');
    const allowed = await exhaust(url, (i) => `192.0.2.${i % 250}`);
    expect(allowed).toBeGreaterThan(0);
    expect(await signIn(url, '198.51.100.9')).toBe(429);
  });

  it('trusts no proxy by default', async () => {
    const url = await serverTrusting('');
    await exhaust(url, (i) => `192.0.2.${i % 250}`);
    expect(await signIn(url, '198.51.100.9')).toBe(429);
  });

  it('reads trusted proxies from the environment and the config file, and refuses what is not an address', () => {
    expect(loadConfig({}, { GATEHOUSE_TRUSTED_PROXIES: '10.0.0.0/8, ::1,192.168.1.5' }).trustedProxies).toEqual([
      '10.0.0.0/8',
      '::1',
      '192.168.1.5',
    ]);
    expect(loadConfig({}, {}).trustedProxies).toEqual([]);
    const file = path.join(tempDir(), 'gatehouse.config.json');
    writeFileSync(file, JSON.stringify({ trustedProxies: ['172.16.0.0/12'] }));
    expect(loadConfig({ config: file }, {}).trustedProxies).toEqual(['172.16.0.0/12']);
    // The environment wins over the file, as for every setting.
    expect(loadConfig({ config: file }, { GATEHOUSE_TRUSTED_PROXIES: '10.1.2.3' }).trustedProxies).toEqual(['10.1.2.3']);
    expect(() => loadConfig({ 'trusted-proxies': '10.0.0.0/33' }, {})).toThrow(/--trusted-proxies: "10.0.0.0\/33" is not an IP address/);
    expect(() => loadConfig({}, { GATEHOUSE_TRUSTED_PROXIES: 'proxy.internal' })).toThrow(/GATEHOUSE_TRUSTED_PROXIES/);
  });
});
