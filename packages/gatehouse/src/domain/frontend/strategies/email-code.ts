import { errors, frontendErrors } from '../../../errors.js';
import type { FactorSettings } from '../../factor-settings.js';
import type { CodePurpose } from '../verification-codes.js';
import type { FirstFactorStrategy, SignInFactors, Strategy, StrategyDeps } from './types.js';

/** The factor of a strategy that e-mails a six-digit code to the account's primary address. */
export function emailedCodeFactor(
  name: 'email_code' | 'reset_password_email_code',
  purpose: CodePurpose,
  kind: 'sign_in_code' | 'reset_password_code',
  next: 'complete' | 'needs_new_password',
): FirstFactorStrategy {
  return {
    name,
    // The password-reset code stays on whatever the settings say: it is how a forgotten password is replaced.
    ...(name === 'email_code' ? { enabled: (settings: FactorSettings) => settings.emailCode } : {}),
    describeFactor: (factors: SignInFactors) => ({
      strategy: name,
      emailAddressId: factors.emailAddressId,
      safeIdentifier: factors.safeIdentifier,
      primary: true,
    }),
    async prepare(deps: StrategyDeps, { signIn, factors, locale, caller }) {
      await deps.codes.send({
        caller,
        subjectId: signIn.id,
        purpose,
        to: factors.emailAddress?.emailAddress ?? signIn.identifier ?? '',
        kind,
        locale,
        // Unknown accounts get no mail, but the same answer: the code simply never matches.
        mail: Boolean(factors.emailAddress),
      });
    },
    async attempt(deps, { signIn, code }) {
      if (!code) throw errors.paramMissing('code');
      await deps.codes.check(signIn.id, purpose, code);
      const user = signIn.userId ? await deps.findUser(signIn.userId) : undefined;
      // A code can only match for a real account (unknown ones never got one), but stay defensive.
      if (!user) throw frontendErrors.codeIncorrect();
      return { user, next };
    },
    verification: (deps, signIn) => deps.codes.find(signIn.id, purpose),
  };
}

/** A code e-mailed to the address: signs in, and verifies a sign-up's address. */
export const emailCode: Strategy = {
  name: 'email_code',
  firstFactor: emailedCodeFactor('email_code', 'sign_in_email_code', 'sign_in_code', 'complete'),
  signUpVerification: {
    name: 'email_code',
    async prepare(deps, { signUp, locale, caller }) {
      if (!signUp.emailAddress) throw errors.paramMissing('email_address');
      await deps.codes.send({
        caller,
        subjectId: signUp.id,
        purpose: 'sign_up_email',
        to: signUp.emailAddress,
        kind: 'verification_code',
        locale,
      });
    },
    async attempt(deps, { signUp, code }) {
      if (!code) throw errors.paramMissing('code');
      const current = await this.verification(deps, signUp);
      if (!current) throw frontendErrors.verificationMissing();
      await deps.codes.check(signUp.id, 'sign_up_email', code);
    },
    /** The code sent for the sign-up's current address (one sent to an earlier address does not count). */
    async verification(deps, signUp) {
      const code = await deps.codes.find(signUp.id, 'sign_up_email');
      return code && code.emailAddress === signUp.emailAddress ? code : undefined;
    },
  },
};
