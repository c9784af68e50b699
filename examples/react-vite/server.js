// The app's API and its static files: /api/me verifies the Bearer token @clerk/react's getToken()
// sends, with @clerk/express (keys from `gatehouse env`); everything else is the built SPA.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { clerkClient, clerkMiddleware, getAuth } from '@clerk/express';
import express from 'express';

if (!process.env.CLERK_SECRET_KEY) {
  console.error('CLERK_SECRET_KEY is not set. Run: eval "$(npx gatehouse env --shell --data-dir ../../.gatehouse)" && npm start');
  process.exit(1);
}

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), 'dist');
const app = express();

app.get('/api/me', clerkMiddleware(), async (req, res) => {
  const { userId, sessionId } = getAuth(req);
  if (!userId) return res.status(401).json({ error: 'Unauthorized' });
  const user = await clerkClient.users.getUser(userId);
  res.json({ userId, sessionId, email: user.primaryEmailAddress?.emailAddress ?? null });
});

app.use(express.static(dist));
// Client-side routes (/sign-in/factor-one, /sign-up/verify-email-address, ...) all load the SPA.
app.get('/{*path}', (_req, res) => res.sendFile(path.join(dist, 'index.html')));

const port = Number(process.env.PORT ?? 5173);
const host = process.env.HOST ?? '127.0.0.1';
app.listen(port, host, () => console.log(`React app on http://localhost:${port} (and http://127.0.0.1:${port})`));
