import { errors, frontendErrors } from '../../../errors.js';
import type { Strategy } from './types.js';

/**
 * A link e-mailed to the address (`email_link`): opening it (`GET /v1/verify`) verifies the sign-in's
 * or sign-up's address, in this browser or another one; the tab that asked polls until the
 * verification is `verified` or `expired`. There is nothing to attempt: the link is the proof.
 */
export const emailLink: Strategy = {
  name: 'email_link',
  firstFactor: {
    name: 'email_link',
    describeFactor: (factors) =>
      factors.settings.emailLink
        ? { strategy: 'email_link', emailAddressId: factors.emailAddressId, safeIdentifier: factors.safeIdentifier, primary: true }
        : undefined,
    async prepare(deps, { signIn, factors, locale, redirectUrl, caller }) {
      if (!(await deps.settings()).emailLink) throw frontendErrors.strategyInvalid('email_link');
      if (!redirectUrl) throw errors.paramMissing('redirect_url');
      await deps.codes.sendLink({
        caller,
        subjectId: signIn.id,
        purpose: 'sign_in_email_link',
        to: factors.emailAddress?.emailAddress ?? signIn.identifier ?? '',
        kind: 'sign_in_link',
        locale,
        returnTo: redirectUrl,
        verifyUrl: deps.verifyUrl,
        mail: Boolean(factors.emailAddress),
      });
    },
    async attempt() {
      throw frontendErrors.strategyInvalid('email_link');
    },
    verification: (deps, signIn) => deps.codes.find(signIn.id, 'sign_in_email_link'),
  },
  signUpVerification: {
    name: 'email_link',
    async prepare(deps, { signUp, locale, redirectUrl, caller }) {
      if (!(await deps.settings()).emailLink) throw frontendErrors.strategyInvalid('email_link');
      if (!signUp.emailAddress) throw errors.paramMissing('email_address');
      if (!redirectUrl) throw errors.paramMissing('redirect_url');
      await deps.codes.sendLink({
        caller,
        subjectId: signUp.id,
        purpose: 'sign_up_email_link',
        to: signUp.emailAddress,
        kind: 'verification_link',
        locale,
        returnTo: redirectUrl,
        verifyUrl: deps.verifyUrl,
      });
    },
    async attempt() {
      throw frontendErrors.strategyInvalid('email_link');
    },
    async verification(deps, signUp) {
      const link = await deps.codes.find(signUp.id, 'sign_up_email_link');
      return link && link.emailAddress === signUp.emailAddress ? link : undefined;
    },
  },
};
