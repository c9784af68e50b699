import { type ImportableHasher, isWellFormedDigest } from '../crypto/imported-hashes.js';
import { hashPassword } from '../crypto/password-hash.js';
import { errors } from '../errors.js';
import { newId } from '../ids.js';
import { isSingleEmailAddress } from '../mail/address.js';
import type { EmailAddress, EmailVerificationStrategy, Passkey, PhoneNumber, User } from '../model/index.js';
import { UniqueViolation } from '../store/errors.js';
import type { Store } from '../store/index.js';
import type { Repositories } from '../store/repositories/index.js';
import { USER_ORDER_COLUMNS, type UserListFilter, type UserOrderColumn } from '../store/repositories/users.js';
import type { Clock } from './clock.js';
import { type Metadata, sizedMetadata } from './metadata.js';
import { parseOrderBy } from './order-by.js';
import { assertAcceptablePassword } from './passwords.js';

/** A user with the rows every serializer and claim template needs. */
export interface UserRecord {
  user: User;
  emailAddresses: EmailAddress[];
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
    return { passwordDigest: await hashPassword(input.password), passwordHasher: 'argon2id', passwordLastUpdatedAt: now };
  }
  if (input.passwordDigest !== undefined) {
    if (!input.passwordHasher) throw errors.paramMissing('password_hasher');
    if (!isWellFormedDigest(input.passwordHasher, input.passwordDigest)) {
      throw errors.paramInvalid('password_digest', `is not a well-formed ${input.passwordHasher} digest`);
    }
    return { passwordDigest: input.passwordDigest, passwordHasher: input.passwordHasher, passwordLastUpdatedAt: now };
  }
  if (input.passwordHasher) throw errors.paramMissing('password_digest');
  return {};
}

/**
 * `assertClaimsFit` (from the token service) refuses a create or update whose rendered session
 * claims would not fit in a session token, as the metadata endpoints do.
 */
export function createUserService(store: Store, clock: Clock, assertClaimsFit: (record: UserRecord) => Promise<void> = async () => {}) {
  async function load(id: string): Promise<UserRecord> {
    const record = await store.users.findWithEmailAddresses(id);
    if (!record) throw errors.notFound('user');
    const [full] = await withPasswordlessFactors(store, [record]);
    return full ?? record;
  }

  return {
    get: load,
    async find(id: string): Promise<UserRecord | undefined> {
      const record = await store.users.findWithEmailAddresses(id);
      return record && (await withPasswordlessFactors(store, [record]))[0];
    },

    async list(input: ListUsersInput): Promise<UserRecord[]> {
      const { column, direction } = parseOrderBy<UserOrderColumn>(input.orderBy, USER_ORDER_COLUMNS);
      const users = await store.users.list({ ...input, orderBy: column, direction, limit: input.limit ?? 10, offset: input.offset ?? 0 });
      const emails = await store.emailAddresses.listByUsers(users.map((u) => u.id));
      return withPasswordlessFactors(
        store,
        users.map((user) => ({ user, emailAddresses: emails.filter((e) => e.userId === user.id) })),
      );
    },

    count: (filter: UserListFilter) => store.users.count(filter),

    /** `alongside` writes more rows in the user's transaction (a sign-up's session and completion). */
    async create(input: CreateUserInput, alongside?: (tx: Repositories, user: User) => Promise<void>): Promise<UserRecord> {
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
      };
      await assertClaimsFit({ user, emailAddresses: emails });
      await withIdentifierCheck(() =>
        store.transaction(async (tx) => {
          await tx.users.insert(user);
          for (const email of emails) await tx.emailAddresses.insert(email);
          await alongside?.(tx, user);
        }),
      );
      return { user, emailAddresses: emails };
    },

    async update(id: string, input: UpdateUserInput): Promise<UserRecord> {
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
      await withIdentifierCheck(() => store.users.update(id, changes));
      return load(id);
    },

    /** Deletes the user and everything that hangs off them (e-mails, sessions) in one transaction. */
    async delete(id: string): Promise<void> {
      const deleted = await store.transaction(async (tx) => {
        await tx.sessions.endAllForUser(id, 'revoked', clock());
        return tx.users.delete(id);
      });
      if (!deleted) throw errors.notFound('user');
    },

    /**
     * Takes the password away (the user signs in with an e-mailed code from then on); with
     * `signOutOfOtherSessions`, every live session of theirs is revoked too.
     */
    async removePassword(id: string, signOutOfOtherSessions: boolean): Promise<UserRecord> {
      await load(id);
      const now = clock();
      await store.transaction(async (tx) => {
        await tx.users.update(id, { passwordDigest: null, passwordHasher: null, passwordLastUpdatedAt: null, updatedAt: now });
        if (signOutOfOtherSessions) await tx.sessions.endAllForUser(id, 'revoked', now);
      });
      return load(id);
    },

    /** Gatehouse users have no web3 wallets: any wallet id of an existing user names nothing. */
    async deleteWeb3Wallet(id: string, _walletId: string): Promise<never> {
      await load(id);
      throw errors.notFound('web3 wallet');
    },

    async setFlags(id: string, flags: { banned?: boolean; locked?: boolean }): Promise<UserRecord> {
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
        if (flags.banned) await tx.sessions.endAllForUser(id, 'revoked', now);
      });
      return load(id);
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
