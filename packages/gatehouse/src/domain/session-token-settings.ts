import { errors, type GatehouseError } from '../errors.js';
import { byteLength, findShortcodeProblems } from './claims-template.js';

/** Clerk documents 1.2 KB for custom session claims: the token lives in a cookie beside others. */
export const SESSION_CLAIMS_LIMIT_BYTES = 1200;
export const DEFAULT_SESSION_TOKEN_LIFETIME_SECONDS = 60;
/** How long a session token may live, in seconds: the config file and the admin endpoint both hold to it. */
export const SESSION_TOKEN_LIFETIME_RANGE = { min: 5, max: 86_400 } as const;
/** How long a token minted on request may live (`expires_in_seconds`, a JWT template's `lifetime`): 30 s to 10 years. */
export const MINTED_TOKEN_LIFETIME_RANGE = { min: 30, max: 315_360_000 } as const;

/** Claims the server sets; a template may not override them. */
export const RESERVED_SESSION_CLAIMS = new Set([
  'azp',
  'exp',
  'iat',
  'iss',
  'jti',
  'nbf',
  'sid',
  'sub',
  'v',
  'fva',
  'sts',
  'o',
  'fea',
  'pla',
  'act',
  'org_id',
  'org_role',
  'org_slug',
  'org_permissions',
]);

export interface SessionTokenSettings {
  claims: Record<string, unknown>;
  lifetimeSeconds: number;
}

export function defaultSessionTokenSettings(): SessionTokenSettings {
  return { claims: {}, lifetimeSeconds: DEFAULT_SESSION_TOKEN_LIFETIME_SECONDS };
}

function invalid(param: string, why: string): GatehouseError {
  return errors.paramInvalid(param, why);
}

/** Validates a session-token template; throws a Clerk-style error naming what is wrong. */
export function validateSessionTokenSettings(input: { claims?: unknown; lifetimeSeconds?: unknown }): SessionTokenSettings {
  const claims = input.claims ?? {};
  if (!claims || typeof claims !== 'object' || Array.isArray(claims)) throw invalid('claims', 'must be a JSON object');
  const reserved = Object.keys(claims).filter((key) => RESERVED_SESSION_CLAIMS.has(key));
  if (reserved.length)
    throw invalid('claims', `${reserved.join(', ')} ${reserved.length > 1 ? 'are' : 'is'} set by the server and cannot be customised`);
  const problems = findShortcodeProblems(claims);
  if (problems.length) throw invalid('claims', problems.join('; '));
  const size = byteLength(claims);
  if (size > SESSION_CLAIMS_LIMIT_BYTES) throw errors.sessionClaimsTooLarge(size, SESSION_CLAIMS_LIMIT_BYTES);
  const lifetime = input.lifetimeSeconds ?? DEFAULT_SESSION_TOKEN_LIFETIME_SECONDS;
  const { min, max } = SESSION_TOKEN_LIFETIME_RANGE;
  if (typeof lifetime !== 'number' || !Number.isInteger(lifetime) || lifetime < min || lifetime > max) {
    throw errors.paramValueInvalid('lifetime', `must be a whole number of seconds between ${min} and ${max}`);
  }
  return { claims: claims as Record<string, unknown>, lifetimeSeconds: lifetime };
}

/** Reads stored settings leniently: they were validated when written. */
export function parseSessionTokenSettings(raw: Partial<SessionTokenSettings>): SessionTokenSettings {
  return {
    claims: raw.claims && typeof raw.claims === 'object' ? raw.claims : {},
    lifetimeSeconds: typeof raw.lifetimeSeconds === 'number' ? raw.lifetimeSeconds : DEFAULT_SESSION_TOKEN_LIFETIME_SECONDS,
  };
}
