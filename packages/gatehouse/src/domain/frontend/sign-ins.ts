import { createHmac } from 'node:crypto';
import { hashPassword } from '../../crypto/password-hash.js';
import { errors, frontendErrors } from '../../errors.js';
import { newId } from '../../ids.js';
import type { Client, EmailAddress, FirstFactorStrategy, SignIn, User } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { Clock } from '../clock.js';
import type { PasswordVerifier } from '../password-verification.js';
import { assertAcceptablePassword } from '../passwords.js';
import { newSession, type SessionService } from '../sessions.js';
import type { ClientService } from './clients.js';
import type { VerificationCodes } from './verification-codes.js';

const SIGN_IN_TTL_MS = 30 * 60 * 1000;

export interface SignInFactors {
  user: User | undefined;
  emailAddress: EmailAddress | undefined;
  /** For an unknown identifier: a stable fake e-mail id, so the answer looks like a real account's. */
  emailAddressId: string;
  safeIdentifier: string;
}

export function maskEmail(address: string): string {
  const [local = '', domain = ''] = address.split('@');
  return `${local.slice(0, 1)}${'*'.repeat(Math.max(1, local.length - 1))}@${domain}`;
}

/**
 * Sign-in attempts (password, e-mail code, password reset by e-mail code). An unknown identifier
 * gets the same answers, codes and timing as a real account, so nobody learns who has an account.
 */
