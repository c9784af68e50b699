import { errors } from '../../../errors.js';
import type { Strategy } from './types.js';

/**
 * The account's password, checked at the cost of a real hash even for unknown accounts. A password the
 * backend marked compromised is refused (`form_password_compromised`) even when right.
 */
export const password: Strategy = {
  name: 'password',
  firstFactor: {
    name: 'password',
    describeFactor: () => ({ strategy: 'password' }),
    async attempt(deps, { signIn, password }) {
      if (password === undefined) throw errors.paramMissing('password');
      const user = signIn.userId ? await deps.findUser(signIn.userId) : undefined;
      if (!(await deps.verifyPassword(user, password)) || !user) throw errors.passwordIncorrect();
      // Only the right password learns that it is compromised: a wrong one says nothing more.
      if (user.passwordCompromised) throw errors.passwordCompromised();
      return { user, next: 'complete' };
    },
  },
};
