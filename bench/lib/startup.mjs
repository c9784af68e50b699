import { readdirSync } from 'node:fs';
import path from 'node:path';
import { CLI, startGatehouse } from './gatehouse.mjs';
import { log, sleep } from './log.mjs';
import { rssTree } from './procs.mjs';
import { median } from './stats.mjs';

/**
 * Scenario 7: cold starts of an already-initialised instance (the usual restart), each timed from
 * spawn to the first 200 from /readyz, then left idle for a while before reading every process's RSS.
 */
export async function measureStartup(target, { workers, starts, idleMs = 3000, logFile }) {
  const samples = [];
  for (let i = 1; i <= starts; i++) {
    const started = await startGatehouse(target, { workers, logFile });
    await sleep(idleMs);
    const rss = rssTree(started.handle.pid);
    await started.handle.stop();
    samples.push({ ...started, handle: undefined, rss });
    log(
      `startup (workers=${workers}) ${i}/${starts}: spawn→ready ${started.spawnToReadyMs.toFixed(0)} ms` +
        ` (every worker ${started.spawnToAllListeningMs.toFixed(0)} ms)` +
        ` (in process ${started.inProcessMs.toFixed(0)} ms), idle RSS ${rss.map((p) => p.rssMB.toFixed(0)).join(' + ')} MB`,
    );
  }
  return {
    workers,
    starts,
    spawnToReadyMs: median(samples.map((s) => s.spawnToReadyMs)),
    spawnToAllListeningMs: median(samples.map((s) => s.spawnToAllListeningMs)),
    inProcessMs: median(samples.map((s) => s.inProcessMs)),
    afterBootstrapMs: median(samples.map((s) => s.afterBootstrapMs)),
    // The largest single process (what the < 100 MB target is about) and the whole tree.
    maxProcessRssMB: median(samples.map((s) => Math.max(...s.rss.map((p) => p.rssMB)))),
    totalRssMB: median(samples.map((s) => s.rss.reduce((sum, p) => sum + p.rssMB, 0))),
    processes: samples[0]?.rss.length ?? 0,
  };
}

/**
 * The first start after a build, while dist/.cache holds no code cache yet (this start writes it):
 * reported beside the usual restarts, which all have one. Undefined once a cache exists.
 */
export async function measureFirstStart(target, { logFile }) {
  let cached = [];
  try {
    cached = readdirSync(path.join(path.dirname(CLI), '.cache'));
  } catch {}
  if (cached.length > 0) return undefined;
  const started = await startGatehouse(target, { workers: 1, logFile });
  await started.handle.stop();
  log(`startup: first start after the build (no code cache yet) ${started.spawnToReadyMs.toFixed(0)} ms`);
  return started.spawnToReadyMs;
}
