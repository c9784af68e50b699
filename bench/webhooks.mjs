#!/usr/bin/env node
/**
 * Webhook delivery under load (issue 18), apart from `run.mjs`:
 *
 *   npm run bench:webhooks -- [--db sqlite|postgres] [--seconds 10] [--runs 3] [--concurrency 8] [--pg URL] [--workers 1]
 *
 * (`npm run bench:webhooks` builds first; `node bench/webhooks.mjs` runs the build already there.)
 * Starts the built Gatehouse (`packages/gatehouse/dist/gatehouse.mjs`) with a
 * webhook receiver on loopback (node:http, verifying nothing, recording when each delivery arrived),
 * then measures on one instance:
 *   1. sign-ups (BAPI `POST /v1/users`, no password: the cheapest write that raises an event, so the
 *      outbox is pushed hardest) at full speed for `--seconds`, with no endpoint: users/s;
 *   2. the same with one endpoint subscribed to everything: users/s, and events delivered/s from the
 *      start of the load until the last of its events arrived (the sustained rate, backlog included);
 *   3. event → delivered latency (envelope `timestamp` to arrival at the receiver; same machine, same
 *      clock): p50/p99 under that load, and alone (one sign-up every 50 ms for 5 s).
 * 1 and 2 are taken in turns `--runs` times (the endpoint disabled for 1: no delivery is queued);
 * the figures are medians of the runs. Prints a Markdown table, writes it to bench/logs/webhooks-<db>.md,
 * stores the figures in bench/webhooks-results.json (per store) and re-renders bench/RESULTS.md, whose
 * "Webhooks" section shows them next to the sign-up rate without webhooks.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = process.env.GATEHOUSE_BENCH_CLI ?? path.join(here, '../packages/gatehouse/dist/gatehouse.mjs');
const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    seconds: { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '8' },
    workers: { type: 'string', default: '1' },
    pg: { type: 'string', default: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const runs = Number(values.runs);
const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The receiver: 200 to everything, arrival time per svix-id (first arrival only).
const arrivals = new Map();
const receiver = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const now = Date.now();
    const id = req.headers['svix-id'];
    if (!arrivals.has(id)) arrivals.set(id, { at: now, timestamp: JSON.parse(Buffer.concat(chunks).toString()).timestamp });
    res.writeHead(200).end();
  });
});
await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
const receiverUrl = `http://127.0.0.1:${receiver.address().port}/hooks`;

const dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-bench-webhooks-'));
let databaseUrl;
let dropDatabase = () => {};
if (values.db === 'postgres') {
  const name = `gatehouse_bench_webhooks_${Date.now()}`;
  execFileSync('psql', [values.pg, '-qc', `create database ${name}`]);
  const url = new URL(values.pg);
  url.pathname = `/${name}`;
  databaseUrl = url.toString();
  dropDatabase = () => execFileSync('psql', [values.pg, '-qc', `drop database if exists ${name} with (force)`]);
}
const port = 4700 + Math.floor(Math.random() * 200);
const args = [
  'start',
  '--port',
  String(port),
  '--data-dir',
  dataDir,
  '--workers',
  values.workers,
  ...(databaseUrl ? ['--database', databaseUrl] : []),
];
const server = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${base}/readyz`)).ok) break;
  } catch {}
  if (i > 300) throw new Error('gatehouse did not start');
  await sleep(100);
}
const env = JSON.parse(
  execFileSync(process.execPath, [
    CLI,
    'env',
    '--json',
    '--port',
    String(port),
    '--data-dir',
    dataDir,
    ...(databaseUrl ? ['--database', databaseUrl] : []),
  ]).toString(),
);
const headers = { authorization: `Bearer ${env.secretKey}`, 'content-type': 'application/json' };
let serial = 0;
const signUp = async () => {
  const res = await fetch(`${base}/api/v1/users`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ email_address: [`bench-${process.pid}-${serial++}@example.com`] }),
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`sign-up answered ${res.status}`);
};
const load = async (ms) => {
  const end = Date.now() + ms;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        await signUp();
        done++;
      }
    }),
  );
  return done;
};

const loadAtStart = loadavg().map((n) => n.toFixed(2));
try {
  await load(2000); // warm-up
  const created = await (
    await fetch(`${base}/api/v1/webhook_endpoints`, { method: 'POST', headers, body: JSON.stringify({ url: receiverUrl }) })
  ).json();
  const setDisabled = async (disabled) => {
    const res = await fetch(`${base}/api/v1/webhook_endpoints/${created.id}`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ disabled }),
    });
    await res.arrayBuffer();
  };
  const perRun = [];
  for (let run = 0; run < runs; run++) {
    // 1: no delivery (the endpoint disabled: no subscriber, nothing queued).
    await setDisabled(true);
    const baseline = (await load(seconds * 1000)) / seconds;
    // 2: the same load with the endpoint subscribed to every event.
    await setDisabled(false);
    arrivals.clear();
    const started = Date.now();
    const made = await load(seconds * 1000);
    while (arrivals.size < made) {
      if (Date.now() - started > 600_000) throw new Error(`only ${arrivals.size} of ${made} events arrived`);
      await sleep(20);
    }
    const lastArrival = Math.max(...[...arrivals.values()].map((a) => a.at));
    const latencies = [...arrivals.values()].map((a) => a.at - a.timestamp).sort((a, b) => a - b);
    perRun.push({
      baseline,
      withHooks: made / seconds,
      sustained: made / ((lastArrival - started) / 1000),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
    });
    process.stderr.write(`run ${run + 1}/${runs}: ${JSON.stringify(perRun.at(-1))}\n`);
  }

  // 3: alone.
  arrivals.clear();
  let alone = 0;
  for (const end = Date.now() + 5000; Date.now() < end; alone++) {
    await signUp();
    await sleep(50);
  }
  while (arrivals.size < alone) await sleep(20);
  const quiet = [...arrivals.values()].map((a) => a.at - a.timestamp).sort((a, b) => a - b);

  const m = (key) => median(perRun.map((r) => r[key]));
  const figures = {
    date: new Date().toISOString(),
    db: values.db,
    workers: Number(values.workers),
    concurrency,
    seconds,
    runs,
    loadAvgAtStart: loadAtStart,
    loadAvgAtEnd: loadavg().map((n) => n.toFixed(2)),
    signUpsPerSecondWithout: m('baseline'),
    signUpsPerSecondWith: m('withHooks'),
    deliveredPerSecond: m('sustained'),
    loadedP50Ms: m('p50'),
    loadedP99Ms: m('p99'),
    aloneP50Ms: percentile(quiet, 50),
    aloneP99Ms: percentile(quiet, 99),
    perRun,
  };
  const table = [
    `Webhooks on ${values.db}, --workers ${values.workers}, ${concurrency} concurrent sign-ups (BAPI createUser), ${runs} × ${seconds} s in turns, medians, ${figures.date}, load average ${loadAtStart.join(' / ')} at the start`,
    '',
    '| measure | value |',
    '|---|---|',
    `| sign-ups/s, no endpoint | ${figures.signUpsPerSecondWithout.toFixed(0)} |`,
    `| sign-ups/s, one endpoint (every event) | ${figures.signUpsPerSecondWith.toFixed(0)} (${((figures.signUpsPerSecondWith / figures.signUpsPerSecondWithout) * 100).toFixed(0)} %) |`,
    `| events delivered/s, sustained (load start → last delivery) | ${figures.deliveredPerSecond.toFixed(0)} |`,
    `| event → delivered under that load, p50 / p99 | ${figures.loadedP50Ms} / ${figures.loadedP99Ms} ms |`,
    `| event → delivered alone (1 sign-up / 50 ms), p50 / p99 | ${figures.aloneP50Ms} / ${figures.aloneP99Ms} ms |`,
    '',
  ].join('\n');
  process.stdout.write(`${table}\n`);
  mkdirSync(path.join(here, 'logs'), { recursive: true });
  writeFileSync(path.join(here, 'logs', `webhooks-${values.db}.md`), table);
  // The figures per store, and RESULTS.md re-rendered with them (its "Webhooks" section).
  const jsonPath = path.join(here, 'webhooks-results.json');
  const stored = existsSync(jsonPath) ? JSON.parse(readFileSync(jsonPath, 'utf8')) : {};
  stored[values.db] = figures;
  writeFileSync(jsonPath, `${JSON.stringify(stored, null, 2)}\n`);
  if (existsSync(path.join(here, 'results.json'))) execFileSync(process.execPath, [path.join(here, 'render.mjs')], { stdio: 'inherit' });
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  receiver.close();
  dropDatabase();
  rmSync(dataDir, { recursive: true, force: true });
}
