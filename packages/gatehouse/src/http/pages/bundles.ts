import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { errors } from '../../errors.js';

const require = createRequire(import.meta.url);

export interface Bundle {
  /** The npm name in the URL the SDKs build: `/npm/<name>@<version>/dist/<file>`. */
  name: '@clerk/clerk-js' | '@clerk/ui';
  version: string;
  dir: string;
  /** Top-level `.js`/`.map`/`.css` files: the browser bundles and the chunks they load beside themselves. */
  files: Set<string>;
}

/** The package's folder: its `exports` hide package.json, so walk up from the main entry. */
function packageRoot(name: string): string {
  let dir = path.dirname(require.resolve(name));
  while (dir !== path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return dir;
    dir = path.dirname(dir);
  }
  throw new Error(`cannot find the installed ${name}; run npm ci`);
}

function locate(name: Bundle['name']): Bundle {
  const root = packageRoot(name);
  const manifest = path.join(root, 'package.json');
  const dir = path.join(root, 'dist');
  const version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  const files = new Set(
    readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isFile() && /\.(js|mjs|map|css)$/.test(entry.name))
      .map((entry) => entry.name),
  );
  return { name, version, dir, files };
}

let bundles: Bundle[] | undefined;

/** The installed clerk-js and @clerk/ui, found once. */
export function installedBundles(): Bundle[] {
  bundles ??= [locate('@clerk/clerk-js'), locate('@clerk/ui')];
  return bundles;
}

export function bundleUrls(publicUrl: string): { clerkJsUrl: string; clerkUiUrl: string } {
  const [clerkJs, ui] = installedBundles();
  return {
    clerkJsUrl: `${publicUrl}/npm/@clerk/clerk-js@${clerkJs?.version}/dist/clerk.browser.js`,
    clerkUiUrl: `${publicUrl}/npm/@clerk/ui@${ui?.version}/dist/ui.browser.js`,
  };
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.mjs': 'application/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * Serves the browser bundles from our own dependencies at the paths the SDKs build, for any version
 * they ask for (`@6`, `@6.40.0`, `@latest`), so nothing is ever fetched from a CDN. Only files listed
 * at start are served: no path from the URL reaches the file system.
 */
export function registerBundles(app: FastifyInstance): void {
  const cache = new Map<string, Buffer>();
  for (const bundle of installedBundles()) {
    const prefix = bundle.name.replace('/', '\\/');
    const pattern = new RegExp(`^/npm/${prefix}@[\\w.-]+/dist/([\\w.-]+)$`);
    app.get(`/npm/${bundle.name}@:version/dist/:file`, async (request, reply) => {
      const match = pattern.exec(request.url.split('?')[0] ?? '');
      const file = match?.[1];
      if (!file || !bundle.files.has(file)) throw errors.notFound('file');
      const key = `${bundle.name}/${file}`;
      let body = cache.get(key);
      if (!body) {
        body = readFileSync(path.join(bundle.dir, file));
        cache.set(key, body);
      }
      // Chunk names carry a content hash and version; the entry files are fetched by major version.
      const immutable = /_[0-9a-f]{6}_/.test(file);
      return reply
        .header('content-type', CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream')
        .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=300')
        .header('access-control-allow-origin', '*')
        .send(body);
    });
  }
}
