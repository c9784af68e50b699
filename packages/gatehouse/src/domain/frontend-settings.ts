import * as z from 'zod';

const attribute = z.enum(['off', 'optional', 'required']);

/** What the Frontend API offers: which sign-up fields exist, and who may call it from a browser. */
export const frontendSettingsSchema = z
  .object({
    applicationName: z.string().min(1).max(100).default('Gatehouse'),
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
  })
  .strict();

export type FrontendSettings = z.infer<typeof frontendSettingsSchema>;

export function parseFrontendSettings(raw: unknown): FrontendSettings {
  const parsed = frontendSettingsSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : frontendSettingsSchema.parse({});
}
