import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/app.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../testing/webhook-receiver.js';
import { DISABLE_AFTER_FAILING_MS, SVIX_SCHEDULE_MS } from './worker.js';

/**
 * Svix's retry schedule with the injected clock (no real hours pass): a receiver that answers 503
 * gets 8 attempts at 0, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; then the delivery is failed, the
 * next one goes out, and after 5 days of failures the endpoint is disabled. Then 503-then-200: every
 * event arrives, in order.
 */
describe('webhook retries (injected clock)', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let offset = 0;
  let secret = '';
  let endpointId = '';
  const bapi = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => {
    const res = await t.app.inject({ method, url: `/api${url}`, headers: t.auth, ...(payload ? { payload } : {}) });
    return res.json() as Record<string, unknown> & { data?: Record<string, unknown>[] };
  };
  const waitForRequests = async (n: number) => {
    const deadline = Date.now() + 20_000;
    while (receiver.received.length < n) {
      if (Date.now() > deadline) throw new Error(`expected ${n} requests, got ${receiver.received.length}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await t.domain.webhookWorker.idle();
  };

  beforeAll(async () => {
    t = await createTestApp({ clock: () => Date.now() + offset });
    receiver = await startWebhookReceiver(() => secret);
    receiver.respond = () => 503;
    const endpoint = await bapi('POST', '/v1/webhook_endpoints', { url: receiver.url });
    secret = endpoint.secret as string;
    endpointId = endpoint.id as string;
    t.domain.webhookWorker.start();
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  it('retries on the schedule, then fails the delivery and moves on', async () => {
    await bapi('POST', '/v1/users', { email_address: ['retry-1@example.com'] });
    await waitForRequests(1);
    for (let attempt = 1; attempt < SVIX_SCHEDULE_MS.length; attempt++) {
      const [delivery] = (await bapi('GET', `/v1/webhook_endpoints/${endpointId}/deliveries`)).data ?? [];
      expect(delivery).toMatchObject({ status: 'pending', attempt_count: attempt });
      const wait = SVIX_SCHEDULE_MS[attempt] ?? 0;
      // Not a moment early: 1 ms before it is due, nothing is sent.
      offset += wait - 1000;
      t.domain.webhookWorker.nudge();
      await new Promise((r) => setTimeout(r, 150));
      await t.domain.webhookWorker.idle();
      expect(receiver.received).toHaveLength(attempt);
      offset += 1000;
      t.domain.webhookWorker.nudge();
      await waitForRequests(attempt + 1);
    }
    const [failed] = (await bapi('GET', `/v1/webhook_endpoints/${endpointId}/deliveries`)).data ?? [];
    expect(failed).toMatchObject({ status: 'failed', attempt_count: 8, next_attempt_at: null });
    const attempts = failed?.attempts as { status_code: number; error: string }[];
    expect(attempts).toHaveLength(8);
    expect(attempts.every((a) => a.status_code === 503 && a.error === 'HTTP 503')).toBe(true);
    // Every attempt of one event carries the same svix-id.
    expect(new Set(receiver.received.map((r) => r.headers['svix-id'])).size).toBe(1);
    const endpoint = await bapi('GET', `/v1/webhook_endpoints/${endpointId}`);
    expect(endpoint).toMatchObject({ disabled: false });
    expect(endpoint.failing_since).toEqual(expect.any(Number));
  });

  it('disables the endpoint after 5 days of failures; enabling forgets them', async () => {
    offset += DISABLE_AFTER_FAILING_MS;
    const before = receiver.received.length;
    await bapi('POST', '/v1/users', { email_address: ['retry-2@example.com'] });
    await waitForRequests(before + 1);
    expect(await bapi('GET', `/v1/webhook_endpoints/${endpointId}`)).toMatchObject({ disabled: true });
    offset += 3600_000;
    t.domain.webhookWorker.nudge();
    await new Promise((r) => setTimeout(r, 200));
    await t.domain.webhookWorker.idle();
    expect(receiver.received).toHaveLength(before + 1);
    expect(await bapi('PATCH', `/v1/webhook_endpoints/${endpointId}`, { disabled: false })).toMatchObject({
      disabled: false,
      failing_since: null,
    });
  });

  it('503 then 200: every event arrives, once accepted, in order', async () => {
    offset = 0;
    const fresh = await bapi('POST', '/v1/webhook_endpoints', { url: `${receiver.url}?fresh`, events: ['organization.created'] });
    await t.app.inject({ method: 'DELETE', url: `/api/v1/webhook_endpoints/${endpointId}`, headers: t.auth });
    secret = fresh.secret as string;
    let refusals = 0;
    receiver.respond = () => (refusals++ < 1 ? 503 : 200);
    const before = receiver.received.length;
    const names = ['One', 'Two', 'Three', 'Four'];
    for (const name of names) await bapi('POST', '/v1/organizations', { name });
    await waitForRequests(before + 1);
    // The first attempt was refused; the later events wait behind it until its retry, due 5 s later
    // on the (injected) clock (kept within the receivers' 5-minute timestamp tolerance).
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.received).toHaveLength(before + 1);
    offset += 5_000;
    t.domain.webhookWorker.nudge();
    await receiver.waitFor((events) => events.length >= names.length, 20_000);
    expect(receiver.accepted.map((e) => (e.data as { name: string }).name)).toEqual(names);
    const ids = receiver.received.slice(before).map((r) => r.headers['svix-id']);
    expect(ids[0]).toBe(ids[1]);
  });
});
