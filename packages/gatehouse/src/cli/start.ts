import cluster from 'node:cluster';
import type { GatehouseConfig } from '../config/schema.js';
import { StartupError } from '../config/startup-error.js';
import { type ClusterMessage, isClusterMessage } from './cluster-protocol.js';

// This module is loaded by every process of a start, so it imports nothing heavy: the primary of a
// cluster only prepares the database (./prepare.js) and never needs Fastify and the routes
// (./serve.js), which are most of the code to compile.

const log = (line: string) => process.stdout.write(`${line}\n`);

export async function runStart(config: GatehouseConfig): Promise<number> {
  if (cluster.isWorker) await runWorker(config);
  else if (config.workers <= 1) await runSingle(config);
  else await (await import('./cluster-primary.js')).runPrimary(config, log);
  return -1;
}

/** One process prepares, then serves with the store it prepared. */
async function runSingle(configured: GatehouseConfig): Promise<void> {
  // Start loading the HTTP code now: on PostgreSQL, preparing waits on round trips it can fill.
  const code = import('./serve.js');
  code.catch(() => {}); // awaited below; this only keeps a failed prepare from also reporting it
  // A taken port fails before preparing creates anything (a production key would be logged to no one).
  // `--port 0` learns its port here, and the public URL with it.
  const config = await (await import('./preflight.js')).claimPort(configured);
  const { booted, banner } = await (await import('./prepare.js')).prepare(config, log);
  let serve: typeof import('./serve.js').serve;
  try {
    ({ serve } = await code);
  } catch (error) {
    await booted.close();
    throw error;
  }
  await serve(config, booted, () => {
    log(`Gatehouse is listening on ${config.publicUrl} (bound to ${config.host}:${config.port})\n\n${banner}`);
  });
}

/**
 * A cluster worker: loads its code while the primary prepares, then opens the prepared store and
 * serves. A worker that cannot start says why and exits 1, which makes the primary stop.
 */
async function runWorker(config: GatehouseConfig): Promise<void> {
  try {
    const [{ boot }, { serve }] = await Promise.all([import('../boot.js'), import('./serve.js'), preparedByPrimary()]);
    const booted = await boot(config, log, undefined, { prepared: true });
    await serve(config, booted);
  } catch (error) {
    const { describeStartupFailure } = await import('./startup-failures.js');
    const known = error instanceof StartupError ? error.message : describeStartupFailure(error, config);
    process.stderr.write(`gatehouse: worker ${process.pid} could not start: ${known ?? (error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  }
}

function preparedByPrimary(): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      if (!isClusterMessage(message, 'prepared')) return;
      process.off('message', onMessage);
      resolve();
    };
    process.on('message', onMessage);
    process.send?.({ gatehouse: 'waiting' } satisfies ClusterMessage);
  });
}
