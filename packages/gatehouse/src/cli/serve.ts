import type { Booted } from '../boot.js';
import type { GatehouseConfig } from '../config/schema.js';
import { setHashConcurrency } from '../crypto/password-hash.js';
import { buildApp } from '../http/app.js';
import type { HealthState } from '../http/ops/health.js';
import { createRateLimiter } from '../security/rate-limit.js';
import { saveCodeCache } from './code-cache.js';

/**
 * One serving process: builds the app on a booted store, listens, and drains on SIGTERM/SIGINT
 * (stops accepting, finishes in-flight, exits 0). Listening comes last, so /readyz can only answer
 * once the store is open and the keys are loaded. It owns `booted`: if it cannot listen, it closes
 * everything (so a failed worker exits instead of hanging on open connections) and throws.
 */
export async function serve(config: GatehouseConfig, booted: Booted, onListening?: () => void): Promise<void> {
  setHashConcurrency(config.workers);
  const health: HealthState = { draining: false };
  const limiter = createRateLimiter({ redisUrl: config.redisUrl });
  const closeAll = async () => {
    await limiter.close();
    await booted.close();
  };
  let app: Awaited<ReturnType<typeof buildApp>>;
  try {
    app = await buildApp({
      domain: booted.domain,
      limiter,
      health,
      publicUrl: config.publicUrl,
      trustedProxies: config.trustedProxies,
      mailbox: booted.mailer.mode === 'outbox' && booted.domain.isDevelopment(),
      // Warnings and errors only: unexpected failures are logged with their trace id; requests are not
      // (they carry cookies and tokens).
      logger: { level: process.env.GATEHOUSE_LOG_LEVEL ?? 'warn', redact: ['req.headers.authorization', 'req.headers.cookie'] },
    });
  } catch (error) {
    await closeAll();
    throw error;
  }
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app.close();
    await closeAll();
    throw error;
  }
  onListening?.();
  // After the first answer can go out: writing the cache (first start after a build only) takes a while.
  setImmediate(saveCodeCache);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    health.draining = true;
    await app.close();
    await closeAll();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
