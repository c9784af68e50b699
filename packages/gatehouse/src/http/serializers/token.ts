import type { TokenJSON } from '@clerk/backend';

/** `@clerk/backend`'s `CookiesJSON` (declared in its resources, not exported from the package). */
export interface CookiesJSON {
  object: 'cookies';
  cookies: string[];
}

/** A minted token. The Frontend API sends it bare, not in the envelope: clerk-js reads `.jwt` from the top level. */
export function serializeToken(jwt: string): TokenJSON {
  return { object: 'token', jwt };
}

/** Set-Cookie values for the app's response (`POST /v1/sessions/{id}/refresh` with `format: "cookie"`). */
export function serializeCookies(cookies: string[]): CookiesJSON {
  return { object: 'cookies', cookies };
}
