/**
 * The load generator, in its own process so its CPU is not the server's event loop. Reads one JSON spec
 * on stdin, runs autocannon, writes one JSON result on stdout.
 */
import autocannon from 'autocannon';
import { buildRequests } from './recipes.mjs';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const spec = JSON.parse(input);

const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.duration,
  overallRate: spec.overallRate,
  requests: buildRequests(spec.recipe),
  timeout: 30,
});

const { latency, requests } = result;
const non2xx = result.non2xx ?? 0;
const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, v]) => [code, v.count]));
process.stdout.write(
  JSON.stringify({
    total: requests.total,
    ok: requests.total - non2xx,
    // Successful answers per second: a fast error page must not count as throughput.
    rps: (requests.total - non2xx) / result.duration,
    p50: latency.p50,
    p90: latency.p90,
    p99: latency.p99,
    max: latency.max,
    non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    duration: result.duration,
  }),
);
