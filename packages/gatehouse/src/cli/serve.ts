import { type Booted, describeEnvironment } from '../boot.js';
import type { GatehouseConfig } from '../config/schema.js';
import { setHashConcurrency } from '../crypto/password-hash.js';
import { buildApp } from '../http/app.js';
import type { HealthState } from '../http/ops/health.js';
import { createRateLimiter } from '../security/rate-limit.js';
import { saveCodeCache } from './code-cache.js';

/**
 * One serving process: builds the app on a booted store, listens, and drains on SIGTERM/SIGINT
 * (stops accepting, finishes in-flight requests, closing each connection after its answer, and
 * exits 0, at the latest `drainTimeoutSeconds` after the signal). Listening comes last, so /readyz can only answer
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
      dashboard: {
        environment: () => describeEnvironment(config, booted.domain),
        configLocked: configLockedSettings(config),
        mailer: booted.mailer,
        checks: { mail: () => booted.mailer.check(), redis: () => limiter.check() },
      },
      mailbox: booted.mailer.mode === 'outbox' && booted.domain.isDevelopment(),
      // Warnings and errors only: unexpected failures are logged with their trace id; requests are not
      // (they carry cookies and tokens).
      // At a chattier level, a request's query is left out of its log line: the OAuth callback's carries
      // the provider's one-time code and state.
      logger: {
        level: process.env.GATEHOUSE_LOG_LEVEL ?? 'warn',
        redact: ['req.headers.authorization', 'req.headers.cookie'],
        serializers: {
          req: (req: { method: string; url: string; id: string }) => ({ id: req.id, method: req.method, url: req.url.split('?')[0] }),
        },
      },
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
  // Webhooks: every serving process sends; a lease per endpoint keeps it to one at a time.
  booted.domain.webhookWorker.start();
  // After the first answer can go out: writing the cache (first start after a build only) takes a while.
  setImmediate(saveCodeCache);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    health.draining = true;
    // Bounded: a client that keeps a request (or a half-sent one) open cannot keep us past it.
    const deadline = setTimeout(() => {
      process.stderr.write(`gatehouse: requests still open ${config.drainTimeoutSeconds} s after SIGTERM; closing their connections\n`);
      app.server.closeAllConnections();
      // Closing the store may wait on a database that is gone: exit regardless, soon.
      setTimeout(() => process.exit(0), 2_000).unref();
    }, config.drainTimeoutSeconds * 1000);
    // Stops listening and closes the connections idle now; each busy one closes after its answer
    // (which says `Connection: close`).
    await app.close();
    clearTimeout(deadline);
    await closeAll();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** The settings the config file (or a flag) sets: it wins at every start, so the dashboard shows them read-only. */
export function configLockedSettings(config: GatehouseConfig): string[] {
  const locked: string[] = [];
  if (config.sessionToken) locked.push('sessionToken');
  for (const key of Object.keys(config.frontend ?? {})) locked.push(`frontend.${key}`);
  if (config.allowedOrigins.length > 0 && !locked.includes('frontend.allowedOrigins')) locked.push('frontend.allowedOrigins');
  for (const section of ['factors', 'passwordless', 'restrictions', 'organizations'] as const) {
    for (const key of Object.keys(config[section] ?? {})) locked.push(`${section}.${key}`);
  }
  if (config.smtpUrl) locked.push('mail.smtp');
  if (config.mailFrom) locked.push('mail.from');
  return locked;
}
