import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_PASSWORD, benchEmail } from './bench-users.mjs';
import { argon2Rate, opensslRsaSigns } from './ceilings.mjs';
import { bapi, fapiSignIn, gatehouseEnv, startGatehouse, testingToken } from './gatehouse.mjs';
import { log } from './log.mjs';
import { measureInTurns } from './measure.mjs';
import { createDatabase } from './postgres.mjs';
import { freePort, processTree, waitFor200 } from './procs.mjs';
import { seedPostgres, seedSqlite } from './seed.mjs';
import { CONNECTIONS, getUserSpec, refreshSpec, signInSpec } from './specs.mjs';
import { measureFirstStart, measureStartup } from './startup.mjs';

/** Browsers (distinct users, each with its own `__client` cookie and session) that refresh tokens. */
const REFRESHING_BROWSERS = 64;

/**
 * A fresh Gatehouse instance on `store` (its own data dir; on PostgreSQL its own database), created
 * with `gatehouse init` and seeded with `users` users straight into the tables.
 */
async function createInstance(store, label, users, opts, cleanups) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `gatehouse-bench-${store}-${label}-`));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  let databaseUrl;
  if (store === 'postgres') {
    const db = await createDatabase(opts.pgUrl);
    cleanups.push(() => db.drop());
    databaseUrl = db.url;
    log(`${store}/${label}: created database ${db.name}`);
  }
  const target = { port: await freePort(), dataDir, databaseUrl };
  log(`${store}/${label}: creating the instance (migrations, keys) in ${dataDir}`);
  const env = await gatehouseEnv(target);
  const seedSeconds =
    store === 'sqlite' ? await seedSqlite(path.join(dataDir, 'gatehouse.db'), 0, users) : await seedPostgres(databaseUrl, 0, users);
  return { target, env, seedSeconds };
}

/**
 * Everything measured against one store (SQLite or PostgreSQL): scenarios 1–4, 6 and 7, each next to
 * the ceilings it is compared with, measured in turns in this same section. `ceilingServers` holds the
 * URLs of the bare node:http servers, started once for the whole run and idle when not driven.
 */
