import { hashPassword } from '../../crypto/password-hash.js';
import { errors, frontendErrors, GatehouseError } from '../../errors.js';
import { keyedId, newId } from '../../ids.js';
import type {
  Client,
  EmailAddress,
  ExternalAccount,
  FirstFactorStrategy,
  OAuthFlow,
  SecondFactorStrategy,
  Session,
  SessionTaskKey,
  SignIn,
  User,
  VerificationCode,
} from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { Caller } from '../caller.js';
import type { Clock } from '../clock.js';
import type { FactorSettings } from '../factor-settings.js';
import type { ProviderResult, SocialService } from '../oauth/social.js';
import type { OrganizationSettings } from '../organization-settings.js';
import type { PasswordVerifier } from '../password-verification.js';
import type { PasswordlessSettings } from '../passwordless-settings.js';
import { assertAcceptablePassword } from '../passwords.js';
import { looksLikePhone, normalizePhone, type PhoneNumberService } from '../phone-numbers.js';
import { newSession, type SessionService } from '../sessions.js';
import { raiseUserUpdated } from '../users.js';
import type { EventService } from '../webhooks/events.js';
import { type AttackProtection, isFailedProof } from './attack-protection.js';
import type { SignInSnapshot } from './client-snapshot.js';
import type { ClientService } from './clients.js';
import type { PasskeyCeremonies, RelyingParty } from './passkeys.js';
import type { SecondFactorService } from './second-factors.js';
import { newSessionTasks } from './session-tasks.js';
import {
  currentFirstFactor,
  currentSecondFactor,
  firstFactorStrategy,
  maskPhone,
  passkey as passkeyStrategy,
  type SignInFactors,
  type StrategyDeps,
  secondFactorStrategy,
  type TicketRedeemer,
  userSecondFactors,
} from './strategies/index.js';
import type { VerificationCodes } from './verification-codes.js';

const SIGN_IN_TTL_MS = 30 * 60 * 1000;

export type { SignInFactors } from './strategies/index.js';

export function maskEmail(address: string): string {
  const [local = '', domain = ''] = address.split('@');
  return `${local.slice(0, 1)}${'*'.repeat(Math.max(1, local.length - 1))}@${domain}`;
}

