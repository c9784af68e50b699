import { createHash } from 'node:crypto';

/**
 * How a bearer secret we hand out (a client cookie, a testing token, a handshake nonce) is stored: its
 * SHA-256, so a leaked table gives no live secret. The secrets are 24+ random bytes, so no salt or
 * slow hash is needed, and a lookup by hash stays one indexed read.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
