import { int, ms, ratioText, targetText, verdict } from './report.mjs';
import { CONNECTIONS } from './specs.mjs';
import { renderWebhooksSection } from './webhooks-report.mjs';

/** bench/RESULTS.md: conditions first, then the chart, the summary table and every median behind it. */
export function renderMarkdown(rows, results, svgName, webhooks) {
  const m = results.machine;
  const o = results.options;
  const out = [];
  const p = (line = '') => out.push(line);
  const minutes = `${Math.floor(results.totalSeconds / 60)} min ${Math.round(results.totalSeconds % 60)} s`;

  p('# Gatehouse benchmarks');
  p();
  p(`Written by \`npm run bench\` (bench/run.mjs) on ${m.date}; the whole run took ${minutes}.`);
  if (o.quick) p('\n**QUICK RUN** (`--quick`): one short run per target. It checks the harness and proves nothing.');
  p();
  p('## Conditions');
  p();
  p(
    `- **Machine**: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; Node ${m.node}; ${m.openssl}` +
      (results.postgresVersion ? `; PostgreSQL ${results.postgresVersion} on the same machine` : '') +
      '.',
  );
  p(
    `- **Shared, noisy CPU**: other work ran on the machine during the run (load average ${m.loadAvgAtStart.join(' / ')} at the start, ${(m.loadAvgAtEnd ?? []).join(' / ')} at the end). Expect ±20% between runs; the per-run figures below show the spread.`,
  );
  p(
    `- **Gatehouse**: the built CLI, \`gatehouse start --workers ${o.workers}\` (node:cluster), a fresh instance per store, development instance type, in-memory rate limiter.`,
  );
  p(
    `- **Load**: autocannon in a separate Node process (one process: it shares the ${m.cores} cores with the server, as it does when driving the ceilings). Connections: token refresh ${CONNECTIONS.refresh}, sign-in ${CONNECTIONS.signIn}, getUser ${CONNECTIONS.getUser}, app check ${CONNECTIONS.app}; refresh during the storm ${CONNECTIONS.refreshUnderStorm} at a fixed rate.`,
  );
  p(
    `- **Repetitions**: each target gets one discarded ${o.warmup} s warm-up, then ${o.reps} runs × ${o.duration} s taken in turns with what it is compared with (A B A B …); figures are medians of the runs. Latencies are autocannon's, in whole milliseconds.`,
  );
  p(
    `- **Data**: ${int(o.baseUsers)} users seeded straight into the tables (one shared argon2id hash at Gatehouse's parameters)` +
      (results.stores.some((s) => s.largeUsers) ? `; a second instance with ${int(o.largeUsers)} users for scenario 6.` : '.'),
  );
  p(
    '- **Ceilings**: measured in this run, next to the figure they bound. Bare node:http servers run with the same process count as Gatehouse.',
  );
  p();
  p('## Results');
  p();
  p(`![Ratios to the ceilings](${svgName})`);
  p();
  p('| store | # | scenario | Gatehouse | ceiling / peer (same run) | ratio | target | result |');
  p('|---|---|---|---|---|---|---|---|');
  for (const r of rows)
    p(
      `| ${r.store} | ${r.id} | ${r.name} | ${r.value} | ${r.ceiling}${r.note ? ` (${r.note})` : ''} | ${ratioText(r)} | ${targetText(r)} | ${verdict(r)} |`,
    );
  p();
  for (const line of renderWebhooksSection(webhooks)) p(line);
  p('## Every median and run');
  p();
  p('| store | target | req/s (median) | p50 | p90 | p99 | req/s of each run | p99 of each run | failed requests |');
  p('|---|---|---|---|---|---|---|---|---|');
  const line = (store, name, s) =>
    s &&
    p(
      `| ${store} | ${name} | ${int(s.rps)} | ${ms(s.p50)} | ${ms(s.p90)} | ${ms(s.p99)} | ${s.rpsAll.map(int).join(', ')} | ${s.p99All.map((v) => ms(v)).join(', ')} | ${s.failures} |`,
    );
  for (const s of results.stores) {
    line(s.store, 'bare node:http RS256 signer', s.bareSign);
    line(s.store, 'Gatehouse token refresh', s.refresh);
    line(s.store, 'Gatehouse password sign-in', s.signIn);
    line(s.store, 'node:http hello world', s.hello);
    line(s.store, 'Gatehouse BAPI getUser', s.getUser);
    line(s.store, `token refresh at ${int(s.stormRefreshRate)} req/s, alone`, s.refreshAlone);
    line(s.store, `token refresh at ${int(s.stormRefreshRate)} req/s, during the storm`, s.refreshStorm);
    line(s.store, 'sign-in storm (next to the refreshes)', s.stormSignIn);
    if (s.largeSignIn) {
      line(s.store, `sign-in, ${int(s.users)} users`, s.largeSignIn.base);
      line(s.store, `sign-in, ${int(s.largeUsers)} users`, s.largeSignIn.large);
      line(s.store, `getUser, ${int(s.users)} users`, s.largeGetUser.base);
      line(s.store, `getUser, ${int(s.largeUsers)} users`, s.largeGetUser.large);
    }
  }
  if (results.apps) {
    line('app', 'Express + Better Auth getSession', results.apps.betterAuth);
    line('app', 'Express + @clerk/express (networkless)', results.apps.clerk);
    line('app', 'Express + @clerk/backend verifyToken (no middleware)', results.apps.verifyToken);
    line('app', 'Express alone, same route, no auth (ceiling)', results.apps.express);
  }
  p();
  cpuTable(results, p);
  p();
  p(
    '| store | start | spawn → first 200 from /readyz | spawn → every worker listening | in process (Node start → last listener) | after Node bootstrap | idle RSS, largest process | idle RSS, all processes |',
  );
  p('|---|---|---|---|---|---|---|---|');
  for (const s of results.stores) {
    const starts = [...s.startup.map((st) => [`${int(s.users)} users, --workers ${st.workers} (median of ${st.starts})`, st])];
    if (s.largeStartup) starts.push([`${int(s.largeUsers)} users, --workers ${s.largeStartup.workers} (1 start)`, s.largeStartup]);
    for (const [label, st] of starts) {
      p(
        `| ${s.store} | ${label} | ${ms(st.spawnToReadyMs)} | ${ms(st.spawnToAllListeningMs ?? st.spawnToReadyMs)} | ${ms(st.inProcessMs)} | ${ms(st.afterBootstrapMs)} | ${int(st.maxProcessRssMB)} MB | ${int(st.totalRssMB)} MB (${st.processes} processes) |`,
      );
    }
  }
  p();
  p('| store | other measurements | |');
  p('|---|---|---|');
  for (const s of results.stores) {
    p(`| ${s.store} | openssl speed -multi ${o.workers} rsa2048 | ${int(s.opensslSignsPerSec)} signs/s |`);
    p(
      `| ${s.store} | argon2id (m=19456, t=2, p=1), one core / ${o.workers} at once | ${s.argon2OneCore.toFixed(1)} / ${s.argon2AllCores.toFixed(1)} hashes/s |`,
    );
    p(
      `| ${s.store} | seeding ${int(s.users)} users` +
        (s.largeUsers ? ` / ${int(s.largeUsers)} users` : '') +
        ` | ${s.seedBaseSeconds.toFixed(1)} s` +
        (s.largeUsers ? ` / ${s.seedLargeSeconds.toFixed(1)} s` : '') +
        ' |',
    );
  }
  p();
  const notes = readingNotes(results);
  if (notes.length) {
    p('## Reading these figures');
    p();
    for (const note of notes) p(`- ${note}`);
    p();
  }
  p('## What each scenario measures');
  p();
  p(
    "1. **Token refresh**: `POST /v1/client/sessions/{id}/tokens` with the `__client` cookie, round-robin over 64 browsers signed in through the Frontend API. Ceilings: (a) `openssl speed -multi <cores> rsa2048` signatures/s, with no HTTP and the whole machine to itself; (b) a bare node:http server that signs one RS256 JWT per request with node:crypto, same process count, driven with the same recipe (the next browser's cookie each time, which it ignores).",
  );
  p(
    "2. **Password sign-in**: `POST /v1/client/sign_ins` with `identifier`, `password`, `strategy=password` from a fresh browser each time (no cookie: a new client, sign-in and session per request), a random seeded user each time, with `?__clerk_testing_token=` so the per-IP/identifier limits (20/min) do not answer 429. One request does create + attempt. Ceiling: argon2id hashes/s at OWASP parameters on one core × cores (the issue's definition); the rate with all cores hashing at once is shown beside it.",
  );
  p(
    "3. **Refresh during a sign-in storm**: token refreshes at a fixed rate (a quarter of scenario 1's median) measured alone, then while a saturating sign-in load runs next to them. A fixed rate keeps p99 a latency: with closed-loop load it would mostly follow the connection count.",
  );
  p(
    "4. **BAPI getUser**: `GET /api/v1/users/{id}` with the secret key, a random seeded user each time. Ceiling: a node:http hello world with the same process count, driven with the same recipe (a random seeded user's id each time, which it ignores), so the load generator spends the same per request on both.",
  );
  p(
    "5. **App-side auth check**: one Express process with `clerkMiddleware()` verifying a Gatehouse session token (minted through BAPI with `expires_in_seconds: 3600`) from `Authorization: Bearer`, networkless with `CLERK_JWT_KEY`; against one Express process whose route calls Better Auth's `auth.api.getSession({ headers })` (better-sqlite3, default options: no cookie cache, so a database read per check) with the session cookie of a user signed up through Better Auth's API. Both routes answer `{ userId }`; a 401 would count as a failure." +
      (results.apps?.express
        ? " Ceiling: the same Express app and route with no auth at all (a fixed `{ userId }`), sent the Clerk side's request, in turns with the others."
        : ''),
  );
  p(
    `6. **Large population**: the sign-in and getUser loads of 2 and 4 against two instances measured in turns, one with ${int(o.baseUsers)} users and one with ${int(o.largeUsers)} (rows inserted straight into \`users\` and \`email_addresses\`; PostgreSQL is \`ANALYZE\`d after the load). Users are picked uniformly from the whole population, so the large instance cannot serve from a small hot set.`,
  );
  p(
    '7. **Start and memory**: restarts of an initialised instance, from spawn to the first 200 from `/readyz` (polled every 2 ms); "in process" comes from a probe preloaded with `NODE_OPTIONS=--import` that notes Node\'s start and each server\'s `listening` (no server code changed). Idle RSS is read from /proc 3 s after ready.',
  );
  p();
  return `${out.join('\n')}\n`;
}

