import * as z from 'zod';

const attribute = z.enum(['off', 'optional', 'required']);

/** A redirect URL registered through BAPI (`/v1/redirect_urls`). */
const redirectUrlEntry = z.object({ id: z.string(), url: z.string(), createdAt: z.number(), updatedAt: z.number() }).strict();
/** A satellite domain registered through BAPI (`/v1/domains`). */
const satelliteDomainEntry = z
  .object({ id: z.string(), name: z.string(), proxyUrl: z.string().nullable(), createdAt: z.number(), updatedAt: z.number() })
  .strict();

/** What the Frontend API offers: which sign-up fields exist, and who may call it from a browser. */
export const frontendSettingsSchema = z
  .object({
    applicationName: z.string().min(1).max(100).default('Gatehouse'),
    /** The logo the components show above their forms: an upload's path under the public URL, or an absolute https URL. */
    logoImageUrl: z.string().max(2048).optional(),
    firstName: attribute.default('optional'),
    lastName: attribute.default('optional'),
    username: attribute.default('off'),
    deleteSelfEnabled: z.boolean().default(true),
    /** Origins (scheme://host[:port]) whose pages may call the Frontend API and be redirected to. */
    allowedOrigins: z.array(z.string().url()).default([]),
    signInUrl: z.string().url().optional(),
    signUpUrl: z.string().url().optional(),
    afterSignInUrl: z.string().url().optional(),
    afterSignUpUrl: z.string().url().optional(),
    /** Shown by the components in "contact support" messages (`display_config.support_email`). */
    supportEmail: z.string().min(3).max(320).optional(),
    /** A development instance's app origin (`PATCH /v1/instance` `development_origin`): allowed like `allowedOrigins`. */
    developmentOrigin: z.string().url().optional(),
    /** Further redirect targets (`/v1/redirect_urls`): a URL under one of them is an allowed redirect. */
    redirectUrls: z.array(redirectUrlEntry).default([]),
    /** Satellite domains (`/v1/domains`): their https origins (and http ones in development) are allowed origins. */
    satelliteDomains: z.array(satelliteDomainEntry).default([]),
  })
  .strict();

/** What the configuration file may set: the lists managed through the Backend API are left out. */
export const configurableFrontendSettingsSchema = frontendSettingsSchema.omit({ redirectUrls: true, satelliteDomains: true }).partial();

export type FrontendSettings = z.infer<typeof frontendSettingsSchema>;

export function parseFrontendSettings(raw: unknown): FrontendSettings {
  const parsed = frontendSettingsSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : frontendSettingsSchema.parse({});
}
