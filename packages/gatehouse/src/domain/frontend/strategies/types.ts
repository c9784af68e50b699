import type {
  EmailAddress,
  FirstFactorStrategy as FirstFactorName,
  Invitation,
  PhoneNumber,
  SecondFactorStrategy as SecondFactorName,
  SignIn,
  SignUp,
  User,
  VerificationCode,
} from '../../../model/index.js';
import type { Caller } from '../../caller.js';
import type { FactorSettings } from '../../factor-settings.js';
import type { PasswordVerifier } from '../../password-verification.js';
import type { PasswordlessSettings } from '../../passwordless-settings.js';
import type { PasskeyCeremonies, RelyingParty } from '../passkeys.js';
import type { SecondFactorService } from '../second-factors.js';
import type { VerificationCodes } from '../verification-codes.js';

/** What a sign-in knows about the account behind its identifier; unknown identifiers get look-alike values. */
export interface SignInFactors {
  user: User | undefined;
  emailAddress: EmailAddress | undefined;
  /** For an unknown identifier: a stable fake e-mail id, so the answer looks like a real account's. */
  emailAddressId: string;
  safeIdentifier: string;
  /** The account's second factors, listed while the sign-in needs one (`supported_second_factors`); else empty. */
  secondFactors: SecondFactorDescription[];
  /** The account's primary verified phone number, if it has one (or the identifier was one). */
  phoneNumber: PhoneNumber | undefined;
  /** For an unknown phone identifier: a stable fake id, as for e-mail. */
  phoneNumberId: string | undefined;
  safePhone: string | undefined;
  /** How many verified passkeys the account has. */
  passkeys: number;
  settings: PasswordlessSettings;
}

/** One entry of a sign-in's `supported_first_factors`: a factor that needs nothing more, or an e-mail one. */
export type FactorDescription =
  | { strategy: 'password' | 'passkey' }
  | {
      strategy: 'email_code' | 'reset_password_email_code' | 'email_link';
      emailAddressId: string;
      safeIdentifier: string;
      primary: boolean;
    }
  | { strategy: 'phone_code'; phoneNumberId: string; safeIdentifier: string; primary: boolean };

/** One entry of a sign-in's `supported_second_factors`. */
export type SecondFactorDescription =
  | { strategy: 'totp' }
  | { strategy: 'backup_code' }
  | { strategy: 'phone_code'; phoneNumberId: string; safeIdentifier: string; default: boolean };

/** What strategies may use: codes, password checks, users, second factors. */
export interface StrategyDeps {
  codes: VerificationCodes;
  secondFactors: SecondFactorService;
  verifyPassword: PasswordVerifier;
  findUser(id: string): Promise<User | undefined>;
  /** The user's phone numbers. */
  phoneNumbersOf(userId: string): Promise<PhoneNumber[]>;
  passkeys: PasskeyCeremonies;
  /** The Frontend API URL an e-mail link points at (`/v1/verify?token=…`). */
  verifyUrl(token: string): string;
  settings(): Promise<PasswordlessSettings>;
}

/** What a prepare may carry besides the strategy: where an e-mail link returns, the page's relying party. */
export interface PrepareExtras {
  /** Who asked (a code's `email.created` / `sms.created` event carries its request attributes). */
  caller: Caller;
  redirectUrl?: string;
  rp?: RelyingParty;
}

/** What a successful first-factor attempt leads to. */
export type FirstFactorOutcome = { user: User; next: 'complete' | 'needs_new_password' };

