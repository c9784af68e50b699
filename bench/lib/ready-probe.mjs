/**
 * Preloaded into Gatehouse's processes (NODE_OPTIONS=--import) to tell in-process start time apart
 * from process spawning: it notes when Node has bootstrapped (this import) and when a server starts
 * listening, both on the shared wall clock (performance.timeOrigin + now). No server code changes.
 */
import cluster from 'node:cluster';
import net from 'node:net';

const epoch = () => performance.timeOrigin + performance.now();
const preloadAt = epoch();
const role = cluster.isWorker ? 'worker' : 'primary';

function report(event) {
  const line = { event, pid: process.pid, role, processStart: performance.timeOrigin, preloadAt, at: epoch() };
  process.stderr.write(`BENCH-PROBE ${JSON.stringify(line)}\n`);
}

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function patchedListen(...args) {
  this.once('listening', () => report('listening'));
  return listen.apply(this, args);
};
