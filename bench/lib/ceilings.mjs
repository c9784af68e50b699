import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Ceiling (a) for token refresh: RSA-2048 signatures per second that OpenSSL gets out of every core. */
export async function opensslRsaSigns(cores, seconds) {
  const { stdout } = await run('openssl', ['speed', '-seconds', String(seconds), '-multi', String(cores), 'rsa2048'], {
    maxBuffer: 1 << 20,
  });
  // Final table line: "rsa 2048 bits 0.000477s 0.000027s   2096.3  36864.5" (sign s, verify s, sign/s, verify/s)
  const line = stdout.split('\n').find((l) => /^rsa\s+2048 bits/.test(l));
  const numbers = line?.match(/[\d.]+/g)?.map(Number);
  if (!numbers || numbers.length < 5) throw new Error(`could not read openssl speed output:\n${stdout.slice(-800)}`);
  return numbers[3];
}

const ARGON2_CHILD = fileURLToPath(new URL('./argon2-child.mjs', import.meta.url));

/** argon2id hashes/s in a fresh process: `lanes` concurrent loops for `seconds`. */
export async function argon2Rate(seconds, lanes) {
  const { stdout } = await run(process.execPath, [ARGON2_CHILD, String(seconds), String(lanes)]);
  return JSON.parse(stdout).hashesPerSecond;
}
