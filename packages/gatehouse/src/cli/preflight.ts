import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import type { GatehouseConfig } from '../config/schema.js';
import { StartupError } from '../config/startup-error.js';
import { describeStartupFailure, displayUrl } from './startup-failures.js';

/** How long `start` waits for Redis to answer before refusing to start. */
const REDIS_TIMEOUT_MS = 3_000;

/** Whether the SQLite database file (if that is the database) lives in the data dir. */
export function sqliteInDataDir(config: GatehouseConfig): boolean {
  if (!config.databaseUrl.startsWith('sqlite:')) return false;
  return path.resolve(config.databaseUrl.slice('sqlite:'.length)).startsWith(config.dataDir + path.sep);
}

/** Whether this configuration keeps anything in the data dir (the SQLite file, the encryption key). */
export function usesDataDir(config: GatehouseConfig): boolean {
  return config.encryptionKey === undefined || sqliteInDataDir(config);
}

/**
 * The data dir is a directory this process can write, created (with its parents) if missing. Checked
 * before anything opens, so the operator reads the cause rather than a driver's error about a file in it.
 */
export function checkDataDir(config: GatehouseConfig): void {
  const dir = config.dataDir;
  const fix = 'choose another with --data-dir (GATEHOUSE_DATA_DIR)';
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(dir, { throwIfNoEntry: false });
  } catch (error) {
    throw new StartupError(`cannot use the data dir ${dir} (${reason(error)}); ${fix}.`);
  }
  if (stats && !stats.isDirectory()) throw new StartupError(`data dir ${dir} is a file, not a directory; move the file or ${fix}.`);
  if (!stats) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw new StartupError(`cannot create the data dir ${dir} (${reason(error)}); create it yourself or ${fix}.`);
    }
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new StartupError(`data dir ${dir} is not writable (${reason(error)}); fix its permissions or ${fix}.`);
  }
}

/**
 * Fails if the port is taken. A cluster primary asks before forking, so a taken port is one line from
 * it rather than one error per worker.
 */
/**
 * Binds the configured port to prove it free, and answers the configuration with the port bound: for
 * `--port 0`, the one the system chose, with the public URL following it when it was not given (the
 * keys and links derive from it, so it must be known before the server prepares). The probe closes
 * right before the server listens on the same port, which leaves no window worth the name, unlike a
 * caller that picks a free port and hands it over.
 */
export async function claimPort(config: GatehouseConfig): Promise<GatehouseConfig> {
  if (config.port === 0 && config.workers > 1) {
    throw new StartupError('--port 0 (any free port) needs --workers 1; give the workers a fixed port with --port.');
  }
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ port: config.port, host: config.host, exclusive: true }, resolve);
    });
    if (config.port !== 0) return config;
    const address = probe.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    if (port === 0) throw new StartupError(`cannot tell which port ${config.host} was given.`);
    return { ...config, port, ...(config.publicUrlFollowsPort ? { publicUrl: `http://127.0.0.1:${port}` } : {}) };
  } catch (error) {
    if (error instanceof StartupError) throw error;
    throw new StartupError(describeStartupFailure(error, config) ?? `cannot listen on ${config.host}:${config.port} (${reason(error)}).`);
  } finally {
    await new Promise((resolve) => probe.close(resolve));
  }
}

/**
 * Redis holds the rate-limit counters every node shares: if it does not answer, every sign-in would
 * fail later, so `start` refuses now.
 */
export async function checkRedis(url: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: REDIS_TIMEOUT_MS,
    commandTimeout: REDIS_TIMEOUT_MS, // a port that accepts but never answers
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // The socket's own error (ECONNREFUSED, ETIMEDOUT) says more than connect()'s "Connection is closed".
  let socketError: unknown;
  redis.on('error', (error) => {
    socketError ??= error;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new StartupError(
      `Redis at ${displayUrl(url)} does not answer (${reason(socketError ?? error)}); start it or fix --redis (GATEHOUSE_REDIS_URL), or leave it unset for in-memory rate limits on a single node.`,
    );
  } finally {
    redis.disconnect();
  }
}

function reason(error: unknown): string {
  const e = error as { code?: string; message?: string };
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  if (e.code === 'EROFS') return 'read-only file system';
  if (e.code === 'ENOTDIR') return 'a parent is a file';
  return e.code ?? e.message?.split('\n')[0] ?? String(error);
}
