/**
 * A small Express app protected by `@clerk/express`, for the browser end-to-end tests. Run it as a
 * child process (`node --import tsx express-app.ts`): `@clerk/express` reads its configuration from
 * the environment (CLERK_SECRET_KEY, CLERK_PUBLISHABLE_KEY, CLERK_API_URL, CLERK_PROXY_URL), and the
 * tests run several apps with different keys at once. It also needs PORT, CLERK_JS_URL and CLERK_UI_URL.
 */
import { clerkClient, clerkMiddleware, getAuth } from '@clerk/express';
import express, { type Request, type Response } from 'express';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`express-app: ${name} is not set\n`);
    process.exit(2);
  }
  return value;
}

const port = Number(required('PORT'));
const publishableKey = required('CLERK_PUBLISHABLE_KEY');
const proxyUrl = required('CLERK_PROXY_URL');
const clerkJsUrl = required('CLERK_JS_URL');
const clerkUiUrl = required('CLERK_UI_URL');
required('CLERK_SECRET_KEY');
required('CLERK_API_URL');

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A page that loads @clerk/ui, then clerk-js, then runs `mount(clerk, el)`. `window.__appReady`
 * becomes true once Clerk has loaded and the component is mounted; `window.__appError` holds a failure.
 */
function page(title: string, mount: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}#status{margin-bottom:1rem}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<div id="status" data-testid="status">loading</div>
<div id="mount"></div>
<script src="${escapeHtml(clerkUiUrl)}"></script>
<script src="${escapeHtml(clerkJsUrl)}" data-clerk-publishable-key="${escapeHtml(publishableKey)}" data-clerk-proxy-url="${escapeHtml(proxyUrl)}"></script>
<script>
(async () => {
  const clerk = window.Clerk;
  await clerk.load({ ui: { ClerkUI: window.__internal_ClerkUICtor }, signInUrl: '/sign-in', signUpUrl: '/sign-up' });
  const status = document.getElementById('status');
  status.textContent = clerk.user ? 'signed in as ' + clerk.user.id : 'signed out';
  status.dataset.userId = clerk.user ? clerk.user.id : '';
  const el = document.getElementById('mount');
  ${mount}
  window.__appReady = true;
})().catch((error) => {
  window.__appError = String(error && error.stack || error);
  document.getElementById('status').textContent = 'error: ' + String(error);
});
</script>
</body>
</html>`;
}

const app = express();
app.disable('x-powered-by');
app.use(clerkMiddleware());

const html = (res: Response, body: string) => res.set('cache-control', 'no-store').type('html').send(body);

app.get('/favicon.ico', (_req, res) => res.status(204).end());

app.get('/', (_req, res) => html(res, page('Home', '')));

app.get('/sign-in{/*rest}', (_req, res) =>
  html(res, page('Sign in', "clerk.mountSignIn(el, { routing: 'path', path: '/sign-in', signUpUrl: '/sign-up' });")),
);

app.get('/sign-up{/*rest}', (_req, res) =>
  html(res, page('Sign up', "clerk.mountSignUp(el, { routing: 'path', path: '/sign-up', signInUrl: '/sign-in' });")),
);

app.get('/profile{/*rest}', (_req, res) =>
  html(res, page('Profile', "if (clerk.user) clerk.mountUserProfile(el, { routing: 'path', path: '/profile' });")),
);

app.get('/protected', async (req: Request, res: Response) => {
  const { userId, sessionId } = getAuth(req);
  if (!userId) return res.redirect('/sign-in');
  try {
    const user = await clerkClient.users.getUser(userId);
    return html(
      res,
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Protected</title></head><body>
<h1>Protected</h1>
<p>user id: <span id="user-id">${escapeHtml(userId)}</span></p>
<p>session id: <span id="session-id">${escapeHtml(sessionId ?? '')}</span></p>
<p>first name: <span id="first-name">${escapeHtml(user.firstName ?? '')}</span></p>
<p>e-mail: <span id="email">${escapeHtml(user.primaryEmailAddress?.emailAddress ?? '')}</span></p>
</body></html>`,
    );
  } catch (error) {
    process.stderr.write(`express-app: getUser failed: ${String(error)}\n`);
    return res
      .status(500)
      .type('text')
      .send(`getUser failed: ${String(error)}`);
  }
});

app.get('/api/me', (req, res) => {
  const { userId, sessionId, orgId, orgRole, has } = getAuth(req);
  if (!userId) return res.status(401).json({ error: 'unauthenticated' });
  // `?permission=org:x:y` asks the server's has() about one permission of the active organization.
  const permission = typeof req.query.permission === 'string' ? req.query.permission : undefined;
  return res.json({ userId, sessionId, orgId, orgRole, ...(permission ? { has: has({ permission }) } : {}) });
});

// Organizations: the switcher beside <CreateOrganization/>, and the active organization's profile.
app.get('/orgs', (_req, res) =>
  html(
    res,
    page(
      'Organizations',
      "const sw = document.createElement('div'); sw.id = 'switcher'; el.before(sw); clerk.mountOrganizationSwitcher(sw, { hidePersonal: false });" +
        " clerk.mountCreateOrganization(el, { skipInvitationScreen: true, afterCreateOrganizationUrl: '/' });",
    ),
  ),
);

app.get('/org-profile{/*rest}', (_req, res) =>
  html(res, page('Organization', "clerk.mountOrganizationProfile(el, { routing: 'path', path: '/org-profile' });")),
);

// <OrganizationList/>: memberships, invitations and suggestions (enrollment by verified domain).
app.get('/org-list', (_req, res) =>
  html(res, page('Organization list', "clerk.mountOrganizationList(el, { hidePersonal: false, afterSelectOrganizationUrl: '/' });")),
);

const server = app.listen(port, '127.0.0.1', () => {
  process.stdout.write(`express-app ready on http://127.0.0.1:${port}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
