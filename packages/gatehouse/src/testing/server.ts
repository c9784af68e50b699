import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { EnvironmentReport } from '../boot.js';

const execFileAsync = promisify(execFile);
const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../cli/main.ts');
/** The CLI runs from source through tsx, so tests never depend on a stale build. */
const NODE_ARGS = ['--import', 'tsx', CLI];

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface ServerOptions {
  /** `sqlite:<file>` or `postgres://…`; defaults to SQLite in the data dir. */
  databaseUrl?: string;
  dataDir?: string;
  port?: number;
  extraArgs?: string[];
  env?: NodeJS.ProcessEnv;
  /** Node's arguments before the command: a built CLI (`[dist/gatehouse.mjs]`); default main.ts via tsx. */
  cli?: string[];
}

export interface RunningServer {
  url: string;
  port: number;
  dataDir: string;
  process: ChildProcess;
  output(): string;
  env: EnvironmentReport;
  /** SIGTERM, then wait for exit; resolves to the exit code. */
  stop(): Promise<number | null>;
}

function cliArgs(options: Required<Pick<ServerOptions, 'dataDir' | 'port'>> & ServerOptions): string[] {
  return [
    '--port',
    String(options.port),
    '--data-dir',
    options.dataDir,
    ...(options.databaseUrl ? ['--database', options.databaseUrl] : []),
    ...(options.extraArgs ?? []),
  ];
}

/** Runs `gatehouse env --json` with the same flags a server got. */
export async function runEnvJson(options: ServerOptions & { dataDir: string; port: number }): Promise<EnvironmentReport> {
  const { stdout } = await execFileAsync(process.execPath, [...(options.cli ?? NODE_ARGS), 'env', '--json', ...cliArgs(options)], {
    env: { ...process.env, ...options.env },
  });
  return JSON.parse(stdout) as EnvironmentReport;
}

/** Runs the CLI to completion; `user` runs it as another user (a root test run checking permissions). */
export async function runCli(
  args: string[],
  env?: NodeJS.ProcessEnv,
  options: { user?: { uid: number; gid: number } } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [...NODE_ARGS, ...args], {
      env: { ...process.env, ...env },
      ...options.user,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Starts a real `gatehouse start` process on a free loopback port and waits for `/readyz`. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'gatehouse-test-'));
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, [...(options.cli ?? NODE_ARGS), 'start', ...cliArgs({ ...options, dataDir, port })], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gatehouse start exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`gatehouse start did not become ready:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const env = await runEnvJson({ ...options, dataDir, port });
  return {
    url,
    port,
    dataDir,
    process: child,
    output: () => output,
    env,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
