import type { EmailJSON, SMSMessageJSON } from '@clerk/backend';
import type { LockoutState } from '../../domain/frontend/attack-protection.js';
import type { ImageLinks } from '../../domain/images/links.js';
import type { OrganizationInvitationEvent } from '../../domain/invitations.js';
import type { EventPayloads, EventSerializer, EventType, SentEmail, SentSms } from '../../domain/webhooks/events.js';
import type { User } from '../../model/index.js';
import { serializeDeleted } from './deleted.js';
import { type OrganizationInvitationWireJSON, serializeOrganizationInvitation } from './invitation.js';
import { serializeOrganization } from './organization.js';
import { serializeOrganizationDomain } from './organization-domain.js';
import { serializeMembership } from './organization-membership.js';
import { serializePermission, serializeRole } from './role.js';
import { serializeSession } from './session.js';
import { serializeUser } from './user.js';
import { serializeWaitlistEntry } from './waitlist.js';

/** Clerk's `email` object, as `email.created` carries it (with the code in `data.otp_code`). */
export function serializeEmail(email: SentEmail): EmailJSON {
  return {
    object: 'email',
    id: email.id,
    slug: email.slug,
    from_email_name: email.fromEmailName,
    to_email_address: email.toEmailAddress,
    email_address_id: email.emailAddressId,
    user_id: email.userId,
    subject: email.subject,
    body: email.body,
    body_plain: email.bodyPlain,
    status: 'queued',
    data: email.data,
    delivered_by_clerk: true,
  };
}

/**
 * Clerk's `sms_message`, as `sms.created` carries it (the code in `data.otp_code`). Gatehouse sends
 * through a gateway or the dev outbox and has no sending number of its own: `from_phone_number` is empty.
 */
export function serializeSms(sms: SentSms): SMSMessageJSON {
  return {
    object: 'sms_message',
    id: sms.id,
    slug: sms.slug,
    from_phone_number: '',
    to_phone_number: sms.toPhoneNumber,
    phone_number_id: sms.phoneNumberId,
    ...(sms.userId ? { user_id: sms.userId } : {}),
    message: sms.message,
    status: 'queued',
    data: sms.data,
    delivered_by_clerk: true,
  };
}

/**
 * `organizationInvitation.*`: the Backend API's `organization_invitation` with the status after the
 * change; `url` (the ticket link) in `created` only, as in the create answer; `user_id` once accepted
 * (Clerk's `OrganizationInvitationAcceptedJSON`).
 */
function serializeInvitationEvent(
  event: OrganizationInvitationEvent,
  links: ImageLinks,
): OrganizationInvitationWireJSON | (OrganizationInvitationWireJSON & { user_id: string }) {
  const { invitation, organization, roleName, url, userId } = event;
  const json = serializeOrganizationInvitation(invitation, invitation.status, roleName, organization, links, url);
  return userId ? { ...json, user_id: userId } : json;
}

export interface EventSerializerDeps {
  links: ImageLinks;
  lockout: (user: User) => LockoutState;
  /** The event's moment: a waitlist entry's invitation reads `expired` once past its expiry, as in the Backend API. */
  clock: () => number;
}

/**
 * The wire JSON of every event type: the Backend API's serializer for the object it describes, so a
 * webhook's `data` is what `GET /v1/<object>/{id}` would have answered at that moment. Given to the
 * domain at boot (`serializeEvent`); a missing type is a compile error.
 */
export function createEventSerializer(deps: EventSerializerDeps): EventSerializer {
  const { links } = deps;
  const registry: { [K in EventType]: (payload: EventPayloads[K]) => unknown } = {
    'user.created': (record) => serializeUser(record, deps.lockout(record.user), links),
    'user.updated': (record) => serializeUser(record, deps.lockout(record.user), links),
    'user.deleted': ({ id }) => serializeDeleted('user', id),
    'email.created': serializeEmail,
    'session.created': (session) => serializeSession(session),
    'session.ended': (session) => serializeSession(session),
    'session.removed': (session) => serializeSession(session),
    'session.revoked': (session) => serializeSession(session),
    'organization.created': (organization) => serializeOrganization(organization, links),
    'organization.updated': (organization) => serializeOrganization(organization, links),
    'organization.deleted': ({ id }) => serializeDeleted('organization', id),
    'organizationMembership.created': (record) => serializeMembership(record, links),
    'organizationMembership.updated': (record) => serializeMembership(record, links),
    'organizationMembership.deleted': (record) => serializeMembership(record, links),
    'organizationInvitation.created': (event) => serializeInvitationEvent(event, links),
    'organizationInvitation.accepted': (event) => serializeInvitationEvent(event, links),
    'organizationInvitation.revoked': (event) => serializeInvitationEvent(event, links),
    'organizationDomain.created': serializeOrganizationDomain,
    'organizationDomain.updated': serializeOrganizationDomain,
    'organizationDomain.deleted': ({ id }) => serializeDeleted('organization_domain', id),
    'role.created': ({ role, catalog }) => serializeRole(role, catalog),
    'role.updated': ({ role, catalog }) => serializeRole(role, catalog),
    // @clerk/backend types these two deletions as the full RoleJSON / PermissionJSON (unlike
    // organization.deleted's DeletedObjectJSON): the object as it was just before.
    'role.deleted': ({ role, catalog }) => serializeRole(role, catalog),
    'permission.created': serializePermission,
    'permission.updated': serializePermission,
    'permission.deleted': serializePermission,
    'waitlistEntry.created': (record) => serializeWaitlistEntry(record, deps.clock()),
    'waitlistEntry.updated': (record) => serializeWaitlistEntry(record, deps.clock()),
    'sms.created': serializeSms,
  };
  return (type, payload) => registry[type](payload);
}
