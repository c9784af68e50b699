import type { FactorSettings } from '../factor-settings.js';
import type { PasswordlessSettings } from '../passwordless-settings.js';

/**
 * Whether a new session must start `pending` with Clerk's `setup-mfa` task: the instance requires MFA
 * (`factors.mfaRequired`), the user has no second factor sign-in could ask for, and the instance
 * offers one they can set up (an authenticator app, or SMS codes while phone numbers are on). Without
 * any such factor the requirement could never be met, so it is not imposed.
 */
export function mfaSetupRequired(factors: FactorSettings, passwordless: PasswordlessSettings, hasSecondFactor: boolean): boolean {
  if (!factors.mfaRequired || hasSecondFactor) return false;
  return factors.totp || (factors.phoneCode && passwordless.phoneNumber !== 'off');
}
