import { errors } from '../../../errors.js';
import type { Strategy } from './types.js';

/** A single-use backup code, standing in for the account's other second factor. */
export const backupCode: Strategy = {
  name: 'backup_code',
  secondFactor: {
    name: 'backup_code',
    primary: false,
    enabled: (settings) => settings.backupCode,
    describeFactors: async (_deps, user) => (user.backupCodeEnabled ? [{ strategy: 'backup_code' }] : []),
    async attempt(deps, { user, code }) {
      if (!code) throw errors.paramMissing('code');
      await deps.secondFactors.checkBackupCode(user, code);
    },
  },
};
