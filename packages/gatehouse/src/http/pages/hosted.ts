import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cookieSuffix, newDevBrowserId } from '../../domain/frontend/handshake.js';
import type { Domain } from '../../domain/index.js';
import { isAllowedRedirect } from '../../security/origins.js';
import { parseCookies, serializeCookie } from '../cookies.js';
import { queryValue } from '../params.js';
import { bundleUrls } from './bundles.js';

type PageKind = 'sign-in' | 'sign-up' | 'user' | 'home';

const TITLES: Record<PageKind, string> = { 'sign-in': 'Sign in', 'sign-up': 'Sign up', user: 'Your account', home: 'Home' };

/** The hosted pages' icon: a gate, in the components' default primary colour. */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#2f3037"/><path d="M16 52V26a16 16 0 0 1 32 0v26" fill="none" stroke="#fff" stroke-width="5"/><path d="M24 52V30M32 52V26M40 52V30" stroke="#fff" stroke-width="4"/></svg>`;

const HOME_STYLE = `
.card{background:#fff;border-radius:14px;box-shadow:0 1px 3px rgba(0,0,0,.08),0 8px 24px rgba(0,0,0,.06);padding:32px 36px;width:min(520px,92vw);color:#212126}
.card h1{font-size:20px;margin:0 0 6px;overflow-wrap:anywhere}.card p{margin:0 0 18px;color:#5f6168;line-height:1.5}
.row{display:flex;align-items:center;justify-content:space-between;gap:12px}
.actions{display:flex;gap:10px;flex-wrap:wrap;margin-top:8px}
.btn{display:inline-block;padding:9px 16px;border-radius:8px;font-size:14px;font-weight:500;text-decoration:none;border:1px solid #d9dadd;color:#212126;background:#fff;cursor:pointer}
.btn.primary{background:#2f3037;border-color:#2f3037;color:#fff}
.muted{color:#76777d;font-size:13px}
h2{font-size:14px;text-transform:uppercase;letter-spacing:.04em;color:#76777d;margin:24px 0 8px}
ul.sessions{list-style:none;margin:0 0 8px;padding:0}ul.sessions li{padding:10px 0;border-top:1px solid #eeeff1;font-size:14px}
.badge{font-size:11px;background:#eef6ee;color:#2b7a2b;border-radius:999px;padding:2px 8px;margin-left:6px}
`;

/** Signed out: links to sign in and up. Signed in: who, the sessions, the account page. Built with textContent only. */
const HOME_SCRIPT = `
  const root = document.getElementById('gatehouse-home');
  const h = (tag, props = {}, children = []) => {
    const node = Object.assign(document.createElement(tag), props);
    for (const child of children) node.append(child);
    return node;
  };
  const card = h('div', { className: 'card' });
  root.append(card);
  if (!clerk.user) {
    card.append(
      h('h1', { textContent: config.appName }),
      h('p', { textContent: 'You are not signed in.' }),
      h('div', { className: 'actions' }, [
        h('a', { className: 'btn primary', href: '/sign-in', textContent: 'Sign in' }),
        h('a', { className: 'btn', href: '/sign-up', textContent: 'Create an account' }),
      ]),
    );
    return;
  }
  const user = clerk.user;
  const name = [user.firstName, user.lastName].filter(Boolean).join(' ');
  const email = user.primaryEmailAddress ? user.primaryEmailAddress.emailAddress : (user.username || '');
  const avatar = h('div', { id: 'gatehouse-user-button' });
  card.append(
    h('div', { className: 'row' }, [h('h1', { textContent: 'Signed in as ' + (name || email) }), avatar]),
    h('p', { className: 'muted', textContent: (name ? email + ' · ' : '') + user.id }),
  );
  clerk.mountUserButton(avatar, { afterSignOutUrl: '/' });
  const list = h('ul', { className: 'sessions' });
  card.append(h('h2', { textContent: 'Your sessions' }), list);
  const sessions = await user.getSessions().catch(() => []);
  for (const session of sessions) {
    const activity = session.latestActivity || {};
    const device = [activity.browserName, activity.deviceType, activity.ipAddress].filter(Boolean).join(' · ') || 'A browser';
    const item = h('li', {}, [h('span', { textContent: device })]);
    if (clerk.session && session.id === clerk.session.id) item.append(h('span', { className: 'badge', textContent: 'This browser' }));
    item.append(h('div', { className: 'muted', textContent: 'Last active ' + new Date(session.lastActiveAt).toLocaleString() }));
    list.append(item);
  }
  const signOut = h('button', { className: 'btn', type: 'button', textContent: 'Sign out' });
  signOut.addEventListener('click', () => clerk.signOut({ redirectUrl: '/' }));
  card.append(h('div', { className: 'actions' }, [h('a', { className: 'btn primary', href: '/user', textContent: 'Manage your account' }), signOut]));
  return;
`;

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A JSON value safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/**
 * The hosted pages' Content-Security-Policy. Scripts: only the bundles Gatehouse serves (its own
 * origin) and the page's one inline script, by a per-response nonce, so injected markup cannot run
 * code. Styles inline (the components' CSS-in-JS inserts <style> elements), images also from https
 * (profile pictures live elsewhere), network calls only to the Frontend API (our origin), clerk-js's
 * timer worker from a blob:, no plugins, no <base>, no framing.
 */
