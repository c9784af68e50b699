import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../testing/temp-dirs.js';

const tempDir = tempDirs('gatehouse-code-cache-');

const CODE_CACHE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'code-cache.ts');

interface Run {
  accepted: boolean;
  result: unknown;
}

/**
 * Each run is a fresh process, as each start is: within one process V8 reuses what it compiled and
 * would never look at the cache file. `save` asks for the cache the way a listening server does.
 */
function run(file: string, cacheDir: string | undefined, buildId: string, save: 'hook' | 'direct' | 'no' = 'no'): Run {
  const script = `
    const { runWithCodeCache, saveCodeCache } = await import(${JSON.stringify(CODE_CACHE)});
    const run = runWithCodeCache(${JSON.stringify(file)}, { cacheDir: ${JSON.stringify(cacheDir)}, buildId: ${JSON.stringify(buildId)} });
    if (${JSON.stringify(save)} === 'hook') saveCodeCache();
    if (${JSON.stringify(save)} === 'direct') run.save();
    console.log(JSON.stringify({ accepted: run.accepted, result: globalThis[Symbol.for('gatehouse.code-cache.test')] }));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  return JSON.parse(out) as Run;
}

/** A bundle file in a fresh directory, with the cache directory beside it. */
function fixture(answer: number): { dir: string; file: string; cacheDir: string } {
  const dir = tempDir();
  const file = path.join(dir, 'bundle.cjs');
  writeBundle(file, answer);
  return { dir, file, cacheDir: path.join(dir, 'cache') };
}

/** A CommonJS file that records what it computed, its own file name and a module it required. */
function writeBundle(file: string, answer: number): void {
  writeFileSync(
    file,
    `const { basename } = require('node:path');
     function compute() { return ${answer}; }
     module.exports.answer = compute();
     globalThis[Symbol.for('gatehouse.code-cache.test')] = { answer: module.exports.answer, file: basename(__filename) };`,
  );
}

describe('runWithCodeCache', () => {
  it('runs the file, writes a cache once asked, and the next run takes it', () => {
    const { file, cacheDir } = fixture(41);

    const first = run(file, cacheDir, 'build-a', 'hook');
    expect(first).toEqual({ accepted: false, result: { answer: 41, file: 'bundle.cjs' } });
    const written = readdirSync(cacheDir);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^gatehouse-build-a-\d+-\d+-node[\d.]+-\w+\.bin$/);

    const before = readFileSync(path.join(cacheDir, written[0] as string));
    // An accepted cache is kept as it is.
    expect(run(file, cacheDir, 'build-a', 'direct')).toEqual({ accepted: true, result: { answer: 41, file: 'bundle.cjs' } });
    expect(readFileSync(path.join(cacheDir, written[0] as string)).equals(before)).toBe(true);
  });

  it('never runs stale bytecode when the bundle changes but keeps its length', () => {
    const { file, cacheDir } = fixture(41);
    run(file, cacheDir, 'same', 'direct');

    writeBundle(file, 73); // same length: V8's own check would take the old cache
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    expect(run(file, cacheDir, 'same', 'direct')).toEqual({ accepted: false, result: { answer: 73, file: 'bundle.cjs' } });
    expect(readdirSync(cacheDir)).toHaveLength(1); // the earlier build's cache is gone
  });

  it('recovers from a corrupt cache file and replaces it', () => {
    const { file, cacheDir } = fixture(5);
    run(file, cacheDir, 'b', 'direct');
    const [name] = readdirSync(cacheDir);
    writeFileSync(path.join(cacheDir, name as string), Buffer.alloc(4096, 7));

    expect(run(file, cacheDir, 'b', 'direct')).toEqual({ accepted: false, result: { answer: 5, file: 'bundle.cjs' } });
    expect(run(file, cacheDir, 'b').accepted).toBe(true);
  });

  it('runs without a cache when there is no directory or it cannot be written', () => {
    const { dir, file } = fixture(9);
    expect(run(file, undefined, 'b', 'hook')).toEqual({ accepted: false, result: { answer: 9, file: 'bundle.cjs' } });
    // A directory under a regular file can never be created; saving there fails quietly.
    expect(run(file, path.join(file, 'cache'), 'b', 'hook')).toEqual({ accepted: false, result: { answer: 9, file: 'bundle.cjs' } });
    expect(readdirSync(dir)).toEqual(['bundle.cjs']);
  });
});
