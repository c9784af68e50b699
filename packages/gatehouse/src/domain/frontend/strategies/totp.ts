import { errors } from '../../../errors.js';
import type { Strategy } from './types.js';

/** A code from an authenticator app (RFC 6238), as a second factor. */
export const totp: Strategy = {
  name: 'totp',
  secondFactor: {
    name: 'totp',
    primary: true,
    enabled: (settings) => settings.totp,
    describeFactors: async (_deps, user) => (user.totpEnabled ? [{ strategy: 'totp' }] : []),
    async attempt(deps, { user, code }) {
      if (!code) throw errors.paramMissing('code');
      await deps.secondFactors.checkTotp(user, code);
    },
  },
};
