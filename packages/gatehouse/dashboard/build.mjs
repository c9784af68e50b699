// Builds the dashboard's browser code (Preact) into one script and one stylesheet, with no CDN.
// build.mjs calls it into dist/dashboard/; the server calls it in memory when run from source.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));

export async function buildDashboard({ outdir, write = true } = {}) {
  const result = await build({
    entryPoints: { app: path.join(here, 'main.tsx') },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome110', 'firefox110', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    outdir: outdir ?? path.join(here, 'out'),
    write,
    logLevel: 'warning',
    loader: { '.css': 'css' },
  });
  if (write) return undefined;
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'));
  const css = result.outputFiles.find((f) => f.path.endsWith('.css'));
  if (!js || !css) throw new Error('dashboard build produced no app.js/app.css');
  return { js: js.contents, css: css.contents };
}
