import cluster from 'node:cluster';
import http from 'node:http';
import { parseArgs } from 'node:util';

/**
 * Runs `handler` on N processes sharing one port through node:cluster, the way `gatehouse start
 * --workers N` does, so a ceiling has the same process count as the server it bounds.
 * Usage from a server file: serveCluster(handler) with argv `--port P --workers N`.
 */
export function serveCluster(makeHandler, { setupPrimary } = {}) {
  const { values: args } = parseArgs({ options: { port: { type: 'string' }, workers: { type: 'string' } } });
  const port = Number(args.port);
  const workers = Number(args.workers ?? 1);
  if (cluster.isPrimary && workers > 1) {
    const env = setupPrimary?.() ?? {};
    for (let i = 0; i < workers; i++) cluster.fork(env);
    process.on('SIGTERM', () => {
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
      process.exit(0);
    });
    return;
  }
  if (cluster.isPrimary) Object.assign(process.env, setupPrimary?.() ?? {});
  const server = http.createServer(makeHandler());
  server.keepAliveTimeout = 72_000; // as Gatehouse (Fastify) answers: keep-alive, so no reconnect per request
  server.listen(port, '127.0.0.1');
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
