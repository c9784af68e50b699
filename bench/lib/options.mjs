import os from 'node:os';
import { parseArgs } from 'node:util';

/**
 * Flags (each also as an environment variable, flags win):
 *   --reps N          runs per target, medians reported            BENCH_REPS      (3)
 *   --duration S      seconds per measured run                     BENCH_DURATION  (10)
 *   --warmup S        seconds of discarded load before each target BENCH_WARMUP    (3)
 *   --dbs LIST        sqlite,postgres                              BENCH_DBS
 *   --large-users N   population for the "1M users" scenario       BENCH_LARGE_USERS (1000000)
 *   --base-users N    population for everything else               BENCH_BASE_USERS  (10000)
 *   --workers N       Gatehouse --workers and ceiling processes    BENCH_WORKERS   (CPU cores)
 *   --pg URL          PostgreSQL server (a database is created and dropped) BENCH_PG_URL
 *   --large-on LIST   stores that get the large population         BENCH_LARGE_ON  (sqlite,postgres)
 *   --quick           1 × 3 s runs, 100,000 users: checks the harness, proves nothing
 *   --out FILE        report path; results.svg and results.json go beside it
 *                     BENCH_OUT (bench/RESULTS.md; with --quick bench/logs/RESULTS.md, so a check never
 *                     overwrites the real report)
 */
export function readOptions(argv = process.argv.slice(2)) {
  const { values } = parseArgs({
    args: argv,
    options: {
      reps: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      dbs: { type: 'string' },
      'large-users': { type: 'string' },
      'base-users': { type: 'string' },
      'large-on': { type: 'string' },
      workers: { type: 'string' },
      pg: { type: 'string' },
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
    },
  });
  const env = process.env;
  const quick = values.quick || env.BENCH_QUICK === '1';
  const pick = (flag, name, normal, quickValue = normal) => values[flag] ?? env[name] ?? (quick ? quickValue : normal);
  const int = (text, what) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${what} must be a positive integer, got ${text}`);
    return n;
  };
  const list = (text) =>
    String(text)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const dbs = list(pick('dbs', 'BENCH_DBS', 'sqlite,postgres'));
  for (const db of dbs) if (db !== 'sqlite' && db !== 'postgres') throw new Error(`--dbs: unknown store ${db}`);
  return {
    quick,
    reps: int(pick('reps', 'BENCH_REPS', '3', '1'), '--reps'),
    duration: int(pick('duration', 'BENCH_DURATION', '10', '3'), '--duration'),
    warmup: int(pick('warmup', 'BENCH_WARMUP', '3', '1'), '--warmup'),
    dbs,
    largeUsers: int(pick('large-users', 'BENCH_LARGE_USERS', '1000000', '100000'), '--large-users'),
    baseUsers: int(pick('base-users', 'BENCH_BASE_USERS', '10000'), '--base-users'),
    largeOn: list(pick('large-on', 'BENCH_LARGE_ON', 'sqlite,postgres')),
    workers: int(pick('workers', 'BENCH_WORKERS', String(os.availableParallelism())), '--workers'),
    pgUrl: pick('pg', 'BENCH_PG_URL', 'postgres://postgres@127.0.0.1:5432/postgres'),
    out: pick(
      'out',
      'BENCH_OUT',
      new URL('../RESULTS.md', import.meta.url).pathname,
      new URL('../logs/RESULTS.md', import.meta.url).pathname,
    ),
  };
}
