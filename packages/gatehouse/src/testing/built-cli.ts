import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Builds the CLI as `npm run build` does into `root/dist` (the checkout's dist is untouched) and
 * returns the path of its `gatehouse.mjs`, for `startServer({ cli: [path] })`. What production runs.
 */
export function buildCli(root: string): string {
  // The externals (native addons, the SDK bundles) resolve from node_modules above dist, as installed.
  symlinkSync(path.join(PACKAGE, '../../node_modules'), path.join(root, 'node_modules'), 'dir');
  execFileSync(process.execPath, [path.join(PACKAGE, 'build.mjs'), path.join(root, 'dist')], { stdio: 'pipe' });
  return path.join(root, 'dist', 'gatehouse.mjs');
}
