/**
 * Each example's README commands, as written, through a shell, on a fresh clone (see fresh-clone.ts
 * for how node_modules is made and what that proves). Between them only what a user's terminal
 * would differ in: free ports instead of 4000/3000/3001/4010 (GATEHOUSE_PORT, PORT and DEV_PROVIDER_PORT,
 * which the commands read), and npm kept offline. The harness performs the root command's `npm ci`; the rest of that
 * line runs as written. Then the app is checked to have the instance's keys: a session token minted
 * through the Backend API is accepted by its protected route. The builds stay for the Chromium
 * tests that run after this file (example-builds.ts), so that each example is built once a run.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createClerkClient } from '@clerk/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnvironmentReport } from '../boot.js';
import { freePort } from '../testing/server.js';
import { createTestDatabase, postgresAvailable } from '../testing/services.js';
import { type RunningExample, startProcess } from './example-apps.js';
import { EXAMPLE_BUILDS_DIR, inlinedEnv, recordBuild, type SharedExample } from './example-builds.js';
import { binsAreTracked, type FreshClone, makeFreshClone } from './fresh-clone.js';

const execFileAsync = promisify(execFile);
const BUILD_TIMEOUT_MS = 240_000;
const hasPostgres = await postgresAvailable();
/** user-sync builds the Prisma client, the NestJS API and the Next.js app before it starts. */
const USER_SYNC_TIMEOUT_MS = 900_000;
/** vue-onboarding's first start creates its Python venv (about a minute) before building. */
const VENV_TIMEOUT_MS = 420_000;

interface ReadmeCommand {
  line: string;
  /** Relative to the clone's root. */
  cwd: string;
}