function contentSecurityPolicy(nonce: string, publicOrigin: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' ${publicOrigin} 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https:",
    "font-src 'self' data:",
    `connect-src 'self' ${publicOrigin}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The page: the two bundles, then `clerk.load` and the component for `kind`. `taskUrls` sends a
 * pending session to its task screen (`/sign-in/tasks/<key>`, or `/sign-up/tasks/<key>` from the
 * sign-up page) by a page load of its own. Without them <SignIn/>/<SignUp/> switch their own route to
 * the task while clerk-js loads the page there (these pages have no client-side router): when the
 * task component is already loaded (clerk-js preloads `choose-organization`'s when the instance
 * requires an organization), it renders on the old page before clerk-js has set the new session,
 * finds no task and sends the browser to the after-sign-up URL instead.
 */
function renderPage(
  kind: PageKind,
  config: Record<string, unknown>,
  urls: { clerkJsUrl: string; clerkUiUrl: string },
  appName: string,
  nonce: string,
): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(TITLES[kind])} · ${escapeHtml(appName)}</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;font-family:system-ui,sans-serif;background:#f6f7f9}${kind === 'home' ? HOME_STYLE.replace(/\n/g, '') : ''}</style>
</head>
<body>
<div id="gatehouse-${kind}"></div>
<script nonce="${nonce}" src="${escapeHtml(urls.clerkUiUrl)}"></script>
<script nonce="${nonce}" src="${escapeHtml(urls.clerkJsUrl)}" data-clerk-publishable-key="${escapeHtml(String(config.publishableKey))}" data-clerk-proxy-url="${escapeHtml(String(config.proxyUrl))}"></script>
<script nonce="${nonce}">
(async () => {
  const config = ${scriptJson(config)};
  const clerk = window.Clerk;
  // A pending session's task screen is loaded as a page of its own (see renderPage).
  const taskBase = config.kind === 'sign-up' ? '/sign-up/tasks/' : '/sign-in/tasks/';
  await clerk.load({
    ui: { ClerkUI: window.__internal_ClerkUICtor },
    signInUrl: '/sign-in',
    signUpUrl: '/sign-up',
    taskUrls: Object.fromEntries(['choose-organization', 'setup-mfa', 'reset-password'].map((key) => [key, taskBase + key])),
    allowedRedirectOrigins: config.allowedRedirectOrigins.map((o) => (o.startsWith('^') ? new RegExp(o) : o)),
  });
  ${kind === 'home' ? HOME_SCRIPT : ''}
  const el = document.getElementById('gatehouse-${kind}');
  const redirect = config.redirectUrl ? { forceRedirectUrl: config.redirectUrl, signInForceRedirectUrl: config.redirectUrl, signUpForceRedirectUrl: config.redirectUrl } : {};
  if (config.kind === 'sign-in') clerk.mountSignIn(el, { routing: 'path', path: '/sign-in', signUpUrl: '/sign-up', ...redirect });
  else if (config.kind === 'sign-up') clerk.mountSignUp(el, { routing: 'path', path: '/sign-up', signInUrl: '/sign-in', ...redirect });
  else if (!clerk.user) window.location.assign('/sign-in?redirect_url=' + encodeURIComponent(window.location.href));
  else clerk.mountUserProfile(el, { routing: 'path', path: '/user' });
})();
</script>
</body>
</html>`;
}

