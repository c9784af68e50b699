import { randomBytes } from 'node:crypto';
import { createClerkClient, verifyToken } from '@clerk/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYRING_REFRESH_MS } from '../domain/keyring.js';
import { type RunningServer, removeDir, runCli, startServer } from '../testing/server.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../testing/services.js';

const pgOk = await postgresAvailable();

const kidOf = (jwt: string) => (JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString()) as { kid: string }).kid;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function jwksKids(server: RunningServer): Promise<string[]> {
  const res = await fetch(`${server.url}/.well-known/jwks.json`);
  return ((await res.json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
}

/** Polls until `check` holds, for at most `ms`. */
async function eventually(check: () => Promise<boolean>, ms: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await sleep(100);
  }
}

/**
 * `gatehouse keys rotate | rotate-secret` run as its own process against the database two running
 * servers share: both publish the new signing key within one keyring re-read and before either
 * signs with it, both switch at the announced time, and both accept the new secret key.
 */
describe.skipIf(!pgOk)('gatehouse keys, with two servers on one PostgreSQL database', () => {
  let database: TestDatabase;
  let a: RunningServer;
  let b: RunningServer;
  const env = { GATEHOUSE_ENCRYPTION_KEY: randomBytes(32).toString('base64') };

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await startServer({ databaseUrl: database.url, env });
    b = await startServer({ databaseUrl: database.url, env });
  }, 60_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    if (a) removeDir(a.dataDir);
    if (b) removeDir(b.dataDir);
    await database?.drop();
  });

  it('rotates the signing key on every node, publishing it before it signs', async () => {
    const clerkA = createClerkClient({ secretKey: a.env.secretKey, apiUrl: a.env.apiUrl });
    const clerkB = createClerkClient({ secretKey: b.env.secretKey, apiUrl: b.env.apiUrl });
    expect(b.env.secretKey).toBe(a.env.secretKey);
    const user = await clerkA.users.createUser({ emailAddress: ['nodes@example.com'], skipPasswordRequirement: true });
    const session = await clerkA.sessions.createSession({ userId: user.id });
    const before = (await clerkA.sessions.getToken(session.id)).jwt;
    const oldKid = kidOf(before);

    const cli = await runCli(['keys', 'rotate', '--overlap', '10', '--json', '--database', database.url, '--data-dir', a.dataDir], env);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    const rotation = JSON.parse(cli.stdout) as { kid: string; activatesAt: number; previousKeysRetireAt: number };
    expect(rotation.kid).not.toBe(oldKid);

    // Each node publishes the new key within one re-read of the keyring, while the old key signs.
    for (const server of [a, b]) {
      await eventually(async () => (await jwksKids(server)).includes(rotation.kid), KEYRING_REFRESH_MS + 2000);
      expect(await jwksKids(server)).toEqual([oldKid, rotation.kid]);
    }
    expect(Date.now()).toBeLessThan(rotation.activatesAt);
    expect(kidOf((await clerkB.sessions.getToken(session.id)).jwt)).toBe(oldKid);

    await sleep(rotation.activatesAt - Date.now() + 50);
    const fromA = (await clerkA.sessions.getToken(session.id)).jwt;
    const fromB = (await clerkB.sessions.getToken(session.id)).jwt;
    expect([kidOf(fromA), kidOf(fromB)]).toEqual([rotation.kid, rotation.kid]);
    // Tokens of both keys verify through either node's JWKS.
    for (const jwt of [before, fromA, fromB]) {
      expect((await verifyToken(jwt, { secretKey: b.env.secretKey, apiUrl: b.env.apiUrl, skipJwksCache: true })).sid).toBe(session.id);
    }

    const listed = await runCli(['keys', 'list', '--database', database.url, '--data-dir', a.dataDir], env);
    expect(listed.stdout).toMatch(new RegExp(`${rotation.kid}\\s+signing`));
    expect(listed.stdout).toMatch(new RegExp(`${oldKid}\\s+verifying`));
  }, 60_000);

  it('rotates the secret key on every node, the old one working during its grace period', async () => {
    const oldKey = a.env.secretKey;
    const cli = await runCli(['keys', 'rotate-secret', '--grace', '3600', '--database', database.url, '--data-dir', a.dataDir], env);
    expect(cli.code).toBe(0);
    const newKey = /CLERK_SECRET_KEY=(sk_test_\w+)/.exec(cli.stdout)?.[1];
    expect(newKey).toMatch(/^sk_test_[0-9A-Za-z]{40}$/);
    for (const server of [a, b]) {
      const withNew = createClerkClient({ secretKey: newKey, apiUrl: server.env.apiUrl });
      await eventually(
        () =>
          withNew.users.getCount().then(
            () => true,
            () => false,
          ),
        5000,
      );
      expect(await createClerkClient({ secretKey: oldKey, apiUrl: server.env.apiUrl }).users.getCount()).toBe(1);
    }
    const env2 = await runCli(['env', '--json', '--database', database.url, '--data-dir', a.dataDir], env);
    expect(JSON.parse(env2.stdout).secretKey).toBe(newKey);
  }, 30_000);

  it('refuses bad flags with a message', async () => {
    const cli = await runCli(['keys', 'rotate', '--overlap', '2', '--database', database.url, '--data-dir', a.dataDir], env);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/overlap_seconds.*between 10 and 86400/);
    const usage = await runCli(['keys', 'spin', '--database', database.url, '--data-dir', a.dataDir], env);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toMatch(/Usage: gatehouse keys/);
  });
});
