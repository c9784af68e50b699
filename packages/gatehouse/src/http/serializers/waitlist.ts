import type { WaitlistEntryJSON } from '@clerk/backend';
import type { WaitlistJSON } from '@clerk/shared/types';
import { effectiveStatus } from '../../domain/invitations.js';
import type { WaitlistEntryRecord } from '../../domain/waitlist.js';
import { type InvitationWireJSON, serializeInvitation } from './invitation.js';
import type { Amended } from './wire.js';

/** Clerk's `waitlist_entry` (Backend API); the invitation as `/v1/invitations` shows it (status read now). */
export type WaitlistEntryWireJSON = Amended<WaitlistEntryJSON, { invitation: InvitationWireJSON | null }>;

export function serializeWaitlistEntry({ entry, invitation }: WaitlistEntryRecord, now: number): WaitlistEntryWireJSON {
  return {
    object: 'waitlist_entry',
    id: entry.id,
    status: entry.status,
    email_address: entry.emailAddress,
    invitation: invitation ? serializeInvitation(invitation, effectiveStatus(invitation, now)) : null,
    is_locked: false,
    created_at: entry.createdAt,
    updated_at: entry.updatedAt,
  };
}

/** What `POST /v1/waitlist` answers clerk-js (its `Waitlist` resource reads the id and dates only). */
export function serializeWaitlist({ entry }: WaitlistEntryRecord): WaitlistJSON {
  return { object: 'waitlist', id: entry.id, created_at: entry.createdAt, updated_at: entry.updatedAt };
}
