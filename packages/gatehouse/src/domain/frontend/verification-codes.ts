import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { frontendErrors } from '../../errors.js';
import { newId } from '../../ids.js';
import type { CodePurpose, VerificationCode } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { Clock } from '../clock.js';
import type { AttackProtection } from './attack-protection.js';
import type { CodeMessage, CodeSender } from './delivery.js';

export const CODE_TTL_MS = 10 * 60 * 1000;
export const MAX_CODE_ATTEMPTS = 3;
/** Clerk's test addresses: in development instances `+clerk_test` e-mails take this code, and no mail is sent. */
export const TEST_CODE = '424242';

export type { CodePurpose };

export function isTestEmail(address: string): boolean {
  return /\+clerk_test@/i.test(address);
}

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
) {
  // Recent deliveries' typical duration (moving average, ms); see `send`.
  let deliveryMs = 0;
  const hash = (code: string) => createHmac('sha256', hmacKey()).update(code).digest('hex');

  return {
    /**
     * Issues a code and mails it. `mail: false` issues without sending: an unknown account gets the
     * same answer as a real one, but its code can never be matched.
     */
    async send(input: { subjectId: string; purpose: CodePurpose; to: string; kind: CodeMessage['kind']; locale: string; mail?: boolean }) {
      // Counted for unknown accounts too (same answers); test addresses get no mail, so no budget.
      if (!(isDevelopment() && isTestEmail(input.to))) await protection.consumeCodeSend(input.to);
      const issued = await this.issue(input.subjectId, input.purpose, input.to);
      if (!issued.deliver) return;
      if (input.mail === false) {
        // An unknown account waits as long as a delivery usually takes, so timing does not tell it apart.
        await sleep(deliveryMs);
        return;
      }
      const started = performance.now();
      await sendCode({ to: input.to, kind: input.kind, locale: input.locale, code: issued.code, expiresInMinutes: CODE_TTL_MS / 60_000 });
      deliveryMs = 0.8 * deliveryMs + 0.2 * (performance.now() - started);
    },

    /** Makes and stores a new code (replacing any earlier one); returns it for delivery. */
    async issue(
      subjectId: string,
      purpose: CodePurpose,
      emailAddress: string,
    ): Promise<{ code: string; row: VerificationCode; deliver: boolean }> {
      const testAddress = isDevelopment() && isTestEmail(emailAddress);
      const code = testAddress ? TEST_CODE : String(randomInt(0, 1_000_000)).padStart(6, '0');
      const now = clock();
      const row: VerificationCode = {
        id: newId('ver'),
        subjectId: subjectId,
        purpose,
        emailAddress: emailAddress,
        codeHash: hash(code),
        attempts: 0,
        status: 'unverified',
        expireAt: now + CODE_TTL_MS,
        createdAt: now,
      };
      await store.verificationCodes.replace(row);
      return { code, row, deliver: !testAddress };
    },

    async find(subjectId: string, purpose: CodePurpose): Promise<VerificationCode | undefined> {
      return store.verificationCodes.find(subjectId, purpose);
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
