#!/usr/bin/env node
/**
 * npm run bench: Gatehouse under load on SQLite then PostgreSQL, every figure next to its ceilings
 * measured in this same run. Prints a table and writes bench/RESULTS.md, bench/results.svg and
 * bench/results.json. Flags: see lib/options.mjs (--quick checks the harness in a few minutes).
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI } from './lib/gatehouse.mjs';
import { elapsed, log } from './lib/log.mjs';
import { describeMachine } from './lib/machine.mjs';
import { renderMarkdown } from './lib/markdown.mjs';
import { readOptions } from './lib/options.mjs';
import { serverVersion } from './lib/postgres.mjs';
import { freePort, spawnServer, stopAll, waitFor200 } from './lib/procs.mjs';
import { renderTable, scenarioRows } from './lib/report.mjs';
import { runAppSection } from './lib/section-apps.mjs';
import { runStoreSection } from './lib/section-store.mjs';
import { renderChart } from './lib/svg.mjs';
import { readWebhookResults } from './lib/webhooks-report.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const opts = readOptions();
const startedAt = Date.now();
const cleanups = [];

/** Drops this run's databases and temporary directories (registered by the sections as they go). */
async function runCleanups() {
  for (const fn of cleanups.reverse()) {
    try {
      await fn();
    } catch (error) {
      log(`clean-up: ${error.message}`);
    }
  }
  cleanups.length = 0;
}

/** At the end or on failure: every server this run started, then the databases and directories. */
async function cleanUp() {
  await stopAll();
  await runCleanups();
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    log(`${signal}: stopping servers and dropping bench databases`);
    await cleanUp();
    process.exit(130);
  });
}

/** The bare node:http ceilings, same process count as Gatehouse, up for the whole run. */
async function startCeilingServers() {
  const urls = {};
  for (const [name, file] of [
    ['bareSign', 'servers/bare-sign.mjs'],
    ['hello', 'servers/hello.mjs'],
  ]) {
    const port = await freePort();
    const handle = spawnServer(name, process.execPath, [here(file), '--port', String(port), '--workers', String(opts.workers)]);
    urls[name] = `http://127.0.0.1:${port}`;
    await waitFor200(`${urls[name]}/`, handle);
  }
  return urls;
}

async function main() {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm run bench does)`);
  const machine = describeMachine();
  const logDir = here('./logs');
  rmSync(logDir, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });
  log(
    `${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}; ${opts.reps} × ${opts.duration} s per target` +
      `${opts.quick ? ' (QUICK: checks the harness, proves nothing)' : ''}; stores: ${opts.dbs.join(', ')}`,
  );
  const results = { machine, options: { ...opts, pgUrl: undefined }, stores: [], notes: [] };
  if (opts.dbs.includes('postgres')) {
    try {
      results.postgresVersion = await serverVersion(opts.pgUrl);
    } catch (error) {
      throw new Error(`PostgreSQL at ${opts.pgUrl} is not reachable (${error.message}); pass --dbs sqlite to skip it`);
    }
  }
  const ceilingServers = await startCeilingServers();
  for (const store of opts.dbs) {
    log(`=== ${store} ===`);
    const section = await runStoreSection(store, opts, { ceilingServers, logDir, cleanups });
    results.stores.push(section);
    if (!results.apps) {
      log('=== app-side auth check (Express) ===');
      results.apps = await runAppSection(section.env, section.longToken, opts, { logDir, cleanups });
    }
    // Not cleanUp(): the ceiling servers stay up for the next store.
    await runCleanups();
  }
  await cleanUp();
  results.machine.loadAvgAtEnd = (await import('node:os')).loadavg().map((n) => n.toFixed(2));
  results.totalSeconds = (Date.now() - startedAt) / 1000;

  const rows = scenarioRows(results);
  process.stdout.write(`\n${renderTable(rows)}\n`);
  const outDir = path.dirname(opts.out);
  const svgPath = path.join(outDir, 'results.svg');
  const jsonPath = path.join(outDir, 'results.json');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(svgPath, renderChart(rows, results));
  writeFileSync(opts.out, renderMarkdown(rows, results, 'results.svg', readWebhookResults(path.dirname(opts.out))));
  // Raw medians and every run's figure, minus secrets, for anyone re-checking the report.
  for (const s of results.stores) {
    s.env = undefined;
    s.longToken = undefined;
  }
  writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${opts.out}, ${svgPath} and ${jsonPath}; total ${elapsed()}`);
}

main().catch(async (error) => {
  log(`FAILED: ${error.stack ?? error}`);
  await cleanUp();
  process.exit(1);
});
