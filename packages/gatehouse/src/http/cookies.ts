/** Reads a Cookie header into a map; the first value of a repeated name wins, as browsers send the most specific first. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name || out.has(name)) continue;
    const raw = part.slice(eq + 1).trim();
    let value = raw;
    try {
      value = decodeURIComponent(raw);
    } catch {
      // not percent-encoded after all: the raw text is the value
    }
    // No cookie we set holds U+0000, and PostgreSQL text cannot: such a cookie is treated as absent.
    if (!value.includes('\u0000')) out.set(name, value);
  }
  return out;
}

export { type CookieOptions, serializeCookie } from '../set-cookie.js';
