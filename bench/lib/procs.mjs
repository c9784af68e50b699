import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import http from 'node:http';
import { sleep } from './log.mjs';

/** Every server this run started, so a crash or Ctrl-C still stops them (each by its own pid). */
const running = new Set();

export function spawnServer(name, command, args, { env = {}, logFile, cwd } = {}) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = logFile ? createWriteStream(logFile, { flags: 'a' }) : null;
  let tail = '';
  const keep = (chunk) => {
    out?.write(chunk);
    tail = (tail + chunk).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const handle = {
    name,
    child,
    pid: child.pid,
    exited,
    tail: () => tail,
    async stop(timeoutMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const result = await Promise.race([exited, sleep(timeoutMs).then(() => null)]);
      if (!result) {
        child.kill('SIGKILL');
        await exited;
      }
      running.delete(handle);
      out?.end();
    },
  };
  running.add(handle);
  exited.then(() => running.delete(handle));
  return handle;
}

export async function stopAll() {
  await Promise.all([...running].map((h) => h.stop(3000)));
}

/** One GET; resolves with the status code, or 0 when nothing answers yet. */
export function probe(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => req.destroy());
  });
}

/** Polls every 2 ms until the URL answers 200: the "ready" moment of a start. */
export async function waitFor200(url, handle, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (handle && handle.child.exitCode !== null) throw new Error(`${handle.name} exited early:\n${handle.tail()}`);
    if ((await probe(url)) === 200) return;
    await sleep(2);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms${handle ? `:\n${handle.tail()}` : ''}`);
}

/** A process and its descendants (cluster workers), from /proc. */
export function processTree(pid) {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    try {
      for (const task of readFileSync(`/proc/${pids[i]}/task/${pids[i]}/children`, 'utf8').trim().split(/\s+/)) {
        if (task) pids.push(Number(task));
      }
    } catch {}
  }
  return pids;
}

/** Resident set size in MB of each process of the tree (VmRSS). */
export function rssTree(pid) {
  return processTree(pid).map((p) => {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
      return { pid: p, rssMB: kb / 1024 };
    } catch {
      return { pid: p, rssMB: 0 };
    }
  });
}

/** Free TCP ports, so runs don't collide with the other servers on this machine. */
export async function freePort() {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
