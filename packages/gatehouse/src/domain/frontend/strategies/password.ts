import { errors } from '../../../errors.js';
import type { Strategy } from './types.js';

/** The account's password, checked at the cost of a real hash even for unknown accounts. */
export const password: Strategy = {
  name: 'password',
  firstFactor: {
    name: 'password',
    describeFactor: () => ({ strategy: 'password' }),
    async attempt(deps, { signIn, password }) {
      if (password === undefined) throw errors.paramMissing('password');
      const user = signIn.userId ? await deps.findUser(signIn.userId) : undefined;
      if (!(await deps.verifyPassword(user, password)) || !user) throw errors.passwordIncorrect();
      return { user, next: 'complete' };
    },
  },
};
