/**
 * The ceiling of scenario 5: the same Express app and route as app-clerk.mjs and app-better-auth.mjs,
 * with no auth at all. It answers a fixed `{ userId }` to the same request (the bench sends it the same
 * `Authorization: Bearer` header), so it is the most any auth middleware in front of this route can
 * reach on the machine. Env: PORT.
 */
import express from 'express';

const app = express();
app.get('/me', (_req, res) => {
  res.json({ userId: 'x' });
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
