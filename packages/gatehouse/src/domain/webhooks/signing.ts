import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** A new endpoint secret in Svix's format: `whsec_` and the base64 of 24 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** Whether `secret` is one `standardwebhooks` (and so Svix and `verifyWebhook`) can sign with. */
export function isWebhookSecret(secret: string): boolean {
  const key = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : '';
  return /^[A-Za-z0-9+/]+={0,2}$/.test(key) && Buffer.from(key, 'base64').length >= 16 && Buffer.from(key, 'base64').length <= 64;
}

/**
 * Svix's headers for one attempt: `svix-id` (the event's id, the same on every attempt),
 * `svix-timestamp` (seconds) and `svix-signature` (`v1,<base64 HMAC-SHA256 of id.timestamp.body>`),
 * one signature per secret, space-separated, so during a rotation a receiver holding either secret
 * verifies. Signed by `standardwebhooks`, the library Svix's own SDKs are built on.
 */
export function signDelivery(secrets: string[], id: string, timestampMs: number, body: string): Record<string, string> {
  const at = new Date(Math.floor(timestampMs / 1000) * 1000);
  const signatures = secrets.map((secret) => new Webhook(secret).sign(id, at, body));
  return {
    'svix-id': id,
    'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
    'svix-signature': signatures.join(' '),
  };
}
