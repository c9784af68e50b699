import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from './gatehouse.mjs';
import { log } from './log.mjs';
import { measureInTurns } from './measure.mjs';
import { freePort, spawnServer, waitFor200 } from './procs.mjs';
import { appSpec } from './specs.mjs';

const server = (name) => fileURLToPath(new URL(`../servers/${name}.mjs`, import.meta.url));

/**
 * Scenario 5: the app-side auth check. One Express process each: @clerk/express verifying a Gatehouse
 * session token networkless (CLERK_JWT_KEY), and Better Auth's getSession reading its SQLite store.
 * Gatehouse itself is not running: networkless means it is not asked. A third process, a bare
 * @clerk/backend verifyToken, shows what the middleware adds on top of the signature check, and a fourth,
 * the same Express route with no auth at all, is the ceiling: what Express itself serves on this machine.
 */
export async function runAppSection(env, longToken, opts, { logDir, cleanups }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-bench-apps-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const common = { NODE_ENV: 'production' };

  const clerkEnv = {
    ...common,
    CLERK_JWT_KEY: env.jwtKey,
    CLERK_SECRET_KEY: env.secretKey,
    CLERK_PUBLISHABLE_KEY: env.publishableKey,
    CLERK_API_URL: env.apiUrl,
    CLERK_TELEMETRY_DISABLED: '1',
  };
  const clerkPort = await freePort();
  const clerk = spawnServer('express + @clerk/express', process.execPath, [server('app-clerk')], {
    env: { ...clerkEnv, PORT: String(clerkPort) },
    logFile: path.join(logDir, 'app-clerk.log'),
  });
  const verifyPort = await freePort();
  const verify = spawnServer('express + verifyToken', process.execPath, [server('app-clerk')], {
    env: { ...clerkEnv, PORT: String(verifyPort), BENCH_CLERK_MODE: 'verifyToken' },
    logFile: path.join(logDir, 'app-verify-token.log'),
  });
  const expressPort = await freePort();
  const bare = spawnServer('express, no auth', process.execPath, [server('app-express')], {
    env: { ...common, PORT: String(expressPort) },
    logFile: path.join(logDir, 'app-express.log'),
  });
  const betterPort = await freePort();
  const better = spawnServer('express + better-auth', process.execPath, [server('app-better-auth')], {
    env: { ...common, PORT: String(betterPort), BENCH_DB_FILE: path.join(dir, 'better-auth.db') },
    logFile: path.join(logDir, 'app-better-auth.log'),
  });
  try {
    const clerkUrl = `http://127.0.0.1:${clerkPort}`;
    const verifyUrl = `http://127.0.0.1:${verifyPort}`;
    const betterUrl = `http://127.0.0.1:${betterPort}`;
    const expressUrl = `http://127.0.0.1:${expressPort}`;
    await waitFor200(`${betterUrl}/healthz`, better);
    log('apps: signing a user up through Better Auth');
    const signUp = await request(`${betterUrl}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: betterUrl },
      body: JSON.stringify({ email: 'bench@bench.example', password: 'bench-Correct-Horse-7', name: 'Bench' }),
    });
    const cookie = signUp.res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const clerkHeaders = { authorization: `Bearer ${longToken}` };
    const betterHeaders = { cookie };
    // Both must really be signed in: a 401 answered fast would flatter either side.
    for (const [url, headers, name] of [
      [clerkUrl, clerkHeaders, 'clerk'],
      [verifyUrl, clerkHeaders, 'verifyToken'],
      [betterUrl, betterHeaders, 'better-auth'],
      [expressUrl, clerkHeaders, 'express'],
    ]) {
      await waitForSignedIn(`${url}/me`, headers, name);
    }
    return await measureInTurns(
      'app auth check',
      [
        { name: 'betterAuth', spec: appSpec(betterUrl, betterHeaders) },
        { name: 'clerk', spec: appSpec(clerkUrl, clerkHeaders) },
        { name: 'verifyToken', spec: appSpec(verifyUrl, clerkHeaders) },
        // The ceiling gets the request the Clerk side gets (same path, same bearer token), unread.
        { name: 'express', spec: appSpec(expressUrl, clerkHeaders) },
      ],
      opts,
    );
  } finally {
    await clerk.stop();
    await verify.stop();
    await bare.stop();
    await better.stop();
  }
}

async function waitForSignedIn(url, headers, name) {
  const deadline = Date.now() + 20_000;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { headers });
      last = `${res.status} ${await res.text()}`;
      if (res.status === 200) return;
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name}: ${url} never answered signed in: ${last}`);
}
