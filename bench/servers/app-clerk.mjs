/**
 * The app side with Gatehouse: an Express route behind @clerk/express's clerkMiddleware(). With
 * CLERK_JWT_KEY set, the session token in `Authorization: Bearer` is verified locally (RS256), with no
 * call to Gatehouse. Env: CLERK_JWT_KEY, CLERK_SECRET_KEY, CLERK_PUBLISHABLE_KEY, CLERK_API_URL, PORT.
 *
 * BENCH_CLERK_MODE=verifyToken swaps the middleware for a bare `verifyToken(token, { jwtKey })` from
 * @clerk/backend: not the scenario, but it shows how much of the check is the middleware's own work.
 */
import { clerkMiddleware, getAuth, verifyToken } from '@clerk/express';
import express from 'express';

const app = express();
if (process.env.BENCH_CLERK_MODE === 'verifyToken') {
  const jwtKey = process.env.CLERK_JWT_KEY;
  app.get('/me', async (req, res) => {
    const token = req.headers.authorization?.replace(/^Bearer /, '');
    try {
      const claims = await verifyToken(token ?? '', { jwtKey });
      res.json({ userId: claims.sub });
    } catch {
      res.status(401).json({ error: 'signed out' });
    }
  });
} else {
  app.use(clerkMiddleware());
  app.get('/me', (req, res) => {
    const { userId } = getAuth(req);
    if (!userId) return res.status(401).json({ error: 'signed out' });
    res.json({ userId });
  });
}
const server = app.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
