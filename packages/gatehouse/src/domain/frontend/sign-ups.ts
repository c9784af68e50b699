import { hashPassword } from '../../crypto/password-hash.js';
import { errors, frontendErrors } from '../../errors.js';
import { newId } from '../../ids.js';
import type { Client, SignUp, VerificationCode } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { Clock } from '../clock.js';
import type { EmailAddressService } from '../email-addresses.js';
import type { FrontendSettings } from '../frontend-settings.js';
import { type Metadata, sizedMetadata } from '../metadata.js';
import type { PasswordVerifier } from '../password-verification.js';
import type { PasswordlessSettings } from '../passwordless-settings.js';
import { assertAcceptablePassword } from '../passwords.js';
import { normalizePhone } from '../phone-numbers.js';
import { newSession, type SessionService } from '../sessions.js';
import { normalizeEmail, type UserService } from '../users.js';
import type { SignUpSnapshot } from './client-snapshot.js';
import type { ClientService } from './clients.js';
import type { PasskeyCeremonies } from './passkeys.js';
import { emailCode, emailLink, phoneCode, type StrategyDeps, signUpVerificationStrategy } from './strategies/index.js';
import type { VerificationCodes } from './verification-codes.js';

const SIGN_UP_TTL_MS = 24 * 3600 * 1000;

export interface SignUpFields {
  emailAddress?: string;
  password?: string;
  firstName?: string;
  lastName?: string;
  username?: string;
  phoneNumber?: string;
  unsafeMetadata?: Metadata;
}

export interface SignUpRequirements {
  required: string[];
  optional: string[];
  missing: string[];
  unverified: string[];
}

