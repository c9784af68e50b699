import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The dashboard's browser code: one script and one stylesheet, built by esbuild, served from the package. */
export interface DashboardAssets {
  js: Buffer;
  css: Buffer;
  /** A content hash, in the asset URLs so a new build is never served from a stale cache. */
  version: string;
}

const here = import.meta.url;

/** Built by build.mjs next to the server bundle (dist/dashboard/). */
function prebuilt(): DashboardAssets | undefined {
  const js = fileURLToPath(new URL('./dashboard/app.js', here));
  const css = fileURLToPath(new URL('./dashboard/app.css', here));
  if (!existsSync(js) || !existsSync(css)) return undefined;
  return withVersion(readFileSync(js), readFileSync(css));
}

function withVersion(js: Buffer, css: Buffer): DashboardAssets {
  const version = createHash('sha256').update(js).update(css).digest('hex').slice(0, 16);
  return { js, css, version };
}

/** The source tree (tests, `tsx`): build it now with esbuild, a development dependency. */
async function fromSource(): Promise<DashboardAssets> {
  const entry = fileURLToPath(new URL('../../../dashboard/main.tsx', here));
  if (!existsSync(entry)) throw new Error('the dashboard is not built: run `npm run build`');
  const { buildDashboard } = (await import(new URL('../../../dashboard/build.mjs', here).href)) as {
    buildDashboard(options: { write: false }): Promise<{ js: Uint8Array; css: Uint8Array }>;
  };
  const built = await buildDashboard({ write: false });
  return withVersion(Buffer.from(built.js), Buffer.from(built.css));
}

let assets: Promise<DashboardAssets> | undefined;

export function dashboardAssets(): Promise<DashboardAssets> {
  assets ??= (async () => prebuilt() ?? fromSource())();
  return assets;
}
