import { frontendErrors } from '../../../errors.js';
import { emailCode } from './email-code.js';
import { emailLink } from './email-link.js';
import { passkey } from './passkey.js';
import { password } from './password.js';
import { phoneCode } from './phone-code.js';
import { resetPasswordEmailCode } from './reset-password-email-code.js';
import type { FactorDescription, FirstFactorStrategy, SignInFactors, SignUpVerificationStrategy, Strategy } from './types.js';

export type * from './types.js';

/**
 * Every strategy Gatehouse runs. A new one (`oauth_google`, `totp`, `passkey`, …) is one more file
 * in this folder, added here: sign-in, sign-up and the factors a sign-in lists all read this list.
 */
export const STRATEGIES: readonly Strategy[] = [passkey, password, emailCode, emailLink, phoneCode, resetPasswordEmailCode];

const firstFactors = new Map<string, FirstFactorStrategy>(
  STRATEGIES.flatMap((s) => (s.firstFactor ? [[s.name, s.firstFactor] as const] : [])),
);
const signUpVerifications = new Map<string, SignUpVerificationStrategy>(
  STRATEGIES.flatMap((s) => (s.signUpVerification ? [[s.name, s.signUpVerification] as const] : [])),
);

/** The sign-in strategy called `name`, or Clerk's `strategy_for_user_invalid`. */
export function firstFactorStrategy(name: string): FirstFactorStrategy {
  const strategy = firstFactors.get(name);
  if (!strategy) throw frontendErrors.strategyInvalid(name);
  return strategy;
}

/** The sign-up verification strategy called `name`, or Clerk's `strategy_for_user_invalid`. */
export function signUpVerificationStrategy(name: string): SignUpVerificationStrategy {
  const strategy = signUpVerifications.get(name);
  if (!strategy) throw frontendErrors.strategyInvalid(name);
  return strategy;
}

/** A sign-in's `supported_first_factors`: every registered first factor, described for this account. */
export function supportedFirstFactors(factors: SignInFactors): FactorDescription[] {
  return [...firstFactors.values()].flatMap((strategy) => strategy.describeFactor(factors) ?? []);
}

/** The strategy a sign-in's first factor uses, if it names a registered one. */
export function currentFirstFactor(name: string | null): FirstFactorStrategy | undefined {
  return name ? firstFactors.get(name) : undefined;
}

export { emailCode, emailLink, passkey, password, phoneCode, resetPasswordEmailCode };
