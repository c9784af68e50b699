import { type ImportableHasher, isWellFormedDigest } from '../crypto/imported-hashes.js';
import { hashPassword } from '../crypto/password-hash.js';
import { errors } from '../errors.js';
import { newId } from '../ids.js';
import { isSingleEmailAddress } from '../mail/address.js';
import type { EmailAddress, EmailVerificationStrategy, ExternalAccount, Passkey, PhoneNumber, User } from '../model/index.js';
import { UniqueViolation } from '../store/errors.js';
import type { Store } from '../store/index.js';
import type { Repositories } from '../store/repositories/index.js';
import { USER_ORDER_COLUMNS, type UserListFilter, type UserOrderColumn } from '../store/repositories/users.js';
import type { Caller } from './caller.js';

export type { UserListFilter };

import type { Clock } from './clock.js';
import { type Metadata, sizedMetadata } from './metadata.js';
import { parseOrderBy } from './order-by.js';
import { assertAcceptablePassword } from './passwords.js';
import type { EventService } from './webhooks/events.js';

/** A user with the rows every serializer and claim template needs. */
export interface UserRecord {
  user: User;
  emailAddresses: EmailAddress[];
  /** Connected social accounts, where the reader loaded them (the user JSON's `external_accounts`). */
  externalAccounts?: ExternalAccount[];
  /** Present where the user's JSON is built (BAPI, `/v1/me`, the client); absent reads as none. */
  phoneNumbers?: PhoneNumber[];
  passkeys?: Passkey[];
}

/** Adds the user's phone numbers and verified passkeys to records (two queries for any number of users). */
export async function withPasswordlessFactors<R extends UserRecord>(store: Store, records: R[]): Promise<R[]> {
  const ids = records.map((r) => r.user.id);
  const [phones, passkeys] = await Promise.all([store.phoneNumbers.listByUsers(ids), store.passkeys.listByUsers(ids)]);
  return records.map((r) => ({
    ...r,
    phoneNumbers: phones.filter((p) => p.userId === r.user.id),
    passkeys: passkeys.filter((p) => p.userId === r.user.id && p.verified),
  }));
}

export interface CreateUserInput {
  externalId?: string | null;
  emailAddresses?: string[];
  username?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  password?: string;
  passwordDigest?: string;
  passwordHasher?: ImportableHasher;
  skipPasswordChecks?: boolean;
  publicMetadata?: Metadata;
  privateMetadata?: Metadata;
  unsafeMetadata?: Metadata;
  createdAt?: number;
  banned?: boolean;
  locked?: boolean;
  locale?: string | null;
  timezone?: string | null;
  legalAcceptedAt?: number | null;
  createOrganizationEnabled?: boolean;
  deleteSelfEnabled?: boolean;
  /** How the e-mail addresses were verified: `admin` through BAPI, `email_code` at sign-up. */
  emailVerificationStrategy?: EmailVerificationStrategy;
}

export interface UpdateUserInput extends Omit<CreateUserInput, 'emailAddresses' | 'banned' | 'locked' | 'emailVerificationStrategy'> {
  primaryEmailAddressId?: string;
}

export interface ListUsersInput extends UserListFilter {
  orderBy?: string;
  limit?: number;
  offset?: number;
}

const USERNAME = /^[a-z0-9_-]{4,64}$/;
export function normalizeEmail(address: string): string {
  const normalized = address.trim().toLowerCase();
  // The mailer's own rule: an address accepted here is always one it will send to.
  if (!isSingleEmailAddress(normalized)) throw errors.paramInvalid('email_address', 'must be a valid e-mail address');
  return normalized;
}

function normalizeUsername(username: string): string {
  const normalized = username.toLowerCase();
  if (!USERNAME.test(normalized)) {
    throw errors.paramInvalid('username', 'must be 4 to 64 characters of letters, digits, "_" or "-"');
  }
  return normalized;
}

function whichIdentifierExists(violation: UniqueViolation): string {
  if (/email/.test(violation.detail)) return 'email_address';
  if (/username/.test(violation.detail)) return 'username';
  if (/external_id/.test(violation.detail)) return 'external_id';
  return 'identifier';
}

/** Runs a write and turns a unique violation into Clerk's `form_identifier_exists`. */
export async function withIdentifierCheck<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof UniqueViolation) throw errors.identifierExists(whichIdentifierExists(error));
    throw error;
  }
}

