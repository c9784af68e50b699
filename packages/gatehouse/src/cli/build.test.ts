import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runEnvJson, startServer } from '../testing/server.js';
import { tempDirs } from '../testing/temp-dirs.js';

// What `npm start` and the bench run: the built dist/gatehouse.mjs launching the minified CommonJS
// bundle with its code cache. Built into a temporary directory, so the checkout's dist is untouched.
const PACKAGE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tempDir = tempDirs('gatehouse-built-');
let cli: string;
let cacheDir: string;

beforeAll(() => {
  const root = tempDir();
  // The externals (native addons, the SDK bundles) resolve from node_modules above dist, as installed.
  symlinkSync(path.join(PACKAGE, '../../node_modules'), path.join(root, 'node_modules'), 'dir');
  execFileSync(process.execPath, [path.join(PACKAGE, 'build.mjs'), path.join(root, 'dist')], { stdio: 'pipe' });
  cli = path.join(root, 'dist', 'gatehouse.mjs');
  cacheDir = path.join(root, 'dist', '.cache');
}, 120_000);

const cacheFiles = () => {
  try {
    return readdirSync(cacheDir);
  } catch {
    return [];
  }
};

describe('the built CLI', () => {
  it('prints the environment without writing a code cache (nothing listened)', async () => {
    // The instance comes from one start of the sources (so the built bundle has not listened yet).
    const dataDir = tempDir();
    const created = await startServer({ dataDir });
    expect(await created.stop()).toBe(0);
    const report = await runEnvJson({ cli: [cli], dataDir, port: 4556 });
    expect(report.publishableKey).toMatch(/^pk_test_/);
    expect(cacheFiles()).toEqual([]);
  });

  it('serves, writes its code cache once, and starts again from it', async () => {
    const dataDir = tempDir();
    const first = await startServer({ cli: [cli], dataDir });
    try {
      // A user through BAPI: the store, argon2id in its worker threads and the password checks all
      // run from the bundle.
      const res = await fetch(`${first.env.apiUrl}/v1/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${first.env.secretKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email_address: ['built@example.com'], password: 'a-Long-unusual-passphrase-7' }),
      });
      expect(res.status).toBe(200);
      expect((await res.json()).email_addresses[0].email_address).toBe('built@example.com');
      await expect.poll(cacheFiles, { timeout: 10_000 }).toHaveLength(1);
    } finally {
      expect(await first.stop()).toBe(0);
    }
    const [name] = cacheFiles();
    const written = statSync(path.join(cacheDir, name as string)).mtimeMs;

    const second = await startServer({ cli: [cli], dataDir, port: first.port });
    try {
      const res = await fetch(`${second.env.apiUrl}/v1/users?email_address=built@example.com`, {
        headers: { authorization: `Bearer ${second.env.secretKey}` },
      });
      expect((await res.json()).map((user: { id: string }) => user.id)).toHaveLength(1);
    } finally {
      expect(await second.stop()).toBe(0);
    }
    // Taken, so not written again.
    expect(cacheFiles()).toEqual([name]);
    expect(statSync(path.join(cacheDir, name as string)).mtimeMs).toBe(written);
  });
});
