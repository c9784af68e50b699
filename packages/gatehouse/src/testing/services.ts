import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import postgres from 'postgres';

/** Where tests find PostgreSQL; each run creates its own database there and drops it after. */
export const ADMIN_POSTGRES_URL = process.env.GATEHOUSE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** In CI (`GATEHOUSE_REQUIRE_SERVICES=1`) a missing service fails the run instead of skipping it. */
export const servicesRequired = process.env.GATEHOUSE_REQUIRE_SERVICES === '1';

/** Runs one statement on a connection of its own, closed after. */
async function adminStatement(url: string, statement: string, connectTimeoutSeconds = 30): Promise<void> {
  const sql = postgres(url, { max: 1, connect_timeout: connectTimeoutSeconds, onnotice: () => {} });
  try {
    await sql.unsafe(statement);
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

async function canConnect(url: string): Promise<boolean> {
  try {
    await adminStatement(url, 'select 1', 2);
    return true;
  } catch {
    return false;
  }
}

let available: Promise<boolean> | undefined;

/** True when PostgreSQL answers; throws in CI when it does not. Prints why a suite is skipped. */
export async function postgresAvailable(): Promise<boolean> {
  available ??= canConnect(ADMIN_POSTGRES_URL);
  const ok = await available;
  if (!ok && servicesRequired)
    throw new Error(`PostgreSQL is required (GATEHOUSE_REQUIRE_SERVICES=1) but ${ADMIN_POSTGRES_URL} does not answer.`);
  if (!ok) process.stderr.write(`skipping PostgreSQL tests: ${ADMIN_POSTGRES_URL} does not answer\n`);
  return ok;
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh database with a unique name, so parallel test files never share state. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `gatehouse_test_${Date.now()}_${randomBytes(4).toString('hex')}`;
  await adminStatement(ADMIN_POSTGRES_URL, `create database ${name}`);
  const url = new URL(ADMIN_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await adminStatement(ADMIN_POSTGRES_URL, `drop database if exists ${name} with (force)`);
    },
  };
}

export const REDIS_URL = process.env.GATEHOUSE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/15';

let redisUp: Promise<boolean> | undefined;

/** True when Redis answers PING; throws in CI when it does not. */
export async function redisAvailable(): Promise<boolean> {
  redisUp ??= (async () => {
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000, retryStrategy: () => null });
    redis.on('error', () => {});
    try {
      await redis.connect();
      return (await redis.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      redis.disconnect();
    }
  })();
  const ok = await redisUp;
  if (!ok && servicesRequired) throw new Error(`Redis is required (GATEHOUSE_REQUIRE_SERVICES=1) but ${REDIS_URL} does not answer.`);
  if (!ok) process.stderr.write(`skipping Redis tests: ${REDIS_URL} does not answer\n`);
  return ok;
}
