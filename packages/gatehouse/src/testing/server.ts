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

/** Whether the server runs several workers, which need a fixed port (`--port 0` is one process only). */
function clustered(options: ServerOptions): boolean {
  const flag = options.extraArgs?.indexOf('--workers') ?? -1;
  const workers = flag >= 0 ? options.extraArgs?.[flag + 1] : options.env?.GATEHOUSE_WORKERS;
  return workers !== undefined && Number(workers) > 1;
}

/** The port a started server says it bound (`… (bound to 127.0.0.1:4123)`), once it has said it. */
function boundPort(output: string): number | undefined {
  const match = /\(bound to [^()]*:(\d+)\)/.exec(output);
  return match ? Number(match[1]) : undefined;
}

/**
 * Starts a real `gatehouse start` process and waits for `/readyz`. Without a port it binds port 0 and
 * reads the port it got from its start-up line, so no other process can take the port between a
 * probe and the bind (a clustered start still gets a probed free port).
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'gatehouse-test-'));
  const requestedPort = options.port ?? (clustered(options) ? await freePort() : 0);
  const child = spawn(
    process.execPath,
    [...(options.cli ?? NODE_ARGS), 'start', ...cliArgs({ ...options, dataDir, port: requestedPort })],
    {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  // Generous: a start takes ~1 s alone, but up to ~20 s on a 2-core machine running the suite's files in parallel.
  const deadline = Date.now() + 60_000;
  let port = requestedPort === 0 ? undefined : requestedPort;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gatehouse start exited with ${child.exitCode}:\n${output}`);
    port ??= boundPort(output);
    try {
      if (port === undefined) throw new Error('not bound yet');
      const url = `http://127.0.0.1:${port}`;
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
  const url = `http://127.0.0.1:${port}`;
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