/** A way to prove who you are at sign-in (`prepare_first_factor` / `attempt_first_factor`). */
export interface FirstFactorStrategy {
  /** Clerk's strategy name, as clerk-js sends it (also a member of the model's `FirstFactorStrategy` union). */
  name: FirstFactorName;
  /** Whether the instance offers it (the `factors` settings); on when absent. */
  enabled?(settings: FactorSettings): boolean;
  /** This factor as the sign-in's `supported_first_factors` lists it. */
  describeFactor(factors: SignInFactors): FactorDescription | undefined;
  /** Sends what the attempt will need (a code); absent for factors that need nothing sent. */
  prepare?(deps: StrategyDeps, input: { signIn: SignIn; factors: SignInFactors; locale: string } & PrepareExtras): Promise<void>;
  /** Checks the proof; throws Clerk's error when it is wrong. */
  attempt(
    deps: StrategyDeps,
    input: { signIn: SignIn; password?: string; code?: string; publicKeyCredential?: string },
  ): Promise<FirstFactorOutcome>;
  /** The code behind this factor's `verification`, if it uses one. */
  verification?(deps: StrategyDeps, signIn: SignIn): Promise<VerificationCode | undefined>;
}

/** A way to verify a sign-up's identifier (`prepare_verification` / `attempt_verification`). */
export interface SignUpVerificationStrategy {
  name: FirstFactorName;
  prepare(deps: StrategyDeps, input: { signUp: SignUp; locale: string } & PrepareExtras): Promise<void>;
  /** Checks the proof; throws Clerk's error when it is wrong. */
  attempt(deps: StrategyDeps, input: { signUp: SignUp; code?: string }): Promise<void>;
  verification(deps: StrategyDeps, signUp: SignUp): Promise<VerificationCode | undefined>;
}

/**
 * A second factor (`prepare_second_factor` / `attempt_second_factor`), asked for after a verified
 * first factor when the account has one of its `primary` factors set up.
 */
export interface SecondFactorStrategy {
  /** Clerk's strategy name (also a member of the model's `SecondFactorStrategy` union). */
  name: SecondFactorName;
  /**
   * Whether having this factor makes sign-in ask for a second factor (`totp`, `phone_code`); backup
   * codes are not primary: they only stand in for another factor.
   */
  primary: boolean;
  /** Whether the instance offers it (the `factors` settings). */
  enabled(settings: FactorSettings): boolean;
  /** This factor as the sign-in's `supported_second_factors` lists it for `user`: none when not set up. */
  describeFactors(deps: StrategyDeps, user: User): Promise<SecondFactorDescription[]>;
  /** Sends what the attempt will need (a code by SMS); absent for factors that need nothing sent. */
  prepare?(
    deps: StrategyDeps,
    input: { signIn: SignIn; user: User; locale: string; params: Record<string, string | undefined>; caller: Caller },
  ): Promise<void>;
  /** Checks the proof; throws Clerk's `form_code_incorrect` (or another failed-proof error) when it is wrong. */
  attempt(deps: StrategyDeps, input: { signIn: SignIn; user: User; code?: string }): Promise<void>;
  /** The code behind this factor's `second_factor_verification`, if it sends one. */
  verification?(deps: StrategyDeps, signIn: SignIn): Promise<VerificationCode | undefined>;
}

/** One strategy, in whichever flows it takes part. */
export interface Strategy {
  /** Its name; a new strategy also adds it to the model's `FirstFactorStrategy` or `SecondFactorStrategy` union (`src/model/attempts.ts`). */
  name: FirstFactorName | SecondFactorName;
  firstFactor?: FirstFactorStrategy;
  secondFactor?: SecondFactorStrategy;
  signUpVerification?: SignUpVerificationStrategy;
}

/**
 * The `ticket` strategy's backing (`__clerk_ticket`): invitations and sign-in tokens. A ticket is not a
 * factor a sign-in lists; it signs in or up in the create call itself.
 */
export interface TicketRedeemer {
  /** The pending invitation or sign-in token behind the ticket, or Clerk's ticket errors. */
  redeem(ticket: string): Promise<Invitation>;
  attachToSignUp(invitation: Invitation, signUpId: string): Promise<void>;
  findBySignUp(signUpId: string): Promise<Invitation | undefined>;
  /** Marks it used (once only, or `ticket_invalid`) and applies it: membership, metadata. */
  consume(invitation: Invitation, userId: string, caller: Caller): Promise<void>;
}
