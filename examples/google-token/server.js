import { clerkClient, clerkMiddleware, getAuth } from '@clerk/express';
import express from 'express';

const missing = ['CLERK_SECRET_KEY', 'CLERK_PUBLISHABLE_KEY', 'CLERK_API_URL', 'CLERK_PROXY_URL'].filter((name) => !process.env[name]);
if (missing.length > 0) {
  console.error(
    `google-token: ${missing.join(', ')} not set; run eval "$(npx gatehouse env --shell --data-dir ../../.gatehouse)" in this shell first (Gatehouse must have started once), see README.md`,
  );
  process.exit(1);
}

// Where the Google-style API is: Google's own (https://www.googleapis.com) in real use; the dev
// provider by default, so the example runs offline.
const GOOGLE_API_URL = process.env.GOOGLE_API_URL ?? `http://127.0.0.1:${process.env.DEV_PROVIDER_PORT ?? 4010}`;
const port = Number(process.env.PORT ?? 3002);
const here = `http://127.0.0.1:${port}`;

const app = express();
app.use(clerkMiddleware());

app.get('/', (req, res) => {
  const { userId } = getAuth(req);
  const signIn = `${process.env.CLERK_PROXY_URL}/sign-in?redirect_url=${encodeURIComponent(here)}`;
  res
    .type('html')
    .send(
      userId
        ? `<h1>Signed in</h1><p>Your calendar, read by this server with your Google token: <a href="/api/calendar">/api/calendar</a></p>`
        : `<h1>Google token example</h1><p><a href="${signIn}">Sign in with Google</a></p>`,
    );
});

// The seed's goal, the Clerk way: the server asks Gatehouse for the user's Google access token
// (refreshed first if it has expired) and calls the Google API with it. No token reaches the browser.
app.get('/api/calendar', async (req, res) => {
  const { userId } = getAuth(req);
  if (!userId) return res.status(401).json({ error: 'sign in first' });
  const { data } = await clerkClient.users.getUserOauthAccessToken(userId, 'google');
  const token = data[0]?.token;
  if (!token) return res.status(400).json({ error: 'this user has not signed in with Google' });
  const answer = await fetch(`${GOOGLE_API_URL}/calendar/v3/calendars/primary/events`, { headers: { authorization: `Bearer ${token}` } });
  res.status(answer.status).json({ scopes: data[0].scopes, calendar: await answer.json() });
});

app.use((error, _req, res, _next) => {
  // A Backend API error (e.g. the user revoked the app at Google: oauth_token_retrieval_error) is shown as is.
  res.status(error.status ?? 500).json({ error: error.errors?.[0] ?? { message: String(error.message) } });
});

app.listen(port, process.env.HOST ?? '127.0.0.1', () => console.log(`google-token example on ${here}`));