/**
 * Hosted pages (Clerk's Account Portal): `/sign-in`, `/sign-up` and `/user`, built from the prebuilt
 * components Gatehouse serves itself. `?redirect_url=` is honoured only for allowed origins.
 */
export function registerHostedPages(app: FastifyInstance, domain: Domain, publicUrl: string): void {
  const urls = bundleUrls(publicUrl);
  const publicOrigin = new URL(publicUrl).origin;

  async function handler(kind: PageKind, request: FastifyRequest, reply: FastifyReply) {
    const settings = (await domain.instance.settings()).frontend;
    const development = domain.isDevelopment();
    const redirectUrl = queryValue(request.query, 'redirect_url');
    if (redirectUrl && !isAllowedRedirect(redirectUrl, { publicUrl, settings, development })) {
      // Drop a foreign target rather than follow it: no open redirect.
      return reply.code(302).header('location', `/${kind}`).send();
    }
    const allowedRedirectOrigins = [publicUrl, ...settings.allowedOrigins];
    if (development) allowedRedirectOrigins.push('^https?://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:\\d+)?(/|$)');
    const nonce = randomBytes(16).toString('base64');
    const html = renderPage(
      kind,
      {
        kind,
        appName: settings.applicationName,
        publishableKey: domain.publishableKey(),
        proxyUrl: publicUrl,
        redirectUrl: redirectUrl ?? null,
        allowedRedirectOrigins,
      },
      urls,
      settings.applicationName,
      nonce,
    );
    if (development) giveDevBrowser(request, reply);
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('x-frame-options', 'DENY')
      .header('content-security-policy', contentSecurityPolicy(nonce, publicOrigin))
      .header('referrer-policy', 'strict-origin-when-cross-origin')
      .send(html);
  }

  /**
   * clerk-js creates a dev browser only on Clerk's own hosts, yet on a development instance it needs
   * one to send people back to another origin (it adds `__clerk_db_jwt` to the redirect, which the
   * app's handshake then picks up). The hosted page hands one out as a cookie clerk-js reads.
   */
  function giveDevBrowser(request: FastifyRequest, reply: FastifyReply): void {
    const suffixed = `__clerk_db_jwt_${cookieSuffix(domain.publishableKey())}`;
    const cookies = parseCookies(request.headers.cookie);
    if (cookies.get(suffixed) || cookies.get('__clerk_db_jwt')) return;
    const value = newDevBrowserId();
    const options = { sameSite: 'Lax' as const, secure: publicUrl.startsWith('https:'), maxAge: 365 * 24 * 3600 };
    reply.header('set-cookie', [serializeCookie('__clerk_db_jwt', value, options), serializeCookie(suffixed, value, options)]);
  }

  app.get('/', (request, reply) => handler('home', request, reply));
  for (const path of ['/favicon.svg', '/favicon.ico']) {
    app.get(path, async (_request, reply) =>
      reply.header('content-type', 'image/svg+xml').header('cache-control', 'public, max-age=86400').send(FAVICON_SVG),
    );
  }
  for (const kind of ['sign-in', 'sign-up', 'user'] as const) {
    app.get(`/${kind}`, (request, reply) => handler(kind, request, reply));
    app.get(`/${kind}/*`, (request, reply) => handler(kind, request, reply));
  }
}