/** `+1******0100`: a phone number as a sign-in shows it before a factor is verified. */

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
  protection: AttackProtection;
  events: EventService;
  tickets: TicketRedeemer;
  /** Impersonation tickets (`act_…`, from an actor token): spent by the actor-token service, which makes the session with `act`. */
  actorTickets: { accept(ticket: string, caller: Caller, clientId?: string): Promise<Session> };
  social: SocialService;
  secondFactors: SecondFactorService;
  factorSettings: () => Promise<FactorSettings>;
  organizationSettings: () => Promise<OrganizationSettings>;
  phones: PhoneNumberService;
  passkeys: PasskeyCeremonies;
  verifyUrl: (token: string) => string;
  passwordless: () => Promise<PasswordlessSettings>;
}) {
  const { store, clock, clients, sessions, codes, protection, events, social } = deps;
  const strategyDeps: StrategyDeps = {
    codes,
    secondFactors: deps.secondFactors,
    verifyPassword: deps.verifyPassword,
    findUser: (id) => store.users.findById(id),
    phoneNumbersOf: (userId) => deps.phones.listByUsers([userId]),
    passkeys: deps.passkeys,
    verifyUrl: deps.verifyUrl,
    settings: deps.passwordless,
  };

  /** Checks a password against a resolved user's lockout: refused while locked, a failure counted. */
  async function passwordMatches(user: User | undefined, password: string, caller: Caller): Promise<boolean> {
    if (user) protection.assertNotLocked(user);
    const ok = await deps.verifyPassword(user, password);
    if (user && !ok) await protection.recordFailure(user, caller);
    return ok;
  }

  async function findUser(identifier: string): Promise<{ user?: User; email?: EmailAddress }> {
    const normalized = identifier.trim().toLowerCase();
    if (!normalized.includes('@') && looksLikePhone(normalized) && (await deps.passwordless()).phoneNumber !== 'off') {
      const phone = await deps.phones.findVerified(normalizePhone(normalized, 'identifier'));
      const user = phone ? await store.users.findById(phone.userId) : undefined;
      if (!user) return {};
      const email = user.primaryEmailAddressId ? await store.emailAddresses.findById(user.primaryEmailAddressId) : undefined;
      return { user, email };
    }
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

  /**
   * The account behind a sign-in's identifier, as its JSON shows it. `known` is what the caller has
   * just read (the sign-in's creation looks the account up), so it is not read again.
   */
  async function factors(signIn: SignIn, known?: { user: User | undefined; email: EmailAddress | undefined }): Promise<SignInFactors> {
    const identifier = signIn.identifier ?? '';
    const user = known ? known.user : signIn.userId ? await store.users.findById(signIn.userId) : undefined;
    const primary = known?.email && known.email.id === user?.primaryEmailAddressId ? known.email : undefined;
    const emailAddress =
      primary ?? (user?.primaryEmailAddressId ? await store.emailAddresses.findById(user.primaryEmailAddressId) : undefined);
    // Known and unknown identifiers must answer alike: a fake address id of the real ids' shape, and
    // a safe identifier made from what the caller typed only (a username never shows the account's
    // real address, not even its domain).
    const fakeId = keyedId('idn', deps.enumerationKey(), identifier);
    // Second factors are listed only once the first factor is verified (they would tell who has 2FA).
    const secondFactors =
      signIn.status === 'needs_second_factor' && user
        ? (await userSecondFactors(strategyDeps, user, await deps.factorSettings())).factors
        : [];
    const settings = await deps.passwordless();
    const phoneIdentifier = !identifier.includes('@') && looksLikePhone(identifier) && settings.phoneNumber !== 'off';
    const safeIdentifier = identifier.includes('@') ? maskEmail(identifier) : phoneIdentifier ? maskPhone(identifier) : identifier;
    const userPhones = user ? (await deps.phones.listByUsers([user.id])).filter((p) => p.verified) : [];
    const phoneNumber = userPhones.find((p) => p.primary) ?? userPhones[0];
    const passkeys = user && settings.passkeys ? (await store.passkeys.listByUsers([user.id])).filter((p) => p.verified).length : 0;
    return {
      user,
      emailAddress,
      emailAddressId: emailAddress?.id ?? fakeId,
      safeIdentifier,
      phoneNumber,
      // An unknown phone identifier gets a look-alike factor, as an unknown address does.
      phoneNumberId: phoneNumber?.id ?? (phoneIdentifier ? keyedId('idn', deps.enumerationKey(), `phone:${identifier}`) : undefined),
      safePhone: phoneNumber ? maskPhone(phoneNumber.phoneNumber) : phoneIdentifier ? safeIdentifier : undefined,
      passkeys,
      settings,
      secondFactors,
    };
  }

  const factorsOf = (signIn: SignIn) => factors(signIn, { user: undefined, email: undefined });

  /** A sign-in with its factors and current verification: everything its JSON shows. */
  async function snapshot(signIn: SignIn, known?: { user: User | undefined; email: EmailAddress | undefined }): Promise<SignInSnapshot> {
    const oauth = signIn.firstFactorStrategy?.startsWith('oauth_') ? await social.verification(signIn.id) : undefined;
    const second = currentSecondFactor(signIn.secondFactorStrategy)?.verification?.(strategyDeps, signIn);
    return {
      signIn,
      factors: await factors(signIn, known),
      verification: await verification(signIn),
      secondFactorVerification: await second,
      settings: await deps.factorSettings(),
      ...(oauth ? { oauth } : {}),
    };
  }

  async function load(client: Client, id: string): Promise<SignIn> {
    const row = await store.signIns.findById(id);
    if (!row || row.clientId !== client.id) throw frontendErrors.signInNotFound();
    if (row.expireAt <= clock()) throw frontendErrors.signInExpired();
    return row;
  }

  async function complete(
    client: Client,
    signIn: SignIn,
    user: User,
    strategy: FirstFactorStrategy,
    caller: Caller,
    second?: SecondFactorStrategy,
  ): Promise<SignIn> {
    if (user.banned) throw errors.userBanned();
    protection.assertNotLocked(user);
    await protection.recordSuccess(user);
    const session = await sessions.create(user.id, caller, client.id, undefined, await sessionTasksFor(user));
    const changes: Partial<SignIn> = {
      status: 'complete',
      // A sign-in without an identifier (a passkey) learns its account from the proof.
      userId: user.id,
      firstFactorStrategy: strategy,
      firstFactorStatus: 'verified',
      ...(second ? { secondFactorStrategy: second, secondFactorStatus: 'verified' as const } : {}),
      createdSessionId: session.id,
      updatedAt: clock(),
    };
    await store.signIns.update(signIn.id, changes);
    await clients.update(client.id, { signInId: null, lastActiveSessionId: session.id });
    return { ...signIn, ...changes };
  }

  /** Writes a sign-in that completed in its first request, its session and the client, in one transaction. */
  async function completeNew(client: Client, signIn: SignIn, user: User, strategy: FirstFactorStrategy, caller: Caller): Promise<SignIn> {
    const tasks = await sessionTasksFor(user);
    const now = clock();
    const session = newSession(user.id, client.id, now, null, undefined, tasks);
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
      await events.raise(tx, 'session.created', session, caller);
    });
    return completed;
  }

  /** Whether `user` must pass a second factor before the sign-in completes. */
  async function needsSecondFactor(user: User): Promise<boolean> {
    return (await userSecondFactors(strategyDeps, user, await deps.factorSettings())).required;
  }

  /**
   * The tasks `user`'s new session starts with (see session-tasks.ts): `setup-mfa` when the instance
   * requires MFA and the user has no second factor yet, `choose-organization` when it requires an
   * organization. None: the session starts `active`.
   */
  async function sessionTasksFor(user: User): Promise<SessionTaskKey[]> {
    const settings = {
      factors: await deps.factorSettings(),
      passwordless: await deps.passwordless(),
      organizations: await deps.organizationSettings(),
    };
    return newSessionTasks(settings, () => needsSecondFactor(user));
  }

  /**
   * A verified first factor of an account with a second factor: the sign-in waits for it. The
   * lockout count is not cleared here: only a completed sign-in clears it, so a stolen password
   * buys no fresh guesses at the second factor (lockout across factors).
   */
  async function awaitSecondFactor(signIn: SignIn, strategy: FirstFactorStrategy, isNew: boolean): Promise<SignIn> {
    const changes = {
      status: 'needs_second_factor' as const,
      firstFactorStrategy: strategy,
      firstFactorStatus: 'verified' as const,
      updatedAt: clock(),
    };
    if (isNew) await store.signIns.insert({ ...signIn, ...changes });
    else await store.signIns.update(signIn.id, changes);
    return { ...signIn, ...changes };
  }

  /** The code behind the sign-in's current first factor, if that factor uses one. */
  async function verification(signIn: SignIn): Promise<VerificationCode | undefined> {
    return currentFirstFactor(signIn.firstFactorStrategy)?.verification?.(strategyDeps, signIn);
  }

  /**
   * The `ticket` strategy: a sign-in token, or an invitation whose address has an account, signs in
   * at once. The ticket is spent first (atomically), so a ticket used twice at once signs in once.
   */
  async function createWithTicket(client: Client, ticket: string | undefined, caller: Caller): Promise<SignInSnapshot> {
    if (!ticket) throw errors.paramMissing('ticket');
    if (ticket.startsWith('act_')) return createWithActorTicket(client, ticket, caller);
    const invitation = await deps.tickets.redeem(ticket);
    const found =
      invitation.kind === 'sign_in_token'
        ? { user: invitation.userId ? await store.users.findById(invitation.userId) : undefined, email: undefined }
        : invitation.emailAddress
          ? await findUser(invitation.emailAddress)
          : {};
    const user = found.user;
    if (!user) throw frontendErrors.ticketInvalid();
    if (user.banned) throw errors.userBanned();
    protection.assertNotLocked(user);
    await deps.tickets.consume(invitation, user.id, caller);
    const primary = user.primaryEmailAddressId ? await store.emailAddresses.findById(user.primaryEmailAddressId) : undefined;
    const now = clock();
    const signIn: SignIn = {
      id: newId('sia'),
      clientId: client.id,
      status: 'needs_first_factor',
      identifier: primary?.emailAddress ?? invitation.emailAddress ?? user.username ?? user.id,
      userId: user.id,
      firstFactorStrategy: null,
      firstFactorStatus: null,
      createdSessionId: null,
      secondFactorStrategy: null,
      secondFactorStatus: null,
      expireAt: now + SIGN_IN_TTL_MS,
      createdAt: now,
      updatedAt: now,
    };
    return snapshot(await completeNew(client, signIn, user, 'ticket', caller), { user, email: primary });
  }

  /**
   * An actor token's ticket (impersonation): the actor-token service spends it and makes the session
   * (its tokens carry `act`) on this client; the sign-in is recorded complete with that session.
   */
  async function createWithActorTicket(client: Client, ticket: string, caller: Caller): Promise<SignInSnapshot> {
    let session: Session;
    try {
      session = await deps.actorTickets.accept(ticket, caller, client.id);
    } catch (error) {
      if (error instanceof GatehouseError && error.status === 422) throw frontendErrors.ticketInvalid();
      throw error;
    }
    const user = await store.users.findById(session.userId);
    if (!user) throw frontendErrors.ticketInvalid();
    const primary = user.primaryEmailAddressId ? await store.emailAddresses.findById(user.primaryEmailAddressId) : undefined;
    const now = clock();
    const signIn: SignIn = {
      id: newId('sia'),
      clientId: client.id,
      status: 'complete',
      identifier: primary?.emailAddress ?? user.username ?? user.id,
      userId: user.id,
      firstFactorStrategy: 'ticket',
      firstFactorStatus: 'verified',
      createdSessionId: session.id,
      secondFactorStrategy: null,
      secondFactorStatus: null,
      expireAt: now + SIGN_IN_TTL_MS,
      createdAt: now,
      updatedAt: now,
    };
    await store.signIns.insert(signIn);
    await store.clients.update(client.id, { signInId: null, updatedAt: now });
    return snapshot(signIn, { user, email: primary });
  }

  /**
   * Signs `user` in with a provider's answer: the external account linked (or its tokens renewed),
   * the session, the sign-in and the client in one transaction. The client keeps the sign-in, so the
   * app's `handleRedirectCallback` finds it complete. An account with a second factor is not signed
   * in yet: the provider stands for the first factor only, and the sign-in waits in
   * `needs_second_factor` (clerk-js's callback then shows the second-factor page). Returns whether a
   * session was created.
   */
  async function completeWithProvider(
    clientId: string,
    signIn: SignIn,
    user: User,
    result: ProviderResult,
    account: ExternalAccount | undefined,
    insert: boolean,
    caller: Caller,
  ): Promise<{ signIn: SignIn; sessionCreated: boolean }> {
    const tasks = (await needsSecondFactor(user)) ? undefined : await sessionTasksFor(user);
    const now = clock();
    const session = tasks ? newSession(user.id, clientId, now, null, undefined, tasks) : undefined;
    const completed: SignIn = {
      ...signIn,
      status: session ? 'complete' : 'needs_second_factor',
      userId: user.id,
      firstFactorStrategy: `oauth_${result.provider}`,
      firstFactorStatus: 'verified',
      createdSessionId: session?.id ?? null,
      updatedAt: now,
    };
    await store.transaction(async (tx) => {
      if (account) await social.refreshAccount(tx, account, result);
      else await social.link(tx, user.id, result);
      if (insert) await tx.signIns.insert(completed);
      else await tx.signIns.update(signIn.id, completed);
      if (session) {
        await tx.sessions.insert(session);
        await tx.users.update(user.id, { lastSignInAt: now, lastActiveAt: now, updatedAt: now });
        await tx.clients.update(clientId, { signInId: completed.id, lastActiveSessionId: session.id, updatedAt: now });
        await events.raise(tx, 'session.created', session, caller);
      } else {
        await tx.clients.update(clientId, { signInId: completed.id, updatedAt: now });
      }
      if (!account) await raiseUserUpdated(events, tx, user.id, caller);
    });
    return { signIn: completed, sessionCreated: Boolean(session) };
  }

  /** Why `user` may not sign in now, as a verification error code; undefined when they may. */
  function refusal(user: User): string | undefined {
    if (user.banned) return 'user_banned';
    if (protection.state(user).locked) return 'user_locked';
    return undefined;
  }

  /** A sign-in that starts with a passkey (autofill, discoverable): no identifier, the assertion's options prepared. */
  async function createForPasskey(client: Client, rp: RelyingParty | undefined, caller: Caller): Promise<SignInSnapshot> {
    const now = clock();
    const signIn: SignIn = {
      id: newId('sia'),
      clientId: client.id,
      status: 'needs_first_factor',
      identifier: null,
      userId: null,
      firstFactorStrategy: 'passkey',
      firstFactorStatus: 'unverified',
      createdSessionId: null,
      secondFactorStrategy: null,
      secondFactorStatus: null,
      expireAt: now + SIGN_IN_TTL_MS,
      createdAt: now,
      updatedAt: now,
    };
    const strategy = firstFactorStrategy('passkey', await deps.factorSettings());
    const factors = await factorsOf(signIn);
    await strategy.prepare?.(strategyDeps, { signIn, factors, locale: 'en', rp, caller });
    await store.signIns.insert(signIn);
    await clients.update(client.id, { signInId: signIn.id });
    return snapshot(signIn, { user: undefined, email: undefined });
  }

  return {
    snapshot,

    /**
     * Completes the sign-in an e-mail link was sent for, on the client that started it (the link may
     * be opened in another tab or on another device). Returns the session it created.
     */
    async completeFromLink(signInId: string, caller: Caller): Promise<{ signIn: SignIn; clientId: string } | undefined> {
      const signIn = await store.signIns.findById(signInId);
      if (!signIn || signIn.status === 'complete' || signIn.expireAt <= clock() || !signIn.userId) return undefined;
      const client = await store.clients.findById(signIn.clientId);
      const user = await store.users.findById(signIn.userId);
      if (!client || !user) return undefined;
      protection.assertNotLocked(user);
      return { signIn: await complete(client, signIn, user, 'email_link', caller), clientId: client.id };
    },

    /**
     * The provider's answer for a sign-in: signs in the account's owner, or marks the flow
     * `transferable` (no account: clerk-js turns it into a sign-up) or failed.
     */
    async completeFromProvider(flow: OAuthFlow, result: ProviderResult, caller: Caller): Promise<{ sessionCreated: boolean }> {
      const signIn = await store.signIns.findById(flow.attemptId);
      if (!signIn || signIn.status === 'complete') {
        await social.markFlow(flow, { status: 'failed', errorCode: 'oauth_callback_invalid' });
        return { sessionCreated: false };
      }
      const owner = await social.resolveOwner(result);
      if (owner.errorCode) {
        await social.markFlow(flow, { status: 'failed', errorCode: owner.errorCode });
        return { sessionCreated: false };
      }
      if (!owner.user) {
        await social.markFlow(flow, { status: 'transferable', errorCode: 'external_account_not_found', result });
        return { sessionCreated: false };
      }
      const refused = refusal(owner.user);
      if (refused) {
        await social.markFlow(flow, { status: 'failed', errorCode: refused });
        return { sessionCreated: false };
      }
      await social.markFlow(flow, { status: 'verified' });
      const { sessionCreated } = await completeWithProvider(flow.clientId, signIn, owner.user, result, owner.account, false, caller);
      return { sessionCreated };
    },

    async load(client: Client, id: string): Promise<SignInSnapshot> {
      return snapshot(await load(client, id));
    },

    async create(
      client: Client,
      input: {
        identifier?: string;
        password?: string;
        strategy?: string;
        redirectUrl?: string;
        actionCompleteRedirectUrl?: string;
        transfer?: boolean;
        ticket?: string;
        rp?: RelyingParty;
      },
      caller: Caller,
    ): Promise<SignInSnapshot> {
      const active = await clients.firstActiveSession(client);
      if (active) throw frontendErrors.alreadySignedIn(active.session.id);
      if (input.strategy === 'ticket') return createWithTicket(client, input.ticket, caller);
      if (input.strategy === passkeyStrategy.name && !input.identifier) return createForPasskey(client, input.rp, caller);
      const now = clock();
      const blank = (): SignIn => ({
        id: newId('sia'),
        clientId: client.id,
        status: 'needs_first_factor',
        identifier: null,
        userId: null,
        firstFactorStrategy: null,
        firstFactorStatus: null,
        createdSessionId: null,
        secondFactorStrategy: null,
        secondFactorStatus: null,
        expireAt: now + SIGN_IN_TTL_MS,
        createdAt: now,
        updatedAt: now,
      });
      if (input.transfer) {
        // A sign-up through a provider found an existing account: sign that account in.
        const signUp = client.signUpId ? await store.signUps.findById(client.signUpId) : undefined;
        const flow = signUp?.externalFlowId ? await social.findFlow(signUp.externalFlowId) : undefined;
        const result = flow?.status === 'transferable' && flow.clientId === client.id ? social.flowResult(flow) : undefined;
        if (!flow || !result) throw frontendErrors.strategyInvalid('transfer');
        const owner = await social.resolveOwner(result);
        if (!owner.user) throw frontendErrors.strategyInvalid('transfer');
        if (owner.user.banned) throw errors.userBanned();
        protection.assertNotLocked(owner.user);
        await store.oauthFlows.update(flow.id, { status: 'verified', updatedAt: now });
        const { signIn: completed } = await completeWithProvider(client.id, blank(), owner.user, result, owner.account, true, caller);
        return snapshot(completed);
      }
      if (input.strategy?.startsWith('oauth_')) {
        if (!social.provider(input.strategy)) throw frontendErrors.strategyInvalid(input.strategy);
        if (!input.redirectUrl) throw errors.paramMissing('redirect_url');
        // `needs_identifier` until the provider answers, as Clerk's: clerk-js's handleRedirectCallback
        // sends a `needs_first_factor` sign-in to the factor-one page before it looks for a transfer.
        const signIn: SignIn = {
          ...blank(),
          status: 'needs_identifier',
          firstFactorStrategy: input.strategy as FirstFactorStrategy,
          firstFactorStatus: 'unverified',
        };
        await social.start({
          clientId: client.id,
          purpose: 'sign_in',
          attemptId: signIn.id,
          strategy: input.strategy,
          redirectUrl: input.redirectUrl,
          actionCompleteRedirectUrl: input.actionCompleteRedirectUrl,
        });
        await store.signIns.insert(signIn);
        await clients.update(client.id, { signInId: signIn.id });
        return snapshot(signIn);
      }
      if (!input.identifier) throw errors.paramMissing('identifier');
      const { user, email } = await findUser(input.identifier);
      const known = { user, email };
      const signIn: SignIn = {
        id: newId('sia'),
        clientId: client.id,
        status: 'needs_first_factor',
        identifier: input.identifier.trim().toLowerCase(),
        userId: user?.id ?? null,
        firstFactorStrategy: null,
        firstFactorStatus: null,
        secondFactorStrategy: null,
        secondFactorStatus: null,
        createdSessionId: null,
        expireAt: now + SIGN_IN_TTL_MS,
        createdAt: now,
        updatedAt: now,
      };
      const password = input.strategy === undefined || input.strategy === 'password' ? input.password : undefined;
      // Identifier and password in one request (what clerk-js sends): the check comes first, so a
      // successful sign-in is written in one transaction.
      const passwordOk = password !== undefined && (await passwordMatches(user, password, caller));
      if (passwordOk && user && !user.banned && !protection.state(user).locked) {
        if (await needsSecondFactor(user)) {
          const waiting = await awaitSecondFactor(signIn, 'password', true);
          await clients.update(client.id, { signInId: signIn.id });
          return snapshot(waiting, known);
        }
        await protection.recordSuccess(user);
        return snapshot(await completeNew(client, signIn, user, 'password', caller), known);
      }
      await store.signIns.insert(signIn);
      await clients.update(client.id, { signInId: signIn.id });
      if (password === undefined) return snapshot(signIn, known);
      if (!passwordOk || !user) throw errors.passwordIncorrect();
      if (user.banned) throw errors.userBanned();
      throw errors.userLocked(protection.state(user).lockoutExpiresInSeconds);
    },

    async prepareFirstFactor(
      client: Client,
      id: string,
      input: { strategy: string; emailAddressId?: string; phoneNumberId?: string; locale: string; redirectUrl?: string; rp?: RelyingParty },
      caller: Caller,
    ): Promise<SignInSnapshot> {
      const signIn = await load(client, id);
      const strategy = firstFactorStrategy(input.strategy, await deps.factorSettings());
      if (!strategy.prepare) throw frontendErrors.strategyInvalid(input.strategy);
      const found = await factors(signIn);
      if (input.emailAddressId && input.emailAddressId !== found.emailAddressId) {
        throw errors.paramValueInvalid('email_address_id', 'is not an e-mail address of this account');
      }
      if (input.phoneNumberId && input.phoneNumberId !== found.phoneNumberId) {
        throw errors.paramValueInvalid('phone_number_id', 'is not a phone number of this account');
      }
      await strategy.prepare(strategyDeps, {
        signIn,
        factors: found,
        locale: input.locale,
        redirectUrl: input.redirectUrl,
        rp: input.rp,
        caller,
      });
      const changes = { firstFactorStrategy: strategy.name, firstFactorStatus: 'unverified' as const, updatedAt: clock() };
      await store.signIns.update(signIn.id, changes);
      return snapshot({ ...signIn, ...changes }, { user: found.user, email: found.emailAddress });
    },

    async attemptFirstFactor(
      client: Client,
      id: string,
      input: { strategy: string; password?: string; code?: string; publicKeyCredential?: string },
      caller: Caller,
    ): Promise<SignInSnapshot> {
      const signIn = await load(client, id);
      if (signIn.status === 'complete') throw frontendErrors.alreadySignedIn(signIn.createdSessionId ?? '');
      if (signIn.status === 'needs_second_factor') throw frontendErrors.strategyInvalid(input.strategy);
      const strategy = firstFactorStrategy(input.strategy, await deps.factorSettings());
      // Whatever the strategy, a failed proof counts against the account it would sign in to, and a
      // locked account is refused before any proof is checked.
      const account = signIn.userId ? await store.users.findById(signIn.userId) : undefined;
      if (account) protection.assertNotLocked(account);
      let outcome: Awaited<ReturnType<typeof strategy.attempt>>;
      try {
        outcome = await strategy.attempt(strategyDeps, {
          signIn,
          password: input.password,
          code: input.code,
          publicKeyCredential: input.publicKeyCredential,
        });
      } catch (error) {
        if (account && isFailedProof(error)) await protection.recordFailure(account, caller);
        throw error;
      }
      const { user } = outcome;
      // A compromised password must be replaced before any other factor completes the sign-in.
      const next = outcome.next === 'complete' && user.passwordCompromised && user.passwordDigest ? 'needs_new_password' : outcome.next;
      if (next === 'complete') {
        if (await needsSecondFactor(user))
          return snapshot(await awaitSecondFactor(signIn, strategy.name, false), { user, email: undefined });
        return snapshot(await complete(client, signIn, user, strategy.name, caller), { user, email: undefined });
      }
      const changes = {
        status: 'needs_new_password' as const,
        firstFactorStrategy: strategy.name,
        firstFactorStatus: 'verified' as const,
        updatedAt: clock(),
      };
      await store.signIns.update(signIn.id, changes);
      return snapshot({ ...signIn, ...changes }, { user, email: undefined });
    },

    async resetPassword(
      client: Client,
      id: string,
      input: { password: string; signOutOfOtherSessions?: boolean },
      caller: Caller,
    ): Promise<SignInSnapshot> {
      const signIn = await load(client, id);
      if (signIn.status !== 'needs_new_password' || !signIn.userId) throw frontendErrors.strategyInvalid('reset_password');
      assertAcceptablePassword(input.password);
      const user = await store.users.findById(signIn.userId);
      if (!user) throw frontendErrors.signInNotFound();
      const now = clock();
      const passwordDigest = await hashPassword(input.password);
      await store.transaction(async (tx) => {
        await tx.users.update(user.id, {
          passwordDigest,
          passwordHasher: 'argon2id',
          passwordLastUpdatedAt: now,
          passwordCompromised: false,
          updatedAt: now,
        });
        if (input.signOutOfOtherSessions !== false) {
          await events.raiseEach(tx, 'session.revoked', await tx.sessions.endActive({ userId: user.id }, 'revoked', now), caller);
        }
        await raiseUserUpdated(events, tx, user.id, caller);
      });
      if (await needsSecondFactor(user)) {
        return snapshot(await awaitSecondFactor(signIn, 'reset_password_email_code', false), { user, email: undefined });
      }
      return snapshot(await complete(client, signIn, user, 'reset_password_email_code', caller), { user, email: undefined });
    },

    /** Sends what a second factor's attempt needs (an SMS code); TOTP and backup codes need nothing. */
    async prepareSecondFactor(
      client: Client,
      id: string,
      input: { strategy: string; locale: string; params: Record<string, string | undefined> },
      caller: Caller,
    ): Promise<SignInSnapshot> {
      const signIn = await load(client, id);
      if (signIn.status !== 'needs_second_factor' || !signIn.userId) throw frontendErrors.strategyInvalid(input.strategy);
      const strategy = secondFactorStrategy(input.strategy, await deps.factorSettings());
      const user = await store.users.findById(signIn.userId);
      if (!user) throw frontendErrors.signInNotFound();
      if (strategy.prepare) await strategy.prepare(strategyDeps, { signIn, user, locale: input.locale, params: input.params, caller });
      const changes = { secondFactorStrategy: strategy.name, secondFactorStatus: 'unverified' as const, updatedAt: clock() };
      await store.signIns.update(signIn.id, changes);
      return snapshot({ ...signIn, ...changes }, { user, email: undefined });
    },

    /**
     * Checks the second factor. A locked account is refused before the code is compared, and a wrong
     * code counts against the same lockout as wrong passwords and e-mail codes.
     */
    async attemptSecondFactor(
      client: Client,
      id: string,
      input: { strategy: string; code?: string },
      caller: Caller,
    ): Promise<SignInSnapshot> {
      const signIn = await load(client, id);
      if (signIn.status === 'complete') throw frontendErrors.alreadySignedIn(signIn.createdSessionId ?? '');
      if (signIn.status !== 'needs_second_factor' || !signIn.userId || !signIn.firstFactorStrategy) {
        throw frontendErrors.strategyInvalid(input.strategy);
      }
      const strategy = secondFactorStrategy(input.strategy, await deps.factorSettings());
      const user = await store.users.findById(signIn.userId);
      if (!user) throw frontendErrors.signInNotFound();
      protection.assertNotLocked(user);
      const offered = (await userSecondFactors(strategyDeps, user, await deps.factorSettings())).factors;
      if (!offered.some((f) => f.strategy === strategy.name)) throw frontendErrors.strategyInvalid(input.strategy);
      try {
        await strategy.attempt(strategyDeps, { signIn, user, code: input.code });
      } catch (error) {
        if (isFailedProof(error)) {
          await store.signIns.update(signIn.id, { secondFactorStrategy: strategy.name, secondFactorStatus: 'failed', updatedAt: clock() });
          await protection.recordFailure(user, caller);
        }
        throw error;
      }
      return snapshot(await complete(client, signIn, user, signIn.firstFactorStrategy, caller, strategy.name), { user, email: undefined });
    },
  };
}

export type SignInService = ReturnType<typeof createSignInService>;
