/**
 * argon2id at OWASP parameters (m=19456 KiB, t=2, p=1) with @node-rs/argon2, the library Gatehouse
 * uses. Runs `lanes` hash loops at once for `seconds` and prints hashes/s. lanes=1 gives the one-core
 * rate the issue multiplies by the core count; lanes=cores gives what the machine really did in parallel.
 */
import { Algorithm, hash } from '@node-rs/argon2';

const [seconds, lanes] = process.argv.slice(2).map(Number);
const options = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
await hash('warm-up', options);
let done = 0;
const start = performance.now();
const deadline = start + seconds * 1000;
await Promise.all(
  Array.from({ length: lanes }, async () => {
    while (performance.now() < deadline) {
      await hash(`password-${done}`, options);
      done++;
    }
  }),
);
process.stdout.write(JSON.stringify({ hashesPerSecond: done / ((performance.now() - start) / 1000) }));
