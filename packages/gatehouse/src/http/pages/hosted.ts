import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cookieSuffix, newDevBrowserId } from '../../domain/frontend/handshake.js';
import type { Domain } from '../../domain/index.js';
import { isAllowedRedirect } from '../../security/origins.js';
import { parseCookies, serializeCookie } from '../cookies.js';
import { queryValue } from '../params.js';
import { bundleUrls } from './bundles.js';

type PageKind = 'sign-in' | 'sign-up' | 'user';

const TITLES: Record<PageKind, string> = { 'sign-in': 'Sign in', 'sign-up': 'Sign up', user: 'Your account' };

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
<style>body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;font-family:system-ui,sans-serif;background:#f6f7f9}</style>
</head>
<body>
<div id="gatehouse-${kind}"></div>
<script nonce="${nonce}" src="${escapeHtml(urls.clerkUiUrl)}"></script>
<script nonce="${nonce}" src="${escapeHtml(urls.clerkJsUrl)}" data-clerk-publishable-key="${escapeHtml(String(config.publishableKey))}" data-clerk-proxy-url="${escapeHtml(String(config.proxyUrl))}"></script>
<script nonce="${nonce}">
(async () => {
  const config = ${scriptJson(config)};
  const clerk = window.Clerk;
  await clerk.load({
    ui: { ClerkUI: window.__internal_ClerkUICtor },
    signInUrl: '/sign-in',
    signUpUrl: '/sign-up',
    allowedRedirectOrigins: config.allowedRedirectOrigins.map((o) => (o.startsWith('^') ? new RegExp(o) : o)),
  });
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
      { kind, publishableKey: domain.publishableKey(), proxyUrl: publicUrl, redirectUrl: redirectUrl ?? null, allowedRedirectOrigins },
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

  for (const kind of ['sign-in', 'sign-up', 'user'] as const) {
    app.get(`/${kind}`, (request, reply) => handler(kind, request, reply));
    app.get(`/${kind}/*`, (request, reply) => handler(kind, request, reply));
  }
}
