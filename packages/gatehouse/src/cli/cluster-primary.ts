import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { GatehouseConfig } from '../config/schema.js';
import { type ClusterMessage, isClusterMessage } from './cluster-protocol.js';

/**
 * The primary of `start --workers N`. It forks workers first, so they compile their (larger)
 * code while it prepares the database, the one thing only it does; each worker opens the store once
 * told it is prepared. The primary serves nothing and never loads the HTTP code.
 *
 * A worker that exits before it listens (or a failed prepare) stops the whole start with exit code 1
 * rather than leaving a server that never becomes ready. A worker that dies after it listened is
 * replaced, unless workers keep dying (more than MAX_REPLACEMENTS in a minute: then exit 1, for the
 * supervisor to see). SIGTERM/SIGINT drain the workers and exit 0.
 */
const MAX_REPLACEMENTS = 5;
const REPLACEMENT_WINDOW_MS = 60_000;

export async function runPrimary(config: GatehouseConfig, log: (line: string) => void): Promise<void> {
  // A taken port would otherwise fail every worker, each with its own message (and port 0 is refused:
  // each worker would bind a port of its own).
  await (await import('./preflight.js')).claimPort(config);
  let prepared = false;
  let banner = '';
  let stopping = false;
  const waiting = new Set<Worker>();
  const listening = new Set<number>();
  const replacedAt: number[] = [];
  let restForked = false;
  let announced = false;

  const tellPrepared = (worker: Worker) => {
    if (worker.isConnected()) worker.send({ gatehouse: 'prepared' } satisfies ClusterMessage);
  };
  cluster.on('message', (worker, message) => {
    if (!isClusterMessage(message, 'waiting')) return;
    if (prepared) tellPrepared(worker);
    else waiting.add(worker);
  });
  cluster.on('listening', (worker) => {
    listening.add(worker.id);
    if (listening.size === 1) forkRest();
    if (listening.size === config.workers && !announced) {
      announced = true;
      log(`Gatehouse is listening on ${config.publicUrl} with ${config.workers} workers\n\n${banner}`);
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    const status = signal ?? `code ${code}`;
    if (listening.delete(worker.id)) {
      const now = Date.now();
      while (replacedAt.length > 0 && now - (replacedAt[0] as number) > REPLACEMENT_WINDOW_MS) replacedAt.shift();
      if (replacedAt.length >= MAX_REPLACEMENTS) {
        process.stderr.write(
          `gatehouse: worker ${worker.process.pid} exited (${status}); ${MAX_REPLACEMENTS} replaced within a minute, stopping\n`,
        );
        void stopWorkers().then(() => process.exit(1));
        return;
      }
      replacedAt.push(now);
      log(`worker ${worker.process.pid} exited with ${status}; starting a replacement`);
      cluster.fork(); // already prepared: it is told so as soon as it asks
      return;
    }
    process.stderr.write(`gatehouse: worker ${worker.process.pid} exited (${status}) before it was ready; stopping\n`);
    void stopWorkers().then(() => process.exit(1));
  });

  /**
   * SIGTERM to every worker (each drains within the drain timeout); resolves once all have exited.
   * A worker still there a few seconds past its own bound is stuck: it is killed.
   */
  const stopWorkers = (): Promise<void> => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined && !worker.isDead());
    return new Promise((resolve) => {
      let left = workers.length;
      if (left === 0) return resolve();
      const backstop = setTimeout(
        () => {
          for (const worker of workers) if (!worker.isDead()) worker.process.kill('SIGKILL');
        },
        config.drainTimeoutSeconds * 1000 + 5_000,
      );
      for (const worker of workers) {
        worker.once('exit', () => {
          left -= 1;
          if (left === 0) {
            clearTimeout(backstop);
            resolve();
          }
        });
        worker.process.kill('SIGTERM');
      }
    });
  };
  const stop = () => {
    if (!stopping) void stopWorkers().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  // While the primary prepares it needs a core of its own: fork only as many workers as leave it one
  // (at least one). The rest start once a worker listens, so until then the first ones have the
  // cores to themselves: the server answers (and /readyz says ready) as soon as it can, and the
  // later workers load while it already serves.
  const early = Math.min(config.workers, Math.max(1, availableParallelism() - 1));
  for (let i = 0; i < early; i++) cluster.fork();
  // Workers listen only after `prepared`, so this runs once, after preparing.
  function forkRest() {
    if (stopping || restForked) return;
    restForked = true;
    for (let i = early; i < config.workers; i++) cluster.fork();
  }

  try {
    const result = await (await import('./prepare.js')).prepare(config, log);
    banner = result.banner;
    // The workers open their own connections; the primary keeps none.
    await result.booted.close();
  } catch (error) {
    await stopWorkers();
    throw error;
  }
  if (stopping) return;
  prepared = true;
  for (const worker of waiting) tellPrepared(worker);
  waiting.clear();
}
