import { type ClerkClient, createClerkClient } from '@clerk/backend';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { type RunningServer, removeDir, startServer } from './server.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from './services.js';

export type Dialect = 'sqlite' | 'postgres';

const pgOk = await postgresAvailable();

/**
 * One suite per dialect: `<subject> against Gatehouse on SQLite`, and on PostgreSQL when a server
 * answers (each run in a database of its own).
 */
export function describeAgainstGatehouse(subject: string, suite: (dialect: Dialect) => void): void {
  describe(`${subject} against Gatehouse on SQLite`, () => suite('sqlite'));
  describe.skipIf(!pgOk)(`${subject} against Gatehouse on PostgreSQL`, () => suite('postgres'));
}

export interface StartedGatehouse {
  server: RunningServer;
  /** The official `@clerk/backend` client, configured only with what `gatehouse env --json` prints. */
  clerk: ClerkClient;
}

/**
 * Registers the suite's server: a real `gatehouse start` (port 0) over a fresh SQLite file or
 * PostgreSQL database, handed to `started` once up; stopped (exit code 0), its data removed and its
 * database dropped after the suite.
 */
export function startGatehouseForSuite(dialect: Dialect, started: (gatehouse: StartedGatehouse) => void): void {
  let server: RunningServer | undefined;
  let database: TestDatabase | undefined;

  beforeAll(async () => {
    database = dialect === 'postgres' ? await createTestDatabase() : undefined;
    server = await startServer({ databaseUrl: database?.url });
    const clerk = createClerkClient({
      secretKey: server.env.secretKey,
      apiUrl: server.env.apiUrl,
      publishableKey: server.env.publishableKey,
      telemetry: { disabled: true },
    });
    started({ server, clerk });
  });

  afterAll(async () => {
    if (server) {
      expect(await server.stop()).toBe(0);
      removeDir(server.dataDir);
    }
    await database?.drop();
  });
}

/** The status and first error code of an `@clerk/backend` call that must fail. */
export async function sdkErrorOf(promise: Promise<unknown>): Promise<{ status: number; code: string | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { status?: number; errors?: { code: string }[] };
    return { status: e.status ?? 0, code: e.errors?.[0]?.code };
  }
  throw new Error('expected the call to fail');
}
