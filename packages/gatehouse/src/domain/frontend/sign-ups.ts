import { hashPassword } from '../../crypto/password-hash.js';
import { errors, frontendErrors } from '../../errors.js';
import { newId } from '../../ids.js';
import type { Client, OAuthFlow, SignUp, VerificationCode } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { Caller } from '../caller.js';
import type { Clock } from '../clock.js';
import type { EmailAddressService } from '../email-addresses.js';
import type { FactorSettings } from '../factor-settings.js';
import type { FrontendSettings } from '../frontend-settings.js';
import { type Metadata, sizedMetadata } from '../metadata.js';
import type { ProviderResult, SocialService } from '../oauth/social.js';
import { identifierMatches, type OrganizationSettings, type RestrictionSettings } from '../organization-settings.js';
import type { PasswordVerifier } from '../password-verification.js';
import type { PasswordlessSettings } from '../passwordless-settings.js';
import { assertAcceptablePassword } from '../passwords.js';
import { normalizePhone } from '../phone-numbers.js';
import { newSession, type SessionService } from '../sessions.js';
import { normalizeEmail, type UserService } from '../users.js';
import type { EventService } from '../webhooks/events.js';
import type { SignUpSnapshot } from './client-snapshot.js';
import type { ClientService } from './clients.js';
import type { PasskeyCeremonies } from './passkeys.js';
import type { SecondFactorService } from './second-factors.js';
import { newSessionTasks } from './session-tasks.js';
import { emailCode, emailLink, phoneCode, type StrategyDeps, signUpVerificationStrategy, type TicketRedeemer } from './strategies/index.js';
import type { VerificationCodes } from './verification-codes.js';

const SIGN_UP_TTL_MS = 24 * 3600 * 1000;

export interface SignUpFields {
  /** `ticket` with `ticket`: an invitation's `__clerk_ticket` (the address comes from it, verified). */
  strategy?: string;
  ticket?: string;
  emailAddress?: string;
  password?: string;
  firstName?: string;
  lastName?: string;
  username?: string;
  phoneNumber?: string;
  unsafeMetadata?: Metadata;
}

/** A sign-up through a provider (`strategy=oauth_<provider>`), or one taking over a sign-in's (`transfer`). */
export interface SignUpExternal {
  strategy?: string;
  redirectUrl?: string;
  actionCompleteRedirectUrl?: string;
  transfer?: boolean;
}

/** A field a sign-up asks for (Clerk's names). */
export type SignUpField = 'email_address' | 'password' | 'first_name' | 'last_name' | 'username' | 'phone_number';
/** A field a sign-up verifies with a code or link. */
export type SignUpVerifiedField = 'email_address' | 'phone_number';

export interface SignUpRequirements {
  required: SignUpField[];
  optional: SignUpField[];
  missing: SignUpField[];
  unverified: SignUpVerifiedField[];
}

/** Which fields this instance asks for, and which of them the attempt still lacks. */
export function signUpRequirements(signUp: SignUp, settings: FrontendSettings, passwordless?: PasswordlessSettings): SignUpRequirements {
  // A sign-up through a provider needs no password: the provider is how the user signs in.
  const required: SignUpField[] = signUp.externalFlowId ? ['email_address'] : ['email_address', 'password'];
  const optional: SignUpField[] = passwordless?.phoneNumber === 'optional' ? ['phone_number'] : [];
  for (const [field, mode] of [
    ['first_name', settings.firstName],
    ['last_name', settings.lastName],
    ['username', settings.username],
  ] as const) {
    if (mode === 'required') required.push(field);
    if (mode === 'optional') optional.push(field);
  }
  const present: Record<SignUpField, boolean> = {
    email_address: Boolean(signUp.emailAddress),
    password: Boolean(signUp.passwordDigest),
    first_name: Boolean(signUp.firstName),
    last_name: Boolean(signUp.lastName),
    username: Boolean(signUp.username),
    // An optional number is never missing; a required one is not offered.
    phone_number: Boolean(signUp.phoneNumber),
  };
  return {
    required,
    optional,
    missing: required.filter((field) => !present[field]),
    unverified: [
      ...(signUp.emailAddress && !signUp.emailVerified ? (['email_address'] as const) : []),
      ...(signUp.phoneNumber && !signUp.phoneVerified ? (['phone_number'] as const) : []),
    ],
  };
}

