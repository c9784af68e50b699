import * as z from 'zod';

/**
 * Which passwordless factors an instance offers (the instance settings' `passwordless` section, config
 * file key `passwordless`). All are off by default, as on a new Clerk instance: the environment then
 * shows them off and the Frontend API refuses their strategies.
 */
export const passwordlessSettingsSchema = z
  .object({
    /** `optional`: phone numbers may be added, verified by SMS code, and sign in (`phone_code`). */
    phoneNumber: z.enum(['off', 'optional']).default('off'),
    /** E-mail links (`email_link`) for sign-in, sign-up and address verification. */
    emailLink: z.boolean().default(false),
    /** Passkeys: registration in `<UserProfile/>`, sign-in with `passkey` (and autofill). */
    passkeys: z.boolean().default(false),
  })
  .strict();

export type PasswordlessSettings = z.infer<typeof passwordlessSettingsSchema>;

export function parsePasswordlessSettings(raw: unknown): PasswordlessSettings {
  const parsed = passwordlessSettingsSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : passwordlessSettingsSchema.parse({});
}
