import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './example-apps.js';

/**
 * The repository as a fresh clone has it: the files git tracks (plus new, not ignored ones, so
 * uncommitted work is tested too), without dist/, .gatehouse/ or anything else ignored; then
 * node_modules as `npm ci` lays it out.
 *
 * `npm ci` here takes minutes (better-sqlite3 compiles), so by default the third-party packages are
 * the checkout's installed ones (hard-linked copies), while the workspace packages and their bins are
 * linked the way npm links them: `node_modules/<name>` → the workspace, `node_modules/.bin/<bin>` →
 * the file the package's `bin` names. What that proves: with npm's layout and no build, `npx gatehouse` works. That npm
 * itself makes that link on a real clone needs the bin file to exist in the clone, which
 * `binsAreTracked` checks; `GATEHOUSE_TEST_NPM_CI=1` runs the real `npm ci --offline` instead.
 */
export interface FreshClone {
  root: string;
  /** How node_modules was made: a real `npm ci`, or the checkout's packages plus npm's workspace links. */
  install: 'npm ci' | 'linked';
  remove(): void;
}

/** `parent`: where the clone's directory is made (default the system's temporary directory). */
export function makeFreshClone(parent = tmpdir()): FreshClone {
  const root = mkdtempSync(path.join(parent, 'gatehouse-clone-'));
  for (const file of cloneFiles()) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    cpSync(path.join(REPO_ROOT, file), path.join(root, file), { verbatimSymlinks: true });
  }
  const install = process.env.GATEHOUSE_TEST_NPM_CI === '1' ? 'npm ci' : 'linked';
  if (install === 'npm ci') {
    execFileSync('npm', ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: root, stdio: 'pipe', maxBuffer: 64 * 1024 * 1024 });
  } else {
    linkNodeModules(root);
  }
  return { root, install, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** What `git clone` would check out: tracked and new files, minus deleted and ignored ones. */
function cloneFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  return listed
    .split('\0')
    .filter((file) => file !== '' && !file.split('/').includes('node_modules') && existsSync(path.join(REPO_ROOT, file)));
}

interface Workspace {
  dir: string;
  name: string;
  bin: Record<string, string>;
}

function workspaces(root: string): Workspace[] {
  const patterns = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
  const dirs = patterns.flatMap((pattern) =>
    pattern.endsWith('/*')
      ? readdirSync(path.join(root, pattern.slice(0, -2))).map((name) => `${pattern.slice(0, -2)}/${name}`)
      : [pattern],
  );
  return dirs
    .filter((dir) => existsSync(path.join(root, dir, 'package.json')))
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8')) as {
        name: string;
        bin?: string | Record<string, string>;
      };
      const bin = typeof manifest.bin === 'string' ? { [manifest.name]: manifest.bin } : (manifest.bin ?? {});
      return { dir, name: manifest.name, bin };
    });
}

/** Every workspace bin names a file git tracks, so npm can link it on a fresh clone. */
export function binsAreTracked(): Array<{ bin: string; file: string; tracked: boolean }> {
  const files = new Set(cloneFiles());
  return workspaces(REPO_ROOT).flatMap((workspace) =>
    Object.entries(workspace.bin).map(([bin, file]) => {
      const relative = path.posix.normalize(`${workspace.dir}/${file}`);
      return { bin, file: relative, tracked: files.has(relative) };
    }),
  );
}

/**
 * The checkout's installed tree, copied as hard links (seconds, no disk; real directories as npm ci
 * makes them, which Turbopack insists on: it refuses a `next` reached through a symlink out of the
 * project), with the workspace packages and their bins linked as npm links them. Nothing the tests
 * run writes into node_modules, so the shared files are only read.
 */
function linkNodeModules(root: string): void {
  const installed = realpathSync(path.join(REPO_ROOT, 'node_modules'));
  const modules = path.join(root, 'node_modules');
  execFileSync('cp', ['-al', installed, modules]);
  const bins = path.join(modules, '.bin');
  mkdirSync(bins, { recursive: true });
  for (const workspace of workspaces(root)) {
    rmSync(path.join(modules, workspace.name), { force: true });
    symlinkSync(path.relative(modules, path.join(root, workspace.dir)), path.join(modules, workspace.name));
    for (const [bin, file] of Object.entries(workspace.bin)) {
      rmSync(path.join(bins, bin), { force: true });
      symlinkSync(path.join('..', workspace.name, file), path.join(bins, bin));
      chmodSync(path.join(root, workspace.dir, file), 0o755);
    }
  }
}
