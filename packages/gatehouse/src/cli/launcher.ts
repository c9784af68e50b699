#!/usr/bin/env node
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runWithCodeCache } from './code-cache.js';

// dist/gatehouse.mjs, which the `gatehouse` command (bin/gatehouse.mjs) runs: it runs the CommonJS
// bundle of main.ts beside it with V8's code cache in dist/.cache. GATEHOUSE_CODE_CACHE=off runs it
// without one.
declare const GATEHOUSE_BUILD_ID: string;

const dist = path.dirname(fileURLToPath(import.meta.url));
runWithCodeCache(path.join(dist, 'gatehouse.cjs'), {
  cacheDir: process.env.GATEHOUSE_CODE_CACHE === 'off' ? undefined : path.join(dist, '.cache'),
  buildId: GATEHOUSE_BUILD_ID,
});
