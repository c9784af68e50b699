#!/usr/bin/env node
// The `gatehouse` command as npm links it. dist/ is built, not committed, and npm links a bin only
// if its file exists at install time, so the bin is this committed file. In a checkout it builds
// dist/ first when dist/ is missing or older than the sources (about a second with esbuild), so
// `npx gatehouse …` works right after `npm ci` and never runs stale code; an installed package
// (no src/) runs its dist/ as it is.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dist = path.join(root, 'dist');
/** Written last by a build, so its presence means the build finished. */
const entry = path.join(dist, 'gatehouse.mjs');

function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The newest modification time under dir (the sources the bundle is built from). */
function newest(dir) {
  let latest = 0;
  for (const item of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (item.isFile()) latest = Math.max(latest, mtime(path.join(item.parentPath ?? item.path, item.name)) ?? 0);
  }
  return latest;
}

function needsBuild() {
  const built = Math.min(mtime(entry) ?? 0, mtime(path.join(dist, 'gatehouse.cjs')) ?? 0);
  if (built === 0) return true;
  if (mtime(path.join(root, 'src')) === undefined) return false; // an installed package: dist/ is what ships
  return newest(path.join(root, 'src')) > built || (mtime(path.join(root, 'build.mjs')) ?? 0) > built;
}

/**
 * Builds into a private directory, then renames the files into dist/ (the launcher last), so two
 * commands started at once on a fresh clone never run a half-written bundle.
 */
function build() {
  process.stderr.write('gatehouse: building dist/ from src/ (first run after a clone or a change)\n');
  const scratch = mkdtempSync(path.join(root, '.build-'));
  try {
    try {
      execFileSync(process.execPath, [path.join(root, 'build.mjs'), path.join(scratch, 'dist')], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      const detail = String(error.stderr ?? error.message)
        .trim()
        .split('\n')
        .find((line) => line.trim() !== '');
      const hint = /esbuild/.test(detail ?? '') ? 'run `npm ci` at the repository root' : 'see `npm run build` for the details';
      process.stderr.write(`gatehouse: could not build dist/ (${detail ?? 'unknown error'}); ${hint}.\n`);
      rmSync(scratch, { recursive: true, force: true });
      process.exit(1);
    }
    const built = path.join(scratch, 'dist');
    try {
      renameSync(built, dist); // no dist/ yet: the whole directory at once
      return;
    } catch {
      // dist/ exists (a code cache, or another build won the race): replace its files, the launcher last.
    }
    const files = readdirSync(built).sort((a, b) => Number(a === 'gatehouse.mjs') - Number(b === 'gatehouse.mjs'));
    for (const name of files) renameSync(path.join(built, name), path.join(dist, name));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (needsBuild()) build();
await import(pathToFileURL(entry).href);
