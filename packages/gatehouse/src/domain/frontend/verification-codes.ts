import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { frontendErrors } from '../../errors.js';
import { newId } from '../../ids.js';
import type { CodePurpose, VerificationCode } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { Caller } from '../caller.js';
import type { Clock } from '../clock.js';
import type { AttackProtection } from './attack-protection.js';
import type { CodeMessage, CodeSender, LinkMessage, LinkSender, SmsSender } from './delivery.js';

export const CODE_TTL_MS = 10 * 60 * 1000;
export const MAX_CODE_ATTEMPTS = 3;
/** Clerk's test addresses: in development instances `+clerk_test` e-mails take this code, and no mail is sent. */
export const TEST_CODE = '424242';

const LINK_PURPOSES: ReadonlySet<CodePurpose> = new Set(['sign_in_email_link', 'sign_up_email_link', 'email_address_link']);

export type { CodePurpose };

export function isTestEmail(address: string): boolean {
  return /\+clerk_test@/i.test(address);
}

/** Clerk's test phone numbers (`+15555550100`–`+15555550199`): on development instances they take `424242` and get no SMS. */
export function isTestPhone(phone: string): boolean {
  return /^\+155555501\d\d$/.test(phone);
}

const isTestDestination = (to: string) => isTestEmail(to) || isTestPhone(to);

/** What a link verification found: the verification it proved, or why it proved nothing. */
export type LinkOutcome =
  | { status: 'verified'; row: VerificationCode }
  | { status: 'expired' | 'failed'; row: VerificationCode | undefined };

/**
 * Six-digit one-time codes: stored as an HMAC (keyed by the instance secret, so a leaked table does
 * not give codes away), single use, ten-minute expiry, three wrong tries each.
 */