export function createSignInService(deps: {
  store: Store;
  clock: Clock;
  clients: ClientService;
  sessions: SessionService;
  codes: VerificationCodes;
  verifyPassword: PasswordVerifier;
  enumerationKey: () => string;
}) {
  const { store, clock, clients, sessions, codes } = deps;

  async function findUser(identifier: string): Promise<{ user?: User; email?: EmailAddress }> {
    const normalized = identifier.trim().toLowerCase();
    if (normalized.includes('@')) {
      const found = await store.emailAddresses.findWithOwner(normalized);
      if (!found?.email.verified) return {};
      return found;
    }
    const [user] = await store.users.list({ usernames: [normalized], orderBy: 'created_at', direction: 'asc', limit: 1, offset: 0 });
    if (!user) return {};
    const email = user.primaryEmailAddressId ? await store.emailAddresses.findById(user.primaryEmailAddressId) : undefined;
    return { user, email };
  }

  // What `create` just read, so the answer to the same request does not read it again.
  const readByCreate = new WeakMap<SignIn, { user: User | undefined; primaryEmail: EmailAddress | undefined }>();

  async function factors(signIn: SignIn): Promise<SignInFactors> {
    const identifier = signIn.identifier ?? '';
    const known = readByCreate.get(signIn);
    const user = known ? known.user : signIn.userId ? await store.users.findById(signIn.userId) : undefined;
    const emailAddress =
      known?.primaryEmail ?? (user?.primaryEmailAddressId ? await store.emailAddresses.findById(user.primaryEmailAddressId) : undefined);
    const fakeId = `idn_${createHmac('sha256', deps.enumerationKey()).update(identifier).digest('base64url').slice(0, 27)}`;
    const shown = emailAddress?.emailAddress ?? (identifier.includes('@') ? identifier : `${identifier}@…`);
    return { user, emailAddress, emailAddressId: emailAddress?.id ?? fakeId, safeIdentifier: maskEmail(shown) };
  }

  async function load(client: Client, id: string): Promise<SignIn> {
    const row = await store.signIns.findById(id);
    if (!row || row.clientId !== client.id) throw frontendErrors.signInNotFound();
    if (row.expireAt <= clock()) throw frontendErrors.signInExpired();
    return row;
  }

  async function complete(client: Client, signIn: SignIn, user: User, strategy: FirstFactorStrategy): Promise<SignIn> {
    if (user.banned) throw errors.userBanned();
    if (user.locked) throw errors.userLocked();
    const session = await sessions.create(user.id, client.id);
    const changes: Partial<SignIn> = {
      status: 'complete',
      firstFactorStrategy: strategy,
      firstFactorStatus: 'verified',
      createdSessionId: session.id,
      updatedAt: clock(),
    };
    await store.signIns.update(signIn.id, changes);
    await clients.update(client.id, { signInId: null, lastActiveSessionId: session.id });
    return { ...signIn, ...changes };
  }

  /** Writes a sign-in that completed in its first request, its session and the client, in one transaction. */
  async function completeNew(client: Client, signIn: SignIn, user: User, strategy: FirstFactorStrategy): Promise<SignIn> {
    const now = clock();
    const session = newSession(user.id, client.id, now);
    const completed: SignIn = {
      ...signIn,
      status: 'complete',
      firstFactorStrategy: strategy,
      firstFactorStatus: 'verified',
      createdSessionId: session.id,
      updatedAt: now,
    };
    await store.transaction(async (tx) => {
      await tx.signIns.insert(completed);
      await tx.sessions.insert(session);
      await tx.users.update(user.id, { lastSignInAt: now, lastActiveAt: now, updatedAt: now });
      await tx.clients.update(client.id, { signInId: null, lastActiveSessionId: session.id, updatedAt: now });
    });
    return completed;
  }

  async function attemptPassword(client: Client, signIn: SignIn, password: string): Promise<SignIn> {
    const user = signIn.userId ? await store.users.findById(signIn.userId) : undefined;
    if (!(await deps.verifyPassword(user, password)) || !user) throw errors.passwordIncorrect();
    return complete(client, signIn, user, 'password');
  }

  return {
    factors,
    load,

    async create(client: Client, input: { identifier?: string; password?: string; strategy?: string }): Promise<SignIn> {
      const active = await clients.firstActiveSession(client);
      if (active) throw frontendErrors.alreadySignedIn(active.session.id);
      if (!input.identifier) throw errors.paramMissing('identifier');
      const { user, email } = await findUser(input.identifier);
      const remember = (row: SignIn): SignIn => {
        readByCreate.set(row, { user, primaryEmail: email && email.id === user?.primaryEmailAddressId ? email : undefined });
        return row;
      };
      const now = clock();
      const signIn: SignIn = {
        id: newId('sia'),
        clientId: client.id,
        status: 'needs_first_factor',
        identifier: input.identifier.trim().toLowerCase(),
        userId: user?.id ?? null,
        firstFactorStrategy: null,
        firstFactorStatus: null,
        createdSessionId: null,
        expireAt: now + SIGN_IN_TTL_MS,
        createdAt: now,
        updatedAt: now,
      };
      const password = input.strategy === undefined || input.strategy === 'password' ? input.password : undefined;
      // Identifier and password in one request (what clerk-js sends): the check comes first, so a
      // successful sign-in is written in one transaction.
      const passwordOk = password !== undefined && (await deps.verifyPassword(user, password));
      if (passwordOk && user && !user.banned && !user.locked) return remember(await completeNew(client, signIn, user, 'password'));
      await store.signIns.insert(signIn);
      await clients.update(client.id, { signInId: signIn.id });
      if (password === undefined) return remember(signIn);
      if (!passwordOk || !user) throw errors.passwordIncorrect();
      if (user.banned) throw errors.userBanned();
      throw errors.userLocked();
    },

    async prepareFirstFactor(
      client: Client,
      id: string,
      input: { strategy: string; emailAddressId?: string; locale: string },
    ): Promise<SignIn> {
      const signIn = await load(client, id);
      if (input.strategy !== 'email_code' && input.strategy !== 'reset_password_email_code')
        throw frontendErrors.strategyInvalid(input.strategy);
      const found = await factors(signIn);
      if (input.emailAddressId && input.emailAddressId !== found.emailAddressId) {
        throw errors.paramValueInvalid('email_address_id', 'is not an e-mail address of this account');
      }
      const purpose = input.strategy === 'email_code' ? 'sign_in_email_code' : 'reset_password';
      const target = found.emailAddress?.emailAddress ?? signIn.identifier ?? '';
      await codes.send({
        subjectId: signIn.id,
        purpose,
        to: target,
        kind: purpose === 'reset_password' ? 'reset_password_code' : 'sign_in_code',
        locale: input.locale,
        // Unknown accounts get no mail, but the same answer: the code simply never matches.
        mail: Boolean(found.emailAddress),
      });
      const changes: Partial<SignIn> = { firstFactorStrategy: input.strategy, firstFactorStatus: 'unverified', updatedAt: clock() };
      await store.signIns.update(signIn.id, changes);
      return { ...signIn, ...changes };
    },

    async attemptFirstFactor(client: Client, id: string, input: { strategy: string; password?: string; code?: string }): Promise<SignIn> {
      const signIn = await load(client, id);
      if (signIn.status === 'complete') throw frontendErrors.alreadySignedIn(signIn.createdSessionId ?? '');
      if (input.strategy === 'password') {
        if (input.password === undefined) throw errors.paramMissing('password');
        return attemptPassword(client, signIn, input.password);
      }
      if (input.strategy !== 'email_code' && input.strategy !== 'reset_password_email_code')
        throw frontendErrors.strategyInvalid(input.strategy);
      if (!input.code) throw errors.paramMissing('code');
      const purpose = input.strategy === 'email_code' ? 'sign_in_email_code' : 'reset_password';
      await codes.check(signIn.id, purpose, input.code);
      const user = signIn.userId ? await store.users.findById(signIn.userId) : undefined;
      // A code can only match for a real account (unknown ones never got one), but stay defensive.
      if (!user) throw frontendErrors.codeIncorrect();
      if (purpose === 'sign_in_email_code') return complete(client, signIn, user, 'email_code');
      const changes: Partial<SignIn> = {
        status: 'needs_new_password',
        firstFactorStrategy: input.strategy,
        firstFactorStatus: 'verified',
        updatedAt: clock(),
      };
      await store.signIns.update(signIn.id, changes);
      return { ...signIn, ...changes };
    },

    async resetPassword(client: Client, id: string, input: { password: string; signOutOfOtherSessions?: boolean }): Promise<SignIn> {
      const signIn = await load(client, id);
      if (signIn.status !== 'needs_new_password' || !signIn.userId) throw frontendErrors.strategyInvalid('reset_password');
      assertAcceptablePassword(input.password);
      const user = await store.users.findById(signIn.userId);
      if (!user) throw frontendErrors.signInNotFound();
      const now = clock();
      await store.users.update(user.id, {
        passwordDigest: await hashPassword(input.password),
        passwordHasher: 'argon2id',
        passwordLastUpdatedAt: now,
        updatedAt: now,
      });
      if (input.signOutOfOtherSessions !== false) await store.sessions.endAllForUser(user.id, 'revoked', now);
      return complete(client, signIn, user, 'reset_password_email_code');
    },
  };
}

export type SignInService = ReturnType<typeof createSignInService>;