/** Which fields this instance asks for, and which of them the attempt still lacks. */
export function signUpRequirements(signUp: SignUp, settings: FrontendSettings, passwordless?: PasswordlessSettings): SignUpRequirements {
  const required = ['email_address', 'password'];
  const optional: string[] = passwordless?.phoneNumber === 'optional' ? ['phone_number'] : [];
  for (const [field, mode] of [
    ['first_name', settings.firstName],
    ['last_name', settings.lastName],
    ['username', settings.username],
  ] as const) {
    if (mode === 'required') required.push(field);
    if (mode === 'optional') optional.push(field);
  }
  const present: Record<string, boolean> = {
    email_address: Boolean(signUp.emailAddress),
    password: Boolean(signUp.passwordDigest),
    first_name: Boolean(signUp.firstName),
    last_name: Boolean(signUp.lastName),
    username: Boolean(signUp.username),
  };
  return {
    required,
    optional,
    missing: required.filter((field) => !present[field]),
    unverified: [
      ...(signUp.emailAddress && !signUp.emailVerified ? ['email_address'] : []),
      ...(signUp.phoneNumber && !signUp.phoneVerified ? ['phone_number'] : []),
    ],
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
  passwordless: () => Promise<PasswordlessSettings>;
  passkeys: PasskeyCeremonies;
  verifyUrl: (token: string) => string;
}) {
  const { store, clock, clients, codes } = deps;
  const strategyDeps: StrategyDeps = {
    codes,
    verifyPassword: deps.verifyPassword,
    findUser: (id) => store.users.findById(id),
    passkeys: deps.passkeys,
    verifyUrl: deps.verifyUrl,
    settings: deps.passwordless,
  };
  const requirementsOf = async (signUp: SignUp) => signUpRequirements(signUp, await deps.settings(), await deps.passwordless());

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
  async function completeIfReady(client: Client, signUp: SignUp): Promise<SignUp> {
    const requirements = await requirementsOf(signUp);
    if (requirements.missing.length || requirements.unverified.length || !signUp.emailAddress) return signUp;
    await deps.emailAddresses.releaseUnverifiedClaim(signUp.emailAddress);
    const now = clock();
    let changes: Partial<SignUp> = {};
    await deps.users.create(
      {
        emailAddresses: [signUp.emailAddress],
        emailVerificationStrategy: 'email_code',
        passwordDigest: signUp.passwordDigest ?? undefined,
        passwordHasher: signUp.passwordDigest ? 'argon2id' : undefined,
        firstName: signUp.firstName,
        lastName: signUp.lastName,
        username: signUp.username,
        unsafeMetadata: signUp.unsafeMetadata,
      },
      async (tx, user) => {
        const session = newSession(user.id, client.id, now);
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
        await tx.clients.update(client.id, { signUpId: null, lastActiveSessionId: session.id, updatedAt: now });
      },
    );
    return { ...signUp, ...changes };
  }

  /** The code or link behind the sign-up's e-mail verification (the latest sent to its current address). */
  async function verification(signUp: SignUp): Promise<VerificationCode | undefined> {
    const code = await emailCode.signUpVerification?.verification(strategyDeps, signUp);
    const link = await emailLink.signUpVerification?.verification(strategyDeps, signUp);
    if (!code || !link) return code ?? link;
    return link.createdAt > code.createdAt ? link : code;
  }

  /** A sign-up with what it still requires and the code sent: everything its JSON shows. */
  async function snapshot(signUp: SignUp): Promise<SignUpSnapshot> {
    return {
      signUp,
      requirements: await requirementsOf(signUp),
      verification: await verification(signUp),
      phoneVerification: signUp.phoneNumber ? await phoneCode.signUpVerification?.verification(strategyDeps, signUp) : undefined,
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

    async create(client: Client, fields: SignUpFields): Promise<SignUpSnapshot> {
      const active = await clients.firstActiveSession(client);
      if (active) throw frontendErrors.alreadySignedIn(active.session.id);
      const now = clock();
      const signUp: SignUp = {
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
        expireAt: now + SIGN_UP_TTL_MS,
        createdAt: now,
        updatedAt: now,
        ...(await fieldColumns(fields, await deps.settings())),
      };
      await store.signUps.insert(signUp);
      await clients.update(client.id, { signUpId: signUp.id });
      // No code yet: it goes out on `prepare_verification`, as Clerk's does. `<SignUp/>` prepares
      // only when the e-mail has no pending verification, so sending here would skip its request.
      return snapshot(await completeIfReady(client, signUp));
    },

    async update(client: Client, id: string, fields: SignUpFields): Promise<SignUpSnapshot> {
      const signUp = await load(client, id);
      if (signUp.status === 'complete') return snapshot(signUp);
      const changes = { ...(await fieldColumns(fields, await deps.settings())), updatedAt: clock() };
      await store.signUps.update(id, changes);
      // A new address needs a new `prepare_verification`: a code sent to the old one no longer counts.
      return snapshot(await completeIfReady(client, { ...signUp, ...changes }));
    },

    async prepareVerification(client: Client, id: string, strategy: string, locale: string, redirectUrl?: string): Promise<SignUpSnapshot> {
      const signUp = await load(client, id);
      await signUpVerificationStrategy(strategy).prepare(strategyDeps, { signUp, locale, redirectUrl });
      return snapshot(signUp);
    },

    /** Verifies the address of the sign-up an e-mail link was sent for, and completes it if nothing else is missing. */
    async completeFromLink(signUpId: string): Promise<SignUp | undefined> {
      const signUp = await store.signUps.findById(signUpId);
      if (!signUp || signUp.expireAt <= clock()) return undefined;
      const client = await store.clients.findById(signUp.clientId);
      if (!client) return undefined;
      if (signUp.status === 'complete') return signUp;
      await store.signUps.update(signUp.id, { emailVerified: true, updatedAt: clock() });
      return completeIfReady(client, { ...signUp, emailVerified: true });
    },

    async attemptVerification(client: Client, id: string, input: { strategy: string; code?: string }): Promise<SignUpSnapshot> {
      const signUp = await load(client, id);
      const strategy = signUpVerificationStrategy(input.strategy);
      if (strategy.name === phoneCode.name) {
        await strategy.attempt(strategyDeps, { signUp, code: input.code });
        await store.signUps.update(id, { phoneVerified: true, updatedAt: clock() });
        return snapshot(await completeIfReady(client, { ...signUp, phoneVerified: true }));
      }
      // A retry of a completion whose answer was lost (server killed, connection dropped) proves itself
      // with the same code: it gets the completed sign-up, or completes what the crash left undone.
      if (input.code && (await codes.matchesUsed(signUp.id, 'sign_up_email', input.code))) {
        if (signUp.status === 'complete') return snapshot(signUp);
      } else {
        await strategy.attempt(strategyDeps, { signUp, code: input.code });
      }
      await store.signUps.update(id, { emailVerified: true, updatedAt: clock() });
      return snapshot(await completeIfReady(client, { ...signUp, emailVerified: true }));
    },
  };
}

export type SignUpService = ReturnType<typeof createSignUpService>;
