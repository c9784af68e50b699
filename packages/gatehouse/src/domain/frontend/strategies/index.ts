import { frontendErrors } from '../../../errors.js';
import type { User } from '../../../model/index.js';
import type { FactorSettings } from '../../factor-settings.js';
import { backupCode } from './backup-code.js';
import { emailCode } from './email-code.js';
import { emailLink } from './email-link.js';
import { passkey } from './passkey.js';
import { password } from './password.js';
import { phoneCode } from './phone-code.js';
import { resetPasswordEmailCode } from './reset-password-email-code.js';
import { totp } from './totp.js';
import type {
  FactorDescription,
  FirstFactorStrategy,
  SecondFactorDescription,
  SecondFactorStrategy,
  SignInFactors,
  SignUpVerificationStrategy,
  Strategy,
  StrategyDeps,
} from './types.js';

export type * from './types.js';

/**
 * Every strategy Gatehouse runs. A new one (`oauth_google`, `passkey`, `phone_code`, …) is one more
 * file in this folder, added here: sign-in, sign-up and the factors a sign-in lists all read this list.
 */
export const STRATEGIES: readonly Strategy[] = [
  passkey,
  password,
  emailCode,
  emailLink,
  phoneCode,
  resetPasswordEmailCode,
  totp,
  backupCode,
];

const firstFactors = new Map<string, FirstFactorStrategy>(
  STRATEGIES.flatMap((s) => (s.firstFactor ? [[s.name, s.firstFactor] as const] : [])),
);
const secondFactors = new Map<string, SecondFactorStrategy>(
  STRATEGIES.flatMap((s) => (s.secondFactor ? [[s.name, s.secondFactor] as const] : [])),
);
const signUpVerifications = new Map<string, SignUpVerificationStrategy>(
  STRATEGIES.flatMap((s) => (s.signUpVerification ? [[s.name, s.signUpVerification] as const] : [])),
);

const firstFactorOn = (strategy: FirstFactorStrategy, settings: FactorSettings) => strategy.enabled?.(settings) ?? true;

/** The sign-in strategy called `name`, or Clerk's `strategy_for_user_invalid` (also when the instance turned it off). */
export function firstFactorStrategy(name: string, settings: FactorSettings): FirstFactorStrategy {
  const strategy = firstFactors.get(name);
  if (!strategy || !firstFactorOn(strategy, settings)) throw frontendErrors.strategyInvalid(name);
  return strategy;
}

/** The sign-up verification strategy called `name`, or Clerk's `strategy_for_user_invalid`. */
export function signUpVerificationStrategy(name: string): SignUpVerificationStrategy {
  const strategy = signUpVerifications.get(name);
  if (!strategy) throw frontendErrors.strategyInvalid(name);
  return strategy;
}

/** A sign-in's `supported_first_factors`: every registered first factor the instance offers, described for this account. */
export function supportedFirstFactors(factors: SignInFactors, settings: FactorSettings): FactorDescription[] {
  return [...firstFactors.values()].filter((s) => firstFactorOn(s, settings)).flatMap((strategy) => strategy.describeFactor(factors) ?? []);
}

/** The strategy a sign-in's first factor uses, if it names a registered one. */
export function currentFirstFactor(name: string | null): FirstFactorStrategy | undefined {
  return name ? firstFactors.get(name) : undefined;
}

/**
 * The second factors `user` has set up among those the instance offers, and whether sign-in must ask
 * for one (only a `primary` factor makes it: backup codes alone do not).
 */
export async function userSecondFactors(
  deps: StrategyDeps,
  user: User,
  settings: FactorSettings,
): Promise<{ factors: SecondFactorDescription[]; required: boolean }> {
  const factors: SecondFactorDescription[] = [];
  let required = false;
  for (const strategy of secondFactors.values()) {
    if (!strategy.enabled(settings)) continue;
    const described = await strategy.describeFactors(deps, user);
    if (described.length > 0 && strategy.primary) required = true;
    factors.push(...described);
  }
  return { factors: required ? factors : [], required };
}

/** The second-factor strategy called `name` when the instance offers it, or Clerk's `strategy_for_user_invalid`. */
export function secondFactorStrategy(name: string, settings: FactorSettings): SecondFactorStrategy {
  const strategy = secondFactors.get(name);
  if (!strategy?.enabled(settings)) throw frontendErrors.strategyInvalid(name);
  return strategy;
}

/** The strategy a sign-in's second factor uses, if it names a registered one. */
export function currentSecondFactor(name: string | null): SecondFactorStrategy | undefined {
  return name ? secondFactors.get(name) : undefined;
}

export { maskPhone } from './phone-code.js';
export { backupCode, emailCode, emailLink, passkey, password, phoneCode, resetPasswordEmailCode, totp };
