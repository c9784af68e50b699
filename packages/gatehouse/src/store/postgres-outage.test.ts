import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailDeliveryError } from '../mail/mailer.js';
import { type PrivatePostgres, privatePostgresAvailable, startPrivatePostgres } from '../testing/private-postgres.js';
import { type RunningServer, removeDir, startServer } from '../testing/server.js';
import { servicesRequired } from '../testing/services.js';
import { DatabaseTimeout, isDatabaseUnavailable } from './errors.js';

/**
 * A PostgreSQL outage under load, against a real `gatehouse start` on a PostgreSQL of the test's
 * own that it stops for 5 s and starts again. Before, requests got 500s, hung until the database
 * came back, or got no answer at all.
 */
const available = privatePostgresAvailable();
if (!available && servicesRequired) throw new Error('a private PostgreSQL (initdb, pg_ctl, root) is required');
if (!available) process.stderr.write('skipping the PostgreSQL outage test: no PostgreSQL server binaries, or not root\n');

interface Outcome {
  kind: string;
  /** ms since the traffic started */
  sentAt: number;
  tookMs: number;
  /** 0: no answer (network error or our 10 s client timeout) */
  status: number;
  code?: string;
  retryAfter?: string | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!available)('PostgreSQL outage', () => {
  let pg: PrivatePostgres;
  let server: RunningServer;

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    server = await startServer({ databaseUrl: pg.url });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    if (server) removeDir(server.dataDir);
    await pg?.destroy();
  });

  it('answers 503 with Retry-After within ~1 s while the database is down, and recovers within 5 s of its return', async () => {
    const bapi = (path: string, init: RequestInit = {}) =>
      fetch(`${server.env.apiUrl}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${server.env.secretKey}`, 'content-type': 'application/json' },
        signal: AbortSignal.timeout(10_000),
      });
    const user = (await (
      await bapi('/v1/users', { method: 'POST', body: JSON.stringify({ email_address: ['outage@example.com'] }) })
    ).json()) as {
      id: string;
    };
    const session = (await (await bapi('/v1/sessions', { method: 'POST', body: JSON.stringify({ user_id: user.id }) })).json()) as {
      id: string;
    };
    let created = 0;
    // What each hot path uses: a point lookup (the pipelined postgres.js connection), a list (the pg
    // pool), a token (session lookups and signing) and a write in a transaction (the pg pool).
    const kinds: Record<string, () => Promise<Response>> = {
      getUser: () => bapi(`/v1/users/${user.id}`),
      listUsers: () => bapi('/v1/users?limit=5'),
      token: () => bapi(`/v1/sessions/${session.id}/tokens`, { method: 'POST', body: '{}' }),
      createUser: () => bapi('/v1/users', { method: 'POST', body: JSON.stringify({ email_address: [`o${created++}@example.com`] }) }),
    };

    const outcomes: Outcome[] = [];
    const t0 = Date.now();
    let running = true;
    const loop = async (kind: string) => {
      while (running) {
        const sentAt = Date.now() - t0;
        const outcome: Outcome = { kind, sentAt, tookMs: 0, status: 0 };
        try {
          const res = await (kinds[kind] as () => Promise<Response>)();
          outcome.status = res.status;
          outcome.retryAfter = res.headers.get('retry-after');
          const body = (await res.json()) as { errors?: { code: string }[] };
          outcome.code = body.errors?.[0]?.code;
        } catch {
          outcome.status = 0;
        }
        outcome.tookMs = Date.now() - t0 - sentAt;
        outcomes.push(outcome);
        await sleep(20);
      }
    };
    const loops = Object.keys(kinds).flatMap((kind) => [loop(kind), loop(kind)]);

    await sleep(1_000);
    const downAt = Date.now() - t0;
    await pg.stop();
    await sleep(1_000);
    const readyDuring = (await fetch(`${server.url}/readyz`, { signal: AbortSignal.timeout(5_000) })).status;
    await sleep(4_000);
    await pg.start();
    const upAt = Date.now() - t0;
    await sleep(7_000);
    running = false;
    await Promise.all(loops);
    const readyAfter = (await fetch(`${server.url}/readyz`)).status;

    const failed = outcomes.filter((o) => o.status < 200 || o.status >= 300);
    const summary = {
      requests: outcomes.length,
      byStatus: Object.fromEntries(
        [...new Set(outcomes.map((o) => o.status))].map((s) => [s, outcomes.filter((o) => o.status === s).length]),
      ),
      slowestFailureMs: Math.max(0, ...failed.map((o) => o.tookMs)),
      slowestMs: Math.max(...outcomes.map((o) => o.tookMs)),
      lastFailureAfterUpMs: Math.max(0, ...failed.map((o) => o.sentAt + o.tookMs - upAt)),
      downAt,
      upAt,
      slow: outcomes.filter((o) => o.tookMs > 1_000).map((o) => `${o.kind} sent at ${o.sentAt} ms: ${o.status} after ${o.tookMs} ms`),
    };
    process.stderr.write(`outage: ${JSON.stringify(summary)}\n`);

    expect(readyDuring).toBe(503);
    expect(readyAfter).toBe(200);
    // Every request got an answer: a success, or a 503 in Clerk's envelope with Retry-After.
    const wrong = failed.filter((o) => o.status !== 503 || o.code !== 'service_unavailable' || !o.retryAfter);
    expect(wrong).toEqual([]);
    expect(failed.length).toBeGreaterThan(0);
    // Within about a second (generously bounded here: the machine is shared), never a hang.
    expect(summary.slowestFailureMs).toBeLessThan(2_500);
    // Every kind of request works again within 5 s of the database's return.
    expect(summary.lastFailureAfterUpMs).toBeLessThan(5_000);
    for (const kind of Object.keys(kinds)) {
      expect(outcomes.some((o) => o.kind === kind && o.sentAt > upAt && o.status === 200)).toBe(true);
    }
  }, 120_000);
});

describe('which errors mean the database is unavailable', () => {
  it('tells connection failures from bugs and from other services failing', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5'), { code: 'ECONNREFUSED', syscall: 'connect' });
    expect(isDatabaseUnavailable(refused)).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new AggregateError([refused]), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(
      true,
    );
    expect(isDatabaseUnavailable(Object.assign(new Error('write CONNECTION_CLOSED'), { code: 'CONNECTION_CLOSED' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isDatabaseUnavailable(new DatabaseTimeout('point lookup', 1000))).toBe(true);
    // Not the database: a bug, a constraint, the mail server.
    expect(isDatabaseUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isDatabaseUnavailable(new MailDeliveryError('mail: SMTP delivery failed (ETIMEDOUT)', 'ETIMEDOUT'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});
