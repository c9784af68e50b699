import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Runs argon2id on a few worker threads of lowered CPU priority (nice 10 where the OS allows it).
 * A hash is ~15 ms of memory-hard work; at normal priority a sign-in storm takes the cores from the
 * event loops, and a token refresh (well under a millisecond of work) waits behind it. At nice 10
 * the scheduler runs the event loops first whenever they have work, and the hashes get every cycle
 * they leave. Linux sets priority per thread; elsewhere the threads keep normal priority.
 */

/** The worker's whole program: it receives the path of `@node-rs/argon2`, so it loads the same copy we do. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
try {
  const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
  require('node:os').setPriority(tid, workerData.nice);
} catch {}
try {
  fs.writeFileSync('/proc/thread-self/comm', workerData.name);
} catch {}
const argon2 = require(workerData.argon2);
parentPort.on('message', ({ id, op, args }) => {
  try {
    const value = op === 'hash' ? argon2.hashSync(args[0], args[1]) : argon2.verifySync(args[0], args[1]);
    parentPort.postMessage({ id, value });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message ? error.message : error) });
  }
});
`;

const HASHER_NICE = 10;
/**
 * The hashing threads' name (Linux, at most 15 bytes), so \`top -H\`, \`ps -L\` and perf tell the
 * hashing apart from the event loop, and the benchmark can say what share of a sign-in's CPU it took.
 */
export const HASHER_THREAD_NAME = 'gatehouse-hash';

export type HashJob =
  | { op: 'hash'; args: [password: string, options: object] }
  | { op: 'verify'; args: [digest: string, password: string] };

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Hasher {
  worker: Worker;
  busy: Map<number, Pending>;
}

export interface HasherPool {
  run<T>(job: HashJob): Promise<T>;
  /** How many hashes may run at once; extra jobs queue. */
  resize(size: number): void;
  close(): Promise<void>;
}

export function createHasherPool(initialSize: number): HasherPool {
  const argon2Path = createRequire(import.meta.url).resolve('@node-rs/argon2');
  let size = Math.max(1, initialSize);
  let nextId = 0;
  const hashers: Hasher[] = [];
  const queue: { job: HashJob; pending: Pending }[] = [];

  function spawn(): Hasher {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { argon2: argon2Path, nice: HASHER_NICE, name: HASHER_THREAD_NAME },
    });
    // Idle hashers must not keep a stopping server alive.
    worker.unref();
    const hasher: Hasher = { worker, busy: new Map() };
    worker.on('message', (message: { id: number; value?: unknown; error?: string }) => {
      const pending = hasher.busy.get(message.id);
      hasher.busy.delete(message.id);
      if (message.error !== undefined) pending?.reject(new Error(message.error));
      else pending?.resolve(message.value);
      dispatch();
    });
    const fail = (error: Error) => {
      for (const pending of hasher.busy.values()) pending.reject(error);
      hasher.busy.clear();
      const index = hashers.indexOf(hasher);
      if (index >= 0) hashers.splice(index, 1);
      dispatch();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`password hasher exited with code ${code}`)));
    return hasher;
  }

  function dispatch(): void {
    while (queue.length > 0) {
      let hasher = hashers.find((h) => h.busy.size === 0);
      if (!hasher && hashers.length < size) {
        hasher = spawn();
        hashers.push(hasher);
      }
      if (!hasher) return;
      const next = queue.shift();
      if (!next) return;
      const id = nextId++;
      hasher.busy.set(id, next.pending);
      hasher.worker.postMessage({ id, op: next.job.op, args: next.job.args });
    }
  }

  return {
    run<T>(job: HashJob): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ job, pending: { resolve: resolve as (value: unknown) => void, reject } });
        dispatch();
      });
    },
    resize(next: number): void {
      size = Math.max(1, next);
      // Set at start-up, before any hashing; an idle hasher beyond the new size goes at once.
      for (const hasher of hashers.slice(size)) {
        if (hasher.busy.size === 0) {
          hashers.splice(hashers.indexOf(hasher), 1);
          void hasher.worker.terminate();
        }
      }
    },
    async close(): Promise<void> {
      await Promise.all(hashers.splice(0).map((h) => h.worker.terminate()));
    },
  };
}