/** The `sh` block under "Run it": one command per line; a comment saying "repo root" runs it there, else in the example. */
function readmeCommands(clone: FreshClone, example: string): ReadmeCommand[] {
  const readme = readFileSync(path.join(clone.root, 'examples', example, 'README.md'), 'utf8');
  const block = readme.match(/## Run it[^\n]*\n[\s\S]*?```sh\n([\s\S]*?)```/)?.[1];
  if (!block) throw new Error(`examples/${example}/README.md has no sh block under "Run it"`);
  return block
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => ({ line, cwd: /#.*repo root/.test(line) ? '.' : path.join('examples', example) }));
}

let clone: FreshClone;
let gatehousePort: number;
let gatehouse: RunningExample | undefined;

function shellEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    GATEHOUSE_PORT: String(gatehousePort),
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
    NEXT_TELEMETRY_DISABLED: '1',
    ...extra,
  };
}

/** A long-running README command, stopped (with its process group) by the caller. */
function runCommand(command: ReadmeCommand, options: { env: NodeJS.ProcessEnv; ready?: RegExp; url: string; timeoutMs?: number }) {
  return startProcess('sh', ['-c', command.line], { cwd: path.join(clone.root, command.cwd), ...options });
}

/** A README command run to its end. */
async function runToEnd(line: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync('sh', ['-c', line], { cwd: path.join(clone.root, cwd), env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** The keys of the instance the root command created, as `gatehouse env --json` prints them. */
async function instanceKeys(): Promise<EnvironmentReport> {
  const { stdout } = await execFileAsync('npx', ['gatehouse', 'env', '--json'], { cwd: clone.root, env: shellEnv() });
  return JSON.parse(stdout) as EnvironmentReport;
}

/** A session token for a new user, minted through the Backend API. */
async function sessionToken(keys: EnvironmentReport, tag: string): Promise<{ userId: string; token: string }> {
  const clerk = createClerkClient({ secretKey: keys.secretKey, apiUrl: keys.apiUrl, telemetry: { disabled: true } });
  const user = await clerk.users.createUser({
    emailAddress: [`readme-${tag}-${Date.now()}@example.com`],
    password: 'readme commands work',
  });
  const session = await clerk.sessions.createSession({ userId: user.id });
  return { userId: user.id, token: (await clerk.sessions.getToken(session.id)).jwt };
}

/** Leaves the build of `example` (made by its README commands, just checked) to its Chromium test. */
function shareBuild(example: SharedExample, keys: EnvironmentReport, buildEnv: Record<string, string> = {}): void {
  recordBuild(example, { dir: path.join(clone.root, 'examples', example), gatehousePort, inlined: inlinedEnv(keys.env), buildEnv });
}

beforeAll(async () => {
  // In a full run the clone outlives this file (the Chromium tests serve its builds); vitest's
  // global teardown removes it with EXAMPLE_BUILDS_DIR.
  if (EXAMPLE_BUILDS_DIR) mkdirSync(EXAMPLE_BUILDS_DIR, { recursive: true });
  clone = makeFreshClone(EXAMPLE_BUILDS_DIR);
  gatehousePort = await freePort();
}, 600_000);

afterAll(async () => {
  await gatehouse?.stop();
  if (!EXAMPLE_BUILDS_DIR) clone?.remove();
});

describe('the examples’ README commands on a fresh clone', () => {
  it('a fresh clone has no dist/, and the gatehouse bin is a tracked file npm can link', () => {
    expect(existsSync(path.join(clone.root, 'packages/gatehouse/dist'))).toBe(false);
    expect(binsAreTracked()).toEqual([{ bin: 'gatehouse', file: 'packages/gatehouse/bin/gatehouse.mjs', tracked: true }]);
  });

  it('the root command starts Gatehouse (building dist/ on first use)', async () => {
    const [root] = readmeCommands(clone, 'express-hello-world');
    if (!root) throw new Error('no root command');
    expect(root.cwd).toBe('.');
    expect(root.line).toMatch(/^npm ci && /);
    // The harness did the `npm ci` (see fresh-clone.ts); the rest runs as written.
    const rest = { ...root, line: root.line.replace(/^npm ci && /, '') };
    gatehouse = await runCommand(rest, { env: shellEnv(), ready: /Gatehouse is listening/, url: `http://127.0.0.1:${gatehousePort}` });
    expect(gatehouse.output()).toMatch(/building dist\/ from src\//);
    expect(existsSync(path.join(clone.root, 'packages/gatehouse/dist/gatehouse.cjs'))).toBe(true);
  }, 120_000);

  it('examples/express-hello-world: the second command serves the app with the instance’s keys', async () => {
    const [, command] = readmeCommands(clone, 'express-hello-world');
    if (!command || !gatehouse) throw new Error('no second command, or Gatehouse did not start');
    const port = await freePort();
    const app = await runCommand(command, { env: shellEnv({ PORT: String(port) }), url: `http://127.0.0.1:${port}` });
    try {
      const url = `http://127.0.0.1:${port}`;
      expect(await (await fetch(`${url}/api/hello`)).json()).toEqual({ message: 'Hello anonymous!', authenticated: false });
      const { userId, token } = await sessionToken(await instanceKeys(), 'express');
      const me = await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${token}` }, redirect: 'manual' });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ userId });
    } finally {
      await app.stop();
    }
  }, 120_000);

  it('examples/express-hello-world: without keys (no instance in the data dir) both commands fail loudly', async () => {
    const [, command] = readmeCommands(clone, 'express-hello-world');
    if (!command) throw new Error('no second command');
    const wrongDir = command.line.replace('--data-dir ../../.gatehouse', '--data-dir ../../no-such-dir');
    expect(wrongDir).not.toBe(command.line);
    const { code, stderr } = await runToEnd(wrongDir, command.cwd, shellEnv({ PORT: String(await freePort()) }));
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^gatehouse: no Gatehouse instance in \S+no-such-dir\/gatehouse\.db/));
    expect(lines).toContainEqual(expect.stringMatching(/^express-hello-world: CLERK_SECRET_KEY, .* not set; run eval/));
    expect(stderr).not.toMatch(/clerk\.com|\n\s+at /);
  }, 60_000);

  it(
    'examples/nextjs-hello-world: the second command builds and serves the app with the instance’s keys',
    async () => {
      const [root, command] = readmeCommands(clone, 'nextjs-hello-world');
      if (!command || !gatehouse) throw new Error('no second command, or Gatehouse did not start');
      // The same root command as the Express example's, which started the Gatehouse this app uses.
      const withoutComment = (line?: string) => line?.replace(/\s+#.*$/, '');
      expect(withoutComment(root?.line)).toBe(withoutComment(readmeCommands(clone, 'express-hello-world')[0]?.line));
      const port = await freePort();
      const app = await runCommand(command, {
        env: shellEnv({ PORT: String(port) }),
        ready: /Ready in/,
        url: `http://127.0.0.1:${port}`,
        timeoutMs: BUILD_TIMEOUT_MS,
      });
      try {
        const url = `http://127.0.0.1:${port}`;
        expect((await fetch(`${url}/api/hello`)).status).toBe(401);
        const keys = await instanceKeys();
        const { userId, token } = await sessionToken(keys, 'next');
        const hello = await fetch(`${url}/api/hello`, { headers: { authorization: `Bearer ${token}` } });
        expect(hello.status).toBe(200);
        expect(await hello.json()).toMatchObject({ message: 'Hello from Clerk!', userId });
        shareBuild('nextjs-hello-world', keys);
      } finally {
        await app.stop();
      }
    },
    BUILD_TIMEOUT_MS + 60_000,
  );

  it(
    'examples/vue-onboarding: the second command sets the session-token template, makes backend/.venv, builds, serves app and API',
    async () => {
      const [root, command] = readmeCommands(clone, 'vue-onboarding');
      if (!command || !gatehouse) throw new Error('no second command, or Gatehouse did not start');
      const withoutComment = (line?: string) => line?.replace(/\s+#.*$/, '');
      expect(withoutComment(root?.line)).toBe(withoutComment(readmeCommands(clone, 'express-hello-world')[0]?.line));
      expect(existsSync(path.join(clone.root, 'examples/vue-onboarding/backend/.venv'))).toBe(false);
      const port = await freePort();
      const app = await runCommand(command, {
        env: shellEnv({ PORT: String(port) }),
        ready: /onboarding app on http/,
        url: `http://127.0.0.1:${port}`,
        timeoutMs: VENV_TIMEOUT_MS,
      });
      try {
        const url = `http://127.0.0.1:${port}`;
        const keys = await instanceKeys();
        const template = await fetch(`${keys.apiUrl}/v1/instance/session_token`, {
          headers: { authorization: `Bearer ${keys.secretKey}` },
        });
        expect(((await template.json()) as { claims: unknown }).claims).toEqual({ metadata: '{{user.public_metadata}}' });
        expect((await fetch(`${url}/api/onboarding-status`)).status).toBe(401);
        const { token } = await sessionToken(keys, 'vue-onboarding');
        const status = await fetch(`${url}/api/onboarding-status`, { headers: { authorization: `Bearer ${token}` } });
        expect(status.status).toBe(200);
        expect(await status.json()).toEqual({ onboardingComplete: false, applicationName: null, applicationType: null });
        const page = await fetch(`${url}/onboarding`);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain(`http://127.0.0.1:${gatehousePort}/npm/@clerk/clerk-js@`);
      } finally {
        await app.stop();
      }
    },
    VENV_TIMEOUT_MS + 60_000,
  );

  it('examples/vue-onboarding: without keys, npm start stops at once with one line', async () => {
    const { code, stderr } = await runToEnd('npm start', 'examples/vue-onboarding', shellEnv());
    expect(code).toBe(1);
    expect(stderr).toMatch(/^vue-onboarding: CLERK_SECRET_KEY, .* not set; run eval/m);
  }, 60_000);

  it.skipIf(!hasPostgres)(
    'examples/user-sync: the second command builds, migrates a fresh database, registers the webhook endpoint, serves front end and API',
    async () => {
      const [root, command] = readmeCommands(clone, 'user-sync');
      if (!command || !gatehouse) throw new Error('no second command, or Gatehouse did not start');
      const withoutComment = (line?: string) => line?.replace(/\s+#.*$/, '');
      expect(withoutComment(root?.line)).toBe(withoutComment(readmeCommands(clone, 'express-hello-world')[0]?.line));
      // Its own database (DATABASE_URL, which the commands read, like PORT and API_PORT).
      const database = await createTestDatabase();
      const port = await freePort();
      const apiPort = await freePort();
      const app = await runCommand(command, {
        env: shellEnv({ PORT: String(port), API_PORT: String(apiPort), DATABASE_URL: database.url }),
        ready: /user-sync app on http/,
        url: `http://127.0.0.1:${port}`,
        timeoutMs: USER_SYNC_TIMEOUT_MS,
      });
      try {
        const url = `http://127.0.0.1:${port}`;
        const keys = await instanceKeys();
        const endpoints = await fetch(`${keys.apiUrl}/v1/webhook_endpoints`, { headers: { authorization: `Bearer ${keys.secretKey}` } });
        expect(((await endpoints.json()) as { data: Array<{ url: string }> }).data.map((e) => e.url)).toContain(
          `http://127.0.0.1:${apiPort}/api/webhooks/clerk`,
        );
        expect((await fetch(`${url}/api/favorites`)).status).toBe(401);
        const { userId, token } = await sessionToken(keys, 'user-sync');
        const sync = await fetch(`${url}/api/auth/sync`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ userId }),
        });
        expect(sync.status).toBe(201);
        expect(await sync.json()).toMatchObject({ id: userId, role: 'USER' });
        // Its front end's /api rewrite names API_PORT at build time.
        shareBuild('user-sync', keys, { API_PORT: String(apiPort) });
      } finally {
        await app.stop();
        await database.drop();
      }
    },
    USER_SYNC_TIMEOUT_MS + 60_000,
  );

  it('examples/user-sync: without keys, the build stops at once with one line', async () => {
    const { code, stderr } = await runToEnd('npm run build', 'examples/user-sync', shellEnv());
    expect(code).toBe(1);
    expect(stderr).toMatch(/^user-sync: CLERK_SECRET_KEY, .* not set; run eval/m);
  }, 60_000);
  for (const [example, framework] of [
    ['react-vite', 'React'],
    ['vue-vite', 'Vue'],
  ] as const) {
    it(
      `examples/${example}: the second command builds the SPA against Gatehouse and serves it with its API`,
      async () => {
        const [root, command] = readmeCommands(clone, example);
        if (!command || !gatehouse) throw new Error('no second command, or Gatehouse did not start');
        const withoutComment = (line?: string) => line?.replace(/\s+#.*$/, '');
        expect(withoutComment(root?.line)).toBe(withoutComment(readmeCommands(clone, 'express-hello-world')[0]?.line));
        const port = await freePort();
        const app = await runCommand(command, {
          env: shellEnv({ PORT: String(port) }),
          ready: new RegExp(`${framework} app on http://localhost:${port}`),
          url: `http://127.0.0.1:${port}`,
          timeoutMs: BUILD_TIMEOUT_MS,
        });
        try {
          const url = `http://127.0.0.1:${port}`;
          const keys = await instanceKeys();
          // The built page loads clerk-js and @clerk/ui from this Gatehouse, and its bundle holds the instance's key.
          const html = await (await fetch(url)).text();
          expect(html).toContain(`http://127.0.0.1:${gatehousePort}/npm/@clerk/clerk-js`);
          const bundles = [...html.matchAll(/src="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1] ?? '');
          const code = (await Promise.all(bundles.map(async (b) => (await fetch(`${url}${b}`)).text()))).join('\n');
          expect(code).toContain(keys.publishableKey);
          // A client-side route still gets the SPA.
          expect(await (await fetch(`${url}/sign-in/factor-one`)).text()).toBe(html);
          // The API verifies the instance's tokens.
          expect((await fetch(`${url}/api/me`)).status).toBe(401);
          const { userId, token } = await sessionToken(keys, example);
          const me = await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
          expect(me.status).toBe(200);
          expect(await me.json()).toMatchObject({ userId, email: expect.stringMatching(/^readme-/) });
          shareBuild(example, keys);
        } finally {
          await app.stop();
        }
      },
      BUILD_TIMEOUT_MS + 60_000,
    );

    it(`examples/${example}: without keys, npm start stops before building, naming the variables`, async () => {
      const { code, stdout, stderr } = await runToEnd('npm start', `examples/${example}`, shellEnv());
      expect(code).not.toBe(0);
      expect(`${stdout}${stderr}`).toMatch(/VITE_CLERK_PUBLISHABLE_KEY, .* not set\. Run: eval "\$\(npx gatehouse env --shell/);
      expect(`${stdout}${stderr}`).not.toMatch(/clerk\.com/);
    }, 60_000);
  }

  it('examples/nextjs-hello-world: without keys, the build stops at once with one line', async () => {
    const { code, stderr } = await runToEnd('npm run build', 'examples/nextjs-hello-world', shellEnv());
    expect(code).toBe(1);
    expect(stderr).toMatch(/^nextjs-hello-world: NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY, CLERK_SECRET_KEY, .* not set; run eval/m);
  }, 60_000);

  it('examples/google-token: both commands (Gatehouse restarted with "google" = the dev provider), then a Google sign-in through the dev provider and the calendar read with the vault token', async () => {
    const [root, command] = readmeCommands(clone, 'google-token');
    if (!root || !command || !gatehouse) throw new Error('no commands, or Gatehouse did not start');
    expect(root.cwd).toBe('.');
    // This root command adds the "google" connection: it replaces the Gatehouse the other examples
    // used (same data dir, so the same instance and keys), so it runs last.
    await gatehouse.stop();
    gatehouse = undefined;
    const providerPort = await freePort();
    const env = shellEnv({ DEV_PROVIDER_PORT: String(providerPort) });
    const base = `http://127.0.0.1:${gatehousePort}`;
    gatehouse = await runCommand(
      { ...root, line: root.line.replace(/^npm ci && /, '') },
      { env, ready: /Gatehouse is listening/, url: base },
    );
    expect(gatehouse.output()).toContain(`OAuth callback  ${base}/v1/oauth_callback (register it with: google)`);
    const port = await freePort();
    const appUrl = `http://127.0.0.1:${port}`;
    const app = await runCommand(command, { env: { ...env, PORT: String(port) }, ready: /google-token example on/, url: appUrl });
    try {
      // The browser's part, over HTTP: clerk-js's calls at Gatehouse, the dev provider's own forms.
      let client = '';
      const fapi = async (method: string, url: string, form?: Record<string, string>) => {
        const res = await fetch(`${base}${url}`, {
          method,
          headers: { origin: appUrl, cookie: client, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
          ...(form ? { body: new URLSearchParams(form).toString() } : {}),
          redirect: 'manual',
        });
        for (const line of res.headers.getSetCookie()) if (line.startsWith('__client=')) client = line.split(';')[0] ?? '';
        return res;
      };
      const started = await fapi('POST', '/v1/client/sign_ins', {
        strategy: 'oauth_google',
        redirect_url: `${appUrl}/sso-callback`,
        action_complete_redirect_url: appUrl,
      });
      expect(started.status).toBe(200);
      let url: string = (
        (await started.json()) as { response: { first_factor_verification: { external_verification_redirect_url: string } } }
      ).response.first_factor_verification.external_verification_redirect_url;
      expect(new URL(url).origin).toBe(`http://127.0.0.1:${providerPort}`);
      const jar = new Map<string, string>();
      for (let hop = 0; new URL(url).origin !== base; hop++) {
        if (hop > 20) throw new Error(`lost at the dev provider: ${url}`);
        const res = await fetch(url, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
        for (const line of res.headers.getSetCookie()) {
          const [name = '', ...value] = (line.split(';')[0] ?? '').split('=');
          jar.set(name, value.join('='));
        }
        const location = res.headers.get('location');
        if (location) {
          url = new URL(location, url).href;
          continue;
        }
        // A page with a form: the login (any name, any password), then the consent.
        const html = await res.text();
        const action = html.match(/<form[^>]*action="([^"]+)"/)?.[1];
        if (res.status !== 200 || !action) throw new Error(`dev provider page without a form: ${res.status} ${html.slice(0, 200)}`);
        const fields = new URLSearchParams();
        for (const [, name, value] of html.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g))
          fields.set(name ?? '', value ?? '');
        if (html.includes('name="login"')) {
          fields.set('login', 'readme-ada');
          fields.set('password', 'anything');
        }
        const posted = await fetch(new URL(action, url), {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
          body: fields.toString(),
        });
        for (const line of posted.headers.getSetCookie()) {
          const [name = '', ...value] = (line.split(';')[0] ?? '').split('=');
          jar.set(name, value.join('='));
        }
        url = new URL(posted.headers.get('location') ?? '', url).href;
      }
      const back = await fapi('GET', url.slice(base.length));
      expect(back.status).toBe(303);
      expect(back.headers.get('location')).toBe(`${appUrl}/sso-callback`);
      // A new user: what handleRedirectCallback does next.
      const signUp = await fapi('POST', '/v1/client/sign_ups', { transfer: 'true' });
      expect(signUp.status).toBe(200);
      const done = (await signUp.json()) as { response: { status: string; created_session_id: string; email_address: string } };
      expect(done.response).toMatchObject({ status: 'complete', email_address: 'readme-ada@example.com' });

      // The app's server route: the token from getUserOauthAccessToken, used at the "Google" API.
      const keys = await instanceKeys();
      const clerk = createClerkClient({ secretKey: keys.secretKey, apiUrl: keys.apiUrl, telemetry: { disabled: true } });
      const token = (await clerk.sessions.getToken(done.response.created_session_id)).jwt;
      expect((await fetch(`${appUrl}/api/calendar`)).status).toBe(401);
      const calendar = await fetch(`${appUrl}/api/calendar`, { headers: { authorization: `Bearer ${token}` } });
      expect(calendar.status).toBe(200);
      const body = (await calendar.json()) as { scopes: string[]; calendar: { items?: unknown[] } };
      expect(body.scopes).toContain('openid');
      expect(body.calendar.items?.length).toBeGreaterThan(0);
      // Nothing token-like in Gatehouse's log: not the vault's access token, not the callback's code.
      const userId = (await clerk.sessions.getSession(done.response.created_session_id)).userId;
      const vault = (await clerk.users.getUserOauthAccessToken(userId, 'google')).data[0]?.token ?? '';
      expect(vault.length).toBeGreaterThan(10);
      const code = new URL(url).searchParams.get('code') ?? '';
      expect(code.length).toBeGreaterThan(10);
      expect(gatehouse.output()).not.toContain(vault);
      expect(gatehouse.output()).not.toContain(code);
    } finally {
      await app.stop();
    }
  }, 120_000);
});
