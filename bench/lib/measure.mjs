import { gatehouseCpuReading, perRequest } from './cpu.mjs';
import { runLoad } from './loader.mjs';
import { log } from './log.mjs';
import { summarise } from './stats.mjs';

function describe(r) {
  const failed = r.non2xx + r.errors + r.timeouts;
  return `${Math.round(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms${failed ? `, FAILURES ${failed} ${JSON.stringify(r.statusCodes)}` : ''}`;
}

/**
 * Measures several targets in turns (A B A B A B rather than A A A B B B), so a slow minute of the
 * shared machine lands on every target alike instead of on whichever ran then. Each target first gets
 * one discarded warm-up run (JIT, caches, connection pools).
 *
 * A target is { name, spec } or, for loads that run side by side, { name, specs: { role: spec } }:
 * the result then holds one summary per role. A { name, spec } target with `cpuPids` (a function
 * giving the server's process ids) also gets, per run, the CPU each answered request cost (cpu.mjs).
 */
export async function measureInTurns(label, targets, { reps, duration, warmup }) {
  const runs = Object.fromEntries(
    targets.map((t) => [t.name, t.specs ? Object.fromEntries(Object.keys(t.specs).map((k) => [k, []])) : []]),
  );
  const once = async (target, seconds) => {
    if (!target.specs) return runLoad({ ...target.spec, duration: seconds });
    const entries = Object.entries(target.specs);
    const results = await Promise.all(entries.map(([, spec]) => runLoad({ ...spec, duration: seconds })));
    return Object.fromEntries(entries.map(([role], i) => [role, results[i]]));
  };
  for (const target of targets) {
    log(`${label}: warm-up ${target.name} (${warmup} s)`);
    await once(target, warmup);
  }
  for (let rep = 1; rep <= reps; rep++) {
    for (const target of targets) {
      const cpuBefore = target.cpuPids && gatehouseCpuReading(target.cpuPids());
      const result = await once(target, duration);
      if (cpuBefore) result.cpu = perRequest(cpuBefore, gatehouseCpuReading(target.cpuPids()), result.ok);
      if (target.specs) {
        for (const [role, r] of Object.entries(result)) runs[target.name][role].push(r);
        log(
          `${label}: ${target.name} run ${rep}/${reps}: ${Object.entries(result)
            .map(([role, r]) => `${role}: ${describe(r)}`)
            .join('; ')}`,
        );
      } else {
        runs[target.name].push(result);
        log(`${label}: ${target.name} run ${rep}/${reps}: ${describe(result)}`);
      }
    }
  }
  return Object.fromEntries(
    targets.map((t) => [
      t.name,
      t.specs ? Object.fromEntries(Object.entries(runs[t.name]).map(([role, list]) => [role, summarise(list)])) : summarise(runs[t.name]),
    ]),
  );
}
