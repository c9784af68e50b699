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

/**
 * Put in front of clerk-js's browser entry files. clerk-js keeps a development browser (a token sent
 * as `?__clerk_db_jwt=` on every Frontend API call, learnt from the `Clerk-Db-Jwt` response header,
 * kept in a `__clerk_db_jwt` cookie on the app's own host and added to links to other origins) only
 * when the Frontend API host is one of Clerk's development domains. Gatehouse's host never is, so
 * this prelude does the same through clerk-js's request hooks (`window.__internal_onBeforeRequest`
 * and `__internal_onAfterResponse`). That is what lets an app on http://localhost use Gatehouse on
 * 127.0.0.1 (another site: our cookie is not sent) and lets `<SignIn/>` link to the hosted pages.
 * The server honours the token on development instances only; elsewhere it is inert.
 */
export const DEV_BROWSER_PRELUDE = `;(function(){
if (typeof window === 'undefined' || typeof document === 'undefined' || window.__gatehouse_dev_browser) return;
window.__gatehouse_dev_browser = true;
var NAME = '__clerk_db_jwt';
function read() {
  var match = document.cookie.match(/(?:^|;\\s*)__clerk_db_jwt=([^;]*)/);
  return match ? decodeURIComponent(match[1]) : '';
}
function write(value) {
  /* clerk-js reads the suffixed name first: drop any, so the one written here is the one it uses. */
  document.cookie.split(';').forEach(function (part) {
    var name = part.split('=')[0].trim();
    if (name.indexOf(NAME + '_') === 0) document.cookie = name + '=; path=/; max-age=0';
  });
  document.cookie = NAME + '=' + encodeURIComponent(value) + '; path=/; max-age=31536000; SameSite=Lax';
}
try {
  var here = new URL(window.location.href);
  var carried = here.searchParams.get(NAME);
  if (carried) {
    write(carried);
    here.searchParams.delete(NAME);
    window.history.replaceState(window.history.state, '', here.href);
  }
} catch (e) {}
/* A dev browser id from a backend SDK's handshake (dvb_...) means a server-side Clerk SDK keeps this
   app's dev browser, on the same site as Gatehouse: leave it to that SDK, as before. */
if (read().indexOf('dvb_') === 0) return;
var before = window.__internal_onBeforeRequest;
var after = window.__internal_onAfterResponse;
window.__internal_onBeforeRequest = function (request) {
  var token = read();
  if (token && request && request.url && request.url.searchParams) request.url.searchParams.set(NAME, token);
  return before ? before(request) : undefined;
};
window.__internal_onAfterResponse = function (request, response) {
  var token = response && response.headers && response.headers.get('Clerk-Db-Jwt');
  if (token && token !== read()) write(token);
  return after ? after(request, response) : undefined;
};
})();
`;
// (joined onto one line when served, so clerk-js's own source map stays aligned line for line)

const PRELUDED = new Set(['clerk.browser.js', 'clerk.legacy.browser.js']);

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
        if (bundle.name === '@clerk/clerk-js' && PRELUDED.has(file))
          body = Buffer.concat([Buffer.from(DEV_BROWSER_PRELUDE.replace(/\n/g, ' ')), body]);
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
