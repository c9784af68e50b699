import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { spawnServer, waitFor200 } from './procs.mjs';

const run = promisify(execFile);
/** The built CLI; GATEHOUSE_BENCH_CLI points at another build (an A/B against an older commit). */
export const CLI =
  process.env.GATEHOUSE_BENCH_CLI ?? fileURLToPath(new URL('../../packages/gatehouse/dist/gatehouse.mjs', import.meta.url));
const PROBE = fileURLToPath(new URL('./ready-probe.mjs', import.meta.url));

/** The page origin every FAPI call claims to come from (a loopback origin, allowed on dev instances). */
export const APP_ORIGIN = 'http://127.0.0.1:5173';

function cliArgs({ port, dataDir, databaseUrl }) {
  return ['--port', String(port), '--data-dir', dataDir, ...(databaseUrl ? ['--database', databaseUrl] : [])];
}

/** Creates (first call) or reads the instance: migrations, keys; returns `gatehouse init --json`. */
export async function gatehouseEnv(target) {
  const { stdout } = await run(process.execPath, [CLI, 'init', '--json', ...cliArgs(target)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout);
}

/**
 * Starts `gatehouse start` and waits for the first 200 from /readyz. Returns the handle, the time
 * from spawn to that 200, and what the preloaded probe saw inside the processes.
 */
export async function startGatehouse(target, { workers, logFile, nodeArgs = [] }) {
  const probes = [];
  const spawnedAt = performance.timeOrigin + performance.now();
  const handle = spawnServer('gatehouse', process.execPath, [...nodeArgs, CLI, 'start', ...cliArgs(target), '--workers', String(workers)], {
    env: { NODE_OPTIONS: `--import=${PROBE}`, GATEHOUSE_WORKERS: undefined },
    logFile,
  });
  handle.child.stderr.on('data', (chunk) => {
    for (const line of String(chunk).split('\n')) {
      if (line.startsWith('BENCH-PROBE ')) probes.push(JSON.parse(line.slice('BENCH-PROBE '.length)));
    }
  });
  await waitFor200(`http://127.0.0.1:${target.port}/readyz`, handle);
  const readyAt = performance.timeOrigin + performance.now();
  const workerListeners = () => probes.filter((p) => p.event === 'listening' && p.role === 'worker').length;
  // Ready is the first 200 (one worker serves); the others fork then. Loads need every worker.
  for (const deadline = Date.now() + 20_000; workers > 1 && workerListeners() < workers; ) {
    if (Date.now() > deadline) throw new Error(`gatehouse: only ${workerListeners()} of ${workers} workers listened`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const allListeningAt = performance.timeOrigin + performance.now();
  const listening = probes.filter((p) => p.event === 'listening');
  const primary = listening.find((p) => p.role === 'primary') ?? probes.find((p) => p.role === 'primary');
  const lastListen = Math.max(...listening.map((p) => p.at));
  return {
    handle,
    spawnToReadyMs: readyAt - spawnedAt,
    // Until every worker listens (the same as ready with one worker).
    spawnToAllListeningMs: allListeningAt - spawnedAt,
    // Inside Gatehouse: from the first process's start (Node's own clock origin) to the last listener.
    inProcessMs: primary && listening.length ? lastListen - primary.processStart : Number.NaN,
    // The part of that spent after Node bootstrapped: imports, migrations check, boot, forks, listen.
    afterBootstrapMs: primary && listening.length ? lastListen - primary.preloadAt : Number.NaN,
    listeners: listening.length,
  };
}

/** JSON request helper for BAPI and FAPI calls made while setting up a scenario. */
export async function request(url, { method = 'GET', headers = {}, body } = {}) {
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {}
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${text.slice(0, 300)}`);
  return { res, json };
}

export function bapi(env, path, { method = 'GET', body } = {}) {
  return request(`${env.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${env.secretKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  }).then((r) => r.json);
}

export async function testingToken(env) {
  return (await bapi(env, '/v1/testing_tokens', { method: 'POST' })).token;
}

/** Signs in through the Frontend API as a browser would; returns its `__client` cookie and session id. */
export async function fapiSignIn(env, { email, password, token }) {
  const url = `${env.frontendApiUrl}/v1/client/sign_ins${token ? `?__clerk_testing_token=${encodeURIComponent(token)}` : ''}`;
  const { res, json } = await request(url, {
    method: 'POST',
    headers: { origin: APP_ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ identifier: email, password, strategy: 'password' }).toString(),
  });
  // A sign-in on a new client sets __client twice (the new client, then its rotated token): the last one counts, as in browsers.
  const cookie = res.headers
    .getSetCookie()
    .map((line) => /^__client=([^;]+)/.exec(line)?.[1])
    .filter(Boolean)
    .at(-1);
  const sessionId = json?.response?.created_session_id;
  if (!cookie || !sessionId) throw new Error(`sign-in of ${email} gave no cookie or session: ${JSON.stringify(json).slice(0, 300)}`);
  return { cookie, sessionId };
}
