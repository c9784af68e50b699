import { errors } from '../errors.js';
import { newId } from '../ids.js';
import type { Invitation, WaitlistEntry, WaitlistEntryStatus } from '../model/index.js';
import { UniqueViolation } from '../store/errors.js';
import type { Store } from '../store/index.js';
import type { Repositories } from '../store/repositories/index.js';
import type { Caller } from './caller.js';
import type { Clock } from './clock.js';
import { effectiveStatus, type InvitationService } from './invitations.js';
import { normalizeEmail } from './users.js';
import type { EventService } from './webhooks/events.js';

const STATUSES: readonly WaitlistEntryStatus[] = ['pending', 'invited', 'completed', 'rejected'];
const ORDER_COLUMNS = ['created_at', 'invited_at', 'email_address'] as const;
const ADDRESS = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** An entry with the instance invitation it was sent, if any. */
export interface WaitlistEntryRecord {
  entry: WaitlistEntry;
  invitation: Invitation | undefined;
}

export function assertWaitlistStatus(value: string): WaitlistEntryStatus {
  if (!STATUSES.includes(value as WaitlistEntryStatus)) throw errors.paramValueInvalid('status', `must be one of ${STATUSES.join(', ')}`);
  return value as WaitlistEntryStatus;
}

/**
 * The waitlist (sign-up mode `waitlist`): people leave their address (FAPI `POST /v1/waitlist`, or
 * the Backend API), and the instance invites them (an instance invitation, whose ticket passes the
 * sign-up mode), rejects or deletes them. An invited entry reads `completed` once its address signs up.
 * A new entry raises `waitlistEntry.created`, every change of status `waitlistEntry.updated`, in the
 * change's transaction.
 */
