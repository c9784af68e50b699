import { emailedCodeFactor } from './email-code.js';
import type { Strategy } from './types.js';

/** "Forgot password": a code e-mailed to the address, after which the sign-in needs a new password. */
export const resetPasswordEmailCode: Strategy = {
  name: 'reset_password_email_code',
  firstFactor: emailedCodeFactor('reset_password_email_code', 'reset_password', 'reset_password_code', 'needs_new_password'),
};
