/**
 * Turns the run's medians into rows: each figure, the ceiling or peer it is compared with (measured in
 * the same run), the ratio, the target and pass/miss. The table, RESULTS.md and the chart all
 * come from these rows.
 */
const int = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const ms = (n) => (Number.isFinite(n) ? `${n < 10 ? n.toFixed(1) : Math.round(n)} ms` : 'n/a');
const x = (n) => (Number.isFinite(n) ? `${n < 10 ? n.toFixed(2) : n.toFixed(1)}×` : 'n/a');
const failures = (...summaries) => summaries.reduce((sum, s) => sum + (s?.failures ?? 0), 0);

/** `better`: 'higher' (ratio ≥ target), 'lower' (ratio < target) or 'lower-or-equal' (ratio ≤ target). */
function row(fields) {
  const { ratio, target, better } = fields;
  let pass = null;
  if (Number.isFinite(ratio) && target !== undefined) {
    pass = better === 'higher' ? ratio >= target : better === 'lower' ? ratio < target : ratio <= target;
  }
  return { ...fields, pass };
}

export function scenarioRows(results) {
  const rows = [];
  for (const s of results.stores) {
    const store = s.store;
    const cores = results.options.workers;
    const argonCeiling = s.argon2OneCore * cores;
    rows.push(
      row({
        store,
        id: '1',
        name: 'Token refresh (FAPI), req/s',
        value: `${int(s.refresh.rps)} req/s (p50 ${ms(s.refresh.p50)}, p99 ${ms(s.refresh.p99)})`,
        ceiling: `(b) bare node:http RS256 signer ×${cores}: ${int(s.bareSign.rps)} req/s`,
        ratio: s.refresh.rps / s.bareSign.rps,
        target: 0.8,
        better: 'higher',
        failures: failures(s.refresh, s.bareSign),
      }),
      row({
        store,
        id: '1',
        name: 'Token refresh vs openssl',
        value: `${int(s.refresh.rps)} req/s`,
        ceiling: `(a) openssl speed -multi ${cores} rsa2048: ${int(s.opensslSignsPerSec)} signs/s`,
        ratio: s.refresh.rps / s.opensslSignsPerSec,
        better: 'higher',
        note: 'no target: the load generator shares the cores',
      }),
      row({
        store,
        id: '2',
        name: 'Password sign-in (FAPI), req/s',
        value: `${int(s.signIn.rps)} req/s (p99 ${ms(s.signIn.p99)})`,
        ceiling: `argon2id ${s.argon2OneCore.toFixed(1)}/s × ${cores} cores = ${argonCeiling.toFixed(1)}/s (${s.argon2AllCores.toFixed(1)}/s measured with ${cores} at once)`,
        ratio: s.signIn.rps / argonCeiling,
        target: 0.9,
        better: 'higher',
        failures: failures(s.signIn),
      }),
      row({
        store,
        id: '3',
        name: 'Token-refresh p99 during a sign-in storm',
        value: `${ms(s.refreshStorm.p99)} at ${int(s.stormRefreshRate)} req/s (storm: ${int(s.stormSignIn.rps)} sign-ins/s)`,
        ceiling: `alone at the same rate: ${ms(s.refreshAlone.p99)}`,
        ratio: s.refreshStorm.p99 / s.refreshAlone.p99,
        target: 2,
        better: 'lower-or-equal',
        failures: failures(s.refreshStorm, s.refreshAlone, s.stormSignIn),
      }),
      row({
        store,
        id: '4',
        name: 'BAPI GET /v1/users/{id}, req/s',
        value: `${int(s.getUser.rps)} req/s (p99 ${ms(s.getUser.p99)})`,
        ceiling: `node:http hello world ×${cores}: ${int(s.hello.rps)} req/s`,
        ratio: s.getUser.rps / s.hello.rps,
        target: 0.4,
        better: 'higher',
        failures: failures(s.getUser, s.hello),
      }),
    );
    if (s.largeSignIn) {
      const n = int(s.largeUsers);
      rows.push(
        row({
          store,
          id: '6',
          name: `Sign-in p99, ${n} vs ${int(s.users)} users`,
          value: `${ms(s.largeSignIn.large.p99)} (${int(s.largeSignIn.large.rps)} req/s)`,
          ceiling: `${ms(s.largeSignIn.base.p99)} (${int(s.largeSignIn.base.rps)} req/s)`,
          ratio: s.largeSignIn.large.p99 / s.largeSignIn.base.p99,
          target: 1.2,
          better: 'lower-or-equal',
          failures: failures(s.largeSignIn.large, s.largeSignIn.base),
        }),
        row({
          store,
          id: '6',
          name: `getUser p99, ${n} vs ${int(s.users)} users`,
          value: `${ms(s.largeGetUser.large.p99)} (${int(s.largeGetUser.large.rps)} req/s)`,
          ceiling: `${ms(s.largeGetUser.base.p99)} (${int(s.largeGetUser.base.rps)} req/s)`,
          ratio: s.largeGetUser.large.p99 / s.largeGetUser.base.p99,
          target: 1.2,
          better: 'lower-or-equal',
          failures: failures(s.largeGetUser.large, s.largeGetUser.base),
        }),
      );
    }
    for (const st of s.startup) {
      rows.push(
        row({
          store,
          id: '7',
          name: `Start → ready, --workers ${st.workers}`,
          value:
            `${ms(st.spawnToReadyMs)} spawn→/readyz 200 (in process ${ms(st.inProcessMs)})` +
            (st.workers === 1 && s.firstStartMs ? `; first start after the build, writing the code cache: ${ms(s.firstStartMs)}` : ''),
          ceiling: '—',
          ratio: st.spawnToReadyMs / 500,
          target: 1,
          better: 'lower',
          unit: 'of 0.5 s',
        }),
        row({
          store,
          id: '7',
          name: `Idle RSS, --workers ${st.workers}`,
          value:
            st.processes > 1
              ? `${int(st.maxProcessRssMB)} MB largest process, ${int(st.totalRssMB)} MB for all ${st.processes}`
              : `${int(st.maxProcessRssMB)} MB`,
          ceiling: '—',
          ratio: st.maxProcessRssMB / 100,
          target: 1,
          better: 'lower',
          unit: 'of 100 MB',
        }),
      );
    }
  }
  const a = results.apps;
  if (a) {
    rows.push(
      row({
        store: 'app',
        id: '5',
        name: 'App auth check: Express + @clerk/express (networkless)',
        value: `${int(a.clerk.rps)} req/s (p99 ${ms(a.clerk.p99)})`,
        ceiling: `Express + Better Auth getSession (SQLite): ${int(a.betterAuth.rps)} req/s (p99 ${ms(a.betterAuth.p99)})`,
        ratio: a.clerk.rps / a.betterAuth.rps,
        target: 10,
        better: 'higher',
        failures: failures(a.clerk, a.betterAuth),
      }),
      row({
        store: 'app',
        id: '5',
        name: 'App auth check: Express + bare verifyToken (informative)',
        value: `${int(a.verifyToken.rps)} req/s (p99 ${ms(a.verifyToken.p99)})`,
        ceiling: `Express + Better Auth getSession: ${int(a.betterAuth.rps)} req/s`,
        ratio: a.verifyToken.rps / a.betterAuth.rps,
        better: 'higher',
        note: 'no target: @clerk/backend verifyToken(token, { jwtKey }) without the middleware',
        failures: failures(a.verifyToken),
      }),
    );
    // Results written before the ceiling was measured have no `express`: the rows are left out.
    if (a.express) {
      rows.push(
        row({
          store: 'app',
          id: '5',
          name: 'App auth check: @clerk/express vs Express alone (informative)',
          value: `${int(a.clerk.rps)} req/s`,
          ceiling: `Express, same route and request, no auth: ${int(a.express.rps)} req/s (p99 ${ms(a.express.p99)})`,
          ratio: a.clerk.rps / a.express.rps,
          better: 'higher',
          note: "no target: the share of Express's own ceiling the @clerk/express route reaches",
          failures: failures(a.express),
        }),
        row({
          store: 'app',
          id: '5',
          name: 'App auth check: Express alone vs Better Auth (informative)',
          value: `${int(a.express.rps)} req/s`,
          ceiling: `Express + Better Auth getSession: ${int(a.betterAuth.rps)} req/s`,
          ratio: a.express.rps / a.betterAuth.rps,
          better: 'higher',
          note: 'no target: the highest ratio any middleware on this Express route could reach here',
        }),
      );
    }
  }
  return rows;
}

export function targetText(r) {
  if (r.target === undefined) return '—';
  if (r.unit) return `< ${r.unit.replace('of ', '')}`;
  const op = r.better === 'higher' ? '≥' : r.better === 'lower' ? '<' : '≤';
  return `${op} ${x(r.target)}`;
}

export function ratioText(r) {
  if (r.unit) return `${x(r.ratio)} ${r.unit}`;
  return x(r.ratio);
}

const verdict = (r) => (r.pass === null ? '—' : r.pass ? 'pass' : 'MISS') + (r.failures ? ` (${r.failures} failed requests)` : '');

/** Plain text for the terminal. */
export function renderTable(rows) {
  const header = ['store', '#', 'scenario', 'Gatehouse', 'ceiling / peer (same run)', 'ratio', 'target', 'result'];
  const body = rows.map((r) => [r.store, r.id, r.name, r.value, r.ceiling, ratioText(r), targetText(r), verdict(r)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
  const line = (cells) =>
    cells
      .map((c, i) => String(c).padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export { int, ms, verdict, x };
