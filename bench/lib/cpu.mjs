import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time from /proc, in µs: per process, per kind of Gatehouse thread, and for the whole machine.
 * Req/s on a shared machine swings ±20%; the CPU spent per answered request moves far less, and says
 * where a request's time went.
 */
const TICK_US = 1e6 / 100; // USER_HZ is 100 on Linux
/** Gatehouse names its argon2id threads so (crypto/hasher-pool.ts). */
const HASHER_THREAD_NAME = 'gatehouse-hash';

/** utime and stime from a /proc …/stat line (fields 14 and 15; the name in parentheses may hold spaces). */
function statTimes(path) {
  const fields = readFileSync(path, 'utf8').split(') ')[1].split(' ');
  return { user: Number(fields[11]) * TICK_US, kernel: Number(fields[12]) * TICK_US };
}

/** utime + stime. */
function statMicros(path) {
  const { user, kernel } = statTimes(path);
  return user + kernel;
}

/** utime + stime of each of the given processes that is still running. */
export function processCpu(pids) {
  const out = new Map();
  for (const pid of pids) {
    try {
      out.set(pid, statMicros(`/proc/${pid}/stat`));
    } catch {}
  }
  return out;
}

/** Each thread of the given processes, keyed `pid/tid`, with its CPU time and whether it hashes. */
export function threadCpu(pids) {
  const out = new Map();
  for (const pid of pids) {
    let tids = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {}
    for (const tid of tids) {
      try {
        const hashing = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim() === HASHER_THREAD_NAME;
        const { user, kernel } = statTimes(`/proc/${pid}/task/${tid}/stat`);
        out.set(`${pid}/${tid}`, { micros: user + kernel, kernel, hashing });
      } catch {}
    }
  }
  return out;
}

/** Busy CPU time of the whole machine (every process, the load generator included). */
export function machineBusyMicros() {
  const [user, nice, system, , , irq, softirq] = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq) * TICK_US;
}

/** CPU spent between two `processCpu` readings by the processes present in both (one that exited counts nothing). */
export function spent(before, after) {
  let total = 0;
  for (const [pid, micros] of after) if (before.has(pid)) total += micros - before.get(pid);
  return total;
}

/**
 * A reading of Gatehouse's processes (the tree under `pid`) and of the machine; `perRequest` turns two
 * readings into µs per answered request: Gatehouse's hashing threads, the rest of Gatehouse (event
 * loops, libuv, V8), and everything else on the machine (the load generator, the kernel, PostgreSQL).
 * A thread started between the readings counts from zero. The readings bracket a whole load run, so
 * "elsewhere" also holds starting the load generator's process (~0.1 s of CPU per run).
 */
export function gatehouseCpuReading(pids) {
  return { threads: threadCpu(pids), machine: machineBusyMicros(), at: performance.now() };
}

export function perRequest(before, after, answered) {
  let hashing = 0;
  let rest = 0;
  let kernel = 0;
  for (const [key, thread] of after.threads) {
    const delta = thread.micros - (before.threads.get(key)?.micros ?? 0);
    if (thread.hashing) hashing += delta;
    else rest += delta;
    kernel += thread.kernel - (before.threads.get(key)?.kernel ?? 0);
  }
  const n = Math.max(1, answered);
  const machine = after.machine - before.machine;
  const wallMicros = (after.at - before.at) * 1e3;
  return {
    hashing: hashing / n,
    gatehouseRest: rest / n,
    // Of hashing + rest, what the kernel spent on Gatehouse's behalf (socket writes, wake-ups of the
    // peer): it grows when the load generator sleeps between answers, so it moves with the load's
    // rhythm as much as with Gatehouse's own work.
    gatehouseKernel: kernel / n,
    elsewhere: (machine - hashing - rest) / n,
    machine: machine / n,
    // Cores' worth of CPU the machine used over the readings (the load generator's own start included).
    busyCores: machine / wallMicros,
  };
}

/** The processes named `postgres` (the server and its backends). */
export function postgresPids() {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'postgres';
      } catch {
        return false;
      }
    });
}
