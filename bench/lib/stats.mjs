/** Median of the runs: the machine is noisy (±20%), so one run proves little and the mean is pulled by outliers. */
export function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Summarises several loader runs of one target: medians of throughput and of each percentile. */
export function summarise(runs) {
  return {
    runs: runs.length,
    rps: median(runs.map((r) => r.rps)),
    rpsAll: runs.map((r) => r.rps),
    p50: median(runs.map((r) => r.p50)),
    p90: median(runs.map((r) => r.p90)),
    p99: median(runs.map((r) => r.p99)),
    p99All: runs.map((r) => r.p99),
    failures: runs.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0),
    total: runs.reduce((sum, r) => sum + r.total, 0),
    // µs per answered request, by where it was spent (measure.mjs), when the runs were accounted.
    ...(runs.length > 0 && runs.every((r) => r.cpu)
      ? { cpu: Object.fromEntries(Object.keys(runs[0].cpu).map((key) => [key, median(runs.map((r) => r.cpu[key]))])) }
      : {}),
  };
}
