import { errors, frontendErrors } from '../../../errors.js';
import type { Strategy } from './types.js';

/**
 * A six-digit code sent by SMS to the account's phone number: signs in (a first factor), and verifies
 * a sign-up's phone number. Codes, expiry, tries and the per-number budgets are the e-mail codes'.
 */
export const phoneCode: Strategy = {
  name: 'phone_code',
  firstFactor: {
    name: 'phone_code',
    describeFactor: (factors) =>
      factors.settings.phoneNumber !== 'off' && factors.phoneNumberId && factors.safePhone
        ? { strategy: 'phone_code', phoneNumberId: factors.phoneNumberId, safeIdentifier: factors.safePhone, primary: true }
        : undefined,
    async prepare(deps, { signIn, factors, locale }) {
      if ((await deps.settings()).phoneNumber === 'off' || !factors.phoneNumberId) throw frontendErrors.strategyInvalid('phone_code');
      await deps.codes.send({
        subjectId: signIn.id,
        purpose: 'sign_in_phone_code',
        to: factors.phoneNumber?.phoneNumber ?? signIn.identifier ?? '',
        kind: 'sign_in_code',
        locale,
        channel: 'sms',
        // Unknown numbers get no SMS, but the same answer: the code simply never matches.
        mail: Boolean(factors.phoneNumber),
      });
    },
    async attempt(deps, { signIn, code }) {
      if (!code) throw errors.paramMissing('code');
      await deps.codes.check(signIn.id, 'sign_in_phone_code', code);
      const user = signIn.userId ? await deps.findUser(signIn.userId) : undefined;
      if (!user) throw frontendErrors.codeIncorrect();
      return { user, next: 'complete' };
    },
    verification: (deps, signIn) => deps.codes.find(signIn.id, 'sign_in_phone_code'),
  },
  signUpVerification: {
    name: 'phone_code',
    async prepare(deps, { signUp, locale }) {
      if (!signUp.phoneNumber) throw errors.paramMissing('phone_number');
      await deps.codes.send({
        subjectId: signUp.id,
        purpose: 'sign_up_phone',
        to: signUp.phoneNumber,
        kind: 'verification_code',
        locale,
        channel: 'sms',
      });
    },
    async attempt(deps, { signUp, code }) {
      if (!code) throw errors.paramMissing('code');
      if (!(await this.verification(deps, signUp))) throw frontendErrors.verificationMissing();
      await deps.codes.check(signUp.id, 'sign_up_phone', code);
    },
    /** The code sent to the sign-up's current number (one sent to an earlier number does not count). */
    async verification(deps, signUp) {
      const code = await deps.codes.find(signUp.id, 'sign_up_phone');
      return code && code.emailAddress === signUp.phoneNumber ? code : undefined;
    },
  },
};
