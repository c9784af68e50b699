import { type ChildProcess, execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');
const NEXT_BIN = path.join(REPO_ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');

export interface RunningExample {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/** Only what `gatehouse env` prints plus the basics: an example sees configuration, nothing else. */
function exampleEnv(clerkEnv: Record<string, string>, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    ...clerkEnv,
    NEXT_TELEMETRY_DISABLED: '1',
    ...extra,
  };
}

/** Starts a process and resolves once `ready` matches its output (or fails with the output). */
export async function startProcess(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; ready?: RegExp; url: string; timeoutMs?: number },
): Promise<RunningExample> {
  // Its own process group: `next start` forks `next-server`, and both must go on stop.
  const child: ChildProcess = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start:\n${output}`)), options.timeoutMs ?? 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (options.ready?.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with ${code}:\n${output}`));
    });
    if (!options.ready) {
      waitForHttp(options.url, options.timeoutMs).then(() => {
        clearTimeout(timer);
        resolve();
      }, reject);
    }
  });
  return {
    url: options.url,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null || !child.pid) return resolve();
        const timer = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        process.kill(-child.pid, 'SIGTERM');
      }),
  };
}

/** `examples/express-hello-world`: the seed's server.js, configured by env only. */
export function startExpressExample(clerkEnv: Record<string, string>, port: number): Promise<RunningExample> {
  return startProcess(process.execPath, ['server.js'], {
    cwd: path.join(EXAMPLES_DIR, 'express-hello-world'),
    env: exampleEnv(clerkEnv, { PORT: String(port) }),
    // The seed's app prints nothing; its port answering is the ready signal.
    url: `http://127.0.0.1:${port}`,
  });
}

/** `next build` with the instance's variables (NEXT_PUBLIC_* values are inlined at build time). */
export async function buildNextExample(clerkEnv: Record<string, string>): Promise<void> {
  await execFileAsync(process.execPath, [NEXT_BIN, 'build'], {
    cwd: path.join(EXAMPLES_DIR, 'nextjs-hello-world'),
    env: exampleEnv(clerkEnv, {}),
    maxBuffer: 32 * 1024 * 1024,
  });
}

/**
 * `next start` run directly (not through npx, which would orphan `next-server`); `dir` is where the
 * build is (default the checkout's example; a README test's clone, see example-builds.ts).
 */
export function startNextExample(
  clerkEnv: Record<string, string>,
  port: number,
  dir = path.join(EXAMPLES_DIR, 'nextjs-hello-world'),
): Promise<RunningExample> {
  // The `next` of the checkout the example is in (a clone has its own node_modules).
  const next = path.resolve(dir, '..', '..', 'node_modules', 'next', 'dist', 'bin', 'next');
  return startProcess(process.execPath, [next, 'start', '-H', 'localhost', '-p', String(port)], {
    cwd: dir,
    env: exampleEnv(clerkEnv, {}),
    ready: /Ready in/,
    url: `http://127.0.0.1:${port}`,
  });
}

/** Waits until an HTTP server answers at `url`. */
export async function waitForHttp(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url, { redirect: 'manual' });
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${url} did not answer`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

const VITE_BIN = path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');

export type ViteExample = 'react-vite' | 'vue-vite';

/** `vite build` of a Vite example with the instance's variables (VITE_* values are inlined at build time). */
export async function buildViteExample(name: ViteExample, clerkEnv: Record<string, string>): Promise<void> {
  await execFileAsync(process.execPath, [VITE_BIN, 'build', '--logLevel', 'warn'], {
    cwd: path.join(EXAMPLES_DIR, name),
    env: exampleEnv(clerkEnv, {}),
    maxBuffer: 32 * 1024 * 1024,
  });
}

/** A Vite example's `server.js`: the built SPA and its token-checking `/api/me`, on 127.0.0.1 (so also localhost). */
export function startViteExample(
  name: ViteExample,
  clerkEnv: Record<string, string>,
  port: number,
  dir = path.join(EXAMPLES_DIR, name),
): Promise<RunningExample> {
  return startProcess(process.execPath, ['server.js'], {
    cwd: dir,
    env: exampleEnv(clerkEnv, { PORT: String(port) }),
    ready: /app on http/,
    url: `http://127.0.0.1:${port}`,
  });
}

/**
 * `examples/vue-onboarding`'s `npm start` (start.mjs) as its README runs it: sets the session-token
 * template, makes backend/.venv if missing (CI makes it first, see .ci/run), `vite build`, then uvicorn
 * serving the FastAPI backend and the built app on one port.
 */
export function startVueOnboardingExample(clerkEnv: Record<string, string>, port: number): Promise<RunningExample> {
  return startProcess(process.execPath, ['start.mjs'], {
    cwd: path.join(EXAMPLES_DIR, 'vue-onboarding'),
    env: exampleEnv(clerkEnv, { PORT: String(port) }),
    ready: /onboarding app on http/,
    url: `http://127.0.0.1:${port}`,
    timeoutMs: 300_000,
  });
}

const USER_SYNC_DIR = path.join(EXAMPLES_DIR, 'user-sync');

/** `examples/user-sync`'s `npm run build`: Prisma client, `nest build`, `next build web`. */
export async function buildUserSyncExample(clerkEnv: Record<string, string>, extra: Record<string, string>): Promise<void> {
  await execFileAsync(process.execPath, ['scripts/build.mjs'], {
    cwd: USER_SYNC_DIR,
    env: exampleEnv(clerkEnv, extra),
    maxBuffer: 64 * 1024 * 1024,
  });
}

/**
 * `examples/user-sync`'s `npm start`: migrations on DATABASE_URL, the webhook endpoint registered with
 * Gatehouse, the NestJS API on API_PORT and `next start` on PORT.
 */
export function startUserSyncExample(
  clerkEnv: Record<string, string>,
  extra: Record<string, string>,
  dir = USER_SYNC_DIR,
): Promise<RunningExample> {
  return startProcess(process.execPath, ['scripts/start.mjs'], {
    cwd: dir,
    env: exampleEnv(clerkEnv, extra),
    ready: /user-sync app on http/,
    url: `http://127.0.0.1:${extra.PORT}`,
    timeoutMs: 180_000,
  });
}
