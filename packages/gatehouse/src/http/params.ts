import * as z from 'zod';
import { MINTED_TOKEN_LIFETIME_RANGE } from '../domain/session-token-settings.js';

/** A query parameter that may repeat (`user_id=a&user_id=b`): always an array. */
export const stringList = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : [value]))
  .optional();

/**
 * One query parameter read as a single string (Fastify gives an array for a repeated one): its first
 * value, as `URLSearchParams.get` would. Anything else is absent.
 */
export function queryValue(query: unknown, name: string): string | undefined {
  if (query === null || typeof query !== 'object' || !Object.hasOwn(query, name)) return undefined;
  const value = (query as Record<string, unknown>)[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}

export const queryInt = (min: number, max: number) => z.coerce.number().int().min(min).max(max).optional();

export const pagination = {
  limit: queryInt(1, 500),
  offset: queryInt(0, 1_000_000_000),
  paginated: z.enum(['true', 'false']).optional(),
};

export const metadataObject = z.record(z.string(), z.unknown());

/** Unix milliseconds, or an RFC 3339 date as Clerk also accepts. */
export const timestamp = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), 'must be a date')
    .transform((s) => Date.parse(s)),
]);

/** A path id. No length cap: an id that cannot exist is simply not found (the router caps it at 512). */
export const idParams = z.object({ id: z.string().min(1) });

/** The body of an action that takes no parameters (`/ban`, `/revoke`): anything sent is unknown. */
export const emptyBody = z.object({}).strict();

/** Seconds a token minted on request lives: BAPI's `expires_in_seconds` and a JWT template's `lifetime`. */
export const tokenLifetimeSeconds = z.number().int().min(MINTED_TOKEN_LIFETIME_RANGE.min).max(MINTED_TOKEN_LIFETIME_RANGE.max);