/** Where each answered request's CPU went, for Gatehouse's targets that were accounted (measure.mjs). */
function cpuTable(results, p) {
  const cores = results.options.workers;
  const micros = (n) => (Number.isFinite(n) ? `${int(n)} µs` : 'n/a');
  const rows = [];
  for (const s of results.stores) {
    for (const [name, summary] of [
      ['token refresh', s.refresh],
      ['password sign-in', s.signIn],
      ['BAPI getUser', s.getUser],
    ]) {
      const c = summary?.cpu;
      if (!c) continue;
      rows.push(
        `| ${s.store} | ${name} | ${micros(c.machine)} | ${c.hashing ? micros(c.hashing) : '—'} | ${micros(c.gatehouseRest)} | ${micros(c.elsewhere)} | ${c.busyCores.toFixed(2)} of ${cores} |`,
      );
    }
  }
  if (rows.length === 0) return;
  p(
    "CPU per answered request (medians of the runs above, from /proc): Gatehouse's argon2id threads, the rest of Gatehouse's processes (event loops: HTTP, the database, RS256 signing), and everything else the machine did meanwhile (the load generator and its start, the kernel, PostgreSQL, other tenants). Cores busy: the machine's CPU time over the wall time of the runs.",
  );
  p();
  p('| store | target | machine, all of it | argon2id threads | rest of Gatehouse | elsewhere | cores busy |');
  p('|---|---|---|---|---|---|---|');
  for (const row of rows) p(row);
}

