import { hash } from 'node:crypto';

/**
 * How a bearer secret we hand out (a client cookie, a testing token, a handshake nonce) is stored: its
 * SHA-256, so a leaked table gives no live secret. The secrets are 24+ random bytes, so no salt or
 * slow hash is needed, and a lookup by hash stays one indexed read.
 */
export function hashToken(token: string): string {
  // The one-shot `crypto.hash` (Node ≥ 20.12) skips the Hash object `createHash` makes per call: every
  // token refresh hashes its cookie, and every Backend API call its secret key.
  return hash('sha256', token);
}

/** `hashToken` as raw bytes, for a constant-time comparison (`timingSafeEqual`) without a hex round trip. */
export function hashTokenBytes(token: string): Buffer {
  return hash('sha256', token, 'buffer');
}
