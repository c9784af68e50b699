import { newId } from '../../ids.js';
import type { Organization, Session } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { Repositories } from '../../store/repositories/index.js';
import type { Caller } from '../caller.js';
import type { Clock } from '../clock.js';
import type { OrganizationInvitationEvent } from '../invitations.js';
import type { OrganizationDomainRecord } from '../organization-domains.js';
import type { PermissionDefinition, RoleCatalog, RoleDefinition } from '../organization-settings.js';
import type { MembershipRecord } from '../organizations.js';
import type { UserRecord } from '../users.js';
import type { WaitlistEntryRecord } from '../waitlist.js';

/** A message Gatehouse sent (a code), as `email.created` describes it. */
export interface SentEmail {
  id: string;
  slug: string;
  fromEmailName: string;
  toEmailAddress: string;
  emailAddressId: string | null;
  userId: string | null;
  subject: string;
  body: string;
  bodyPlain: string;
  /** What the template was filled with: the `otp_code`, the application's name, the lifetime. */
  data: Record<string, unknown>;
}

/** An SMS Gatehouse sent (a code), as `sms.created` describes it (Clerk's `sms_message`). */
export interface SentSms {
  id: string;
  /** The code's purpose, as for mail: `verification_code`, `sign_in_code`, `reset_password_code`. */
  slug: string;
  toPhoneNumber: string;
  phoneNumberId: string | null;
  userId: string | null;
  /** The text sent. */
  message: string;
  /** What the text was filled with: the `otp_code`, the application's name, the lifetime. */
  data: Record<string, unknown>;
}

/**
 * A role as `role.created|updated|deleted` carry it, with the catalog its permission keys are
 * expanded from (for `deleted`, the catalog before the deletion: the role as it last was).
 */
export interface RoleEvent {
  role: RoleDefinition;
  catalog: RoleCatalog;
}

/** A deleted object, as Clerk's `*.deleted` events carry it: `{ deleted: true, id, object }`. */
export interface DeletedObject {
  id: string;
}

/**
 * Every event type Gatehouse raises and the domain value it carries. The HTTP layer's registry
 * (`http/serializers/event.ts`) turns each into the Backend API's JSON for that object; TypeScript
 * makes both lists agree. To add an event type: one line here, one in that registry, and
 * `await events.raise(tx, 'organizationDomain.created', domain, caller)` inside the transaction that
 * makes the change (`caller`: whoever asked for it, see `domain/caller.ts`).
 */
export interface EventPayloads {
  'user.created': UserRecord;
  'user.updated': UserRecord;
  'user.deleted': DeletedObject;
  'email.created': SentEmail;
  'session.created': Session;
  'session.ended': Session;
  'session.removed': Session;
  'session.revoked': Session;
  'organization.created': Organization;
  'organization.updated': Organization;
  'organization.deleted': DeletedObject;
  'organizationMembership.created': MembershipRecord;
  'organizationMembership.updated': MembershipRecord;
  'organizationMembership.deleted': MembershipRecord;
  'organizationInvitation.created': OrganizationInvitationEvent;
  'organizationInvitation.accepted': OrganizationInvitationEvent;
  'organizationInvitation.revoked': OrganizationInvitationEvent;
  'organizationDomain.created': OrganizationDomainRecord;
  'organizationDomain.updated': OrganizationDomainRecord;
  'organizationDomain.deleted': DeletedObject;
  'role.created': RoleEvent;
  'role.updated': RoleEvent;
  'role.deleted': RoleEvent;
  'permission.created': PermissionDefinition;
  'permission.updated': PermissionDefinition;
  'permission.deleted': PermissionDefinition;
  'waitlistEntry.created': WaitlistEntryRecord;
  'waitlistEntry.updated': WaitlistEntryRecord;
  'sms.created': SentSms;
}

export type EventType = keyof EventPayloads;

/**
 * Maps an event's domain value to its wire JSON (the `data` of the envelope). Given at boot by the
 * HTTP layer, whose serializers define the wire: the domain stays free of HTTP types (layers go
 * `http → domain → store`), and `data` is exactly what the Backend API answers for the object.
 */
export type EventSerializer = <K extends EventType>(type: K, payload: EventPayloads[K]) => unknown;

/** The envelope Clerk sends (and `verifyWebhook` returns). */
export interface EventEnvelope {
  data: unknown;
  object: 'event';
  type: string;
  timestamp: number;
  instance_id: string;
  event_attributes: { http_request: { client_ip: string; user_agent: string } };
}