export function createWaitlistService(deps: { store: Store; clock: Clock; invitations: InvitationService; events: EventService }) {
  const { store, clock, invitations, events } = deps;

  /** Moves the entry from one of `from` and raises `waitlistEntry.updated`, in one transaction; undefined when it was not in `from`. */
  async function transition(
    entry: WaitlistEntry,
    from: WaitlistEntryStatus[],
    changes: Partial<WaitlistEntry> & { updatedAt: number },
    invitation: (tx: Repositories) => Promise<Invitation | undefined>,
    caller: Caller,
  ): Promise<WaitlistEntryRecord | undefined> {
    return store.transaction(async (tx) => {
      if (!(await tx.waitlist.transition(entry.id, from, changes))) return undefined;
      const moved = { entry: { ...entry, ...changes }, invitation: await invitation(tx) };
      await events.raise(tx, 'waitlistEntry.updated', moved, caller);
      return moved;
    });
  }

  function checkedAddress(emailAddress: string): string {
    const address = normalizeEmail(emailAddress);
    if (!ADDRESS.test(address)) throw errors.paramInvalid('email_address', 'must be an e-mail address');
    return address;
  }

  async function record(entry: WaitlistEntry): Promise<WaitlistEntryRecord> {
    return { entry, invitation: entry.invitationId ? await store.invitations.findById(entry.invitationId) : undefined };
  }

  async function load(id: string): Promise<WaitlistEntry> {
    const entry = await store.waitlist.findById(id);
    if (!entry) throw errors.notFound('waitlist entry');
    return entry;
  }

  /** Adds the address, or answers the entry it already has. */
  async function join(emailAddress: string, caller: Caller): Promise<WaitlistEntryRecord> {
    const address = checkedAddress(emailAddress);
    const existing = await store.waitlist.findByAddress(address);
    if (existing) return record(existing);
    const now = clock();
    const entry: WaitlistEntry = {
      id: newId('wle'),
      emailAddress: address,
      status: 'pending',
      invitationId: null,
      invitedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await store.transaction(async (tx) => {
        await tx.waitlist.insert(entry);
        await events.raise(tx, 'waitlistEntry.created', { entry, invitation: undefined }, caller);
      });
    } catch (error) {
      if (!(error instanceof UniqueViolation)) throw error;
      // A concurrent join of the same address won: answer its entry.
      return record((await store.waitlist.findByAddress(address)) ?? entry);
    }
    return record(entry);
  }

  return {
    join,

    async joinBulk(emailAddresses: string[], caller: Caller): Promise<WaitlistEntryRecord[]> {
      if (emailAddresses.length === 0) throw errors.paramMissing('email_address');
      if (emailAddresses.length > 50) throw errors.paramValueInvalid('email_address', 'at most 50 entries at once');
      // Every address is checked before any is added: a bad one adds none.
      const addresses = emailAddresses.map(checkedAddress);
      const out: WaitlistEntryRecord[] = [];
      for (const address of addresses) out.push(await join(address, caller));
      return out;
    },

    async list(input: {
      statuses?: WaitlistEntryStatus[];
      query?: string;
      orderBy?: string;
      limit: number;
      offset: number;
    }): Promise<{ data: WaitlistEntryRecord[]; totalCount: number }> {
      const raw = input.orderBy ?? '-created_at';
      const column = raw.replace(/^[+-]/, '') as (typeof ORDER_COLUMNS)[number];
      if (!ORDER_COLUMNS.includes(column)) throw errors.paramValueInvalid('order_by', `must be [+-]${ORDER_COLUMNS.join(', ')}`);
      const filter = { statuses: input.statuses, query: input.query };
      const [rows, totalCount] = await Promise.all([
        store.waitlist.list({
          ...filter,
          orderBy: column,
          direction: raw.startsWith('-') ? 'desc' : 'asc',
          limit: input.limit,
          offset: input.offset,
        }),
        store.waitlist.count(filter),
      ]);
      return { data: await Promise.all(rows.map(record)), totalCount };
    },

    /** Sends an instance invitation (mailed); the entry reads `invited`. Pending or rejected entries only. */
    async invite(id: string, caller: Caller, input: { ignoreExisting?: boolean } = {}): Promise<WaitlistEntryRecord> {
      const entry = await load(id);
      if (entry.status !== 'pending' && entry.status !== 'rejected') throw errors.waitlistEntryNotPending();
      const { invitation } = await invitations.createForInstance(
        {
          emailAddress: entry.emailAddress,
          ignoreExisting: input.ignoreExisting,
        },
        caller,
      );
      const now = clock();
      const changes = { status: 'invited' as const, invitationId: invitation.id, invitedAt: now, updatedAt: now };
      const invited = await transition(entry, ['pending', 'rejected'], changes, async () => invitation, caller);
      if (!invited) {
        await invitations.revokeForInstance(invitation.id);
        throw errors.waitlistEntryNotPending();
      }
      return invited;
    },

    /** Rejects a pending or invited entry; an invitation it was sent and not yet used is revoked with it. */
    async reject(id: string, caller: Caller): Promise<WaitlistEntryRecord> {
      const entry = await load(id);
      const now = clock();
      const rejected = await transition(
        entry,
        ['pending', 'invited'],
        { status: 'rejected', updatedAt: now },
        async (tx) => {
          const invitation = entry.invitationId ? await tx.invitations.findById(entry.invitationId) : undefined;
          if (invitation?.kind !== 'instance' || effectiveStatus(invitation, now) !== 'pending') return invitation;
          return (await tx.invitations.settle(invitation.id, 'revoked', now))
            ? { ...invitation, status: 'revoked', updatedAt: now }
            : invitation;
        },
        caller,
      );
      if (!rejected) throw errors.waitlistEntryNotPending();
      return rejected;
    },

    async delete(id: string): Promise<string> {
      await load(id);
      if (!(await store.waitlist.delete(id))) throw errors.notFound('waitlist entry');
      return id;
    },

    /** After a sign-up: the user's invited entries read `completed`. */
    async complete(userId: string, caller: Caller): Promise<void> {
      const now = clock();
      for (const email of await store.emailAddresses.listByUser(userId)) {
        const entry = email.verified ? await store.waitlist.findByAddress(email.emailAddress) : undefined;
        if (entry?.status !== 'invited') continue;
        await transition(
          entry,
          ['invited'],
          { status: 'completed', updatedAt: now },
          async (tx) => (entry.invitationId ? tx.invitations.findById(entry.invitationId) : undefined),
          caller,
        );
      }
    },
  };
}

export type WaitlistService = ReturnType<typeof createWaitlistService>;
