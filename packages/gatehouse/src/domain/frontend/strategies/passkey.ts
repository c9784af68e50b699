import { frontendErrors } from '../../../errors.js';
import type { Strategy } from './types.js';

/**
 * A passkey (`passkey`): a WebAuthn assertion signed by one of the account's registered credentials.
 * Listed for accounts that have one; a sign-in without an identifier (autofill, the "Continue with a
 * passkey" button) prepares it when created, and the credential then tells who is signing in.
 */
export const passkey: Strategy = {
  name: 'passkey',
  firstFactor: {
    name: 'passkey',
    describeFactor: (factors) => (factors.settings.passkeys && factors.passkeys > 0 ? { strategy: 'passkey' } : undefined),
    async prepare(deps, { signIn, rp }) {
      if (!(await deps.settings()).passkeys || !rp) throw frontendErrors.strategyInvalid('passkey');
      await deps.passkeys.startAssertion(signIn.id, rp);
    },
    async attempt(deps, { signIn, publicKeyCredential }) {
      const user = await deps.passkeys.finishAssertion(signIn.id, publicKeyCredential);
      // A sign-in that named an account can only finish as that account.
      if (signIn.userId && signIn.userId !== user.id) throw frontendErrors.passkeyInvalid();
      return { user, next: 'complete' };
    },
    verification: (deps, signIn) => deps.codes.find(signIn.id, 'passkey_sign_in'),
  },
};
