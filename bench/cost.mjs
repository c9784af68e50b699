#!/usr/bin/env node
/**
 * CPU cost per request of one Gatehouse scenario: a development aid next to `npm run bench`. Req/s on
 * this shared 2-core machine swings ±20%, but the CPU time the server (and PostgreSQL) spend per
 * answered request moves far less, so it shows whether a change to a hot path helped.
 *
 *   node bench/cost.mjs --db sqlite|postgres --scenario refresh|getUser|signIn [--workers 1] [--connections N] [--rate R] [--duration 5] [--reps 3] [--prof DIR] [--node-args=--perf-basic-prof]
 *
 * --rate holds the offered load at R req/s (autocannon's overallRate): two builds compared at one rate
 * see the same rhythm of requests, so a slower build does not also pay for more wake-ups of an idle
 * load generator. The kernel share is printed apart, since it moves with that rhythm.
 * --prof starts Gatehouse with `--cpu-prof --cpu-prof-dir DIR` (open the .cpuprofile in Chrome DevTools).
 * Prints req/s, p99 and µs of CPU per request for Gatehouse's processes, for PostgreSQL's and for the
 * whole machine (the load generator included, which is what a throughput ratio to a ceiling depends on).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_PASSWORD, benchEmail } from './lib/bench-users.mjs';
import { gatehouseCpuReading, perRequest, postgresPids, processCpu, spent } from './lib/cpu.mjs';
import { fapiSignIn, gatehouseEnv, startGatehouse, testingToken } from './lib/gatehouse.mjs';
import { runLoad } from './lib/loader.mjs';
import { log } from './lib/log.mjs';
import { createDatabase } from './lib/postgres.mjs';
import { freePort, processTree } from './lib/procs.mjs';
import { seedPostgres, seedSqlite } from './lib/seed.mjs';
import { getUserSpec, refreshSpec, signInSpec } from './lib/specs.mjs';
import { median } from './lib/stats.mjs';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    scenario: { type: 'string', default: 'refresh' },
    workers: { type: 'string', default: '1' },
    duration: { type: 'string', default: '5' },
    reps: { type: 'string', default: '3' },
    users: { type: 'string', default: '10000' },
    prof: { type: 'string' },
    connections: { type: 'string' },
    rate: { type: 'string' },
    'node-args': { type: 'string' },
    keep: { type: 'boolean', default: false },
    pg: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const workers = Number(values.workers);
const users = Number(values.users);
const cleanups = [];
try {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-cost-'));
  if (!values.keep) cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  else log(`keeping ${dataDir}`);
  let databaseUrl;
  if (values.db === 'postgres') {
    const db = await createDatabase(values.pg);
    cleanups.push(() => db.drop());
    databaseUrl = db.url;
  }
  const target = { port: await freePort(), dataDir, databaseUrl };
  const env = await gatehouseEnv(target);
  if (values.db === 'postgres') await seedPostgres(databaseUrl, 0, users);
  else await seedSqlite(path.join(dataDir, 'gatehouse.db'), 0, users);

  const nodeArgs = [
    ...(values.prof ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(values.prof)}`] : []),
    ...(values['node-args']?.split(' ').filter(Boolean) ?? []),
  ];
  const server = await startGatehouse(target, { workers, nodeArgs, logFile: path.join(dataDir, 'server.log') });
  cleanups.unshift(() => server.handle.stop());
  const token = await testingToken(env);

  let spec;
  if (values.scenario === 'refresh') {
    const sessions = [];
    for (let i = 0; i < 64; i++) {
      const { cookie, sessionId } = await fapiSignIn(env, { email: benchEmail(i), password: BENCH_PASSWORD, token });
      sessions.push({ id: sessionId, cookie });
    }
    spec = refreshSpec(env, sessions);
  } else if (values.scenario === 'getUser') spec = getUserSpec(env, users);
  else if (values.scenario === 'signIn') spec = signInSpec(env, token, users);
  else throw new Error(`unknown scenario ${values.scenario}`);
  if (values.connections) spec.connections = Number(values.connections);
  if (values.rate) {
    const rate = Number(values.rate);
    if (!Number.isInteger(rate) || rate < 1) throw new Error(`--rate must be a whole number of requests per second, not ${values.rate}`);
    spec.overallRate = rate;
  }

  const gatehousePids = processTree(server.handle.pid);
  await runLoad({ ...spec, duration: 2 });
  // After the warm-up: the pools have opened their connections, so every backend is counted.
  const pgPids = values.db === 'postgres' ? postgresPids() : [];
  const runs = [];
  for (let rep = 0; rep < Number(values.reps); rep++) {
    const before = { gh: gatehouseCpuReading(gatehousePids), pg: processCpu(pgPids) };
    const r = await runLoad({ ...spec, duration: Number(values.duration) });
    const ok = Math.max(1, r.ok);
    const cpu = perRequest(before.gh, gatehouseCpuReading(gatehousePids), ok);
    const run = {
      rps: r.rps,
      p99: r.p99,
      failed: r.non2xx + r.errors + r.timeouts,
      ghUs: cpu.hashing + cpu.gatehouseRest,
      kernelUs: cpu.gatehouseKernel,
      hashUs: cpu.hashing,
      pgUs: spent(before.pg, processCpu(pgPids)) / ok,
      machineUs: cpu.machine,
    };
    runs.push(run);
    log(
      `${values.db} ${values.scenario} run ${rep + 1}: ${Math.round(run.rps)} req/s, p99 ${run.p99} ms, ` +
        `Gatehouse ${run.ghUs.toFixed(1)} µs CPU/req (kernel ${run.kernelUs.toFixed(1)})${run.hashUs ? ` (argon2id threads ${Math.round(run.hashUs)})` : ''}` +
        `${pgPids.length ? `, PostgreSQL ${Math.round(run.pgUs)} µs CPU/req` : ''}` +
        `, machine ${Math.round(run.machineUs)} µs/req${run.failed ? `, ${run.failed} FAILED` : ''}`,
    );
  }
  const m = (k) => median(runs.map((r) => r[k]));
  log(
    `median: ${Math.round(m('rps'))} req/s, p99 ${m('p99')} ms, Gatehouse ${m('ghUs').toFixed(1)} µs/req (kernel ${m('kernelUs').toFixed(1)})` +
      `${m('hashUs') ? ` (argon2id threads ${Math.round(m('hashUs'))})` : ''}` +
      `${pgPids.length ? `, PostgreSQL ${Math.round(m('pgUs'))} µs/req, total ${Math.round(m('ghUs') + m('pgUs'))} µs/req` : ''}` +
      `, machine (load generator included) ${Math.round(m('machineUs'))} µs/req`,
  );
} finally {
  for (const fn of cleanups) await fn();
}
