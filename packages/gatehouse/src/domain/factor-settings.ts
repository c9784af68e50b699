import * as z from 'zod';

/**
 * Which sign-in factors the instance offers (the `factors` section of the instance settings; config
 * file key `factors`). Identifiers that are also profile fields (username, names) stay in the
 * `frontend` section; the e-mail address is always the primary identifier.
 */
export const factorSettingsSchema = z
  .object({
    /** A six-digit code e-mailed to the address as a first factor (the password stays on). */
    emailCode: z.boolean().default(true),
    /** Authenticator apps (TOTP, RFC 6238) as a second factor. */
    totp: z.boolean().default(true),
    /**
     * An SMS code to a verified phone number the user reserved for it (`reserved_for_second_factor`)
     * as a second factor; needs phone numbers turned on (`passwordless.phoneNumber`).
     */
    phoneCode: z.boolean().default(true),
    /** Single-use backup codes as a second factor (for users with another second factor). */
    backupCode: z.boolean().default(true),
    /**
     * Every user must keep a second factor: the environment says so (`sign_in.second_factor.required`,
     * `sign_up.mfa.required`), and the last second factor cannot be removed through the Frontend API.
     */
    mfaRequired: z.boolean().default(false),
  })
  .strict();

export type FactorSettings = z.infer<typeof factorSettingsSchema>;

export function parseFactorSettings(raw: unknown): FactorSettings {
  const parsed = factorSettingsSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : factorSettingsSchema.parse({});
}
