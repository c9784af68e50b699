import { hashPassword } from '../../crypto/password-hash.js';
import { errors, frontendErrors } from '../../errors.js';
import type { Session } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { Caller } from '../caller.js';
import type { Clock } from '../clock.js';
import type { EmailAddressService } from '../email-addresses.js';
import type { FrontendSettings } from '../frontend-settings.js';
import type { Metadata } from '../metadata.js';
import type { PasswordVerifier } from '../password-verification.js';
import { assertAcceptablePassword } from '../passwords.js';
import { isSignedInStatus, type SessionService } from '../sessions.js';
import { raiseUserUpdated, type UserRecord, type UserService } from '../users.js';
import type { EventService } from '../webhooks/events.js';
import { type AttackProtection, isFailedProof } from './attack-protection.js';
import type { ClientService } from './clients.js';
import type { VerificationCodes } from './verification-codes.js';

/** What a signed-in person may change about themselves through `/v1/me`. */
export function createMeService(deps: {
  store: Store;
  clock: Clock;
  users: UserService;
  emailAddresses: EmailAddressService;
  codes: VerificationCodes;
  verifyPassword: PasswordVerifier;
  protection: AttackProtection;
  settings: () => Promise<FrontendSettings>;
  clients: ClientService;
  sessions: SessionService;
  events: EventService;
  /** After an address is verified: enrollment by verified domain. */
  enrollUser?: (userId: string, caller: Caller) => Promise<void>;
}) {
  const { store, clock, users, events } = deps;

  async function ownEmail(userId: string, emailId: string) {
    const email = await store.emailAddresses.findById(emailId);
    if (!email || email.userId !== userId) throw errors.notFound('email address');
    return email;
  }

  return {
    async update(
      userId: string,
      input: {
        firstName?: string | null;
        lastName?: string | null;
        username?: string | null;
        unsafeMetadata?: Metadata;
        primaryEmailAddressId?: string;
      },
      caller: Caller,
    ): Promise<UserRecord> {
      if (input.primaryEmailAddressId) {
        const email = await ownEmail(userId, input.primaryEmailAddressId);
        if (!email.verified) throw errors.paramValueInvalid('primary_email_address_id', 'must be a verified e-mail address');
      }
      return users.update(userId, input, caller);
    },

    async changePassword(
      userId: string,
      sessionId: string,
      input: { currentPassword?: string; newPassword: string; signOutOfOtherSessions?: boolean },
      caller: Caller,
    ): Promise<UserRecord> {
      const record = await users.get(userId);
      if (record.user.passwordDigest) {
        if (input.currentPassword === undefined) throw errors.paramMissing('current_password');
        // A stolen session must not become a password oracle: the user's lockout applies here too.
        deps.protection.assertNotLocked(record.user);
        if (!(await deps.verifyPassword(record.user, input.currentPassword))) {
          await deps.protection.recordFailure(record.user, caller);
          throw errors.passwordIncorrect();
        }
      }
      assertAcceptablePassword(input.newPassword);
      const now = clock();
      const passwordDigest = await hashPassword(input.newPassword);
      await store.transaction(async (tx) => {
        await tx.users.update(userId, {
          passwordDigest,
          passwordHasher: 'argon2id',
          passwordLastUpdatedAt: now,
          passwordCompromised: false,
          updatedAt: now,
        });
        if (input.signOutOfOtherSessions) {
          const live = [
            ...(await tx.sessions.list({ userId, status: 'active' }, 500, 0)),
            ...(await tx.sessions.list({ userId, status: 'pending' }, 500, 0)),
          ];
          for (const session of live) {
            if (session.id === sessionId) continue;
            await tx.sessions.update(session.id, { status: 'revoked', updatedAt: now });
            await events.raise(tx, 'session.revoked', { ...session, status: 'revoked', updatedAt: now }, caller);
          }
        }
        await raiseUserUpdated(events, tx, userId, caller);
      });
      return users.get(userId);
    },

    async addEmail(userId: string, address: string, caller: Caller) {
      await deps.emailAddresses.releaseUnverifiedClaim(address, caller, userId);
      return deps.emailAddresses.create({ userId, emailAddress: address, verified: false, primary: false }, caller);
    },

    async prepareEmailVerification(userId: string, emailId: string, locale: string, caller: Caller) {
      const email = await ownEmail(userId, emailId);
      await deps.codes.send({
        subjectId: email.id,
        purpose: 'email_address',
        to: email.emailAddress,
        kind: 'verification_code',
        locale,
        caller,
      });
      return email;
    },

    async attemptEmailVerification(userId: string, emailId: string, code: string, caller: Caller) {
      await ownEmail(userId, emailId);
      const { user } = await users.get(userId);
      deps.protection.assertNotLocked(user);
      try {
        await deps.codes.check(emailId, 'email_address', code);
      } catch (error) {
        if (isFailedProof(error)) await deps.protection.recordFailure(user, caller);
        throw error;
      }
      await store.transaction(async (tx) => {
        await tx.emailAddresses.update(emailId, { verified: true, verificationStrategy: 'email_code', updatedAt: clock() });
        await raiseUserUpdated(events, tx, userId, caller);
      });
      await deps.enrollUser?.(userId, caller);
      return ownEmail(userId, emailId);
    },

    async removeEmail(userId: string, emailId: string, caller: Caller): Promise<void> {
      const email = await ownEmail(userId, emailId);
      const all = await store.emailAddresses.listByUser(userId);
      if (email.verified && all.filter((e) => e.verified).length <= 1) throw frontendErrors.lastIdentifier();
      await deps.emailAddresses.delete(emailId, caller);
    },

    async deleteSelf(userId: string, caller: Caller): Promise<void> {
      const record = await users.get(userId);
      if (!record.user.deleteSelfEnabled || !(await deps.settings()).deleteSelfEnabled) throw frontendErrors.deleteSelfDisabled();
      await users.delete(userId, caller);
    },

    verification: (emailId: string) => deps.codes.find(emailId, 'email_address'),

    /**
     * Revokes one of the person's sessions (`<UserProfile/>`'s "Sign out of device"); one of this
     * browser's own sessions also stops being its active one. Returns the session as it now is.
     */
    async revokeSession(userId: string, clientId: string, sessionId: string, caller: Caller): Promise<Session> {
      const session = await store.sessions.findById(sessionId);
      if (!session || session.userId !== userId) throw errors.notFound('session');
      if (isSignedInStatus((await deps.sessions.get(session.id)).status)) {
        if (session.clientId === clientId) await deps.clients.endSessions(clientId, 'revoked', caller, session.id);
        else await deps.sessions.revoke(session.id, caller);
      }
      return deps.sessions.get(session.id);
    },
  };
}

export type MeService = ReturnType<typeof createMeService>;
