import type { FrontendSettings } from '../domain/frontend-settings.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
    return parsed.origin;
  } catch {
    return undefined;
  }
}

/**
 * Which app origins may call the Frontend API with credentials and receive redirects: the public
 * URL's own origin, the configured `allowedOrigins`, and in development any loopback origin, so a
 * local app works without configuration. Production allows nothing implicit.
 */
export function isAllowedOrigin(origin: string, options: { publicUrl: string; settings: FrontendSettings; development: boolean }): boolean {
  // Every Frontend API call asks about the same few origins; parsing URLs for each costs more than the lookup.
  let known = verdicts.get(options.settings);
  if (!known) {
    known = new Map();
    verdicts.set(options.settings, known);
  }
  const key = `${options.development ? 'd' : 'p'} ${options.publicUrl} ${origin}`;
  let verdict = known.get(key);
  if (verdict === undefined) {
    verdict = decideOrigin(origin, options);
    if (known.size >= VERDICTS_PER_SETTINGS) known.clear();
    known.set(key, verdict);
  }
  return verdict;
}

/** Verdicts per settings object: a settings change (a new object) starts afresh. */
const verdicts = new WeakMap<FrontendSettings, Map<string, boolean>>();
const VERDICTS_PER_SETTINGS = 256;

function decideOrigin(origin: string, options: { publicUrl: string; settings: FrontendSettings; development: boolean }): boolean {
  const normalized = originOf(origin);
  if (!normalized) return false;
  const { settings, development } = options;
  if (normalized === originOf(options.publicUrl)) return true;
  if (settings.allowedOrigins.some((allowed) => originOf(allowed) === normalized)) return true;
  if (development && settings.developmentOrigin && originOf(settings.developmentOrigin) === normalized) return true;
  const { protocol, host } = new URL(normalized);
  // A satellite domain's app: https, or plain http too on a development instance.
  if ((protocol === 'https:' || development) && settings.satelliteDomains.some((d) => d.name === host)) return true;
  return development && LOOPBACK.has(new URL(normalized).hostname);
}

/**
 * Whether `url` lies under the registered redirect URL `registered`: the same scheme and host, and a
 * path at or below its path (`https://app.example/cb` covers `/cb` and `/cb/x`, not `/cbx`). Custom
 * schemes (`myapp://callback`) compare alike, so native apps can be sent back to themselves.
 */
function isUnder(url: URL, registered: string): boolean {
  let base: URL;
  try {
    base = new URL(registered);
  } catch {
    return false;
  }
  if (url.protocol !== base.protocol || url.host !== base.host || url.username || url.password) return false;
  const prefix = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  return url.pathname === base.pathname || url.pathname.startsWith(prefix) || base.pathname === '';
}

/**
 * A redirect target is safe when it is an absolute http(s) URL on an allowed origin, or a URL under
 * one of the redirect URLs registered through BAPI (no open redirect).
 */
export function isAllowedRedirect(url: string, options: { publicUrl: string; settings: FrontendSettings; development: boolean }): boolean {
  if (decideOrigin(url, options)) return true;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return options.settings.redirectUrls.some((entry) => isUnder(parsed, entry.url));
}
