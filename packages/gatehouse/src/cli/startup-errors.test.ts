import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runCli } from '../testing/server.js';
import { createTestDatabase, postgresAvailable } from '../testing/services.js';
import { tempDirs } from '../testing/temp-dirs.js';

const tempDir = tempDirs('gatehouse-startup-');
const pgOk = await postgresAvailable();

/** A port something else listens on; `silent` accepts connections and never says a word (a hung Redis). */
async function occupiedPort(): Promise<{ port: number; server: Server }> {
  const server = createServer(() => {});
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, server };
}

const servers: Server[] = [];
let takenPort: number;
let silentPort: number;
beforeAll(async () => {
  const taken = await occupiedPort();
  const silent = await occupiedPort();
  servers.push(taken.server, silent.server);
  takenPort = taken.port;
  silentPort = silent.port;
});
afterAll(() => {
  for (const server of servers) server.close();
});

/** root may write anywhere: a permission check runs as `nobody` when the suite runs as root. */
const asUnprivileged = process.getuid?.() === 0 ? { user: { uid: 65534, gid: 65534 } } : {};

function readOnlyDir(): string {
  const dir = tempDir();
  chmodSync(dir, 0o555);
  return dir;
}

interface Case {
  name: string;
  /** Arguments after the command; may depend on the ports and directories made for the run. */
  args: () => Promise<string[]> | string[];
  message: RegExp;
  options?: typeof asUnprivileged;
}

const port = async () => ['--port', String(await freePort())];

// Each: exit code 1, exactly one line on stderr naming the cause and the fix, no stack trace.
const CASES: Case[] = [
  {
    name: 'a port in use',
    args: () => ['start', '--data-dir', tempDir(), '--port', String(takenPort)],
    message: /^gatehouse: port \d+ on 127\.0\.0\.1 is already in use .*; stop the other process or choose another port with --port/,
  },
  {
    name: 'a port in use, with --workers 2',
    args: () => ['start', '--data-dir', tempDir(), '--port', String(takenPort), '--workers', '2'],
    message: /^gatehouse: port \d+ on 127\.0\.0\.1 is already in use/,
  },
  {
    name: 'a data dir that is a file',
    args: async () => {
      const file = path.join(tempDir(), 'not-a-dir');
      writeFileSync(file, '');
      return ['start', '--data-dir', file, ...(await port())];
    },
    message: /^gatehouse: data dir \S+not-a-dir is a file, not a directory; move the file or choose another with --data-dir/,
  },
  {
    name: 'a data dir under a file',
    args: async () => {
      const file = path.join(tempDir(), 'file');
      writeFileSync(file, '');
      return ['start', '--data-dir', path.join(file, 'data'), ...(await port())];
    },
    message: /^gatehouse: cannot use the data dir \S+ \(a parent is a file\); choose another with --data-dir/,
  },
  {
    name: 'an unwritable data dir',
    args: async () => ['start', '--data-dir', readOnlyDir(), ...(await port())],
    message: /^gatehouse: data dir \S+ is not writable \(permission denied\); fix its permissions or choose another with --data-dir/,
    options: asUnprivileged,
  },
  {
    name: 'a missing data dir that cannot be created',
    args: async () => ['start', '--data-dir', path.join(readOnlyDir(), 'data'), ...(await port())],
    message: /^gatehouse: cannot create the data dir \S+ \(permission denied\); create it yourself or choose another with --data-dir/,
    options: asUnprivileged,
  },
  {
    name: 'a SQLite file that is not a database',
    args: async () => {
      const file = path.join(tempDir(), 'garbage.db');
      writeFileSync(file, 'this is not a database, just some text that is long enough to have a header '.repeat(20));
      return ['start', '--data-dir', tempDir(), '--database', `sqlite:${file}`, ...(await port())];
    },
    message: /^gatehouse: SQLite database \S+garbage\.db: it is not a SQLite database; .*--database/,
  },
  {
    name: 'a Redis URL nobody listens on',
    args: async () => ['start', '--data-dir', tempDir(), '--redis', `redis://127.0.0.1:${await freePort()}`, ...(await port())],
    message: /^gatehouse: Redis at redis:\/\/127\.0\.0\.1:\d+ does not answer \(ECONNREFUSED\); start it or fix --redis/,
  },
  {
    name: 'a Redis URL that accepts but never answers',
    args: async () => ['start', '--data-dir', tempDir(), '--redis', `redis://:secret-pass@127.0.0.1:${silentPort}`, ...(await port())],
    message: /^gatehouse: Redis at redis:\/\/127\.0\.0\.1:\d+ does not answer \(Command timed out\); start it or fix --redis/,
  },
  {
    name: 'a GeoIP database file that is missing',
    args: async () => ['start', '--data-dir', tempDir(), '--geoip', path.join(tempDir(), 'none.mmdb'), ...(await port())],
    message: /^gatehouse: --geoip \S+none\.mmdb cannot be read as a GeoIP database \(ENOENT\); give a MaxMind DB \(\.mmdb\) file/,
  },
  {
    name: 'an unknown flag',
    args: () => ['start', '--prot', '4000'],
    message: /^gatehouse: unknown option --prot; did you mean "--port"\? `gatehouse --help` lists them$/,
  },
  {
    name: 'an unknown flag with nothing near it',
    args: () => ['start', '--frobnicate'],
    message: /^gatehouse: unknown option --frobnicate; `gatehouse --help` lists them$/,
  },
  {
    name: 'an unknown command',
    args: () => ['strat'],
    message: /^gatehouse: unknown command "strat"; did you mean "start"\?/,
  },
  {
    name: 'a flag without its value',
    args: () => ['start', '--port'],
    message: /^gatehouse: option --port needs a value/,
  },
  {
    name: 'a value given to a switch',
    args: () => ['env', '--json=yes'],
    message: /^gatehouse: option --json takes no value; write --json alone$/,
  },
  {
    name: 'a production instance without a mail server',
    args: async () => ['start', '--data-dir', tempDir(), '--instance-type', 'production', ...(await port())],
    message: /^gatehouse: a production instance needs a mail server .*: set --smtp smtp:\/\/.*GATEHOUSE_SMTP_URL/,
  },
  {
    name: 'env on a data dir that holds no instance',
    args: () => ['env', '--data-dir', tempDir()],
    message:
      /^gatehouse: no Gatehouse instance in \S+gatehouse\.db \(no such file\); start Gatehouse once \(or run `gatehouse init`\) with the same --data-dir/,
  },
];