async function passwordColumns(input: CreateUserInput, now: number): Promise<Partial<User>> {
  if (input.password !== undefined && input.passwordDigest !== undefined) {
    throw errors.paramInvalid('password_digest', 'send either password or password_digest, not both');
  }
  if (input.password !== undefined) {
    if (!input.skipPasswordChecks) assertAcceptablePassword(input.password);
    // A new password is no longer the compromised one.
    return {
      passwordDigest: await hashPassword(input.password),
      passwordHasher: 'argon2id',
      passwordLastUpdatedAt: now,
      passwordCompromised: false,
    };
  }
  if (input.passwordDigest !== undefined) {
    if (!input.passwordHasher) throw errors.paramMissing('password_hasher');
    if (!isWellFormedDigest(input.passwordHasher, input.passwordDigest)) {
      throw errors.paramInvalid('password_digest', `is not a well-formed ${input.passwordHasher} digest`);
    }
    return {
      passwordDigest: input.passwordDigest,
      passwordHasher: input.passwordHasher,
      passwordLastUpdatedAt: now,
      passwordCompromised: false,
    };
  }
  if (input.passwordHasher) throw errors.paramMissing('password_digest');
  return {};
}

/** A user as it is inside transaction `tx` (for the event of a change made in it). */
export async function userRecordIn(tx: Repositories, id: string): Promise<UserRecord | undefined> {
  const user = await tx.users.findById(id);
  if (!user) return undefined;
  return { user, emailAddresses: await tx.emailAddresses.listByUser(id), externalAccounts: await tx.externalAccounts.listForUser(id) };
}

/** Raises `user.updated` with the user as it is now in `tx`. */
export async function raiseUserUpdated(events: EventService, tx: Repositories, id: string, caller: Caller): Promise<void> {
  const record = await userRecordIn(tx, id);
  if (record) await events.raise(tx, 'user.updated', record, caller);
}

/**
 * `assertClaimsFit` (from the token service) refuses a create or update whose rendered session
 * claims would not fit in a session token, as the metadata endpoints do.
 */
