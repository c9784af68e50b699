import { errors } from '../errors.js';
import type { Store } from '../store/index.js';
import type { InstanceService } from './instance.js';
import { KEYRING_REFRESH_MS, type Keyring } from './keyring.js';

/** How long a new signing key is published before it signs, unless the operator says otherwise. */
export const DEFAULT_OVERLAP_SECONDS = 60;
/** Two re-reads of the keyring: every node publishes the new key before any node signs with it. */
export const MIN_OVERLAP_SECONDS = (2 * KEYRING_REFRESH_MS) / 1000;
export const MAX_OVERLAP_SECONDS = 86_400;
/** Beyond the longest lifetime: verifiers' clock skew (templates allow up to 300 s) and late re-reads. */
export const RETENTION_MARGIN_SECONDS = 300;
/** A session token signed just before the switch must outlive it, whatever the operator asks. */
export const MIN_RETENTION_MARGIN_SECONDS = 60;
export const MAX_RETAIN_SECONDS = 315_360_000 + RETENTION_MARGIN_SECONDS;
export const DEFAULT_SECRET_KEY_GRACE_SECONDS = 86_400;
export const MAX_SECRET_KEY_GRACE_SECONDS = 30 * 86_400;

export interface SigningKeyRotation {
  kid: string;
  activatesAt: number;
  /** When the keys that were published before this rotation leave the JWKS. */
  previousKeysRetireAt: number;
  retainSeconds: number;
}

function wholeSeconds(param: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw errors.paramValueInvalid(param, `must be a whole number of seconds between ${min} and ${max}`);
  }
  return value;
}

/**
 * Rotation of the instance's signing key and secret key. The old signing key stays published until
 * the tokens it signed have expired: the longest lifetime among the session token and the JWT
 * templates the instance key signs, plus a margin, unless the operator names a shorter retention (a
 * leaked key). Tokens minted through BAPI with their own `expires_in_seconds` are not tracked.
 */
export function createKeyRotationService(store: Store, keyring: Keyring, instance: InstanceService) {
  async function longestLifetimeSeconds(): Promise<{ session: number; longest: number }> {
    const session = (await instance.settings()).sessionToken.lifetimeSeconds;
    let longest = session;
    const pageSize = 500;
    for (let offset = 0; ; offset += pageSize) {
      const page = await store.jwtTemplates.list(pageSize, offset);
      for (const template of page) if (!template.customSigningKey) longest = Math.max(longest, template.lifetime);
      if (page.length < pageSize) break;
    }
    return { session, longest };
  }

  return {
    longestLifetimeSeconds,

    async rotateSigningKey(input: { overlapSeconds?: number; retainSeconds?: number } = {}): Promise<SigningKeyRotation> {
      const overlap = wholeSeconds(
        'overlap_seconds',
        input.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS,
        MIN_OVERLAP_SECONDS,
        MAX_OVERLAP_SECONDS,
      );
      const { session, longest } = await longestLifetimeSeconds();
      const retain = wholeSeconds(
        'retain_seconds',
        input.retainSeconds ?? longest + RETENTION_MARGIN_SECONDS,
        session + MIN_RETENTION_MARGIN_SECONDS,
        MAX_RETAIN_SECONDS,
      );
      const rotated = await keyring.rotate(overlap * 1000, retain * 1000);
      return { kid: rotated.kid, activatesAt: rotated.activatesAt, previousKeysRetireAt: rotated.retiresAt, retainSeconds: retain };
    },

    async rotateSecretKey(input: { graceSeconds?: number } = {}): Promise<{ secretKey: string; previousExpiresAt: number }> {
      const grace = wholeSeconds('grace_seconds', input.graceSeconds ?? DEFAULT_SECRET_KEY_GRACE_SECONDS, 0, MAX_SECRET_KEY_GRACE_SECONDS);
      return instance.rotateSecretKey(grace * 1000);
    },
  };
}

export type KeyRotationService = ReturnType<typeof createKeyRotationService>;
