import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** bench/webhooks-results.json (written by `npm run bench:webhooks`), per store; undefined if never run. */
export function readWebhookResults(dir) {
  const file = path.join(dir, 'webhooks-results.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

const n0 = (x) => Math.round(x).toLocaleString('en-US');
/** The median, with the spread of the runs behind it: `62 (58–108)`. */
const spread = (w, key, median) => {
  const xs = (w.perRun ?? []).map((r) => r[key]);
  return xs.length > 1 ? `${n0(median)} (${n0(Math.min(...xs))}–${n0(Math.max(...xs))})` : n0(median);
};

/**
 * RESULTS.md's "Webhooks" section: sign-ups/s without and with an endpoint (same instance, in
 * turns), events delivered/s sustained, event → delivered p50/p99. Measured by `bench/webhooks.mjs`,
 * apart from the main run, so its own date and load are given.
 */
export function renderWebhooksSection(webhooks) {
  const stores = ['sqlite', 'postgres'].filter((db) => webhooks?.[db]);
  if (stores.length === 0) return [];
  const out = ['## Webhooks', ''];
  out.push(
    'Measured by `npm run bench:webhooks -- --db <store>` (`bench/webhooks.mjs`), not by `npm run bench`: one Gatehouse (`--workers` as given), sign-ups at full speed (BAPI `POST /v1/users` without a password, the cheapest write that raises an event), a receiver on loopback in the load generator\'s process answering 200. "Without webhooks" and "with" are the same instance in turns (its one endpoint disabled, then enabled), medians of the runs (in brackets: the lowest and highest run). On this shared 2-core machine the spread between runs is wider than the cost of raising events, so the ratio says only that it is small; the delivered rate and latencies are the figures to read.',
    '',
  );
  out.push(
    '| store | measured | load average (start / end) | sign-ups/s without webhooks | sign-ups/s with one endpoint | events delivered/s, sustained | event → delivered under that load, p50 / p99 | event → delivered alone, p50 / p99 |',
  );
  out.push('|---|---|---|---|---|---|---|---|');
  for (const db of stores) {
    const w = webhooks[db];
    const ratio = `${Math.round((w.signUpsPerSecondWith / w.signUpsPerSecondWithout) * 100)} %`;
    out.push(
      `| ${db} | ${w.date.slice(0, 16).replace('T', ' ')} UTC, ${w.runs} × ${w.seconds} s, ${w.concurrency} concurrent, --workers ${w.workers} | ${w.loadAvgAtStart[0]} / ${w.loadAvgAtEnd[0]} | ${spread(w, 'baseline', w.signUpsPerSecondWithout)} | ${spread(w, 'withHooks', w.signUpsPerSecondWith)}; ratio of medians ${ratio} | ${spread(w, 'sustained', w.deliveredPerSecond)} | ${n0(w.loadedP50Ms)} / ${n0(w.loadedP99Ms)} ms | ${n0(w.aloneP50Ms)} / ${n0(w.aloneP99Ms)} ms |`,
    );
  }
  out.push(
    '',
    'One endpoint takes its deliveries one at a time, in order, so under full sign-up load a backlog builds and the loaded latency is mostly time queued; "alone" is one sign-up every 50 ms. Per-run figures are in `webhooks-results.json`; earlier runs and their reading in [WEBHOOKS-RESULTS.md](WEBHOOKS-RESULTS.md).',
    '',
  );
  return out;
}