export function createUserService(
  store: Store,
  clock: Clock,
  events: EventService,
  assertClaimsFit: (record: UserRecord) => Promise<void> = async () => {},
) {
  async function find(id: string): Promise<UserRecord | undefined> {
    return store.users.findWhole(id);
  }

  async function load(id: string): Promise<UserRecord> {
    const record = await find(id);
    if (!record) throw errors.notFound('user');
    return record;
  }

  return {
    get: load,
    find,

    async list(input: ListUsersInput): Promise<UserRecord[]> {
      const { column, direction } = parseOrderBy<UserOrderColumn>(input.orderBy, USER_ORDER_COLUMNS);
      const users = await store.users.list({ ...input, orderBy: column, direction, limit: input.limit ?? 10, offset: input.offset ?? 0 });
      const emails = await store.emailAddresses.listByUsers(users.map((u) => u.id));
      const accounts = await store.externalAccounts.listForUsers(users.map((u) => u.id));
      return withPasswordlessFactors(
        store,
        users.map((user) => ({
          user,
          emailAddresses: emails.filter((e) => e.userId === user.id),
          externalAccounts: accounts.filter((a) => a.userId === user.id),
        })),
      );
    },

    count: (filter: UserListFilter) => store.users.count(filter),

    /** `alongside` writes more rows in the user's transaction (a sign-up's session and completion). */
    async create(input: CreateUserInput, caller: Caller, alongside?: (tx: Repositories, user: User) => Promise<void>): Promise<UserRecord> {
      const now = clock();
      const createdAt = input.createdAt ?? now;
      const id = newId('user');
      const addresses = [...new Set((input.emailAddresses ?? []).map(normalizeEmail))];
      const emails: EmailAddress[] = addresses.map((address) => ({
        id: newId('idn'),
        userId: id,
        emailAddress: address,
        verified: true,
        verificationStrategy: input.emailVerificationStrategy ?? 'admin',
        createdAt: createdAt,
        updatedAt: now,
      }));
      const user: User = {
        id,
        externalId: input.externalId ?? null,
        username: input.username ? normalizeUsername(input.username) : null,
        firstName: input.firstName ?? null,
        lastName: input.lastName ?? null,
        imageUrl: null,
        passwordDigest: null,
        passwordHasher: null,
        passwordLastUpdatedAt: null,
        passwordCompromised: false,
        ...(await passwordColumns(input, now)),
        primaryEmailAddressId: emails[0]?.id ?? null,
        publicMetadata: sizedMetadata('public_metadata', input.publicMetadata ?? {}),
        privateMetadata: sizedMetadata('private_metadata', input.privateMetadata ?? {}),
        unsafeMetadata: sizedMetadata('unsafe_metadata', input.unsafeMetadata ?? {}),
        banned: input.banned === true,
        locked: input.locked === true,
        lastSignInAt: null,
        lastActiveAt: null,
        locale: input.locale ?? null,
        timezone: input.timezone ?? null,
        legalAcceptedAt: input.legalAcceptedAt ?? null,
        createOrganizationEnabled: input.createOrganizationEnabled !== false,
        deleteSelfEnabled: input.deleteSelfEnabled !== false,
        createdAt,
        updatedAt: now,
        failedVerificationAttempts: 0,
        failedVerificationWindowStart: null,
        lockoutUntil: null,
        totpEnabled: false,
        backupCodeEnabled: false,
        mfaEnabledAt: null,
        mfaDisabledAt: null,
      };
      await assertClaimsFit({ user, emailAddresses: emails });
      await withIdentifierCheck(() =>
        store.transaction(async (tx) => {
          await tx.users.insert(user);
          for (const email of emails) await tx.emailAddresses.insert(email);
          await events.raise(tx, 'user.created', { user, emailAddresses: emails }, caller);
          await alongside?.(tx, user);
        }),
      );
      return { user, emailAddresses: emails };
    },

    async update(id: string, input: UpdateUserInput, caller: Caller): Promise<UserRecord> {
      const current = await load(id);
      const now = clock();
      const changes: Partial<User> = { updatedAt: now };
      if (input.externalId !== undefined) changes.externalId = input.externalId;
      if (input.username !== undefined) changes.username = input.username === null ? null : normalizeUsername(input.username);
      if (input.firstName !== undefined) changes.firstName = input.firstName;
      if (input.lastName !== undefined) changes.lastName = input.lastName;
      if (input.locale !== undefined) changes.locale = input.locale;
      if (input.timezone !== undefined) changes.timezone = input.timezone;
      if (input.legalAcceptedAt !== undefined) changes.legalAcceptedAt = input.legalAcceptedAt;
      if (input.createdAt !== undefined) changes.createdAt = input.createdAt;
      if (input.createOrganizationEnabled !== undefined) changes.createOrganizationEnabled = input.createOrganizationEnabled;
      if (input.deleteSelfEnabled !== undefined) changes.deleteSelfEnabled = input.deleteSelfEnabled;
      if (input.publicMetadata !== undefined) changes.publicMetadata = sizedMetadata('public_metadata', input.publicMetadata);
      if (input.privateMetadata !== undefined) changes.privateMetadata = sizedMetadata('private_metadata', input.privateMetadata);
      if (input.unsafeMetadata !== undefined) changes.unsafeMetadata = sizedMetadata('unsafe_metadata', input.unsafeMetadata);
      if (input.primaryEmailAddressId !== undefined) {
        if (!current.emailAddresses.some((e) => e.id === input.primaryEmailAddressId)) {
          throw errors.paramValueInvalid('primary_email_address_id', 'is not an e-mail address of this user');
        }
        changes.primaryEmailAddressId = input.primaryEmailAddressId;
      }
      Object.assign(changes, await passwordColumns(input, now));
      await assertClaimsFit({ user: { ...current.user, ...changes }, emailAddresses: current.emailAddresses });
      await withIdentifierCheck(() =>
        store.transaction(async (tx) => {
          await tx.users.update(id, changes);
          await raiseUserUpdated(events, tx, id, caller);
        }),
      );
      return load(id);
    },

    /** Deletes the user and everything that hangs off them (e-mails, sessions) in one transaction. */
    async delete(id: string, caller: Caller): Promise<void> {
      const deleted = await store.transaction(async (tx) => {
        await events.raiseEach(tx, 'session.revoked', await tx.sessions.endActive({ userId: id }, 'revoked', clock()), caller);
        const gone = await tx.users.delete(id);
        if (gone) await events.raise(tx, 'user.deleted', { id }, caller);
        return gone;
      });
      if (!deleted) throw errors.notFound('user');
    },

    /**
     * Takes the password away (the user signs in with an e-mailed code from then on); with
     * `signOutOfOtherSessions`, every live session of theirs is revoked too.
     */
    async removePassword(id: string, signOutOfOtherSessions: boolean, caller: Caller): Promise<UserRecord> {
      await load(id);
      const now = clock();
      await store.transaction(async (tx) => {
        await tx.users.update(id, {
          passwordDigest: null,
          passwordHasher: null,
          passwordLastUpdatedAt: null,
          passwordCompromised: false,
          updatedAt: now,
        });
        if (signOutOfOtherSessions)
          await events.raiseEach(tx, 'session.revoked', await tx.sessions.endActive({ userId: id }, 'revoked', now), caller);
        await raiseUserUpdated(events, tx, id, caller);
      });
      return load(id);
    },

    /**
     * Marks the password compromised (`compromised: true`) or not. While marked, a sign-in with the
     * right password is refused with `form_password_compromised`, and one with another first factor
     * must set a new password before it completes; setting any new password clears the mark. With
     * `revokeAllSessions`, every live session of the user ends too. A user without a password: 422.
     */
    async setPasswordCompromised(id: string, compromised: boolean, caller: Caller, revokeAllSessions = false): Promise<UserRecord> {
      const { user } = await load(id);
      if (compromised && !user.passwordDigest) throw errors.paramValueInvalid('user_id', 'this user has no password to mark compromised');
      const now = clock();
      await store.transaction(async (tx) => {
        await tx.users.update(id, { passwordCompromised: compromised, updatedAt: now });
        if (compromised && revokeAllSessions) {
          await events.raiseEach(tx, 'session.revoked', await tx.sessions.endActive({ userId: id }, 'revoked', now), caller);
        }
        await raiseUserUpdated(events, tx, id, caller);
      });
      return load(id);
    },

    /**
     * `PUT /v1/users/{id}/email_address`: the user's primary address becomes `address` (verified, as
     * an operator vouches for it) and the one it replaces is removed. The address may already be one
     * of the user's; another user's is `form_identifier_exists`.
     */
    async replaceEmailAddress(id: string, address: string, caller: Caller): Promise<EmailAddress> {
      const { user, emailAddresses } = await load(id);
      const normalized = normalizeEmail(address);
      const now = clock();
      const existing = emailAddresses.find((e) => e.emailAddress === normalized);
      const replacement: EmailAddress = existing
        ? { ...existing, verified: true, verificationStrategy: existing.verificationStrategy ?? 'admin', updatedAt: now }
        : {
            id: newId('idn'),
            userId: id,
            emailAddress: normalized,
            verified: true,
            verificationStrategy: 'admin',
            createdAt: now,
            updatedAt: now,
          };
      // Someone else's unverified claim on the address does not block it (Clerk assigns an address once verified).
      const claim = await store.emailAddresses.findByAddress(normalized);
      await withIdentifierCheck(() =>
        store.transaction(async (tx) => {
          if (claim && claim.userId !== id && !claim.verified) await tx.emailAddresses.delete(claim.id);
          if (existing) {
            await tx.emailAddresses.update(existing.id, {
              verified: true,
              verificationStrategy: replacement.verificationStrategy,
              updatedAt: now,
            });
          } else {
            await tx.emailAddresses.insert(replacement);
          }
          await tx.users.update(id, { primaryEmailAddressId: replacement.id, updatedAt: now });
          const previous = user.primaryEmailAddressId;
          if (previous && previous !== replacement.id) await tx.emailAddresses.delete(previous);
          await raiseUserUpdated(events, tx, id, caller);
        }),
      );
      return replacement;
    },

    /** Gatehouse users have no web3 wallets: any wallet id of an existing user names nothing. */
    async deleteWeb3Wallet(id: string, _walletId: string): Promise<never> {
      await load(id);
      throw errors.notFound('web3 wallet');
    },

    async setFlags(id: string, flags: { banned?: boolean; locked?: boolean }, caller: Caller): Promise<UserRecord> {
      await load(id);
      const now = clock();
      await store.transaction(async (tx) => {
        const changes: Partial<User> = { updatedAt: now };
        if (flags.banned !== undefined) changes.banned = flags.banned;
        if (flags.locked !== undefined) changes.locked = flags.locked;
        // Unlocking also ends an automatic lockout and its count of failures (Clerk's unlock).
        if (flags.locked === false)
          Object.assign(changes, { failedVerificationAttempts: 0, failedVerificationWindowStart: null, lockoutUntil: null });
        await tx.users.update(id, changes);
        // A banned user keeps no live session, as in Clerk.
        if (flags.banned)
          await events.raiseEach(tx, 'session.revoked', await tx.sessions.endActive({ userId: id }, 'revoked', now), caller);
        await raiseUserUpdated(events, tx, id, caller);
      });
      return load(id);
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