/** Caveats that follow from this run's own numbers, so the report says them whatever the figures are. */
function readingNotes(results) {
  const notes = [];
  for (const s of results.stores) {
    if (s.opensslSignsPerSec < s.bareSign.rps) {
      notes.push(
        `${s.store}: openssl's RSA-2048 figure (${int(s.opensslSignsPerSec)} signs/s) came out below the bare node:http signer's ` +
          `(${int(s.bareSign.rps)} req/s): openssl ran once, for a few seconds, while other work had the cores. Ceiling (a) is indicative only; the target is set against (b), measured in turns with Gatehouse.`,
      );
    }
  }
  notes.push(
    'Password sign-in is compared with one-core argon2id × cores, which assumes idle cores; the load generator and the other processes on the machine take part of them. The rate measured with every core hashing at once is shown beside it.',
  );
  const cores = results.options.workers;
  for (const s of results.stores) {
    const c = s.signIn?.cpu;
    if (!c?.hashing) continue;
    const alone = 1e3 / s.argon2OneCore;
    const together = (1e3 * cores) / s.argon2AllCores;
    notes.push(
      `${s.store}: a password sign-in cost ${ms(c.machine / 1e3)} of CPU on the machine: ${ms(c.hashing / 1e3)} of argon2id on Gatehouse's hashing threads ` +
        `(one hash alone on a core takes ${ms(alone)}; with ${cores} hashing at once, ${ms(together)} of CPU each), ${ms(c.gatehouseRest / 1e3)} in the rest of Gatehouse ` +
        `(HTTP, the database, the RS256 session token in the answer) and ${ms(c.elsewhere / 1e3)} elsewhere (the load generator, the kernel, PostgreSQL). ` +
        `With every core busy, ≥ 0.90× of the one-core rate × cores allows ${ms(alone / 0.9)} per sign-in in all.`,
    );
  }
  const a = results.apps;
  if (a?.verifyToken && a.clerk) {
    notes.push(
      `App-side check: Gatehouse is not called at all (networkless). A bare \`verifyToken\` of the same token answers ${int(a.verifyToken.rps)} req/s against ${int(a.clerk.rps)} req/s behind \`clerkMiddleware()\`: about ${Math.round((1 - a.clerk.rps / a.verifyToken.rps) * 100)}% of the Clerk side's time per request is the middleware's own work, not the checking of the token Gatehouse issued.`,
    );
  }
  if (a?.express && a.clerk && a.betterAuth) {
    const tenfold = 10 * a.betterAuth.rps;
    notes.push(
      `App-side ceiling: the same Express route with no auth at all answers ${int(a.express.rps)} req/s, ${(a.express.rps / a.betterAuth.rps).toFixed(1)}× Better Auth's ${int(a.betterAuth.rps)} req/s; behind \`clerkMiddleware()\` the route gets ${Math.round((100 * a.clerk.rps) / a.express.rps)}% of that. The 10× target would need ${int(tenfold)} req/s, ` +
        (tenfold > a.express.rps
          ? "more than Express serves here with no auth at all: no middleware in front of this route can meet it on this machine, whatever the token's issuer does."
          : `within Express's own ceiling (${Math.round((100 * tenfold) / a.express.rps)}% of it).`),
    );
  }
  return notes;
}
