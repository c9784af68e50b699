import { createRequire } from 'node:module';
import { errors } from '../errors.js';

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 256;

let common: Set<string> | undefined;

const require = createRequire(import.meta.url);

/**
 * zxcvbn's list of ~49k leaked passwords, loaded on first use: importing the package unpacks all of
 * its dictionaries (~12 MB), which start-up and idle memory should not pay for.
 */
function commonPasswords(): Set<string> {
  common ??= new Set((require('@zxcvbn-ts/language-common') as { dictionary: Record<string, string[]> }).dictionary['passwords-common']);
  return common;
}

/** Refuses short, overlong or commonly leaked passwords with Clerk's error codes. */
export function assertAcceptablePassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw errors.passwordTooShort(MIN_PASSWORD_LENGTH);
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw errors.paramInvalid('password', `must be at most ${MAX_PASSWORD_LENGTH} characters`);
  }
  if (commonPasswords().has(password.toLowerCase())) throw errors.passwordPwned();
}
