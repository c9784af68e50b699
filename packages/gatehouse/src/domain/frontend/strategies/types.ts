import type { EmailAddressRow, SignInRow, SignUpRow, UserRow, VerificationCodeRow } from '../../model.js';
import type { PasswordVerifier } from '../../password-verification.js';
import type { VerificationCodes } from '../verification-codes.js';

/** What a sign-in knows about the account behind its identifier; unknown identifiers get look-alike values. */
export interface SignInFactors {
  user: UserRow | undefined;
  emailAddress: EmailAddressRow | undefined;
  /** For an unknown identifier: a stable fake e-mail id, so the answer looks like a real account's. */
  emailAddressId: string;
  safeIdentifier: string;
}

/** One entry of a sign-in's `supported_first_factors`. */
export interface FactorDescription {
  strategy: string;
  email_address_id?: string;
  safe_identifier?: string;
  primary?: boolean;
}

/** What strategies may use: codes, password checks, users. */
export interface StrategyDeps {
  codes: VerificationCodes;
  verifyPassword: PasswordVerifier;
  findUser(id: string): Promise<UserRow | undefined>;
}

/** What a successful first-factor attempt leads to. */
export type FirstFactorOutcome = { user: UserRow; next: 'complete' | 'needs_new_password' };

/** A way to prove who you are at sign-in (`prepare_first_factor` / `attempt_first_factor`). */
export interface FirstFactorStrategy {
  /** Clerk's strategy name, as clerk-js sends it. */
  name: string;
  /** This factor as the sign-in's `supported_first_factors` lists it. */
  describeFactor(factors: SignInFactors): FactorDescription;
  /** Sends what the attempt will need (a code); absent for factors that need nothing sent. */
  prepare?(deps: StrategyDeps, input: { signIn: SignInRow; factors: SignInFactors; locale: string }): Promise<void>;
  /** Checks the proof; throws Clerk's error when it is wrong. */
  attempt(deps: StrategyDeps, input: { signIn: SignInRow; password?: string; code?: string }): Promise<FirstFactorOutcome>;
  /** The code behind this factor's `verification`, if it uses one. */
  verification?(deps: StrategyDeps, signIn: SignInRow): Promise<VerificationCodeRow | undefined>;
}

/** A way to verify a sign-up's identifier (`prepare_verification` / `attempt_verification`). */
export interface SignUpVerificationStrategy {
  name: string;
  prepare(deps: StrategyDeps, input: { signUp: SignUpRow; locale: string }): Promise<void>;
  /** Checks the proof; throws Clerk's error when it is wrong. */
  attempt(deps: StrategyDeps, input: { signUp: SignUpRow; code?: string }): Promise<void>;
  verification(deps: StrategyDeps, signUp: SignUpRow): Promise<VerificationCodeRow | undefined>;
}

/** One strategy, in whichever flows it takes part. */
export interface Strategy {
  name: string;
  firstFactor?: FirstFactorStrategy;
  signUpVerification?: SignUpVerificationStrategy;
}
