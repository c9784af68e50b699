// Builds dist/: gatehouse.cjs, the whole CLI and server as one CommonJS bundle (so V8's code cache can
// hold it: see src/cli/code-cache.ts), and gatehouse.mjs, the small launcher that runs it.
// Usage: node build.mjs [outdir] (default dist).
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { buildDashboard } from './dashboard/build.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = path.resolve(process.argv[2] ?? path.join(here, 'dist'));
rmSync(outdir, { recursive: true, force: true });

// Minified, since every process reads and decodes the whole bundle at start. Without keepNames: it
// wraps every function expression, closures made per request included.
const common = { bundle: true, platform: 'node', target: 'node20', minify: true, charset: 'ascii', logLevel: 'warning' };
await build({
  ...common,
  entryPoints: [path.join(here, 'src/cli/main.ts')],
  outfile: path.join(outdir, 'gatehouse.cjs'),
  format: 'cjs',
  legalComments: 'external',
  // Native addons, files read at run time (the SDK bundles, the zxcvbn dictionaries) and the
  // compilers Fastify loads by name stay in node_modules.
  external: [
    'better-sqlite3',
    'pg-native',
    '@node-rs/argon2',
    '@zxcvbn-ts/language-common',
    '@clerk/*',
    '@fastify/ajv-compiler',
    '@fastify/fast-json-stringify-compiler',
  ],
  define: { 'import.meta.url': '__gatehouse_bundle_url' },
  banner: { js: "var __gatehouse_bundle_url = require('node:url').pathToFileURL(__filename).href;" },
});
const bundle = readFileSync(path.join(outdir, 'gatehouse.cjs'));
// The launcher decodes the bundle as latin1, which is only right for ASCII.
const wide = bundle.findIndex((byte) => byte > 0x7f);
if (wide !== -1) throw new Error(`gatehouse.cjs: a non-ASCII byte at offset ${wide}`);
await build({
  ...common,
  entryPoints: [path.join(here, 'src/cli/launcher.ts')],
  outfile: path.join(outdir, 'gatehouse.mjs'),
  format: 'esm',
  minify: false,
  define: { GATEHOUSE_BUILD_ID: JSON.stringify(createHash('sha256').update(bundle).digest('hex')) },
});
// The dashboard's browser code (Preact), served from dist/dashboard/ by the bundle (no CDN).
await buildDashboard({ outdir: path.join(outdir, 'dashboard') });