export function createVerificationCodes(
  store: Store,
  clock: Clock,
  hmacKey: () => string,
  isDevelopment: () => boolean,
  sendCode: CodeSender,
  protection: AttackProtection,
  channels: { sendSms?: SmsSender; sendLink?: LinkSender } = {},
) {
  // Recent deliveries' typical duration (moving average, ms); see `send`.
  let deliveryMs = 0;
  const hash = (code: string) => createHmac('sha256', hmacKey()).update(code).digest('hex');

  return {
    /**
     * Issues a code and mails it. `mail: false` issues without sending: an unknown account gets the
     * same answer as a real one, but its code can never be matched.
     */
    async send(input: {
      subjectId: string;
      purpose: CodePurpose;
      to: string;
      kind: CodeMessage['kind'];
      locale: string;
      mail?: boolean;
      /** `sms`: the code goes by SMS to the phone number `to`. */
      channel?: 'email' | 'sms';
      /** Who asked (the `email.created` or `sms.created` event's request attributes). */
      caller: Caller;
    }) {
      // Counted for unknown accounts too (same answers); test addresses get no mail, so no budget.
      if (!(isDevelopment() && isTestDestination(input.to))) await protection.consumeCodeSend(input.to);
      const issued = await this.issue(input.subjectId, input.purpose, input.to);
      if (!issued.deliver) return;
      if (input.mail === false) {
        // An unknown account waits as long as a delivery usually takes, so timing does not tell it apart.
        await sleep(deliveryMs);
        return;
      }
      const started = performance.now();
      if (input.channel === 'sms') {
        if (!channels.sendSms) throw new Error('no SMS sender configured');
        await channels.sendSms({
          to: input.to,
          code: issued.code,
          expiresInMinutes: CODE_TTL_MS / 60_000,
          kind: input.kind,
          caller: input.caller,
        });
        deliveryMs = 0.8 * deliveryMs + 0.2 * (performance.now() - started);
        return;
      }
      await sendCode({
        to: input.to,
        kind: input.kind,
        locale: input.locale,
        code: issued.code,
        expiresInMinutes: CODE_TTL_MS / 60_000,
        caller: input.caller,
      });
      deliveryMs = 0.8 * deliveryMs + 0.2 * (performance.now() - started);
    },

    /** Makes and stores a new code (replacing any earlier one); returns it for delivery. */
    async issue(
      subjectId: string,
      purpose: CodePurpose,
      emailAddress: string,
    ): Promise<{ code: string; row: VerificationCode; deliver: boolean }> {
      const testAddress = isDevelopment() && isTestDestination(emailAddress);
      const code = testAddress ? TEST_CODE : String(randomInt(0, 1_000_000)).padStart(6, '0');
      const now = clock();
      const row: VerificationCode = {
        id: newId('ver'),
        subjectId: subjectId,
        purpose,
        emailAddress: emailAddress,
        codeHash: hash(code),
        attempts: 0,
        payload: null,
        status: 'unverified',
        expireAt: now + CODE_TTL_MS,
        createdAt: now,
      };
      await store.verificationCodes.replace(row);
      return { code, row, deliver: !testAddress };
    },

    /**
     * Issues an e-mail link for `subjectId` and mails it. The link names the verification and carries
     * a 256-bit secret of which only the HMAC is kept; `returnTo` is the page the link leads back to.
     */
    async sendLink(input: {
      subjectId: string;
      purpose: CodePurpose;
      to: string;
      kind: LinkMessage['kind'];
      locale: string;
      returnTo: string;
      verifyUrl: (token: string) => string;
      mail?: boolean;
      caller: Caller;
    }): Promise<void> {
      if (!(isDevelopment() && isTestDestination(input.to))) await protection.consumeCodeSend(input.to);
      const secret = randomBytes(32).toString('base64url');
      const now = clock();
      const row: VerificationCode = {
        id: newId('ver'),
        subjectId: input.subjectId,
        purpose: input.purpose,
        emailAddress: input.to,
        codeHash: hash(secret),
        attempts: 0,
        payload: input.returnTo,
        status: 'unverified',
        expireAt: now + CODE_TTL_MS,
        createdAt: now,
      };
      await store.verificationCodes.replace(row);
      if (input.mail === false) {
        await sleep(deliveryMs);
        return;
      }
      if (!channels.sendLink) throw new Error('no link sender configured');
      const link = input.verifyUrl(`${row.id}.${secret}`);
      await channels.sendLink({
        to: input.to,
        kind: input.kind,
        locale: input.locale,
        link,
        expiresInMinutes: CODE_TTL_MS / 60_000,
        caller: input.caller,
      });
    },

    /**
     * Uses an e-mail link's token: once, before it expires. A second use, a forged or unknown token
     * fail; the row is returned whenever the token named a real one, so the caller knows where to go back.
     */
    async consumeLink(token: string): Promise<LinkOutcome> {
      const [id = '', secret = ''] = token.split('.');
      const row = id ? await store.verificationCodes.findById(id) : undefined;
      if (!row || !LINK_PURPOSES.has(row.purpose)) return { status: 'failed', row: undefined };
      const same = timingSafeEqual(Buffer.from(row.codeHash, 'hex'), Buffer.from(hash(secret), 'hex'));
      if (!same) return { status: 'failed', row: undefined };
      if (row.status === 'expired' || (row.status === 'unverified' && row.expireAt <= clock())) {
        if (row.status === 'unverified') await store.verificationCodes.update(row.id, { status: 'expired' });
        return { status: 'expired', row };
      }
      if (row.status !== 'unverified' || !(await store.verificationCodes.markVerified(row.id))) return { status: 'failed', row };
      return { status: 'verified', row: { ...row, status: 'verified' } };
    },

    /**
     * Stores a challenge (a passkey ceremony's), answered by an assertion rather than typed: its HMAC
     * to compare with, and the options the browser was given (`payload`), for the verification's `nonce`.
     */
    async issueChallenge(subjectId: string, purpose: CodePurpose, challenge: string, options: string): Promise<VerificationCode> {
      const now = clock();
      const row: VerificationCode = {
        id: newId('ver'),
        subjectId,
        purpose,
        emailAddress: '',
        codeHash: hash(challenge),
        attempts: 0,
        payload: options,
        status: 'unverified',
        expireAt: now + CODE_TTL_MS,
        createdAt: now,
      };
      await store.verificationCodes.replace(row);
      return row;
    },

    /** True when `challenge` is the live challenge of this ceremony (constant-time). */
    challengeMatches(row: VerificationCode, challenge: string): boolean {
      return timingSafeEqual(Buffer.from(row.codeHash, 'hex'), Buffer.from(hash(challenge), 'hex'));
    },

    /** Spends a ceremony's challenge: one assertion per challenge. */
    async spendChallenge(row: VerificationCode, outcome: 'verified' | 'failed'): Promise<boolean> {
      if (outcome === 'verified') return store.verificationCodes.markVerified(row.id);
      await store.verificationCodes.update(row.id, { status: 'failed' });
      return true;
    },

    async find(subjectId: string, purpose: CodePurpose): Promise<VerificationCode | undefined> {
      const row = await store.verificationCodes.find(subjectId, purpose);
      // A link past its expiry reads `expired` at once: the tab polling for it stops (clerk-js waits for `verified` or `expired`).
      if (row && LINK_PURPOSES.has(purpose) && row.status === 'unverified' && row.expireAt <= clock()) return { ...row, status: 'expired' };
      return row;
    },

    /**
     * Checks a code; throws Clerk's error for a wrong, expired, used-up or missing code. A try is taken
     * (atomically) before the comparison, so concurrent guesses cannot outrun the three-try limit, and
     * failures also count against the address across codes (429 once its budget is spent).
     */
    async check(subjectId: string, purpose: CodePurpose, code: string): Promise<VerificationCode> {
      const row = await store.verificationCodes.find(subjectId, purpose);
      if (!row) throw frontendErrors.verificationMissing();
      if (row.status === 'verified') throw frontendErrors.verificationMissing();
      if (row.status === 'failed' || row.attempts >= MAX_CODE_ATTEMPTS) throw frontendErrors.verificationFailed();
      if (row.expireAt <= clock()) {
        await store.verificationCodes.update(row.id, { status: 'expired' });
        throw frontendErrors.verificationExpired();
      }
      await protection.assertCodeBudget(row.emailAddress);
      const attempt = await store.verificationCodes.takeAttempt(row.id, MAX_CODE_ATTEMPTS);
      if (attempt === undefined) throw frontendErrors.verificationFailed();
      const expected = Buffer.from(row.codeHash, 'hex');
      const given = Buffer.from(hash(code.trim()), 'hex');
      if (!timingSafeEqual(expected, given)) {
        await protection.recordCodeFailure(row.emailAddress);
        if (attempt >= MAX_CODE_ATTEMPTS) {
          await store.verificationCodes.update(row.id, { status: 'failed' });
          throw frontendErrors.verificationFailed();
        }
        throw frontendErrors.codeIncorrect();
      }
      if (!(await store.verificationCodes.markVerified(row.id))) throw frontendErrors.verificationMissing();
      return { ...row, attempts: attempt, status: 'verified' };
    },

    /** True when `code` is the (already used) code of this verification: a retried completion proves itself with it. */
    async matchesUsed(subjectId: string, purpose: CodePurpose, code: string): Promise<boolean> {
      const row = await store.verificationCodes.find(subjectId, purpose);
      if (row?.status !== 'verified') return false;
      // Guesses at a used code spend the address's budget as guesses at a live one do.
      await protection.assertCodeBudget(row.emailAddress);
      const same = timingSafeEqual(Buffer.from(row.codeHash, 'hex'), Buffer.from(hash(code.trim()), 'hex'));
      if (!same) await protection.recordCodeFailure(row.emailAddress);
      return same;
    },
  };
}

export type VerificationCodes = ReturnType<typeof createVerificationCodes>;
