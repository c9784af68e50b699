import * as z from 'zod';

/**
 * The `PATCH /v1/instance` options that Clerk's cloud acts on and a self-hosted server has no use for
 * (test mode, HIBP, Clerk's e-mail deliverability, the clerk-js version its CDN serves, URL-based
 * session syncing, the preferred strategy when a password is required). They are kept as sent, so an
 * app that sets them gets what it set back from its own records, and documented as inert.
 */
export const instanceOptionsSchema = z
  .object({
    testMode: z.boolean().optional(),
    hibp: z.boolean().optional(),
    enhancedEmailDeliverability: z.boolean().optional(),
    clerkJsVersion: z.string().max(64).optional(),
    urlBasedSessionSyncing: z.boolean().optional(),
    preferredSignInStrategyWhenPasswordRequired: z.enum(['password', 'otp']).optional(),
  })
  .strict();

export type InstanceOptions = z.infer<typeof instanceOptionsSchema>;

export function parseInstanceOptions(raw: unknown): InstanceOptions {
  const parsed = instanceOptionsSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : {};
}
