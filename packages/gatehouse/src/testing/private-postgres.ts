import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, removeDir } from './server.js';

const execFileAsync = promisify(execFile);

/** Where Debian puts the server binaries (`initdb`, `pg_ctl`); the newest version installed. */
function serverBinDir(): string | undefined {
  for (const version of ['17', '16', '15', '14', '13']) {
    const dir = `/usr/lib/postgresql/${version}/bin`;
    if (existsSync(path.join(dir, 'pg_ctl'))) return dir;
  }
  return undefined;
}

/** True when this machine can run a private PostgreSQL: the server binaries, and root to run them as `postgres`. */
export function privatePostgresAvailable(): boolean {
  return serverBinDir() !== undefined && userInfo().uid === 0;
}

export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  port: number;
  /** `pg_ctl stop -m fast`: every connection is closed at once, new ones are refused. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it (if running) and removes its data directory. */
  destroy(): Promise<void>;
}

/**
 * A PostgreSQL server of a test's own (initdb in a temp dir, on a free loopback port), which the
 * test may stop and start: the shared server on 5432 must never be stopped. Runs as the `postgres`
 * OS user, as PostgreSQL refuses to run as root.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = serverBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries (initdb, pg_ctl) are not installed');
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-pg-'));
  const { uid, gid } = await postgresUser();
  chownSync(dir, uid, gid);
  const data = path.join(dir, 'data');
  const port = await freePort();
  const asPostgres = (command: string) => execFileAsync('su', ['postgres', '-s', '/bin/sh', '-c', command], { timeout: 60_000 });
  await asPostgres(`${bin}/initdb -D ${data} -A trust -U postgres --no-sync -E UTF8 > ${dir}/initdb.log 2>&1`);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  let running = false;
  const start = async () => {
    await asPostgres(`${bin}/pg_ctl -D ${data} -o '${options}' -l ${dir}/server.log -w -t 30 start > /dev/null`);
    running = true;
  };
  const stop = async () => {
    await asPostgres(`${bin}/pg_ctl -D ${data} -m fast -w -t 30 stop > /dev/null`);
    running = false;
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop,
    start,
    async destroy() {
      if (running) await stop().catch(() => {});
      removeDir(dir);
    },
  };
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all(
    ['-u', '-g'].map(async (flag) => Number((await execFileAsync('id', [flag, 'postgres'])).stdout.trim())),
  );
  return { uid: uid as number, gid: gid as number };
}
