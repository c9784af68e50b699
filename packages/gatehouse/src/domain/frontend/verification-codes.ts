import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { frontendErrors } from '../../errors.js';
import { newId } from '../../ids.js';
import type { CodePurpose, VerificationCode } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { Clock } from '../clock.js';
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
) {
  const hash = (code: string) => createHmac('sha256', hmacKey()).update(code).digest('hex');

  return {
    /**
     * Issues a code and mails it. `mail: false` issues without sending: an unknown account gets the
     * same answer as a real one, but its code can never be matched.
     */
    async send(input: { subjectId: string; purpose: CodePurpose; to: string; kind: CodeMessage['kind']; locale: string; mail?: boolean }) {
      const issued = await this.issue(input.subjectId, input.purpose, input.to);
      if (issued.deliver && input.mail !== false) {
        await sendCode({ to: input.to, kind: input.kind, locale: input.locale, code: issued.code, expiresInMinutes: CODE_TTL_MS / 60_000 });
      }
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

    /** Checks a code; throws Clerk's error for a wrong, expired, used-up or missing code. */
    async check(subjectId: string, purpose: CodePurpose, code: string): Promise<VerificationCode> {
      const row = await store.verificationCodes.find(subjectId, purpose);
      if (!row) throw frontendErrors.verificationMissing();
      if (row.status === 'verified') throw frontendErrors.verificationMissing();
      if (row.status === 'failed' || row.attempts >= MAX_CODE_ATTEMPTS) throw frontendErrors.verificationFailed();
      if (row.expireAt <= clock()) {
        await store.verificationCodes.update(row.id, { status: 'expired' });
        throw frontendErrors.verificationExpired();
      }
      const expected = Buffer.from(row.codeHash, 'hex');
      const given = Buffer.from(hash(code.trim()), 'hex');
      if (!timingSafeEqual(expected, given)) {
        const attempts = row.attempts + 1;
        await store.verificationCodes.update(row.id, { attempts, status: attempts >= MAX_CODE_ATTEMPTS ? 'failed' : 'unverified' });
        throw attempts >= MAX_CODE_ATTEMPTS ? frontendErrors.verificationFailed() : frontendErrors.codeIncorrect();
      }
      await store.verificationCodes.update(row.id, { status: 'verified' });
      return { ...row, status: 'verified' };
    },
  };
}

export type VerificationCodes = ReturnType<typeof createVerificationCodes>;
