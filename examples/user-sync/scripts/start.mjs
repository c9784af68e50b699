// `npm start` (after `npm run build`):
//  1. the app's database: created if missing, migrations applied (`prisma migrate deploy`);
//  2. the webhook endpoint for user.created/updated/deleted registered with Gatehouse (the seed's
//     "dashboard" step), unless CLERK_WEBHOOK_SIGNING_SECRET is given; its secret goes to the API;
//  3. the NestJS API on API_PORT (3001) and the Next.js front end on PORT (3000).
import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { bins, CLERK_ENV, requireEnv, root, run } from './env.mjs';

requireEnv(CLERK_ENV);
const apiPort = process.env.API_PORT;
const port = process.env.PORT ?? '3000';
const children = [];

async function ensureDatabase() {
  const url = new URL(process.env.DATABASE_URL);
  const name = decodeURIComponent(url.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  try {
    await client.connect();
  } catch (error) {
    console.error(`user-sync: PostgreSQL does not answer at ${admin.host} (${error.code ?? error.message}); start it or set DATABASE_URL`);
    process.exit(1);
  }
  const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
  if (rowCount === 0) {
    await client.query(`create database "${name.replaceAll('"', '""')}"`);
    console.log(`created database ${name}`);
  }
  await client.end();
}

/** The Gatehouse webhook endpoint pointing at this API, made once; its `whsec_` secret. */
async function webhookSecret() {
  if (process.env.CLERK_WEBHOOK_SIGNING_SECRET) return process.env.CLERK_WEBHOOK_SIGNING_SECRET;
  const url = `http://127.0.0.1:${apiPort}/api/webhooks/clerk`;
  const bapi = (method, pathname, body) =>
    fetch(`${process.env.CLERK_API_URL}${pathname}`, {
      method,
      headers: { authorization: `Bearer ${process.env.CLERK_SECRET_KEY}`, 'content-type': 'application/json' },
      body: body && JSON.stringify(body),
    });
  const list = await bapi('GET', '/v1/webhook_endpoints?limit=100');
  if (!list.ok) {
    console.warn(`user-sync: Gatehouse has no webhook endpoints API (${list.status}); the User table follows only POST /api/auth/sync`);
    return undefined;
  }
  const existing = (await list.json()).data.find((endpoint) => endpoint.url === url);
  if (existing) return existing.secret;
  const created = await bapi('POST', '/v1/webhook_endpoints', { url, events: ['user.created', 'user.updated', 'user.deleted'] });
  if (!created.ok) throw new Error(`registering the webhook endpoint failed: ${created.status} ${await created.text()}`);
  console.log(`webhook endpoint registered: ${url}`);
  return (await created.json()).secret;
}

function start(label, args, ready, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    const onData = (chunk) => {
      process.stdout.write(chunk);
      output += chunk;
      if (ready.test(output)) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      reject(new Error(`${label} exited with ${code}`));
      stopAll(code ?? 1);
    });
  });
}

function stopAll(code) {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  process.exitCode = code;
  setTimeout(() => process.exit(code), 5_000).unref();
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stopAll(0));

await ensureDatabase();
run(bins.prisma, ['migrate', 'deploy']);
let secret;
try {
  secret = await webhookSecret();
} catch (error) {
  console.error(`user-sync: ${error.cause?.code ?? error.message} (is Gatehouse running at ${process.env.CLERK_API_URL}?)`);
  process.exit(1);
}
await start('the API', [path.join(root, 'dist', 'main.js')], /user-sync API on/, secret ? { CLERK_WEBHOOK_SIGNING_SECRET: secret } : {});
await start('next start', [bins.next, 'start', 'web', '-H', 'localhost', '-p', port], /Ready in/);
console.log(`user-sync app on http://localhost:${port} (API on http://127.0.0.1:${apiPort})`);
