import { connect, type Socket } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../testing/built-cli.js';
import type { RunningServer } from '../testing/server.js';
import { startServer } from '../testing/server.js';
import { tempDirs } from '../testing/temp-dirs.js';

/**
 * Draining after SIGTERM, on the built CLI (`gatehouse start` as production runs it), with clients
 * that keep their connections open. Before, an answer sent after SIGTERM said `keep-alive`, and the
 * process waited for such a connection until the 72 s keep-alive timeout.
 */
const tempDir = tempDirs('gatehouse-drain-');
let cli: string;

beforeAll(() => {
  cli = buildCli(tempDir());
}, 120_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A raw keep-alive connection that records what the server sends and whether it closed. */
async function rawConnection(port: number): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let text = '';
  socket.on('data', (chunk) => {
    text += chunk;
  });
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, received: () => text, closed };
}

/** SIGTERM, then the exit code and how long after the signal it came. */
async function terminate(server: RunningServer): Promise<{ code: number | null; afterMs: number }> {
  const sent = Date.now();
  const code = await server.stop();
  return { code, afterMs: Date.now() - sent };
}

function drainSuite(workers: number) {
  const args = ['--workers', String(workers)];

  it('answers a request in flight at SIGTERM with Connection: close, closes that connection and exits', async () => {
    const server = await startServer({ cli: [cli], dataDir: tempDir(), extraArgs: [...args, '--drain-timeout', '20'] });
    const idle = await rawConnection(server.port);
    const busy = await rawConnection(server.port);
    // An idle keep-alive connection, and one whose request is under way when SIGTERM arrives: its
    // headers are in, its body is not.
    idle.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const body = JSON.stringify({ email_address: [`drain${workers}@example.com`] });
    busy.socket.write(
      'POST /api/v1/users HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n' +
        `Authorization: Bearer ${server.env.secretKey}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n` +
        body.slice(0, 5),
    );
    await sleep(500);
    expect(idle.received()).toMatch(/^HTTP\/1\.1 200 .*\r\nconnection: keep-alive\r\n/is);
    const stopped = terminate(server);
    await sleep(500);
    busy.socket.write(body.slice(5));
    await busy.closed;
    await idle.closed;
    const answer = busy.received();
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer.toLowerCase()).toContain('\r\nconnection: close\r\n');
    expect(answer).toContain(`drain${workers}@example.com`);
    const { code, afterMs } = await stopped;
    expect(code).toBe(0);
    // It did not need the 20 s bound, let alone the 72 s keep-alive timeout.
    expect(afterMs).toBeLessThan(20_000);
  }, 60_000);

  it('exits within the drain timeout even when a client keeps a request open', async () => {
    const server = await startServer({ cli: [cli], dataDir: tempDir(), extraArgs: [...args, '--drain-timeout', '2'] });
    // Headers that never end: the connection is not idle, and no answer will ever close it.
    const stuck = await rawConnection(server.port);
    stuck.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    await sleep(300);
    const { code, afterMs } = await terminate(server);
    expect(code).toBe(0);
    expect(afterMs).toBeGreaterThanOrEqual(2_000);
    expect(afterMs).toBeLessThan(15_000);
    expect(server.output()).toContain('requests still open 2 s after SIGTERM; closing their connections');
    await stuck.closed;
  }, 60_000);
}

describe('draining with one process', () => drainSuite(1));
describe('draining with --workers 2', () => drainSuite(2));
