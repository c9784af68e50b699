// `npm start`: the seed's set-up steps, then the app on one port.
//  1. "Customize session token": PATCH /v1/instance/session_token with the seed's template, so every
//     session token carries the user's public_metadata as `metadata` (what the router guard reads).
//  2. The backend's Python environment (backend/.venv from requirements.txt), made once.
//  3. `vite build` (the VITE_* values from `gatehouse env` are inlined at build time).
//  4. uvicorn serving the FastAPI app: /api/* (the seed's router) and the built Vue app.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const backend = path.join(here, 'backend');
const venvPython = path.join(backend, '.venv', 'bin', 'python');

const required = [
  'CLERK_SECRET_KEY',
  'CLERK_API_URL',
  'CLERK_JWT_KEY',
  'VITE_CLERK_PUBLISHABLE_KEY',
  'VITE_CLERK_PROXY_URL',
  'VITE_CLERK_JS_URL',
  'VITE_CLERK_UI_URL',
];
const missing = required.filter((name) => !process.env[name]);
if (missing.length > 0) {
  console.error(
    `vue-onboarding: ${missing.join(', ')} not set; run eval "$(npx gatehouse env --shell --data-dir ../../.gatehouse)" in this shell first (Gatehouse must have started once), see README.md`,
  );
  process.exit(1);
}

/** The seed's session-token template, as its "Customize session token" step sets it in the dashboard. */
export const SESSION_TOKEN_CLAIMS = { metadata: '{{user.public_metadata}}' };

async function applySessionTokenTemplate() {
  const response = await fetch(`${process.env.CLERK_API_URL}/v1/instance/session_token`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${process.env.CLERK_SECRET_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ claims: SESSION_TOKEN_CLAIMS }),
  });
  if (!response.ok) {
    console.error(`vue-onboarding: setting the session-token template failed: ${response.status} ${await response.text()}`);
    process.exit(1);
  }
  console.log('session-token template set: {"metadata": "{{user.public_metadata}}"}');
}

function ensurePythonEnv() {
  if (existsSync(venvPython)) return;
  console.log('creating backend/.venv from backend/requirements.txt (once)');
  execFileSync('sh', [path.join(backend, 'make-venv.sh')], { stdio: 'inherit' });
}

try {
  await applySessionTokenTemplate();
} catch (error) {
  console.error(
    `vue-onboarding: Gatehouse does not answer at ${process.env.CLERK_API_URL} (${error.cause?.code ?? error.message}); start it first`,
  );
  process.exit(1);
}
ensurePythonEnv();
execFileSync('npm', ['run', '--silent', 'build', '--', '--logLevel', 'warn'], { cwd: here, stdio: 'inherit' });

const port = process.env.PORT ?? '5173';
const host = process.env.HOST ?? '127.0.0.1';
const server = spawn(venvPython, ['-m', 'uvicorn', 'app.main:app', '--host', host, '--port', port, '--log-level', 'warning'], {
  cwd: backend,
  stdio: ['ignore', 'inherit', 'inherit'],
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
for (;;) {
  try {
    if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
  } catch {
    // not listening yet
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
}
console.log(`onboarding app on http://localhost:${port} (and http://127.0.0.1:${port})`);
