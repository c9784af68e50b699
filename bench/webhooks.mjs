#!/usr/bin/env node
/**
 * Webhook delivery under load (issue 18), apart from `run.mjs`:
 *
 *   node bench/webhooks.mjs [--db sqlite|postgres] [--seconds 10] [--concurrency 8] [--pg URL] [--workers 1]
 *
 * Starts the built Gatehouse (`packages/gatehouse/dist/gatehouse.mjs`; `npm run build` first) with a
 * webhook receiver on loopback (node:http, verifying nothing, recording when each delivery arrived),
 * then measures on one instance:
 *   1. sign-ups (BAPI `POST /v1/users`, no password: the cheapest write that raises an event, so the
 *      outbox is pushed hardest) at full speed for `--seconds`, with no endpoint: users/s;
 *   2. the same with one endpoint subscribed to everything: users/s, and events delivered/s from the
 *      start of the load until the last of its events arrived (the sustained rate, backlog included);
 *   3. event → delivered latency (envelope `timestamp` to arrival at the receiver; same machine, same
 *      clock): p50/p99 under that load, and alone (one sign-up every 50 ms for 5 s).
 * Prints a Markdown table and writes it to bench/logs/webhooks-<db>.md.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = process.env.GATEHOUSE_BENCH_CLI ?? path.join(here, '../packages/gatehouse/dist/gatehouse.mjs');
const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '8' },
    workers: { type: 'string', default: '1' },
    pg: { type: 'string', default: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);

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

try {
  // Warm-up, then 1: no endpoint.
  await load(2000);
  const baseline = (await load(seconds * 1000)) / seconds;

  // 2: one endpoint, same load.
  await fetch(`${base}/api/v1/webhook_endpoints`, { method: 'POST', headers, body: JSON.stringify({ url: receiverUrl }) });
  arrivals.clear();
  const started = Date.now();
  const created = await load(seconds * 1000);
  const withHooks = created / seconds;
  while (arrivals.size < created) {
    if (Date.now() - started > 600_000) throw new Error(`only ${arrivals.size} of ${created} events arrived`);
    await sleep(20);
  }
  const lastArrival = Math.max(...[...arrivals.values()].map((a) => a.at));
  const sustained = created / ((lastArrival - started) / 1000);
  const loaded = [...arrivals.values()].map((a) => a.at - a.timestamp).sort((a, b) => a - b);

  // 3: alone.
  arrivals.clear();
  let alone = 0;
  for (const end = Date.now() + 5000; Date.now() < end; alone++) {
    await signUp();
    await sleep(50);
  }
  while (arrivals.size < alone) await sleep(20);
  const quiet = [...arrivals.values()].map((a) => a.at - a.timestamp).sort((a, b) => a - b);

  const table = [
    `Webhooks on ${values.db}, --workers ${values.workers}, ${concurrency} concurrent sign-ups (BAPI createUser), ${seconds} s, ${new Date().toISOString()}`,
    '',
    '| measure | value |',
    '|---|---|',
    `| sign-ups/s, no endpoint | ${baseline.toFixed(0)} |`,
    `| sign-ups/s, one endpoint (every event) | ${withHooks.toFixed(0)} (${((withHooks / baseline) * 100).toFixed(0)} %) |`,
    `| events delivered/s, sustained (load start → last delivery) | ${sustained.toFixed(0)} |`,
    `| event → delivered under that load, p50 / p99 | ${percentile(loaded, 50)} / ${percentile(loaded, 99)} ms |`,
    `| event → delivered alone (1 sign-up / 50 ms), p50 / p99 | ${percentile(quiet, 50)} / ${percentile(quiet, 99)} ms |`,
    '',
  ].join('\n');
  process.stdout.write(`${table}\n`);
  mkdirSync(path.join(here, 'logs'), { recursive: true });
  writeFileSync(path.join(here, 'logs', `webhooks-${values.db}.md`), table);
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  receiver.close();
  dropDatabase();
  rmSync(dataDir, { recursive: true, force: true });
}
