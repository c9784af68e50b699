import type { TokenJSON } from '@clerk/backend';

/** A minted token. The Frontend API sends it bare, not in the envelope: clerk-js reads `.jwt` from the top level. */
export function serializeToken(jwt: string): TokenJSON {
  return { object: 'token', jwt };
}