describe('start-up failures', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s: one line, exit 1', async (_name, c) => {
    const { code, stderr } = await runCli(await c.args(), { GATEHOUSE_PORT: undefined }, c.options);
    expect(code).toBe(1);
    expect(stderr).toMatch(/\n$/);
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(c.message);
    expect(stderr).not.toMatch(/\bat \S+ \(|secret-pass/);
  });

  it('env leaves an empty data dir as it found it', async () => {
    const dataDir = tempDir();
    expect((await runCli(['env', '--json', '--data-dir', dataDir])).code).toBe(1);
    expect(readdirSync(dataDir)).toEqual([]);
    const missing = path.join(tempDir(), 'never-made');
    expect((await runCli(['env', '--data-dir', missing])).code).toBe(1);
    expect(existsSync(missing)).toBe(false);
  });

  it('a production instance refused for want of mail is not created', async () => {
    const dataDir = tempDir();
    mkdirSync(dataDir, { recursive: true });
    expect((await runCli(['start', '--data-dir', dataDir, '--instance-type', 'production', ...(await port())])).code).toBe(1);
    expect((await runCli(['env', '--data-dir', dataDir])).stderr).toMatch(/no Gatehouse instance/);
  });

  it.skipIf(!pgOk)('env on a PostgreSQL database that holds no instance: one line, exit 1', async () => {
    const database = await createTestDatabase();
    try {
      const { code, stderr } = await runCli(['env', '--data-dir', tempDir(), '--database', database.url]);
      expect(code).toBe(1);
      expect(stderr).toMatch(
        /^gatehouse: no Gatehouse instance in the PostgreSQL database; start Gatehouse once \(or run `gatehouse init`\)[^\n]*\n$/,
      );
    } finally {
      await database.drop();
    }
  });
});
