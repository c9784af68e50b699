/**
 * The peer: the same Express route behind Better Auth (SQLite through better-sqlite3, default options:
 * no cookie cache, so each check reads the session from the database). Better Auth's own routes are
 * mounted at /api/auth so the bench signs a user up through its API. Env: PORT, BENCH_DB_FILE.
 */
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { fromNodeHeaders, toNodeHandler } from 'better-auth/node';
import Database from 'better-sqlite3';
import express from 'express';

const port = Number(process.env.PORT);
const auth = betterAuth({
  database: new Database(process.env.BENCH_DB_FILE),
  baseURL: `http://127.0.0.1:${port}`,
  secret: 'bench-only-secret-0123456789abcdef0123456789abcdef',
  emailAndPassword: { enabled: true },
  telemetry: { enabled: false },
});
const { runMigrations } = await getMigrations(auth.options);
await runMigrations();

const app = express();
app.all('/api/auth/*splat', toNodeHandler(auth));
app.get('/me', async (req, res) => {
  const session = await auth.api.getSession({ headers: fromNodeHeaders(req.headers) });
  if (!session) return res.status(401).json({ error: 'signed out' });
  res.json({ userId: session.user.id });
});
app.get('/healthz', (_req, res) => res.send('ok'));
const server = app.listen(port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
