import { errors } from '../errors.js';
import { newId } from '../ids.js';
import type { PhoneNumber } from '../model/index.js';
import type { Store } from '../store/index.js';
import type { Repositories } from '../store/repositories/index.js';
import type { Clock } from './clock.js';
import { completeSessionTask } from './sessions.js';

/**
 * A phone number in E.164 (`+15555550100`): spaces, dashes, dots and parentheses are dropped; anything
 * else than `+` and 7 to 15 digits (not starting with 0) is Clerk's 422 `form_param_format_invalid`.
 */
export function normalizePhone(input: string, param = 'phone_number'): string {
  const compact = input.trim().replace(/[\s\-().]/g, '');
  if (!/^\+[1-9]\d{6,14}$/.test(compact))
    throw errors.paramInvalid(param, 'must be a phone number in international format, like +15555550100');
  return compact;
}

/** True when `identifier` reads as a phone number (a sign-in's identifier). */
export function looksLikePhone(identifier: string): boolean {
  return /^\+?[\d\s\-().]{7,20}$/.test(identifier.trim()) && /\d{7}/.test(identifier.replace(/\D/g, ''));
}

export interface CreatePhoneNumberInput {
  userId: string;
  phoneNumber: string;
  verified?: boolean;
  primary?: boolean;
  reservedForSecondFactor?: boolean;
}

/**
 * Users' phone numbers (BAPI `/v1/phone_numbers`, FAPI `/v1/me/phone_numbers`). As with e-mail
 * addresses, a number belongs to an account only once verified: several users may list it unverified,
 * one holds it verified, and whoever verifies it takes it from unverified listings.
 */
export function createPhoneNumberService(
  store: Store,
  clock: Clock,
  hooks: {
    /** In the transaction that un-reserves, unverifies or deletes a number reserved for two-step verification. */
    secondFactorRemoved?: (tx: Repositories, userId: string) => Promise<void>;
  } = {},
) {
  async function load(id: string): Promise<PhoneNumber> {
    const row = await store.phoneNumbers.findById(id);
    if (!row) throw errors.notFound('phone number');
    return row;
  }

  /** Throws `form_identifier_exists` when another user holds the number verified. */
  async function assertFree(tx: Repositories, phoneNumber: string, userId: string, exceptId?: string): Promise<void> {
    const listings = await tx.phoneNumbers.findByNumber(phoneNumber);
    if (listings.some((p) => p.verified && p.id !== exceptId && p.userId !== userId)) throw errors.identifierExists('phone_number');
    if (listings.some((p) => p.userId === userId && p.id !== exceptId)) throw errors.identifierExists('phone_number');
  }

  return {
    get: load,

    async listByUsers(userIds: string[]): Promise<PhoneNumber[]> {
      return store.phoneNumbers.listByUsers(userIds);
    },

    /** The verified listing of a number and its owner: sign-in by phone. */
    async findVerified(phoneNumber: string): Promise<PhoneNumber | undefined> {
      return (await store.phoneNumbers.findByNumber(phoneNumber)).find((p) => p.verified);
    },

    async create(input: CreatePhoneNumberInput): Promise<PhoneNumber> {
      const user = await store.users.findById(input.userId);
      if (!user) throw errors.paramValueInvalid('user_id', `no user has the id ${input.userId}`);
      const phoneNumber = normalizePhone(input.phoneNumber);
      const now = clock();
      const row: PhoneNumber = {
        id: newId('idn'),
        userId: input.userId,
        phoneNumber,
        verified: input.verified === true,
        verificationStrategy: input.verified ? 'admin' : null,
        primary: false,
        reservedForSecondFactor: input.reservedForSecondFactor === true,
        defaultSecondFactor: false,
        createdAt: now,
        updatedAt: now,
      };
      await store.transaction(async (tx) => {
        await assertFree(tx, phoneNumber, input.userId);
        const existing = await tx.phoneNumbers.listByUsers([input.userId]);
        await tx.phoneNumbers.insert(row);
        if (row.verified) await releaseUnverified(tx, phoneNumber, input.userId);
        // The first number becomes primary (Clerk's rule), as the first e-mail address does.
        if (input.primary || !existing.some((p) => p.primary)) await tx.phoneNumbers.setPrimary(input.userId, row.id);
      });
      return load(row.id);
    },

    /** `also` runs in the change's transaction, after it (the Frontend API issues first backup codes there). */
    async update(
      id: string,
      changes: { verified?: boolean; primary?: boolean; reservedForSecondFactor?: boolean },
      also?: (tx: Repositories) => Promise<void>,
    ): Promise<PhoneNumber> {
      const row = await load(id);
      const now = clock();
      await store.transaction(async (tx) => {
        if (changes.verified !== undefined) {
          if (changes.verified) await assertFree(tx, row.phoneNumber, row.userId, row.id);
          await tx.phoneNumbers.update(id, {
            verified: changes.verified,
            verificationStrategy: changes.verified ? 'admin' : null,
            updatedAt: now,
          });
          if (changes.verified) await releaseUnverified(tx, row.phoneNumber, row.userId);
        }
        if (changes.reservedForSecondFactor !== undefined) {
          await tx.phoneNumbers.update(id, { reservedForSecondFactor: changes.reservedForSecondFactor, updatedAt: now });
          // A verified number reserved for two-step verification completes the `setup-mfa` session
          // task on every session of the user waiting for it.
          const verified = changes.verified ?? row.verified;
          if (changes.reservedForSecondFactor && verified) await completeSessionTask(tx, 'setup-mfa', { userId: row.userId }, now);
        }
        if (changes.primary) await tx.phoneNumbers.setPrimary(row.userId, id);
        if (row.reservedForSecondFactor && (changes.reservedForSecondFactor === false || changes.verified === false)) {
          await hooks.secondFactorRemoved?.(tx, row.userId);
        }
        await also?.(tx);
      });
      return load(id);
    },

    /** Marks a number verified by an SMS code; it is then the user's alone. */
    async markVerified(id: string): Promise<PhoneNumber> {
      const row = await load(id);
      await store.transaction(async (tx) => {
        await assertFree(tx, row.phoneNumber, row.userId, row.id);
        await tx.phoneNumbers.update(id, { verified: true, verificationStrategy: 'phone_code', updatedAt: clock() });
        await releaseUnverified(tx, row.phoneNumber, row.userId);
      });
      return load(id);
    },

    /** Deleting the primary number promotes the oldest remaining one. */
    async delete(id: string): Promise<PhoneNumber> {
      const row = await load(id);
      await store.transaction(async (tx) => {
        await tx.phoneNumbers.delete(id);
        if (row.primary) {
          const [next] = await tx.phoneNumbers.listByUsers([row.userId]);
          await tx.phoneNumbers.setPrimary(row.userId, next?.id ?? null);
        }
        if (row.reservedForSecondFactor) await hooks.secondFactorRemoved?.(tx, row.userId);
      });
      return row;
    },
  };
}

/** Unverified listings of a number by other users go once someone verifies it (they could never sign in with it). */
async function releaseUnverified(tx: Repositories, phoneNumber: string, ownerId: string): Promise<void> {
  for (const listing of await tx.phoneNumbers.findByNumber(phoneNumber)) {
    if (!listing.verified && listing.userId !== ownerId) await tx.phoneNumbers.delete(listing.id);
  }
}

export type PhoneNumberService = ReturnType<typeof createPhoneNumberService>;
