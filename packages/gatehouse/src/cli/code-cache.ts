import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

// Node 20 has no module.enableCompileCache(), so every process of a start would parse and compile the
// whole bundle again. Running it through vm.Script with V8's code cache skips that on every start but
// the first after a build. See the README's Benchmarks section for what it saves.

/** What a loaded bundle calls once it is serving: the compiled functions are then worth keeping. */
const SAVE_HOOK = Symbol.for('gatehouse.code-cache.save');

export interface CodeCacheRun {
  /** A cache file existed and V8 took it (nothing in the bundle was compiled from source). */
  accepted: boolean;
  /** Writes the cache now, unless the one loaded was accepted. Never throws. */
  save(): void;
}

export interface CodeCacheOptions {
  /** Where cache files live; undefined runs the file without a cache. */
  cacheDir: string | undefined;
  /** Names the build (the bundle's SHA-256, from the build): part of the cache file's name. */
  buildId: string;
}

/**
 * Runs an ASCII-only CommonJS file (the build checks) in this process with V8's code cache. The cache
 * file's name holds the build id, the file's size and mtime, and the Node version and architecture:
 * V8's own check compares only the source's length, so a rebuilt or edited bundle of the same length
 * would otherwise run stale bytecode. The directory should sit beside the code: whoever can write
 * there can already change the code, so a planted cache gains nothing.
 */
export function runWithCodeCache(file: string, { cacheDir, buildId }: CodeCacheOptions): CodeCacheRun {
  // latin1: ASCII decodes the same, without UTF-8 validation, into a one-byte string.
  const source = readFileSync(file, 'latin1');
  const cacheFile = cacheDir && path.join(cacheDir, `${cacheName(file, buildId)}.bin`);
  const cachedData = cacheFile ? readIfPresent(cacheFile) : undefined;
  const script = new vm.Script(Module.wrap(source), {
    filename: file,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const accepted = cachedData !== undefined && !script.cachedDataRejected;
  let saved = accepted || !cacheFile;
  const run: CodeCacheRun = {
    accepted,
    save() {
      if (saved || !cacheDir || !cacheFile) return;
      saved = true;
      writeCache(cacheDir, cacheFile, script.createCachedData());
    },
  };
  (globalThis as Record<symbol, unknown>)[SAVE_HOOK] = run.save;
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  const module = new Module(file);
  module.filename = file;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  return run;
}

/** Called by the bundle once it listens; a no-op when it was not started through runWithCodeCache. */
export function saveCodeCache(): void {
  const save = (globalThis as Record<symbol, unknown>)[SAVE_HOOK];
  if (typeof save === 'function') save();
}

function cacheName(file: string, buildId: string): string {
  const { size, mtimeMs } = statSync(file);
  return `gatehouse-${buildId.slice(0, 24)}-${size}-${Math.floor(mtimeMs)}-node${process.versions.node}-${process.arch}`;
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Atomically (a cluster's workers may race), replacing caches of earlier builds. Best effort. */
function writeCache(dir: string, file: string, data: Buffer): void {
  try {
    mkdirSync(dir, { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, data);
    renameSync(partial, file);
    for (const name of readdirSync(dir)) {
      if (name.startsWith('gatehouse-') && path.join(dir, name) !== file && !name.endsWith('.tmp')) {
        rmSync(path.join(dir, name), { force: true });
      }
    }
  } catch {
    // A read-only install runs without a cache: slower starts, nothing else.
  }
}
