import { createHmac } from 'node:crypto';
import { hashPassword } from '../../crypto/password-hash.js';
import { errors, frontendErrors } from '../../errors.js';
import { newId } from '../../ids.js';
import type { Store } from '../../store/index.js';
import type { ClientRow, EmailAddressRow, SignInRow, UserRow, VerificationCodeRow } from '../../store/schema.js';
import type { Clock } from '../clock.js';
import type { PasswordVerifier } from '../password-verification.js';
import { assertAcceptablePassword } from '../passwords.js';
import { newSessionRow, type SessionService } from '../sessions.js';
import type { SignInSnapshot } from './client-snapshot.js';
import type { ClientService } from './clients.js';
import {
  currentFirstFactor,
  firstFactorStrategy,
  password as passwordStrategy,
  resetPasswordEmailCode,
  type SignInFactors,
  type StrategyDeps,
} from './strategies/index.js';
import type { VerificationCodes } from './verification-codes.js';

const SIGN_IN_TTL_MS = 30 * 60 * 1000;

export type { SignInFactors } from './strategies/index.js';

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
  const strategyDeps: StrategyDeps = { codes, verifyPassword: deps.verifyPassword, findUser: (id) => store.users.findById(id) };

  async function findUser(identifier: string): Promise<{ user?: UserRow; email?: EmailAddressRow }> {
    const normalized = identifier.trim().toLowerCase();
    if (normalized.includes('@')) {
      const found = await store.emailAddresses.findWithOwner(normalized);
      if (!found?.email.verified) return {};
      return found;
    }
    const [user] = await store.users.list({ usernames: [normalized], orderBy: 'created_at', direction: 'asc', limit: 1, offset: 0 });
    if (!user) return {};
    const email = user.primary_email_address_id ? await store.emailAddresses.findById(user.primary_email_address_id) : undefined;
    return { user, email };
  }

  /**
   * The account behind a sign-in's identifier, as its JSON shows it. `known` is what the caller has
   * just read (the sign-in's creation looks the account up), so it is not read again.
   */
  async function factors(
    signIn: SignInRow,
    known?: { user: UserRow | undefined; email: EmailAddressRow | undefined },
  ): Promise<SignInFactors> {
    const identifier = signIn.identifier ?? '';
    const user = known ? known.user : signIn.user_id ? await store.users.findById(signIn.user_id) : undefined;
    const primary = known?.email && known.email.id === user?.primary_email_address_id ? known.email : undefined;
    const emailAddress =
      primary ?? (user?.primary_email_address_id ? await store.emailAddresses.findById(user.primary_email_address_id) : undefined);
    const fakeId = `idn_${createHmac('sha256', deps.enumerationKey()).update(identifier).digest('base64url').slice(0, 27)}`;
    const shown = emailAddress?.email_address ?? (identifier.includes('@') ? identifier : `${identifier}@…`);
    return { user, emailAddress, emailAddressId: emailAddress?.id ?? fakeId, safeIdentifier: maskEmail(shown) };
  }

  /** A sign-in with its factors and current verification: everything its JSON shows. */
  async function snapshot(
    signIn: SignInRow,
    known?: { user: UserRow | undefined; email: EmailAddressRow | undefined },
  ): Promise<SignInSnapshot> {
    return { signIn, factors: await factors(signIn, known), verification: await verification(signIn) };
  }

  async function load(client: ClientRow, id: string): Promise<SignInRow> {
    const row = await store.signIns.findById(id);
    if (!row || row.client_id !== client.id) throw frontendErrors.signInNotFound();
    if (row.expire_at <= clock()) throw frontendErrors.signInExpired();
    return row;
  }

  async function complete(client: ClientRow, signIn: SignInRow, user: UserRow, strategy: string): Promise<SignInRow> {
    if (user.banned) throw errors.userBanned();
    if (user.locked) throw errors.userLocked();
    const session = await sessions.create(user.id, client.id);
    const changes = {
      status: 'complete',
      first_factor_strategy: strategy,
      first_factor_status: 'verified',
      created_session_id: session.id,
      updated_at: clock(),
    };
    await store.signIns.update(signIn.id, changes);
    await clients.update(client.id, { sign_in_id: null, last_active_session_id: session.id });
    return { ...signIn, ...changes };
  }

  /** Writes a sign-in that completed in its first request, its session and the client, in one transaction. */
  async function completeNew(client: ClientRow, signIn: SignInRow, user: UserRow, strategy: string): Promise<SignInRow> {
    const now = clock();
    const session = newSessionRow(user.id, client.id, now);
    const completed: SignInRow = {
      ...signIn,
      status: 'complete',
      first_factor_strategy: strategy,
      first_factor_status: 'verified',
      created_session_id: session.id,
      updated_at: now,
    };
    await store.transaction(async (tx) => {
      await tx.signIns.insert(completed);
      await tx.sessions.insert(session);
      await tx.users.update(user.id, { last_sign_in_at: now, last_active_at: now, updated_at: now });
      await tx.clients.update(client.id, { sign_in_id: null, last_active_session_id: session.id, updated_at: now });
    });
    return completed;
  }

  /** The code behind the sign-in's current first factor, if that factor uses one. */
  async function verification(signIn: SignInRow): Promise<VerificationCodeRow | undefined> {
    return currentFirstFactor(signIn.first_factor_strategy)?.verification?.(strategyDeps, signIn);
  }

  return {
    snapshot,

    async load(client: ClientRow, id: string): Promise<SignInSnapshot> {
      return snapshot(await load(client, id));
    },

    async create(client: ClientRow, input: { identifier?: string; password?: string; strategy?: string }): Promise<SignInSnapshot> {
      const active = await clients.firstActiveSession(client);
      if (active) throw frontendErrors.alreadySignedIn(active.session.id);
      if (!input.identifier) throw errors.paramMissing('identifier');
      const { user, email } = await findUser(input.identifier);
      const known = { user, email };
      const now = clock();
      const signIn: SignInRow = {
        id: newId('sia'),
        client_id: client.id,
        status: 'needs_first_factor',
        identifier: input.identifier.trim().toLowerCase(),
        user_id: user?.id ?? null,
        first_factor_strategy: null,
        first_factor_status: null,
        created_session_id: null,
        expire_at: now + SIGN_IN_TTL_MS,
        created_at: now,
        updated_at: now,
      };
      const password = input.strategy === undefined || input.strategy === passwordStrategy.name ? input.password : undefined;
      // Identifier and password in one request (what clerk-js sends): the check comes first, so a
      // successful sign-in is written in one transaction.
      const passwordOk = password !== undefined && (await deps.verifyPassword(user, password));
      if (passwordOk && user && !user.banned && !user.locked)
        return snapshot(await completeNew(client, signIn, user, passwordStrategy.name), known);
      await store.signIns.insert(signIn);
      await clients.update(client.id, { sign_in_id: signIn.id });
      if (password === undefined) return snapshot(signIn, known);
      if (!passwordOk || !user) throw errors.passwordIncorrect();
      if (user.banned) throw errors.userBanned();
      throw errors.userLocked();
    },

    async prepareFirstFactor(
      client: ClientRow,
      id: string,
      input: { strategy: string; emailAddressId?: string; locale: string },
    ): Promise<SignInSnapshot> {
      const signIn = await load(client, id);
      const strategy = firstFactorStrategy(input.strategy);
      if (!strategy.prepare) throw frontendErrors.strategyInvalid(input.strategy);
      const found = await factors(signIn);
      if (input.emailAddressId && input.emailAddressId !== found.emailAddressId) {
        throw errors.paramValueInvalid('email_address_id', 'is not an e-mail address of this account');
      }
      await strategy.prepare(strategyDeps, { signIn, factors: found, locale: input.locale });
      const changes = { first_factor_strategy: strategy.name, first_factor_status: 'unverified', updated_at: clock() };
      await store.signIns.update(signIn.id, changes);
      return snapshot({ ...signIn, ...changes }, { user: found.user, email: found.emailAddress });
    },

    async attemptFirstFactor(
      client: ClientRow,
      id: string,
      input: { strategy: string; password?: string; code?: string },
    ): Promise<SignInSnapshot> {
      const signIn = await load(client, id);
      if (signIn.status === 'complete') throw frontendErrors.alreadySignedIn(signIn.created_session_id ?? '');
      const strategy = firstFactorStrategy(input.strategy);
      const { user, next } = await strategy.attempt(strategyDeps, { signIn, password: input.password, code: input.code });
      if (next === 'complete') return snapshot(await complete(client, signIn, user, strategy.name), { user, email: undefined });
      const changes = {
        status: 'needs_new_password',
        first_factor_strategy: strategy.name,
        first_factor_status: 'verified',
        updated_at: clock(),
      };
      await store.signIns.update(signIn.id, changes);
      return snapshot({ ...signIn, ...changes }, { user, email: undefined });
    },

    async resetPassword(
      client: ClientRow,
      id: string,
      input: { password: string; signOutOfOtherSessions?: boolean },
    ): Promise<SignInSnapshot> {
      const signIn = await load(client, id);
      if (signIn.status !== 'needs_new_password' || !signIn.user_id) throw frontendErrors.strategyInvalid('reset_password');
      assertAcceptablePassword(input.password);
      const user = await store.users.findById(signIn.user_id);
      if (!user) throw frontendErrors.signInNotFound();
      const now = clock();
      await store.users.update(user.id, {
        password_digest: await hashPassword(input.password),
        password_hasher: 'argon2id',
        password_last_updated_at: now,
        updated_at: now,
      });
      if (input.signOutOfOtherSessions !== false) await store.sessions.endAllForUser(user.id, 'revoked', now);
      return snapshot(await complete(client, signIn, user, resetPasswordEmailCode.name), { user, email: undefined });
    },
  };
}

export type SignInService = ReturnType<typeof createSignInService>;
