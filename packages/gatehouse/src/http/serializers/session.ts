import type { SessionJSON, TokenJSON } from '@clerk/backend';
import type { SessionJSON as FrontendSessionJSON, SessionTask, SessionWithActivitiesJSON } from '@clerk/shared/types';
import type { LockoutState } from '../../domain/frontend/attack-protection.js';
import type { SessionWithUser } from '../../domain/frontend/clients.js';
import type { ImageLinks } from '../../domain/images/links.js';
import type { MembershipRecord } from '../../domain/organizations.js';
import { sessionTasks } from '../../domain/sessions.js';
import type { Session, SessionActivity } from '../../model/index.js';
import { type PublicUserDataWireJSON, serializePublicUserData } from './public-user-data.js';
import { type SessionActivityWireJSON, serializeSessionActivity } from './session-activity.js';
import { serializeToken } from './token.js';
import { type FrontendUserWireJSON, serializeFrontendUser } from './user.js';
import type { Amended } from './wire.js';

/**
 * Clerk's `session` for the Backend API: @clerk/backend's type, with `last_active_organization_id`
 * and `latest_activity` null when there is none, as Clerk sends them (the SDK's `Session.fromJSON`
 * copies the first and maps a missing activity to none).
 */
export type SessionWireJSON = Amended<
  SessionJSON,
  { last_active_organization_id: string | null; latest_activity: SessionActivityWireJSON | null }
> & {
  /**
   * Session tasks (Clerk's `setup-mfa`, "choose an organization" and the like), which `@clerk/backend`'s
   * type leaves out: a pending session's tasks, else null.
   */
  tasks: SessionTask[] | null;
};

/** The one wire shape of a session (Clerk's `session` object) for the Backend API. */
/** With the device it was signed in from, when one was recorded (see session-activity.ts). */
export function serializeSession(session: Session, activity?: SessionActivity): SessionWireJSON {
  return {
    object: 'session',
    id: session.id,
    client_id: session.clientId,
    user_id: session.userId,
    status: session.status,
    last_active_organization_id: session.lastActiveOrganizationId,
    actor: session.actor,
    latest_activity: activity ? serializeSessionActivity(session.id, activity, { audience: 'backend' }) : null,
    tasks: sessionTasks(session),
    last_active_at: session.lastActiveAt,
    expire_at: session.expireAt,
    abandon_at: session.abandonAt,
    created_at: session.createdAt,
    updated_at: session.updatedAt,
  };
}

/**
 * Clerk's `session` for the Frontend API: @clerk/shared's type with Clerk's user object (see
 * user.ts), Clerk's `public_user_data` (a null `username` where the SDK declares an optional string,
 * and `profile_image_url`; see public-user-data.ts), and `last_active_token` null until a token was
 * minted in this answer (clerk-js's `Session.fromJSON` then fetches one).
 */
export type FrontendSessionWireJSON = Amended<
  FrontendSessionJSON,
  {
    user: FrontendUserWireJSON;
    public_user_data: PublicUserDataWireJSON;
    last_active_token: TokenJSON | null;
  }
>;

/** The fields every Frontend API view of a session starts with. */
function frontendSessionBase(session: Session) {
  return {
    object: 'session' as const,
    id: session.id,
    status: session.status,
    expire_at: session.expireAt,
    abandon_at: session.abandonAt,
    last_active_at: session.lastActiveAt,
  };
}

/** A session as clerk-js reads it: with its user, and the newest token when we have one. */
export function serializeFrontendSession(
  entry: SessionWithUser,
  now: number,
  lockout: LockoutState,
  links: ImageLinks,
  jwt?: string,
  memberships?: MembershipRecord[],
): FrontendSessionWireJSON {
  const { session } = entry;
  return {
    ...frontendSessionBase(session),
    last_active_organization_id: session.lastActiveOrganizationId,
    actor: session.actor,
    factor_verification_age: [Math.max(0, Math.floor((now - session.createdAt) / 60_000)), -1],
    // clerk-js's `session.currentTask` is the first: a pending session shows its task screen.
    tasks: sessionTasks(session),
    user: serializeFrontendUser(entry.record, lockout, links, memberships),
    public_user_data: serializePublicUserData(entry.record, links),
    last_active_token: jwt ? serializeToken(jwt) : null,
    created_at: session.createdAt,
    updated_at: session.updatedAt,
  };
}

/**
 * A session as `<UserProfile/>`'s "Active devices" lists it (@clerk/shared's
 * `SessionWithActivitiesJSON`, exactly where Clerk's wire has a field): with the browser, device and
 * address it was signed in from. Clerk's list sends no user, public data, token, factor ages, tasks,
 * organization or times, which the SDK's type (a `SessionJSON`) declares required: those are dropped.
 */
export type SessionWithActivitiesWireJSON = Amended<
  SessionWithActivitiesJSON,
  Record<never, never>,
  | 'user'
  | 'public_user_data'
  | 'last_active_token'
  | 'factor_verification_age'
  | 'tasks'
  | 'last_active_organization_id'
  | 'created_at'
  | 'updated_at'
>;

export function serializeSessionWithActivities(session: Session, activity: SessionActivity | undefined): SessionWithActivitiesWireJSON {
  return {
    ...frontendSessionBase(session),
    latest_activity: serializeSessionActivity(session.id, activity, { audience: 'frontend' }),
    actor: session.actor,
  };
}

/** A session that was just ended or removed: only what changed (clerk-js reloads the client from the envelope). */
export function serializeSessionStatus(session: Session): Pick<FrontendSessionJSON, 'object' | 'id' | 'status'> {
  return { object: 'session', id: session.id, status: session.status };
}
