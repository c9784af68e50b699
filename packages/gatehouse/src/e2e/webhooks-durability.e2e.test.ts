import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningServer, removeDir, startServer } from '../testing/server.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../testing/services.js';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.js';

/**
 * Durable delivery with real `gatehouse start` processes: a receiver that answers 503 to the first
 * attempts and 200 afterwards gets every event, in order, across a graceful restart and a `kill -9`
 * (duplicates only as at-least-once allows: the same `svix-id`). And two nodes on one PostgreSQL
 * database deliver each event exactly once. Retries use the test-only short schedule
 * (`GATEHOUSE_WEBHOOK_RETRY_SCHEDULE`, 1 s); a killed node's lease runs out after 30 s.
 */
const pgOk = await postgresAvailable();
const SHORT_SCHEDULE = { GATEHOUSE_WEBHOOK_RETRY_SCHEDULE: '0,1,1,1,1,1,1,1' };

async function bapi(server: RunningServer, method: string, url: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${server.url}/api${url}`, {
    method,
    headers: { authorization: `Bearer ${server.env.secretKey}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function killHard(server: RunningServer): Promise<void> {
  return new Promise((resolve) => {
    if (server.process.exitCode !== null || server.process.signalCode !== null) return resolve();
    server.process.once('exit', () => resolve());
    server.process.kill('SIGKILL');
  });
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe.skipIf(dialect === 'postgres' && !pgOk)(`webhook durability across restarts (${dialect})`, () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-webhooks-'));
    let db: TestDatabase | undefined;
    let receiver: WebhookReceiver | undefined;
    const servers: RunningServer[] = [];
    afterAll(async () => {
      for (const server of servers) await killHard(server);
      await receiver?.close();
      await db?.drop();
      removeDir(dataDir);
    });

    it('503 then 200 with a restart and a kill -9 in between: everything arrives, in order', async () => {
      db = dialect === 'postgres' ? await createTestDatabase() : undefined;
      const start = async () => {
        const server = await startServer({ dataDir, ...(db ? { databaseUrl: db.url } : {}), env: SHORT_SCHEDULE });
        servers.push(server);
        return server;
      };
      let secret = '';
      receiver = await startWebhookReceiver(() => secret);
      const r = receiver;
      r.respond = ({ index }) => (index < 4 ? 503 : 200);

      const created: string[] = [];
      const createUser = async (server: RunningServer) => {
        const user = await bapi(server, 'POST', '/v1/users', { email_address: [`u${created.length}-${dialect}@example.com`] });
        created.push(user.id as string);
      };
      const first = await start();
      const endpoint = await bapi(first, 'POST', '/v1/webhook_endpoints', { url: r.url, events: ['user.created'] });
      secret = endpoint.secret as string;
      for (let i = 0; i < 3; i++) await createUser(first);
      await until('the first refusals', () => r.received.length >= 2, 30_000);
      expect(await first.stop()).toBe(0);

      const second = await start();
      for (let i = 0; i < 3; i++) await createUser(second);
      await until('a delivery after the restart', () => r.accepted.length >= 1, 60_000);
      await killHard(second);

      const third = await start();
      for (let i = 0; i < 2; i++) await createUser(third);
      const acceptedIds = () => r.accepted.map((e) => (e.data as { id: string }).id);
      await until('every event', () => created.every((id) => acceptedIds().includes(id)), 120_000);

      // Nothing lost; in order of occurrence: the accepted sequence never goes back.
      const order = acceptedIds().map((id) => created.indexOf(id));
      expect(order.every((index, i) => index >= 0 && (i === 0 || index >= (order[i - 1] ?? 0)))).toBe(true);
      expect([...new Set(acceptedIds())]).toEqual(created);
      // Duplicates (at least once) are the same message: one body per svix-id.
      const bodies = new Map<string, Set<string>>();
      for (const delivery of r.received) {
        const id = String(delivery.headers['svix-id']);
        bodies.set(id, (bodies.get(id) ?? new Set()).add(delivery.body));
      }
      expect([...bodies.values()].every((set) => set.size === 1)).toBe(true);
      expect(bodies.size).toBe(created.length);
      expect(r.received.filter((d) => d.status === 503)).toHaveLength(4);
    }, 300_000);
  });
}

describe.skipIf(!pgOk)('two nodes on one PostgreSQL', () => {
  const dirs = [mkdtempSync(path.join(tmpdir(), 'gatehouse-node-a-')), mkdtempSync(path.join(tmpdir(), 'gatehouse-node-b-'))];
  let db: TestDatabase | undefined;
  let receiver: WebhookReceiver | undefined;
  const servers: RunningServer[] = [];
  afterAll(async () => {
    for (const server of servers) await killHard(server);
    await receiver?.close();
    await db?.drop();
    for (const dir of dirs) removeDir(dir);
  });

  it('deliver each event once', async () => {
    db = await createTestDatabase();
    const env = { GATEHOUSE_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
    for (const dataDir of dirs) servers.push(await startServer({ dataDir, databaseUrl: db.url, env }));
    const [a, b] = servers as [RunningServer, RunningServer];
    let secret = '';
    receiver = await startWebhookReceiver(() => secret);
    const r = receiver;
    const endpoint = await bapi(a, 'POST', '/v1/webhook_endpoints', { url: r.url, events: ['user.created', 'organization.created'] });
    secret = endpoint.secret as string;
    const N = 30;
    // Writes on both nodes at once, a few at a time (each node's pool has 4 connections).
    for (let batch = 0; batch < N; batch += 4) {
      await Promise.all(
        Array.from({ length: Math.min(4, N - batch) }, (_, k) => {
          const i = batch + k;
          return i % 3 === 0
            ? bapi(i % 2 ? a : b, 'POST', '/v1/organizations', { name: `Org ${i}` })
            : bapi(i % 2 ? a : b, 'POST', '/v1/users', { email_address: [`two-${i}@example.com`] });
        }),
      );
    }
    await r.waitFor((events) => events.length >= N, 60_000);
    // Give a second sender time to show itself, were there one.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const ids = r.received.map((d) => String(d.headers['svix-id']));
    expect(ids).toHaveLength(N);
    expect(new Set(ids).size).toBe(N);
    expect(r.accepted).toHaveLength(N);
    const deliveries = (await bapi(b, 'GET', `/v1/webhook_endpoints/${endpoint.id as string}/deliveries?limit=100`)).data as {
      status: string;
      attempt_count: number;
    }[];
    expect(deliveries).toHaveLength(N);
    expect(deliveries.every((d) => d.status === 'succeeded' && d.attempt_count === 1)).toBe(true);
  }, 180_000);
});
