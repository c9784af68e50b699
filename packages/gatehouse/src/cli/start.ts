import cluster from 'node:cluster';
import { type Booted, boot, describeEnvironment } from '../boot.js';
import type { GatehouseConfig } from '../config/schema.js';
import { setHashConcurrency } from '../crypto/password-hash.js';
import { buildApp } from '../http/app.js';
import type { HealthState } from '../http/ops/health.js';
import { createRateLimiter } from '../security/rate-limit.js';
import { applySeed, readSeedFile } from '../seed.js';
import { formatEnvironment } from './env.js';

const log = (line: string) => process.stdout.write(`${line}\n`);

/** Prepares the database once (migrations, instance, keys, seed) before anything serves. */
async function prepare(config: GatehouseConfig): Promise<{ booted: Booted; banner: string }> {
  const seed = config.seedFile ? readSeedFile(config.seedFile) : undefined;
  const booted = await boot(config, log);
  try {
    if (seed) await applySeed(booted.domain, seed, log);
    return { booted, banner: formatEnvironment(describeEnvironment(config, booted.domain)) };
  } catch (error) {
    await booted.close();
    throw error;
  }
}

/** One serving process: listens, and drains on SIGTERM/SIGINT (stops accepting, finishes in-flight, exits). */
async function serve(config: GatehouseConfig, prepared?: { booted: Booted; banner: string }): Promise<void> {
  setHashConcurrency(config.workers);
  const booted = prepared?.booted ?? (await boot(config, log));
  const banner = prepared?.banner;
  const health: HealthState = { draining: false };
  const limiter = createRateLimiter({ redisUrl: config.redisUrl });
  const app = await buildApp({
    domain: booted.domain,
    limiter,
    health,
    publicUrl: config.publicUrl,
    mailbox: booted.mailer.mode === 'outbox' && booted.domain.isDevelopment(),
    // Warnings and errors only: unexpected failures are logged with their trace id; requests are not
    // (they carry cookies and tokens).
    logger: { level: process.env.GATEHOUSE_LOG_LEVEL ?? 'warn', redact: ['req.headers.authorization', 'req.headers.cookie'] },
  });
  await app.listen({ port: config.port, host: config.host });
  if (banner) log(`Gatehouse is listening on ${config.publicUrl} (bound to ${config.host}:${config.port})\n\n${banner}`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    health.draining = true;
    await app.close();
    await limiter.close();
    await booted.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

export async function runStart(config: GatehouseConfig): Promise<number> {
  if (cluster.isWorker) {
    await serve(config);
    return -1;
  }
  const prepared = await prepare(config);
  // One process serves with what it just prepared; a primary hands over to its workers.
  if (config.workers <= 1) {
    await serve(config, prepared);
    return -1;
  }
  const { banner } = prepared;
  await prepared.booted.close();
  for (let i = 0; i < config.workers; i++) cluster.fork();
  let online = 0;
  cluster.on('listening', () => {
    online += 1;
    if (online === config.workers) log(`Gatehouse is listening on ${config.publicUrl} with ${config.workers} workers\n\n${banner}`);
  });
  cluster.on('exit', (worker, code) => {
    if (!stopping) log(`worker ${worker.process.pid} exited with ${code}`);
  });
  let stopping = false;
  const stop = () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    let left = Object.keys(cluster.workers ?? {}).length;
    if (left === 0) process.exit(0);
    cluster.on('exit', () => {
      left -= 1;
      if (left === 0) process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return -1;
}
