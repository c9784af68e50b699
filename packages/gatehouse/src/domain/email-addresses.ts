import { errors } from '../errors.js';
import { newId } from '../ids.js';
import type { Store } from '../store/index.js';
import type { EmailAddressRow } from '../store/schema.js';
import type { Clock } from './clock.js';
import { normalizeEmail, withIdentifierCheck } from './users.js';

export interface CreateEmailAddressInput {
  userId: string;
  emailAddress: string;
  verified?: boolean;
  primary?: boolean;
}

/** E-mail addresses managed through BAPI `/v1/email_addresses`. */
export function createEmailAddressService(store: Store, clock: Clock) {
  async function load(id: string): Promise<EmailAddressRow> {
    const row = await store.emailAddresses.findById(id);
    if (!row) throw errors.notFound('email address');
    return row;
  }

  return {
    get: load,

    async create(input: CreateEmailAddressInput): Promise<EmailAddressRow> {
      const user = await store.users.findById(input.userId);
      if (!user) throw errors.paramValueInvalid('user_id', `no user has the id ${input.userId}`);
      const now = clock();
      const row: EmailAddressRow = {
        id: newId('idn'),
        user_id: input.userId,
        email_address: normalizeEmail(input.emailAddress),
        verified: input.verified ? 1 : 0,
        verification_strategy: input.verified ? 'admin' : null,
        created_at: now,
        updated_at: now,
      };
      await withIdentifierCheck(() =>
        store.transaction(async (tx) => {
          await tx.emailAddresses.insert(row);
          if (input.primary || !user.primary_email_address_id) {
            await tx.users.update(user.id, { primary_email_address_id: row.id, updated_at: now });
          }
        }),
      );
      return row;
    },

    async update(id: string, changes: { verified?: boolean; primary?: boolean }): Promise<EmailAddressRow> {
      const row = await load(id);
      const now = clock();
      await store.transaction(async (tx) => {
        if (changes.verified !== undefined) {
          await tx.emailAddresses.update(id, {
            verified: changes.verified ? 1 : 0,
            verification_strategy: changes.verified ? 'admin' : null,
            updated_at: now,
          });
        }
        if (changes.primary) await tx.users.update(row.user_id, { primary_email_address_id: id, updated_at: now });
      });
      return load(id);
    },

    /**
     * Removes an unverified claim on `address` held by someone else (Clerk assigns an address only once
     * it is verified): whoever proves the address takes it, so listing it cannot block its owner.
     */
    async releaseUnverifiedClaim(address: string, exceptUserId?: string): Promise<void> {
      const row = await store.emailAddresses.findByAddress(normalizeEmail(address));
      if (row && !row.verified && row.user_id !== exceptUserId) await this.delete(row.id);
    },

    /** Deleting the primary address promotes the oldest remaining one, so a user never points at nothing. */
    async delete(id: string): Promise<void> {
      const row = await load(id);
      await store.transaction(async (tx) => {
        const user = await tx.users.findById(row.user_id);
        await tx.emailAddresses.delete(id);
        if (user?.primary_email_address_id === id) {
          const [next] = await tx.emailAddresses.listByUser(row.user_id);
          await tx.users.update(row.user_id, { primary_email_address_id: next?.id ?? null, updated_at: clock() });
        }
      });
    },
  };
}

export type EmailAddressService = ReturnType<typeof createEmailAddressService>;
