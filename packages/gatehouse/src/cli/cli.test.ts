import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createClerkClient, verifyToken } from '@clerk/backend';
import { describe, expect, it } from 'vitest';
import { freePort, runCli, startServer } from '../testing/server.js';
import { createTestDatabase, postgresAvailable } from '../testing/services.js';
import { tempDirs } from '../testing/temp-dirs.js';

const pgOk = await postgresAvailable();
const tempDir = tempDirs('gatehouse-cli-');

/** Creates the instance in `dataDir` the only way there is: one start (and a clean stop). */
async function startOnce(dataDir: string, extraArgs: string[] = []): Promise<{ port: number; output: string }> {
  const server = await startServer({ dataDir, extraArgs });
  expect(await server.stop()).toBe(0);
  return { port: server.port, output: server.output() };
}

describe('gatehouse env --json', () => {
  it('init creates the instance; env prints its keys, URLs and the CLERK_* variables', async () => {
    const dataDir = tempDir();
    const port = 4555;
    const created = await runCli(['init', '--json', '--data-dir', dataDir, '--port', String(port)]);
    expect(created.code).toBe(0);
    const { code, stdout } = await runCli(['env', '--json', '--data-dir', dataDir, '--port', String(port)]);
    expect(code).toBe(0);
    expect(stdout).toBe(created.stdout);
    const report = JSON.parse(stdout);
    expect(report.secretKey).toMatch(/^sk_test_[0-9A-Za-z]{40}$/);
    expect(report.publishableKey).toMatch(/^pk_test_/);
    expect(Buffer.from(report.publishableKey.slice('pk_test_'.length), 'base64').toString()).toBe(`127.0.0.1:${port}$`);
    expect(report.apiUrl).toBe(`http://127.0.0.1:${port}/api`);
    expect(report.frontendApiUrl).toBe(`http://127.0.0.1:${port}`);
    expect(report.jwksUrl).toBe(`http://127.0.0.1:${port}/.well-known/jwks.json`);
    expect(report.env).toMatchObject({
      CLERK_SECRET_KEY: report.secretKey,
      CLERK_PUBLISHABLE_KEY: report.publishableKey,
      CLERK_API_URL: report.apiUrl,
    });
    expect(report.env.CLERK_JWT_KEY).toContain('BEGIN PUBLIC KEY');
    // The same data dir gives the same instance, also to a second init and to a start.
    const again = JSON.parse((await runCli(['init', '--json', '--data-dir', dataDir, '--port', String(port)])).stdout);
    expect(again.secretKey).toBe(report.secretKey);
    expect((await startOnce(dataDir)).output).toContain(`CLERK_SECRET_KEY=${report.secretKey}`);
  });

  it('a production instance: pk_live keys, its secret key logged on the first start only', async () => {
    const dataDir = tempDir();
    // Mail goes nowhere here (nothing is sent), but a production instance will not start without a server for it.
    const production = ['--instance-type', 'production', '--smtp', `smtp://127.0.0.1:${await freePort()}`];
    const first = await startOnce(dataDir, production);
    const { stdout } = await runCli(['env', '--json', '--data-dir', dataDir]);
    const report = JSON.parse(stdout);
    expect(report.publishableKey).toMatch(/^pk_live_/);
    expect(report.secretKey).toMatch(/^sk_live_/);
    expect(first.output).toContain(`CLERK_SECRET_KEY=${report.secretKey}`);
    const second = await startOnce(dataDir, production);
    expect(second.output).not.toContain(report.secretKey);
    expect(second.output).toMatch(/CLERK_SECRET_KEY=\(not logged for a production instance: `gatehouse env` prints it\)/);
    expect(second.output).toContain(`CLERK_PUBLISHABLE_KEY=${report.publishableKey.replace(/_[^_]+$/, '_')}`);
  });

  it.each([
    [['--public-url', 'http://localhost:4000'], /has no dot/],
    [['--port', 'abc'], /--port must be a whole number/],
    [['--database', 'mysql://x'], /must start with sqlite: or postgres/],
    [['--instance-type', 'staging'], /development" or "production/],
  ])('refuses bad configuration %j', async (args, message) => {
    const { code, stderr } = await runCli(['env', '--data-dir', tempDir(), ...args]);
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('names the bad field of a config file', async () => {
    const dataDir = tempDir();
    writeFileSync(path.join(dataDir, 'gatehouse.config.json'), JSON.stringify({ sessionToken: { lifetimeSeconds: 'long' } }));
    const { code, stderr } = await runCli(['env', '--data-dir', dataDir]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/sessionToken\.lifetimeSeconds/);
  });
});

describe('gatehouse start --seed', () => {
  it('refuses a bad seed file, naming the bad field', async () => {
    const dataDir = tempDir();
    const seed = path.join(dataDir, 'seed.json');
    writeFileSync(seed, JSON.stringify({ users: [{ email_address: ['ok@example.com'] }, { email_address: ['not-an-email'] }] }));
    const { code, stderr } = await runCli(['start', '--data-dir', dataDir, '--port', String(await freePort()), '--seed', seed]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/users\.1\.email_address\.0/);
  });

  it('refuses a bad organization in a seed file, naming the bad field', async () => {
    const dataDir = tempDir();
    const seed = path.join(dataDir, 'seed.json');
    const members = [
      { email_address: 'ok@example.com', role: 'org:admin' },
      { email_address: 'ok@example.com', role: 'org:owner' },
    ];
    writeFileSync(seed, JSON.stringify({ organizations: [{ name: 'Acme', members }] }));
    const { code, stderr } = await runCli(['start', '--data-dir', dataDir, '--port', String(await freePort()), '--seed', seed]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/organizations\.0\.members\.1\.role/);
  });

  it('creates seed users once, even across restarts', async () => {
    const dataDir = tempDir();
    const seed = path.join(dataDir, 'seed.json');
    writeFileSync(
      seed,
      JSON.stringify({
        users: [
          {
            email_address: ['seed@example.com'],
            password: 'a-long-seed-password',
            first_name: 'Seedy',
            public_metadata: { role: 'ADMIN' },
          },
          { username: 'seeduser2', external_id: 'legacy-2' },
        ],
        organizations: [
          {
            name: 'Seed Org',
            slug: 'seed-org',
            public_metadata: { tier: 'gold' },
            members: [
              { email_address: 'seed@example.com', role: 'org:admin' },
              { username: 'seeduser2', role: 'org:member' },
            ],
          },
        ],
      }),
    );
    for (let run = 0; run < 2; run++) {
      const server = await startServer({ dataDir, extraArgs: ['--seed', seed] });
      const clerk = createClerkClient({ secretKey: server.env.secretKey, apiUrl: server.env.apiUrl, telemetry: { disabled: true } });
      const users = await clerk.users.getUserList({ orderBy: '+created_at' });
      expect(users.totalCount).toBe(2);
      expect(users.data[0]).toMatchObject({ firstName: 'Seedy', publicMetadata: { role: 'ADMIN' }, passwordEnabled: true });
      expect(users.data[1]).toMatchObject({ username: 'seeduser2', externalId: 'legacy-2' });
      const orgs = await clerk.organizations.getOrganizationList();
      expect(orgs.totalCount).toBe(1);
      expect(orgs.data[0]).toMatchObject({ slug: 'seed-org', name: 'Seed Org', publicMetadata: { tier: 'gold' } });
      const members = await clerk.organizations.getOrganizationMembershipList({ organizationId: 'seed-org', orderBy: '+username' });
      expect(members.data.map((m) => [m.publicUserData?.identifier, m.role])).toEqual([
        ['seeduser2', 'org:member'],
        ['seed@example.com', 'org:admin'],
      ]);
      expect(await server.stop()).toBe(0);
    }
  });
});

describe('gatehouse start --workers 2', () => {
  it('serves from the first worker once the primary has prepared, then from all, and drains on SIGTERM', async () => {
    const server = await startServer({ dataDir: tempDir(), extraArgs: ['--workers', '2'] });
    try {
      // Ready means one worker listens; the second is forked only then, and the primary says when all do.
      for (let waited = 0; !server.output().includes('with 2 workers'); waited += 50) {
        if (waited > 20_000) throw new Error(`the second worker never listened:\n${server.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // Said once, by the primary, not once per worker.
      expect(server.output().match(/messages go to the dev outbox/g)).toHaveLength(1);
      const clerk = createClerkClient({ secretKey: server.env.secretKey, apiUrl: server.env.apiUrl, telemetry: { disabled: true } });
      const user = await clerk.users.createUser({ emailAddress: ['cluster@example.com'], password: 'cluster-me-please-1' });
      expect((await clerk.users.getUser(user.id)).id).toBe(user.id);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('replaces a worker that dies after it listened', async () => {
    const server = await startServer({ dataDir: tempDir(), extraArgs: ['--workers', '2'] });
    const workers = () =>
      readFileSync(`/proc/${server.process.pid}/task/${server.process.pid}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number);
    const waitFor = async (what: string, done: () => boolean) => {
      for (let waited = 0; !done(); waited += 50) {
        if (waited > 20_000) throw new Error(`${what}:\n${server.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    try {
      await waitFor('the second worker never listened', () => server.output().includes('with 2 workers'));
      const [victim] = workers();
      process.kill(victim as number, 'SIGKILL');
      await waitFor('no replacement was started', () =>
        server.output().includes(`worker ${victim} exited with SIGKILL; starting a replacement`),
      );
      await waitFor('the replacement never came up', () => workers().length === 2 && !workers().includes(victim as number));
      const clerk = createClerkClient({ secretKey: server.env.secretKey, apiUrl: server.env.apiUrl, telemetry: { disabled: true } });
      // Both workers answer (round-robin): a run of requests all succeed.
      for (let i = 0; i < 6; i++) expect((await clerk.users.getUserList()).totalCount).toBe(0);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('fails, and stops its workers, when preparing fails', async () => {
    const dataDir = tempDir();
    const seed = path.join(dataDir, 'seed.json');
    writeFileSync(seed, JSON.stringify({ users: [{ email_address: ['not-an-email'] }] }));
    const port = String(await freePort());
    const { code, stderr } = await runCli(['start', '--data-dir', dataDir, '--port', port, '--workers', '2', '--seed', seed]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/users\.0\.email_address\.0/);
  });
});

function restartSuite(dialect: 'sqlite' | 'postgres') {
  it('keeps keys, users and sessions across a restart, and drains on SIGTERM', async () => {
    const database = dialect === 'postgres' ? await createTestDatabase() : undefined;
    const dataDir = tempDir();
    try {
      const first = await startServer({ dataDir, databaseUrl: database?.url });
      expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
      const clerk = createClerkClient({ secretKey: first.env.secretKey, apiUrl: first.env.apiUrl, telemetry: { disabled: true } });
      const user = await clerk.users.createUser({ emailAddress: ['restart@example.com'], password: 'restart-me-please-1' });
      const session = await clerk.sessions.createSession({ userId: user.id });
      const { jwt } = await clerk.sessions.getToken(session.id);
      expect(await first.stop()).toBe(0);
      expect(first.output()).toContain('CLERK_SECRET_KEY=');

      const second = await startServer({ dataDir, databaseUrl: database?.url, port: first.port });
      try {
        expect(second.env.secretKey).toBe(first.env.secretKey);
        expect(second.env.jwtKey).toBe(first.env.jwtKey);
        // A token minted before the restart still verifies against the JWKS served after it.
        expect((await verifyToken(jwt, { secretKey: second.env.secretKey, apiUrl: second.env.apiUrl, skipJwksCache: true })).sub).toBe(
          user.id,
        );
        const again = createClerkClient({ secretKey: second.env.secretKey, apiUrl: second.env.apiUrl, telemetry: { disabled: true } });
        expect((await again.users.getUser(user.id)).emailAddresses[0]?.emailAddress).toBe('restart@example.com');
        expect(await again.users.verifyPassword({ userId: user.id, password: 'restart-me-please-1' })).toEqual({ verified: true });
        expect((await again.sessions.getSession(session.id)).status).toBe('active');
        expect((await again.sessions.getToken(session.id)).jwt).toMatch(/^ey/);
      } finally {
        expect(await second.stop()).toBe(0);
      }
    } finally {
      await database?.drop();
    }
  });
}

describe('restart on SQLite', () => restartSuite('sqlite'));
describe.skipIf(!pgOk)('restart on PostgreSQL', () => restartSuite('postgres'));
