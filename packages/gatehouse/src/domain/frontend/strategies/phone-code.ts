import { errors, frontendErrors } from '../../../errors.js';
import type { PhoneNumber } from '../../../model/index.js';
import type { Strategy, StrategyDeps } from './types.js';

/** A number as a sign-in shows it to someone who has not proved who they are (`+1******2671`). */
export function maskPhone(phone: string): string {
  return `${phone.slice(0, 2)}${'*'.repeat(Math.max(1, phone.length - 6))}${phone.slice(-4)}`;
}

/** The user's verified numbers reserved for the second factor, the default one first. */
async function secondFactorPhones(deps: StrategyDeps, userId: string): Promise<PhoneNumber[]> {
  if ((await deps.settings()).phoneNumber === 'off') return [];
  const phones = (await deps.phoneNumbersOf(userId)).filter((p) => p.verified && p.reservedForSecondFactor);
  return phones.sort((a, b) => Number(b.defaultSecondFactor) - Number(a.defaultSecondFactor) || a.createdAt - b.createdAt);
}

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
    async prepare(deps, { signIn, factors, locale, caller }) {
      if ((await deps.settings()).phoneNumber === 'off' || !factors.phoneNumberId) throw frontendErrors.strategyInvalid('phone_code');
      await deps.codes.send({
        caller,
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
  /**
   * As a second factor: a code texted to one of the user's verified numbers reserved for it (set in
   * <UserProfile/>, `PATCH /v1/me/phone_numbers/{id}` `reserved_for_second_factor`). Its own code
   * purpose, so a sign-in that used a phone code first still needs a fresh one.
   */
  secondFactor: {
    name: 'phone_code',
    primary: true,
    enabled: (settings) => settings.phoneCode,
    async describeFactors(deps, user) {
      const phones = await secondFactorPhones(deps, user.id);
      return phones.map((p, i) => ({
        strategy: 'phone_code' as const,
        phoneNumberId: p.id,
        safeIdentifier: maskPhone(p.phoneNumber),
        default: i === 0,
      }));
    },
    async prepare(deps, { signIn, user, locale, params, caller }) {
      const phones = await secondFactorPhones(deps, user.id);
      const phone = params.phoneNumberId ? phones.find((p) => p.id === params.phoneNumberId) : phones[0];
      if (!phone)
        throw errors.paramValueInvalid('phone_number_id', 'is not a phone number of this account reserved for two-step verification');
      await deps.codes.send({
        caller,
        subjectId: signIn.id,
        purpose: 'sign_in_phone_second_factor',
        to: phone.phoneNumber,
        kind: 'sign_in_code',
        locale,
        channel: 'sms',
      });
    },
    async attempt(deps, { signIn, code }) {
      if (!code) throw errors.paramMissing('code');
      if (!(await deps.codes.find(signIn.id, 'sign_in_phone_second_factor'))) throw frontendErrors.verificationMissing();
      await deps.codes.check(signIn.id, 'sign_in_phone_second_factor', code);
    },
    verification: (deps, signIn) => deps.codes.find(signIn.id, 'sign_in_phone_second_factor'),
  },
  signUpVerification: {
    name: 'phone_code',
    async prepare(deps, { signUp, locale, caller }) {
      if (!signUp.phoneNumber) throw errors.paramMissing('phone_number');
      await deps.codes.send({
        caller,
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
