import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { boot, describeEnvironment } from '../boot.js';
import { configLockedSettings } from '../cli/serve.js';
import { loadConfig } from '../config/load.js';
import type { Clock } from '../domain/clock.js';
import type { Domain } from '../domain/index.js';
import { buildApp } from '../http/app.js';
import { openStore, type Store } from '../store/index.js';
import { removeDir } from './server.js';

export interface TestApp {
  app: FastifyInstance;
  domain: Domain;
  /** The real store under the app, for arranging and inspecting rows. */
  store: Store;
  secretKey: string;
  /** The data directory (the SQLite file `gatehouse.db` is in it unless a PostgreSQL URL was given). */
  dataDir: string;
  /** Authorization header for BAPI calls. */
  auth: { authorization: string };
  close(): Promise<void>;
}

/**
 * The whole HTTP surface in-process over a real database (a fresh SQLite file unless a PostgreSQL
 * URL is given); tests drive it with `app.inject()`.
 */
export async function createTestApp(
  options: {
    databaseUrl?: string;
    flags?: Record<string, string>;
    /** `GATEHOUSE_*` variables for settings that have no flag (e.g. `GATEHOUSE_SMS_GATEWAY_URL`). */
    env?: Record<string, string>;
    clock?: Clock;
    requestTimeoutMs?: number;
  } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-app-'));
  const config = loadConfig(
    { 'data-dir': dataDir, ...(options.databaseUrl ? { database: options.databaseUrl } : {}), ...options.flags },
    options.env ?? {},
  );
  const booted = await boot(config, () => {}, options.clock);
  const app = await buildApp({
    domain: booted.domain,
    publicUrl: config.publicUrl,
    mailbox: true,
    trustedProxies: config.trustedProxies,
    dashboard: {
      environment: () => describeEnvironment(config, booted.domain),
      configLocked: configLockedSettings(config),
      mailer: booted.mailer,
      checks: { mail: () => booted.mailer.check(), redis: async () => 'in memory (no Redis configured)' },
    },
    ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
  });
  const secretKey = booted.domain.instance.get().secretKey;
  return {
    app,
    domain: booted.domain,
    store: booted.store,
    secretKey,
    dataDir,
    auth: { authorization: `Bearer ${secretKey}` },
    async close() {
      await app.close();
      await booted.close();
      removeDir(dataDir);
    },
  };
}

/**
 * The six-digit code in the newest outbox mail to `to` (with no SMTP server configured, mail goes
 * to the outbox); throws when there is none. Shared by the Frontend API flow tests.
 */
export async function mailedCode(t: TestApp, to: string): Promise<string> {
  const rows = await t.store.mailOutbox.listRecent(50);
  const code = rows.find((r) => r.toAddress === to)?.subject.match(/\d{6}/)?.[0];
  if (!code) throw new Error(`no code mailed to ${to}`);
  return code;
}

/** A fresh, migrated SQLite store in a temporary directory, for tests that arrange rows below the domain. */
export async function createTestStore(): Promise<{ store: Store; close(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-store-'));
  const store = await openStore({ url: `sqlite:${path.join(dir, 'gatehouse.db')}` });
  return {
    store,
    async close() {
      await store.close();
      removeDir(dir);
    },
  };
}
