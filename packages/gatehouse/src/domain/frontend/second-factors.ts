import { createHmac, randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import type { SecretBox } from '../../crypto/secret-box.js';
import { errors, frontendErrors } from '../../errors.js';
import { newId } from '../../ids.js';
import type { TotpSecret, User } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { Repositories } from '../../store/repositories/index.js';
import type { Clock } from '../clock.js';
import type { FactorSettings } from '../factor-settings.js';
import { completeSessionTask } from '../sessions.js';
import type { AttackProtection } from './attack-protection.js';

/** RFC 6238 as every authenticator app speaks it: SHA-1, 6 digits, 30-second steps. */
const PERIOD_S = 30;
const DIGITS = 6;
/** Codes of the step before and after now are accepted too (clock drift, typing time). */
const WINDOW = 1;
/** Clerk hands out ten backup codes; each is 8 characters from an alphabet without look-alikes (40 bits). */
export const BACKUP_CODE_COUNT = 10;
const BACKUP_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const BACKUP_LENGTH = 8;

/** What a newly created TOTP shows once: the secret and the `otpauth://` URI (never shown again). */
export interface TotpEnrolment {
  totp: TotpSecret;
  secret: string;
  uri: string;
}

export interface BackupCodeSet {
  id: string;
  codes: string[];
  createdAt: number;
}

function totpFor(secret: string, label: string, issuer: string): TOTP {
  return new TOTP({ issuer, label, algorithm: 'SHA1', digits: DIGITS, period: PERIOD_S, secret: Secret.fromBase32(secret) });
}

/** A code as people type it: spaces and dashes dropped, lower case (backup codes). */
function normalizeBackupCode(code: string): string {
  return code.replace(/[\s-]/g, '').toLowerCase();
}

/**
 * TOTP authenticators and backup codes: enrolment from `/v1/me`, the checks sign-in and the Backend
 * API run, and removal. The TOTP secret is sealed at rest; a TOTP code is accepted once (the time
 * step it was accepted for is stored and later codes must be of a later step); backup codes are
 * stored as HMACs and deleted by the statement that uses them. Wrong codes count against a per-user
 * budget (as e-mail codes do against their address's) and, at sign-in, against the user's lockout.
 */
export function createSecondFactorService(deps: {
  store: Store;
  box: SecretBox;
  clock: Clock;
  hmacKey: () => string;
  protection: AttackProtection;
  settings: () => Promise<FactorSettings>;
  /** The name authenticator apps show above the code (the application name). */
  issuer: () => Promise<string>;
}) {
  const { store, box, clock, protection } = deps;
  const hash = (code: string) => createHmac('sha256', deps.hmacKey()).update(`backup_code:${code}`).digest('hex');
  // The attempt counters lower-case their keys; user ids are case-sensitive, so the id goes in as hex.
  const budgetKey = (userId: string) => `second_factor:${Buffer.from(userId).toString('hex')}`;

  /** The time step a TOTP code matches now, or undefined. */
  function matchingStep(secret: string, code: string): number | undefined {
    const token = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(token)) return undefined;
    const timestamp = clock();
    const delta = totpFor(secret, '', '').validate({ token, timestamp, window: WINDOW });
    return delta === null ? undefined : Math.floor(timestamp / 1000 / PERIOD_S) + delta;
  }

  /** Runs a code check inside the per-user budget: refused past it, a failure counted. */
  async function withinBudget(userId: string, check: () => Promise<boolean>): Promise<void> {
    await protection.assertCodeBudget(budgetKey(userId));
    if (await check()) return;
    await protection.recordCodeFailure(budgetKey(userId));
    throw frontendErrors.codeIncorrect();
  }

  /** Sets the user's factor flags, with `mfa_enabled_at`/`mfa_disabled_at` when 2FA as a whole turns on or off. */
  async function setFlags(tx: Repositories, user: User, flags: Partial<Pick<User, 'totpEnabled' | 'backupCodeEnabled'>>) {
    const now = clock();
    const next = { totpEnabled: user.totpEnabled, backupCodeEnabled: user.backupCodeEnabled, ...flags };
    const before = user.totpEnabled || user.backupCodeEnabled;
    const after = next.totpEnabled || next.backupCodeEnabled;
    await tx.users.update(user.id, {
      ...next,
      ...(after && !before ? { mfaEnabledAt: now } : {}),
      ...(before && !after ? { mfaDisabledAt: now } : {}),
      updatedAt: now,
    });
  }

  async function makeBackupCodes(tx: Repositories, user: User): Promise<BackupCodeSet> {
    const now = clock();
    const codes = Array.from({ length: BACKUP_CODE_COUNT }, () =>
      Array.from({ length: BACKUP_LENGTH }, () => BACKUP_ALPHABET[randomInt(BACKUP_ALPHABET.length)]).join(''),
    );
    await tx.backupCodes.replace(user.id, codes.map(hash), now);
    return { id: newId('bc'), codes, createdAt: now };
  }

  /** Whether the user has a verified number reserved for two-step verification (other than `exceptId`). */
  async function hasReservedPhone(tx: Repositories, userId: string, exceptId?: string): Promise<boolean> {
    const phones = await tx.phoneNumbers.listByUsers([userId]);
    return phones.some((p) => p.id !== exceptId && p.verified && p.reservedForSecondFactor);
  }

  async function loadUser(userId: string): Promise<User> {
    const user = await store.users.findById(userId);
    if (!user) throw errors.notFound('user');
    return user;
  }

  return {
    /** Starts (or restarts) setting up an authenticator app; refused while one is already verified. */
    async createTotp(userId: string): Promise<TotpEnrolment> {
      if (!(await deps.settings()).totp) throw frontendErrors.strategyInvalid('totp');
      const user = await loadUser(userId);
      if (user.totpEnabled) throw frontendErrors.totpAlreadyEnabled();
      const secret = new Secret({ size: 20 }).base32;
      const now = clock();
      const totp: TotpSecret = {
        id: newId('totp'),
        userId,
        secretEnc: box.seal(secret),
        verified: false,
        lastUsedStep: null,
        createdAt: now,
        updatedAt: now,
      };
      if (!(await store.totpSecrets.putPending(totp))) throw frontendErrors.totpAlreadyEnabled();
      const email = user.primaryEmailAddressId ? await store.emailAddresses.findById(user.primaryEmailAddressId) : undefined;
      const label = email?.emailAddress ?? user.username ?? user.id;
      return { totp, secret, uri: totpFor(secret, label, await deps.issuer()).toString() };
    },

    /**
     * Verifies the pending authenticator with a first code. The first second factor also gets backup
     * codes (when they are on and the user has none), shown once in the answer, as Clerk does.
     */
    async verifyTotp(userId: string, code: string | undefined): Promise<{ totp: TotpSecret; backupCodes: string[] | undefined }> {
      if (!code) throw errors.paramMissing('code');
      const pending = await store.totpSecrets.find(userId);
      if (!pending || pending.verified) throw frontendErrors.verificationMissing();
      const secret = box.open(pending.secretEnc);
      await withinBudget(userId, async () => {
        const step = matchingStep(secret, code);
        return step !== undefined && (await store.totpSecrets.useStep(userId, step, clock(), true));
      });
      const settings = await deps.settings();
      const backupCodes = await store.transaction(async (tx) => {
        const user = await tx.users.findById(userId);
        if (!user) throw errors.notFound('user');
        const wantCodes = settings.backupCode && !user.backupCodeEnabled;
        const set = wantCodes ? await makeBackupCodes(tx, user) : undefined;
        await setFlags(tx, user, { totpEnabled: true, ...(set ? { backupCodeEnabled: true } : {}) });
        // The `setup-mfa` session task is done on every session of the user waiting for it.
        await completeSessionTask(tx, 'setup-mfa', { userId }, clock());
        return set?.codes;
      });
      const totp = (await store.totpSecrets.find(userId)) ?? { ...pending, verified: true };
      return { totp, backupCodes };
    },

    /** Removes the authenticator (verified or not). Removing the last second factor also removes the backup codes. */
    async deleteTotp(userId: string, options: { enforceRequired?: boolean } = {}): Promise<TotpSecret> {
      const user = await loadUser(userId);
      const existing = await store.totpSecrets.find(userId);
      if (!existing) throw errors.notFound('TOTP');
      if (options.enforceRequired && existing.verified && (await deps.settings()).mfaRequired) {
        // The last second factor stays; a verified number reserved for two-step verification is another.
        const phones = await store.phoneNumbers.listByUsers([userId]);
        if (!phones.some((p) => p.verified && p.reservedForSecondFactor)) throw frontendErrors.mfaRequired();
      }
      await store.transaction(async (tx) => {
        await tx.totpSecrets.delete(userId);
        // Backup codes stand in for another factor: they stay while a number is reserved for it.
        if (await hasReservedPhone(tx, userId)) return setFlags(tx, user, { totpEnabled: false });
        await tx.backupCodes.deleteAll(userId);
        await setFlags(tx, user, { totpEnabled: false, backupCodeEnabled: false });
      });
      return existing;
    },

    /**
     * In the transaction that reserves a verified number for two-step verification: when that number is
     * the user's first second factor (no authenticator app, no other reserved number, no backup codes)
     * and backup codes are on (`backupCodesOn`, read before the transaction), makes the ten codes, shown
     * once in the answer (`PhoneNumberJSON.backup_codes`), as Clerk does.
     */
    async issueFirstBackupCodes(tx: Repositories, userId: string, phoneId: string, backupCodesOn: boolean): Promise<string[] | undefined> {
      if (!backupCodesOn) return undefined;
      const user = await tx.users.findById(userId);
      if (!user || user.totpEnabled || user.backupCodeEnabled || (await hasReservedPhone(tx, userId, phoneId))) return undefined;
      const set = await makeBackupCodes(tx, user);
      await setFlags(tx, user, { backupCodeEnabled: true });
      return set.codes;
    },

    /** In the transaction that un-reserves or deletes a number: with no second factor left, the backup codes go too. */
    async dropOrphanBackupCodes(tx: Repositories, userId: string): Promise<void> {
      const user = await tx.users.findById(userId);
      if (!user || user.totpEnabled || (await hasReservedPhone(tx, userId))) return;
      await tx.backupCodes.deleteAll(userId);
      if (user.backupCodeEnabled) await setFlags(tx, user, { backupCodeEnabled: false });
    },

    /** New backup codes (replacing any earlier ones); only for users with another second factor (an app or a reserved number). */
    async regenerateBackupCodes(userId: string): Promise<BackupCodeSet> {
      if (!(await deps.settings()).backupCode) throw frontendErrors.strategyInvalid('backup_code');
      return store.transaction(async (tx) => {
        const user = await tx.users.findById(userId);
        if (!user) throw errors.notFound('user');
        if (!user.totpEnabled && !(await hasReservedPhone(tx, userId))) throw frontendErrors.backupCodesNeedSecondFactor();
        const set = await makeBackupCodes(tx, user);
        await setFlags(tx, user, { backupCodeEnabled: true });
        return set;
      });
    },

    /** BAPI: removes the backup codes; true when there were any. */
    async deleteBackupCodes(userId: string): Promise<boolean> {
      const user = await loadUser(userId);
      if (!user.backupCodeEnabled && (await store.backupCodes.count(userId)) === 0) return false;
      await store.transaction(async (tx) => {
        await tx.backupCodes.deleteAll(userId);
        await setFlags(tx, user, { backupCodeEnabled: false });
      });
      return true;
    },

    /** BAPI: removes every second factor of the user (phone numbers stay, no longer reserved for it). */
    async disableAll(userId: string): Promise<void> {
      const user = await loadUser(userId);
      await store.transaction(async (tx) => {
        await tx.totpSecrets.delete(userId);
        await tx.backupCodes.deleteAll(userId);
        for (const phone of await tx.phoneNumbers.listByUsers([userId])) {
          if (phone.reservedForSecondFactor) await tx.phoneNumbers.update(phone.id, { reservedForSecondFactor: false, updatedAt: clock() });
        }
        await setFlags(tx, user, { totpEnabled: false, backupCodeEnabled: false });
      });
    },

    /** Checks a TOTP code of the user's verified authenticator, once (a replay is refused like a wrong code). */
    async checkTotp(user: User, code: string): Promise<void> {
      const totp = user.totpEnabled ? await store.totpSecrets.find(user.id) : undefined;
      const secret = totp?.verified ? box.open(totp.secretEnc) : undefined;
      await withinBudget(user.id, async () => {
        const step = secret ? matchingStep(secret, code) : undefined;
        return step !== undefined && (await store.totpSecrets.useStep(user.id, step, clock(), false));
      });
    },

    /** Uses one backup code of the user; the last one used turns backup codes off. */
    async checkBackupCode(user: User, code: string): Promise<void> {
      await withinBudget(user.id, async () => {
        const normalized = normalizeBackupCode(code);
        return normalized.length > 0 && (await store.backupCodes.consume(user.id, hash(normalized)));
      });
      if ((await store.backupCodes.count(user.id)) === 0) {
        const fresh = await loadUser(user.id);
        await store.transaction((tx) => setFlags(tx, fresh, { backupCodeEnabled: false }));
      }
    },

    /** BAPI `verify_totp`: a TOTP code, or else a backup code (which is then used up); a wrong one is `form_code_incorrect`. */
    async verifyCode(userId: string, code: string): Promise<'totp' | 'backup_code'> {
      const user = await loadUser(userId);
      if (/^\s*\d{6}\s*$/.test(code) && user.totpEnabled) {
        await this.checkTotp(user, code);
        return 'totp';
      }
      await this.checkBackupCode(user, code);
      return 'backup_code';
    },
  };
}

export type SecondFactorService = ReturnType<typeof createSecondFactorService>;
