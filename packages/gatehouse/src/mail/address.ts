/**
 * The one rule for what an e-mail address is, shared by every place that accepts one (users, sign-up,
 * `/v1/me`, BAPI e-mail addresses) and by the mailer that sends to it, so an address accepted at
 * the door is always one the mailer will deliver to: exactly one plain `local@domain.tld`, with no
 * display name, no list separators (nodemailer reads `a,b@example.com` as two recipients), no
 * quoting, comments or brackets, no whitespace or control characters, at most 320 characters.
 */
const ADDRESS = /^[^\s\p{Cc}@<>,;:"()[\]\\]+@[^\s\p{Cc}@<>,;:"()[\]\\.]+(?:\.[^\s\p{Cc}@<>,;:"()[\]\\.]+)+$/u;

export const MAX_EMAIL_ADDRESS_LENGTH = 320;

export function isSingleEmailAddress(address: string): boolean {
  return address.length <= MAX_EMAIL_ADDRESS_LENGTH && ADDRESS.test(address);
}