function blankSignUp(client: Client, now: number): SignUp {
  return {
    id: newId('sua'),
    clientId: client.id,
    status: 'missing_requirements',
    emailAddress: null,
    emailVerified: false,
    passwordDigest: null,
    firstName: null,
    lastName: null,
    username: null,
    unsafeMetadata: {},
    phoneNumber: null,
    phoneVerified: false,
    createdUserId: null,
    createdSessionId: null,
    externalId: null,
    customAction: false,
    externalFlowId: null,
    expireAt: now + SIGN_UP_TTL_MS,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * Sign-up attempts: e-mail + password, verified by an e-mail code, plus the name and username fields
 * the instance enables. The user exists only once every requirement is met.
 */
export function createSignUpService(deps: {
  store: Store;
  clock: Clock;
  clients: ClientService;
  users: UserService;
  sessions: SessionService;
  codes: VerificationCodes;
  emailAddresses: EmailAddressService;
  verifyPassword: PasswordVerifier;
  settings: () => Promise<FrontendSettings>;
  events: EventService;
  restrictions: () => Promise<RestrictionSettings>;
  tickets: TicketRedeemer;
  social: SocialService;
  secondFactors: SecondFactorService;
  passwordless: () => Promise<PasswordlessSettings>;
  factorSettings: () => Promise<FactorSettings>;
  organizationSettings: () => Promise<OrganizationSettings>;
  passkeys: PasskeyCeremonies;
  verifyUrl: (token: string) => string;
  /** After a user is created: enrollment by verified domain, the waitlist entry completed. Failures do not undo the sign-up. */
  afterSignUp?: (userId: string, caller: Caller) => Promise<void>;
}) {
  const { store, clock, clients, codes, social } = deps;
  const requirementsOf = async (signUp: SignUp) => signUpRequirements(signUp, await deps.settings(), await deps.passwordless());

  /** Sign-up mode, blocklist and allowlist; an invitation's address passes the mode and the allowlist. */
  async function assertMayRegister(address: string | undefined, invited: boolean): Promise<void> {
    const rules = await deps.restrictions();
    if (!invited && rules.signUpMode === 'restricted') throw frontendErrors.signUpRestricted();
    if (!invited && rules.signUpMode === 'waitlist') throw frontendErrors.signUpWaitlist();
    if (!address) return;
    const normalized = normalizeEmail(address);
    if (rules.blocklist && rules.blocklistIdentifiers.some((entry) => identifierMatches(entry.identifier, normalized))) {
      throw frontendErrors.notAllowedAccess();
    }
    if (rules.blockEmailSubaddresses && /\+.*@/.test(normalized)) throw frontendErrors.notAllowedAccess();
    if (!invited && rules.allowlist && !rules.allowlistIdentifiers.some((entry) => identifierMatches(entry.identifier, normalized))) {
      throw frontendErrors.notAllowedAccess();
    }
  }
  const strategyDeps: StrategyDeps = {
    codes,
    secondFactors: deps.secondFactors,
    verifyPassword: deps.verifyPassword,
    findUser: (id) => store.users.findById(id),
    phoneNumbersOf: (userId) => store.phoneNumbers.listByUsers([userId]),
    passkeys: deps.passkeys,
    verifyUrl: deps.verifyUrl,
    settings: deps.passwordless,
  };

  async function load(client: Client, id: string): Promise<SignUp> {
    const row = await store.signUps.findById(id);
    if (!row || row.clientId !== client.id || row.expireAt <= clock()) throw frontendErrors.signUpNotFound();
    return row;
  }

  async function fieldColumns(fields: SignUpFields, settings: FrontendSettings): Promise<Partial<SignUp>> {
    const out: Partial<SignUp> = {};
    if (fields.emailAddress !== undefined) {
      const address = normalizeEmail(fields.emailAddress);
      // Only a verified address is taken: an unverified listing elsewhere must not block its owner.
      if ((await store.emailAddresses.findByAddress(address))?.verified) throw errors.identifierExists('email_address');
      out.emailAddress = address;
      out.emailVerified = false;
    }
    if (fields.password !== undefined) {
      assertAcceptablePassword(fields.password);
      out.passwordDigest = await hashPassword(fields.password);
    }
    for (const [key, param, mode] of [
      ['firstName', 'first_name', settings.firstName],
      ['lastName', 'last_name', settings.lastName],
      ['username', 'username', settings.username],
    ] as const) {
      const value = fields[key];
      if (value === undefined) continue;
      if (mode === 'off') throw errors.paramUnknown(param);
      if (value.length > 256) throw errors.paramInvalid(param, 'must be at most 256 characters');
      out[key] = value;
    }
    if (fields.unsafeMetadata !== undefined) out.unsafeMetadata = sizedMetadata('unsafe_metadata', fields.unsafeMetadata);
    if (fields.phoneNumber !== undefined) {
      if ((await deps.passwordless()).phoneNumber === 'off') throw errors.paramUnknown('phone_number');
      const phone = normalizePhone(fields.phoneNumber);
      if ((await store.phoneNumbers.findByNumber(phone)).some((p) => p.verified)) throw errors.identifierExists('phone_number');
      out.phoneNumber = phone;
      out.phoneVerified = false;
    }
    return out;
  }

  /**
   * Creates the user and a session once nothing is missing or unverified: user, addresses, session,
   * the completed sign-up and the client change in one transaction, so a crash leaves all or nothing
   * and a retry finds either the completed sign-up or a clean slate.
   */
  async function completeIfReady(client: Client, signUp: SignUp, caller: Caller): Promise<SignUp> {
    const requirements = await requirementsOf(signUp);
    if (requirements.missing.length || requirements.unverified.length || !signUp.emailAddress) return signUp;
    // Through a provider: only once the provider has answered, and then its account is linked.
    const flow = signUp.externalFlowId ? await social.findFlow(signUp.externalFlowId) : undefined;
    const provided: ProviderResult | undefined = flow?.status === 'verified' ? social.flowResult(flow) : undefined;
    if (signUp.externalFlowId && !provided) return signUp;
    const emailFromProvider = provided?.profile.emailVerified === true && provided.profile.emailAddress === signUp.emailAddress;
    await deps.emailAddresses.releaseUnverifiedClaim(signUp.emailAddress, caller);
    const invitation = await deps.tickets.findBySignUp(signUp.id);
    if (invitation && invitation.status !== 'pending') throw frontendErrors.ticketInvalid();
    // A new user has no second factor and no organization: where the instance requires them, the
    // session starts pending with Clerk's tasks (clerk-js's <SignUp/> then shows the task screen).
    const tasks = await newSessionTasks(
      { factors: await deps.factorSettings(), passwordless: await deps.passwordless(), organizations: await deps.organizationSettings() },
      async () => false,
    );
    const now = clock();
    let changes: Partial<SignUp> = {};
    const created = await deps.users.create(
      {
        emailAddresses: [signUp.emailAddress],
        emailVerificationStrategy: emailFromProvider && provided ? `from_oauth_${provided.provider}` : 'email_code',
        externalId: signUp.externalId,
        passwordDigest: signUp.passwordDigest ?? undefined,
        passwordHasher: signUp.passwordDigest ? 'argon2id' : undefined,
        firstName: signUp.firstName,
        lastName: signUp.lastName,
        username: signUp.username,
        unsafeMetadata: signUp.unsafeMetadata,
      },
      caller,
      async (tx, user) => {
        const session = newSession(user.id, client.id, now, null, undefined, tasks);
        changes = { status: 'complete', createdUserId: user.id, createdSessionId: session.id, updatedAt: now };
        await tx.sessions.insert(session);
        await tx.users.update(user.id, { lastSignInAt: now, lastActiveAt: now });
        if (signUp.phoneNumber && signUp.phoneVerified) {
          await tx.phoneNumbers.insert({
            id: newId('idn'),
            userId: user.id,
            phoneNumber: signUp.phoneNumber,
            verified: true,
            verificationStrategy: 'phone_code',
            primary: true,
            reservedForSecondFactor: false,
            defaultSecondFactor: false,
            createdAt: now,
            updatedAt: now,
          });
        }
        await tx.signUps.update(signUp.id, changes);
        if (provided) await social.link(tx, user.id, provided);
        // Through a provider the client keeps the sign-up: the app's `handleRedirectCallback` reads it.
        await tx.clients.update(client.id, { signUpId: provided ? signUp.id : null, lastActiveSessionId: session.id, updatedAt: now });
        await deps.events.raise(tx, 'session.created', session, caller);
      },
    );
    // The invitation joins the new user to its organization (or applies its metadata), once.
    if (invitation) await deps.tickets.consume(invitation, created.user.id, caller).catch(() => undefined);
    await deps.afterSignUp?.(created.user.id, caller).catch(() => undefined);
    return { ...signUp, ...changes };
  }

  /** An invitation's ticket for a sign-up (a sign-in token signs in, never up). */
  async function redeemForSignUp(ticket: string | undefined) {
    if (!ticket) throw errors.paramMissing('ticket');
    const invitation = await deps.tickets.redeem(ticket);
    if (invitation.kind === 'sign_in_token') throw frontendErrors.ticketInvalid();
    return invitation;
  }

  /** The code behind the sign-up's e-mail verification, if one was sent to its current address. */
  async function verification(signUp: SignUp): Promise<VerificationCode | undefined> {
    const code = await emailCode.signUpVerification?.verification(strategyDeps, signUp);
    const link = await emailLink.signUpVerification?.verification(strategyDeps, signUp);
    if (!code || !link) return code ?? link;
    return link.createdAt > code.createdAt ? link : code;
  }

  /** A sign-up with what it still requires and the code sent: everything its JSON shows. */
  async function snapshot(signUp: SignUp): Promise<SignUpSnapshot> {
    const oauth = signUp.externalFlowId ? await social.verificationOfFlow(signUp.externalFlowId) : undefined;
    return {
      signUp,
      requirements: await requirementsOf(signUp),
      verification: await verification(signUp),
      phoneVerification: signUp.phoneNumber ? await phoneCode.signUpVerification?.verification(strategyDeps, signUp) : undefined,
      ...(oauth ? { oauth } : {}),
    };
  }

  /** The fields a provider's profile fills in a sign-up (a verified address counts as verified). */
  async function fromProfile(result: ProviderResult): Promise<Partial<SignUp>> {
    const settings = await deps.settings();
    const { profile } = result;
    return {
      emailAddress: profile.emailAddress || null,
      emailVerified: profile.emailVerified && Boolean(profile.emailAddress),
      firstName: settings.firstName === 'off' ? null : profile.firstName || null,
      lastName: settings.lastName === 'off' ? null : profile.lastName || null,
    };
  }

  return {
    snapshot,

    async load(client: Client, id: string): Promise<SignUpSnapshot> {
      return snapshot(await load(client, id));
    },

    /** The Backend API's view (`GET /v1/sign_ups/{id}`): any client's sign-up, expired ones included. */
    async get(id: string): Promise<SignUpSnapshot> {
      const row = await store.signUps.findById(id);
      if (!row) throw errors.notFound('sign-up');
      return snapshot(row);
    },

    /**
     * The Backend API's change (`PATCH /v1/sign_ups/{id}`): the `external_id` the user created from
     * this sign-up will carry, and `custom_action`. A completed sign-up's user already exists: 422.
     */
    async updateFromBackend(id: string, input: { externalId?: string | null; customAction?: boolean | null }): Promise<SignUpSnapshot> {
      const row = await store.signUps.findById(id);
      if (!row) throw errors.notFound('sign-up');
      if (row.status === 'complete')
        throw errors.paramValueInvalid('sign_up_attempt_id', 'this sign-up is complete; change its user instead');
      const changes: Partial<SignUp> = { updatedAt: clock() };
      if (input.externalId !== undefined) changes.externalId = input.externalId;
      if (input.customAction !== undefined && input.customAction !== null) changes.customAction = input.customAction;
      await store.signUps.update(id, changes);
      return snapshot({ ...row, ...changes });
    },

    /**
     * The provider's answer for a sign-up: fills it from the profile and completes it when nothing
     * is missing, or marks the flow `transferable` (the account exists: clerk-js turns it into a
     * sign-in) or failed.
     */
    async completeFromProvider(flow: OAuthFlow, result: ProviderResult, caller: Caller): Promise<{ sessionCreated: boolean }> {
      const signUp = await store.signUps.findById(flow.attemptId);
      const client = signUp ? await store.clients.findById(signUp.clientId) : undefined;
      if (!signUp || !client || signUp.status === 'complete') {
        await social.markFlow(flow, { status: 'failed', errorCode: 'oauth_callback_invalid' });
        return { sessionCreated: false };
      }
      const owner = await social.resolveOwner(result);
      if (owner.errorCode) {
        await social.markFlow(flow, { status: 'failed', errorCode: owner.errorCode });
        return { sessionCreated: false };
      }
      if (owner.user) {
        await social.markFlow(flow, { status: 'transferable', errorCode: 'external_account_exists', result });
        return { sessionCreated: false };
      }
      await social.markFlow(flow, { status: 'verified', result });
      const changes = { ...(await fromProfile(result)), updatedAt: clock() };
      await store.signUps.update(signUp.id, changes);
      const after = await completeIfReady(client, { ...signUp, ...changes }, caller);
      return { sessionCreated: after.status === 'complete' };
    },

    async create(client: Client, fields: SignUpFields, caller: Caller, external: SignUpExternal = {}): Promise<SignUpSnapshot> {
      const active = await clients.firstActiveSession(client);
      if (active) throw frontendErrors.alreadySignedIn(active.session.id);
      const invitation = fields.strategy === 'ticket' ? await redeemForSignUp(fields.ticket) : undefined;
      if (fields.strategy !== undefined && fields.strategy !== 'ticket' && !fields.strategy.startsWith('oauth_')) {
        throw frontendErrors.strategyInvalid(fields.strategy);
      }
      if (invitation?.emailAddress) {
        if ((await store.emailAddresses.findByAddress(invitation.emailAddress))?.verified) throw errors.identifierExists('email_address');
      }
      await assertMayRegister(invitation?.emailAddress ?? fields.emailAddress, Boolean(invitation));
      const now = clock();
      if (external.transfer) {
        // A sign-in through a provider found no account: sign up with what the provider said.
        const flow = client.signInId ? await social.latestFlow(client.signInId) : undefined;
        const result = flow?.status === 'transferable' && flow.clientId === client.id ? social.flowResult(flow) : undefined;
        if (!flow || !result) throw frontendErrors.strategyInvalid('transfer');
        await store.oauthFlows.update(flow.id, { status: 'verified', errorCode: null, updatedAt: now });
        const signUp: SignUp = {
          ...blankSignUp(client, now),
          ...(await fromProfile(result)),
          ...(await fieldColumns({ ...fields, emailAddress: undefined }, await deps.settings())),
          externalFlowId: flow.id,
        };
        await store.signUps.insert(signUp);
        await clients.update(client.id, { signUpId: signUp.id });
        return snapshot(await completeIfReady(client, signUp, caller));
      }
      if (external.strategy?.startsWith('oauth_')) {
        if (!social.provider(external.strategy)) throw frontendErrors.strategyInvalid(external.strategy);
        if (!external.redirectUrl) throw errors.paramMissing('redirect_url');
        const base = blankSignUp(client, now);
        const flow = await social.start({
          clientId: client.id,
          purpose: 'sign_up',
          attemptId: base.id,
          strategy: external.strategy,
          redirectUrl: external.redirectUrl,
          actionCompleteRedirectUrl: external.actionCompleteRedirectUrl,
        });
        const signUp: SignUp = {
          ...base,
          ...(await fieldColumns({ ...fields, emailAddress: undefined }, await deps.settings())),
          externalFlowId: flow.id,
        };
        await store.signUps.insert(signUp);
        await clients.update(client.id, { signUpId: signUp.id });
        return snapshot(signUp);
      }
      const signUp: SignUp = {
        ...blankSignUp(client, now),
        ...(await fieldColumns({ ...fields, emailAddress: invitation ? undefined : fields.emailAddress }, await deps.settings())),
        ...(invitation?.emailAddress ? { emailAddress: invitation.emailAddress, emailVerified: true } : {}),
      };
      await store.signUps.insert(signUp);
      if (invitation) await deps.tickets.attachToSignUp(invitation, signUp.id);
      await clients.update(client.id, { signUpId: signUp.id });
      // No code yet: it goes out on `prepare_verification`, as Clerk's does. `<SignUp/>` prepares
      // only when the e-mail has no pending verification, so sending here would skip its request.
      return snapshot(await completeIfReady(client, signUp, caller));
    },

    async update(client: Client, id: string, fields: SignUpFields, caller: Caller): Promise<SignUpSnapshot> {
      const signUp = await load(client, id);
      if (signUp.status === 'complete') return snapshot(signUp);
      const invited = await deps.tickets.findBySignUp(signUp.id);
      // An invitation fixes the address: the one it was sent to is the one verified.
      const wanted = invited ? { ...fields, emailAddress: undefined } : fields;
      if (wanted.emailAddress !== undefined) await assertMayRegister(wanted.emailAddress, false);
      const changes = { ...(await fieldColumns(wanted, await deps.settings())), updatedAt: clock() };
      await store.signUps.update(id, changes);
      // A new address needs a new `prepare_verification`: a code sent to the old one no longer counts.
      return snapshot(await completeIfReady(client, { ...signUp, ...changes }, caller));
    },

    async prepareVerification(
      client: Client,
      id: string,
      strategy: string,
      locale: string,
      caller: Caller,
      redirectUrl?: string,
    ): Promise<SignUpSnapshot> {
      const signUp = await load(client, id);
      await signUpVerificationStrategy(strategy).prepare(strategyDeps, { signUp, locale, redirectUrl, caller });
      return snapshot(signUp);
    },

    /** Verifies the address of the sign-up an e-mail link was sent for, and completes it if nothing else is missing. */
    async completeFromLink(signUpId: string, caller: Caller): Promise<SignUp | undefined> {
      const signUp = await store.signUps.findById(signUpId);
      if (!signUp || signUp.expireAt <= clock()) return undefined;
      const client = await store.clients.findById(signUp.clientId);
      if (!client) return undefined;
      if (signUp.status === 'complete') return signUp;
      await store.signUps.update(signUp.id, { emailVerified: true, updatedAt: clock() });
      return completeIfReady(client, { ...signUp, emailVerified: true }, caller);
    },

    async attemptVerification(
      client: Client,
      id: string,
      input: { strategy: string; code?: string },
      caller: Caller,
    ): Promise<SignUpSnapshot> {
      const signUp = await load(client, id);
      const strategy = signUpVerificationStrategy(input.strategy);
      if (strategy.name === phoneCode.name) {
        await strategy.attempt(strategyDeps, { signUp, code: input.code });
        await store.signUps.update(id, { phoneVerified: true, updatedAt: clock() });
        return snapshot(await completeIfReady(client, { ...signUp, phoneVerified: true }, caller));
      }
      // A retry of a completion whose answer was lost (server killed, connection dropped) proves itself
      // with the same code: it gets the completed sign-up, or completes what the crash left undone.
      if (input.code && (await codes.matchesUsed(signUp.id, 'sign_up_email', input.code))) {
        if (signUp.status === 'complete') return snapshot(signUp);
      } else {
        await strategy.attempt(strategyDeps, { signUp, code: input.code });
      }
      await store.signUps.update(id, { emailVerified: true, updatedAt: clock() });
      return snapshot(await completeIfReady(client, { ...signUp, emailVerified: true }, caller));
    },
  };
}

export type SignUpService = ReturnType<typeof createSignUpService>;
