import { errors } from '../errors.js';
import { newId } from '../ids.js';
import type { EmailAddress } from '../model/index.js';
import type { Store } from '../store/index.js';
import type { Caller } from './caller.js';
import type { Clock } from './clock.js';
import { normalizeEmail, raiseUserUpdated, withIdentifierCheck } from './users.js';
import type { EventService } from './webhooks/events.js';

export interface CreateEmailAddressInput {
  userId: string;
  emailAddress: string;
  verified?: boolean;
  primary?: boolean;
}

/**
 * E-mail addresses managed through BAPI `/v1/email_addresses`. An address added verified, or marked
 * verified, runs `enrollUser` (organization enrollment by verified domain), as a sign-up or a code does.
 */
export function createEmailAddressService(
  store: Store,
  clock: Clock,
  events: EventService,
  enrollUser: (userId: string, caller: Caller) => Promise<void> = async () => {},
) {
  async function load(id: string): Promise<EmailAddress> {
    const row = await store.emailAddresses.findById(id);
    if (!row) throw errors.notFound('email address');
    return row;
  }

  return {
    get: load,

    async create(input: CreateEmailAddressInput, caller: Caller): Promise<EmailAddress> {
      const user = await store.users.findById(input.userId);
      if (!user) throw errors.paramValueInvalid('user_id', `no user has the id ${input.userId}`);
      const now = clock();
      const row: EmailAddress = {
        id: newId('idn'),
        userId: input.userId,
        emailAddress: normalizeEmail(input.emailAddress),
        verified: input.verified === true,
        verificationStrategy: input.verified ? 'admin' : null,
        createdAt: now,
        updatedAt: now,
      };
      await withIdentifierCheck(() =>
        store.transaction(async (tx) => {
          await tx.emailAddresses.insert(row);
          if (input.primary || !user.primaryEmailAddressId) {
            await tx.users.update(user.id, { primaryEmailAddressId: row.id, updatedAt: now });
          }
          await raiseUserUpdated(events, tx, user.id, caller);
        }),
      );
      if (row.verified) await enrollUser(row.userId, caller);
      return row;
    },

    async update(id: string, changes: { verified?: boolean; primary?: boolean }, caller: Caller): Promise<EmailAddress> {
      const row = await load(id);
      const now = clock();
      await store.transaction(async (tx) => {
        if (changes.verified !== undefined) {
          await tx.emailAddresses.update(id, {
            verified: changes.verified,
            verificationStrategy: changes.verified ? 'admin' : null,
            updatedAt: now,
          });
        }
        if (changes.primary) await tx.users.update(row.userId, { primaryEmailAddressId: id, updatedAt: now });
        await raiseUserUpdated(events, tx, row.userId, caller);
      });
      if (changes.verified && !row.verified) await enrollUser(row.userId, caller);
      return load(id);
    },

    /**
     * Removes an unverified claim on `address` held by someone else (Clerk assigns an address only once
     * it is verified): whoever proves the address takes it, so listing it cannot block its owner.
     */
    async releaseUnverifiedClaim(address: string, caller: Caller, exceptUserId?: string): Promise<void> {
      const row = await store.emailAddresses.findByAddress(normalizeEmail(address));
      if (row && !row.verified && row.userId !== exceptUserId) await this.delete(row.id, caller);
    },

    /** Deleting the primary address promotes the oldest remaining one, so a user never points at nothing. */
    async delete(id: string, caller: Caller): Promise<void> {
      const row = await load(id);
      await store.transaction(async (tx) => {
        const user = await tx.users.findById(row.userId);
        await tx.emailAddresses.delete(id);
        if (user?.primaryEmailAddressId === id) {
          const [next] = await tx.emailAddresses.listByUser(row.userId);
          await tx.users.update(row.userId, { primaryEmailAddressId: next?.id ?? null, updatedAt: clock() });
        }
        await raiseUserUpdated(events, tx, row.userId, caller);
      });
    },
  };
}

export type EmailAddressService = ReturnType<typeof createEmailAddressService>;
