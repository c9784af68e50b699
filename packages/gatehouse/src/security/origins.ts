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
  if (normalized === originOf(options.publicUrl)) return true;
  if (options.settings.allowedOrigins.some((allowed) => originOf(allowed) === normalized)) return true;
  return options.development && LOOPBACK.has(new URL(normalized).hostname);
}

/** A redirect target is safe when it is an absolute http(s) URL on an allowed origin (no open redirect). */
export function isAllowedRedirect(url: string, options: { publicUrl: string; settings: FrontendSettings; development: boolean }): boolean {
  return decideOrigin(url, options);
}
