/** Progress lines on stderr with the elapsed time, so a long run shows where it is. */
const started = Date.now();

export function elapsed() {
  const s = Math.round((Date.now() - started) / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

export function log(line) {
  process.stderr.write(`[bench ${elapsed()}] ${line}\n`);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
