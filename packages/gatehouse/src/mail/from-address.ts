import { isSingleEmailAddress } from './address.js';

/** The sender of every message: an address, and the name shown beside it (the application's when none is set). */
export interface FromAddress {
  name: string | undefined;
  address: string;
}

export const DEFAULT_FROM_ADDRESS = 'no-reply@gatehouse.local';

/**
 * Reads `Name <address>` or a bare `address`. The name is kept apart from the address (nodemailer
 * encodes it), and neither may hold line breaks, so nothing can add a header. Undefined: not valid.
 */
export function parseFromAddress(value: string): FromAddress | undefined {
  const text = value.trim();
  const named = /^(.*?)\s*<([^<>]+)>$/su.exec(text);
  const name = named ? named[1]?.trim().replace(/^"(.*)"$/su, '$1') : undefined;
  const address = named ? (named[2] ?? '').trim() : text;
  if (!isSingleEmailAddress(address)) return undefined;
  if (name !== undefined && (name.length > 100 || /[\p{Cc}<>"]/u.test(name))) return undefined;
  return { name: name || undefined, address };
}