export async function runStoreSection(store, opts, { ceilingServers, logDir, cleanups }) {
  const logFile = path.join(logDir, `${store}-gatehouse.log`);
  // The ceilings must still be up: a dead one would read as 0 req/s next to every figure.
  for (const url of Object.values(ceilingServers)) await waitFor200(`${url}/`, null, 5000);
  const base = await createInstance(store, 'base', opts.baseUsers, opts, cleanups);
  const { env } = base;
  const result = { store, users: opts.baseUsers, seedBaseSeconds: base.seedSeconds, env };

  // Scenario 7 first, while nothing else of ours runs: cold starts and idle memory.
  result.firstStartMs = await measureFirstStart(base.target, { logFile });
  result.startup = [];
  for (const workers of [...new Set([1, opts.workers])]) {
    result.startup.push(await measureStartup(base.target, { workers, starts: Math.max(3, opts.reps), logFile }));
  }

  const gatehouse = await startGatehouse(base.target, { workers: opts.workers, logFile });
  log(`${store}: Gatehouse serving with ${opts.workers} workers on :${base.target.port}`);
  // Gatehouse's own targets also say where each request's CPU went (its threads vs the rest of the machine).
  const cpuPids = () => processTree(gatehouse.handle.pid);
  try {
    const token = await testingToken(env);
    log(`${store}: signing in ${REFRESHING_BROWSERS} browsers through the Frontend API`);
    const sessions = [];
    for (let i = 0; i < REFRESHING_BROWSERS; i++) {
      const { cookie, sessionId } = await fapiSignIn(env, { email: benchEmail(i), password: BENCH_PASSWORD, token });
      sessions.push({ id: sessionId, cookie });
    }

    // Ceilings that need no server: RSA-2048 signatures (openssl) and argon2id hashes.
    const ceilingSeconds = Math.max(3, Math.ceil(opts.duration / 2));
    log(`${store}: ceilings: openssl speed -multi ${opts.workers} rsa2048, argon2id at OWASP parameters`);
    result.opensslSignsPerSec = await opensslRsaSigns(opts.workers, ceilingSeconds);
    result.argon2OneCore = await argon2Rate(ceilingSeconds, 1);
    result.argon2AllCores = await argon2Rate(ceilingSeconds, opts.workers);
    log(
      `${store}: openssl ${Math.round(result.opensslSignsPerSec)} signs/s; argon2id ${result.argon2OneCore.toFixed(1)}/s on one core, ` +
        `${result.argon2AllCores.toFixed(1)}/s running ${opts.workers} at once`,
    );

    // Scenario 1: token refresh vs a bare node:http signer.
    Object.assign(
      result,
      await measureInTurns(
        `${store} token refresh`,
        [
          { name: 'bareSign', spec: refreshSpec(env, sessions, { url: ceilingServers.bareSign }) },
          { name: 'refresh', spec: refreshSpec(env, sessions), cpuPids },
        ],
        opts,
      ),
    );

    // Scenario 2: password sign-in from fresh browsers (no cookie), a random seeded user each time.
    Object.assign(
      result,
      await measureInTurns(`${store} sign-in`, [{ name: 'signIn', spec: signInSpec(env, token, opts.baseUsers), cpuPids }], opts),
    );

    // Scenario 4: BAPI getUser vs hello world.
    Object.assign(
      result,
      await measureInTurns(
        `${store} getUser`,
        [
          { name: 'hello', spec: getUserSpec(env, opts.baseUsers, { url: ceilingServers.hello }) },
          { name: 'getUser', spec: getUserSpec(env, opts.baseUsers), cpuPids },
        ],
        opts,
      ),
    );

    // Scenario 3: token refresh at a fixed rate (a quarter of the maximum just measured), alone and
    // during a saturating sign-in storm. A fixed rate makes p99 a latency rather than a queue length:
    // under closed-loop saturation p99 mostly follows the number of connections.
    result.stormRefreshRate = Math.max(10, Math.round(result.refresh.rps / 4));
    const fixedRefresh = refreshSpec(env, sessions, { overallRate: result.stormRefreshRate, connections: CONNECTIONS.refreshUnderStorm });
    const storm = await measureInTurns(
      `${store} refresh under a sign-in storm`,
      [
        { name: 'alone', spec: fixedRefresh },
        { name: 'storm', specs: { refresh: fixedRefresh, signIn: signInSpec(env, token, opts.baseUsers) } },
      ],
      opts,
    );
    result.refreshAlone = storm.alone;
    result.refreshStorm = storm.storm.refresh;
    result.stormSignIn = storm.storm.signIn;

    // For scenario 5: a long-lived session token of a signed-in user, minted through BAPI.
    result.longToken = (
      await bapi(env, `/v1/sessions/${sessions[0].id}/tokens`, { method: 'POST', body: { expires_in_seconds: 3600 } })
    ).jwt;

    // Scenario 6: a second instance holding the large population, measured in turns with this one.
    if (opts.largeOn.includes(store) && opts.largeUsers > opts.baseUsers) {
      Object.assign(result, await measureLargePopulation(store, opts, { env, token, cleanups, logFile }));
    }
  } finally {
    await gatehouse.handle.stop();
  }
  return result;
}

async function measureLargePopulation(store, opts, { env, token, cleanups, logFile }) {
  log(`${store}: building a second instance with ${opts.largeUsers.toLocaleString('en-US')} users`);
  const large = await createInstance(store, 'large', opts.largeUsers, opts, cleanups);
  const largeStartup = await measureStartup(large.target, { workers: opts.workers, starts: 1, logFile });
  const server = await startGatehouse(large.target, { workers: opts.workers, logFile });
  try {
    const largeToken = await testingToken(large.env);
    const n = opts.largeUsers.toLocaleString('en-US');
    const signIn = await measureInTurns(
      `${store} sign-in, ${opts.baseUsers} vs ${n} users`,
      [
        { name: 'base', spec: signInSpec(env, token, opts.baseUsers) },
        { name: 'large', spec: signInSpec(large.env, largeToken, opts.largeUsers) },
      ],
      opts,
    );
    const getUser = await measureInTurns(
      `${store} getUser, ${opts.baseUsers} vs ${n} users`,
      [
        { name: 'base', spec: getUserSpec(env, opts.baseUsers) },
        { name: 'large', spec: getUserSpec(large.env, opts.largeUsers) },
      ],
      opts,
    );
    return { largeUsers: opts.largeUsers, seedLargeSeconds: large.seedSeconds, largeStartup, largeSignIn: signIn, largeGetUser: getUser };
  } finally {
    await server.handle.stop();
  }
}
