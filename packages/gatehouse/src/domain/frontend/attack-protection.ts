import { errors, GatehouseError } from '../../errors.js';
import type { User } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { Caller } from '../caller.js';
import type { Clock } from '../clock.js';

/** Clerk's user-lockout defaults: 100 failed verifications lock the account for an hour. */
export const DEFAULT_LOCKOUT = { maxAttempts: 100, durationMinutes: 60 };
export type LockoutPolicy = typeof DEFAULT_LOCKOUT;

/**
 * Budgets per e-mail address that outlive one code: a new prepare replaces the code (three tries
 * each) but not these counts, so asking for fresh codes buys no fresh guesses and no mail flood.
 */
export const FAILED_CODES_PER_ADDRESS = { limit: 10, windowMs: 60 * 60_000 };
export const CODE_SENDS_PER_ADDRESS = { limit: 5, windowMs: 15 * 60_000 };

/** A wrong password or code: what counts towards a user's lockout. */
export function isFailedProof(error: unknown): boolean {
  return (
    error instanceof GatehouseError &&
    (error.code === 'form_password_incorrect' || error.code === 'form_code_incorrect' || error.code === 'verification_failed')
  );
}

export interface LockoutState {
  locked: boolean;
  /** Null unless an automatic lockout is running. */
  lockoutExpiresInSeconds: number | null;
  verificationAttemptsRemaining: number;
}

/** What a user row says about its lockout at `now` (the user JSON's `locked`, `lockout_expires_in_seconds`, …). */
export function lockoutState(user: User, policy: LockoutPolicy, now: number): LockoutState {
  const lockedOut = user.lockoutUntil !== null && user.lockoutUntil > now;
  const windowLive =
    user.failedVerificationWindowStart !== null && user.failedVerificationWindowStart > now - policy.durationMinutes * 60_000;
  const used = windowLive ? user.failedVerificationAttempts : 0;
  return {
    locked: user.locked || lockedOut,
    lockoutExpiresInSeconds: lockedOut && user.lockoutUntil !== null ? Math.ceil((user.lockoutUntil - now) / 1000) : null,
    verificationAttemptsRemaining: lockedOut ? 0 : Math.max(0, policy.maxAttempts - used),
  };
}

/**
 * Brute-force protection that holds across attempts, prepares, processes and nodes (the counts live
 * in the database and change in single statements): per-user lockout after failed passwords and
 * codes, and per-address budgets for failed codes and code sends.
 */
/**
 * A security event the audit log keeps: a failed password or code, and the lockout it may cause,
 * with the address the attempt came from (`clientIp`, empty when unknown).
 */
export type SecurityEvent = {
  kind: 'failed_verification' | 'locked_out';
  userId: string;
  clientIp: string;
  detail?: Record<string, unknown>;
};

export function createAttackProtection(deps: {
  store: Store;
  clock: Clock;
  policy: () => LockoutPolicy;
  onEvent?: (event: SecurityEvent) => Promise<void>;
}) {
  const { store, clock } = deps;
  const policy = () => {
    const p = deps.policy();
    return { maxAttempts: Math.max(1, p.maxAttempts), durationMinutes: Math.max(1, p.durationMinutes) };
  };

  function tooMany(windowStart: number, windowMs: number) {
    return errors.tooManyRequests(Math.max(1, Math.ceil((windowStart + windowMs - clock()) / 1000)));
  }

  return {
    policy,
    state: (user: User) => lockoutState(user, policy(), clock()),

    /** Refuses a locked user before any password or code is compared (no oracle while locked). */
    assertNotLocked(user: User): void {
      const state = lockoutState(user, policy(), clock());
      if (state.locked) throw errors.userLocked(state.lockoutExpiresInSeconds);
    },

    /** Counts a failed password or code against the user; throws `user_locked` when this one locks them out. */
    async recordFailure(user: User, caller: Caller): Promise<void> {
      const p = policy();
      const durationMs = p.durationMinutes * 60_000;
      const now = clock();
      const result = await store.userLockouts.recordFailure(
        user.id,
        { windowMs: durationMs, maxAttempts: p.maxAttempts, lockoutMs: durationMs },
        now,
      );
      const lockedOut = result?.lockoutUntil != null && result.lockoutUntil > now;
      await deps.onEvent?.({ kind: 'failed_verification', userId: user.id, clientIp: caller.clientIp });
      if (lockedOut && result?.lockoutUntil) {
        await deps.onEvent?.({
          kind: 'locked_out',
          userId: user.id,
          clientIp: caller.clientIp,
          detail: { until: new Date(result.lockoutUntil).toISOString() },
        });
        throw errors.userLocked(Math.ceil((result.lockoutUntil - now) / 1000));
      }
    },

    /** A successful sign-in clears the count (only written when there is one). */
    async recordSuccess(user: User): Promise<void> {
      if (user.failedVerificationAttempts > 0 || user.lockoutUntil !== null) await store.userLockouts.reset(user.id);
    },

    /** BAPI unlock: clears the automatic lockout with the admin lock. */
    reset: (userId: string) => store.userLockouts.reset(userId),

    /** Refuses a code check once the address has used up its failed-code budget (any code, any prepare). */
    async assertCodeBudget(address: string): Promise<void> {
      const key = `code_fail:${address.toLowerCase()}`;
      const seen = await store.attemptCounters.peek(key);
      const { limit, windowMs } = FAILED_CODES_PER_ADDRESS;
      if (seen && seen.count >= limit && seen.windowStart > clock() - windowMs) throw tooMany(seen.windowStart, windowMs);
    },

    async recordCodeFailure(address: string): Promise<void> {
      await store.attemptCounters.hit(`code_fail:${address.toLowerCase()}`, FAILED_CODES_PER_ADDRESS.windowMs, clock());
    },

    /** Counts one code mailed to `address`; past the budget, 429 until the window ends. */
    async consumeCodeSend(address: string): Promise<void> {
      const { limit, windowMs } = CODE_SENDS_PER_ADDRESS;
      const { count, windowStart } = await store.attemptCounters.hit(`code_send:${address.toLowerCase()}`, windowMs, clock());
      if (count > limit) throw tooMany(windowStart, windowMs);
    },
  };
}

export type AttackProtection = ReturnType<typeof createAttackProtection>;