export interface EventServiceOptions {
  clock: Clock;
  instanceId: () => string;
  serialize: EventSerializer;
}

/**
 * The transactional outbox. `raise(tx, type, payload, caller)` writes the event (its
 * `event_attributes.http_request` from the caller's IP and user agent), and one pending delivery
 * for each enabled endpoint subscribed to its type, with the transaction `tx` of the change it
 * describes: a committed change always has its event, a rolled-back one never does. The delivery
 * worker sends them later, so raising never waits for a receiver.
 */
export function createEventService(options: EventServiceOptions) {
  const listeners = new Set<() => void>();
  // Transactions that raised an event: the store wrapper nudges the worker once they commit.
  const raisedIn = new WeakSet<object>();
  let boundStore: Store | undefined;

  async function raise<K extends EventType>(tx: Repositories, type: K, payload: EventPayloads[K], caller: Caller): Promise<string> {
    const now = options.clock();
    const envelope: EventEnvelope = {
      data: options.serialize(type, payload),
      object: 'event',
      type,
      timestamp: now,
      instance_id: options.instanceId(),
      event_attributes: { http_request: { client_ip: caller.clientIp, user_agent: caller.userAgent } },
    };
    const id = newId('msg');
    await tx.webhooks.insertEvent({ id, type, body: JSON.stringify(envelope), createdAt: now });
    const subscribers = (await tx.webhooks.listSubscribers()).filter((e) => e.events.length === 0 || e.events.includes(type));
    await tx.webhooks.insertDeliveries(
      subscribers.map((endpoint) => ({
        id: newId('whd'),
        endpointId: endpoint.id,
        eventId: id,
        eventType: type,
        status: 'pending' as const,
        attempts: 0,
        nextAttemptAt: now,
        createdAt: now,
        updatedAt: now,
      })),
    );
    if (subscribers.length > 0) raisedIn.add(tx);
    return id;
  }

  return {
    raise,
    /**
     * Raises an event that is the change itself (a message sent), in a transaction of its own; the
     * worker is woken once it commits.
     */
    async raiseNow<K extends EventType>(type: K, payload: EventPayloads[K], caller: Caller): Promise<string> {
      if (!boundStore) throw new Error('raiseNow before notifyingStore');
      const store = boundStore;
      return store.transaction((tx) => raise(tx, type, payload, caller));
    },
    /** Raises several events in one call (e.g. every session a ban ends). */
    async raiseEach<K extends EventType>(tx: Repositories, type: K, payloads: EventPayloads[K][], caller: Caller): Promise<void> {
      for (const payload of payloads) await raise(tx, type, payload, caller);
    },
    /**
     * Wraps a store so that a transaction which raised events wakes the delivery worker once it has
     * committed (other nodes find the deliveries by polling).
     */
    notifyingStore(store: Store): Store {
      boundStore = {
        ...store,
        transaction: async (work) => {
          let txRef: object | undefined;
          const result = await store.transaction((tx) => {
            txRef = tx;
            return work(tx);
          });
          if (txRef && raisedIn.has(txRef)) for (const listener of listeners) listener();
          return result;
        },
      };
      return boundStore;
    },
    /** Called after a transaction that raised an event commits. */
    onCommitted(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type EventService = ReturnType<typeof createEventService>;

// One entry per type of `EventPayloads` (TypeScript refuses a missing or extra one): the list
// endpoints may subscribe to.
const EVENT_TYPE_SET: { [K in EventType]: true } = {
  'user.created': true,
  'user.updated': true,
  'user.deleted': true,
  'email.created': true,
  'session.created': true,
  'session.ended': true,
  'session.removed': true,
  'session.revoked': true,
  'organization.created': true,
  'organization.updated': true,
  'organization.deleted': true,
  'organizationMembership.created': true,
  'organizationMembership.updated': true,
  'organizationMembership.deleted': true,
  'organizationInvitation.created': true,
  'organizationInvitation.accepted': true,
  'organizationInvitation.revoked': true,
  'organizationDomain.created': true,
  'organizationDomain.updated': true,
  'organizationDomain.deleted': true,
  'role.created': true,
  'role.updated': true,
  'role.deleted': true,
  'permission.created': true,
  'permission.updated': true,
  'permission.deleted': true,
  'waitlistEntry.created': true,
  'waitlistEntry.updated': true,
  'sms.created': true,
};
export const EVENT_TYPES = Object.keys(EVENT_TYPE_SET) as EventType[];
