import { hashPassword } from '../../crypto/password-hash.js';
import { errors, frontendErrors } from '../../errors.js';
import { newId } from '../../ids.js';
import type { Store } from '../../store/index.js';
import type { ClientRow, SignUpRow, VerificationCodeRow } from '../../store/schema.js';
import type { Clock } from '../clock.js';
import type { FrontendSettings } from '../frontend-settings.js';
import { type Metadata, serializeMetadata } from '../metadata.js';
import type { PasswordVerifier } from '../password-verification.js';
import { assertAcceptablePassword } from '../passwords.js';
import type { SessionService } from '../sessions.js';
import { normalizeEmail, type UserService } from '../users.js';
import type { SignUpSnapshot } from './client-snapshot.js';
import type { ClientService } from './clients.js';
import { emailCode, type StrategyDeps, signUpVerificationStrategy } from './strategies/index.js';
import type { VerificationCodes } from './verification-codes.js';

const SIGN_UP_TTL_MS = 24 * 3600 * 1000;

export interface SignUpFields {
  emailAddress?: string;
  password?: string;
  firstName?: string;
  lastName?: string;
  username?: string;
  unsafeMetadata?: Metadata;
}

export interface SignUpRequirements {
  required: string[];
  optional: string[];
  missing: string[];
  unverified: string[];
}

/** Which fields this instance asks for, and which of them the attempt still lacks. */
export function signUpRequirements(signUp: SignUpRow, settings: FrontendSettings): SignUpRequirements {
  const required = ['email_address', 'password'];
  const optional: string[] = [];
  for (const [field, mode] of [
    ['first_name', settings.firstName],
    ['last_name', settings.lastName],
    ['username', settings.username],
  ] as const) {
    if (mode === 'required') required.push(field);
    if (mode === 'optional') optional.push(field);
  }
  const present: Record<string, boolean> = {
    email_address: Boolean(signUp.email_address),
    password: Boolean(signUp.password_digest),
    first_name: Boolean(signUp.first_name),
    last_name: Boolean(signUp.last_name),
    username: Boolean(signUp.username),
  };
  return {
    required,
    optional,
    missing: required.filter((field) => !present[field]),
    unverified: signUp.email_address && !signUp.email_verified ? ['email_address'] : [],
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
  verifyPassword: PasswordVerifier;
  settings: () => Promise<FrontendSettings>;
}) {
  const { store, clock, clients, codes } = deps;
  const strategyDeps: StrategyDeps = { codes, verifyPassword: deps.verifyPassword, findUser: (id) => store.users.findById(id) };

  async function load(client: ClientRow, id: string): Promise<SignUpRow> {
    const row = await store.signUps.findById(id);
    if (!row || row.client_id !== client.id || row.expire_at <= clock()) throw frontendErrors.signUpNotFound();
    return row;
  }

  async function fieldColumns(fields: SignUpFields, settings: FrontendSettings): Promise<Partial<SignUpRow>> {
    const out: Partial<SignUpRow> = {};
    if (fields.emailAddress !== undefined) {
      const address = normalizeEmail(fields.emailAddress);
      if (await store.emailAddresses.findByAddress(address)) throw errors.identifierExists('email_address');
      out.email_address = address;
      out.email_verified = 0;
    }
    if (fields.password !== undefined) {
      assertAcceptablePassword(fields.password);
      out.password_digest = await hashPassword(fields.password);
    }
    for (const [key, column, mode] of [
      ['firstName', 'first_name', settings.firstName],
      ['lastName', 'last_name', settings.lastName],
      ['username', 'username', settings.username],
    ] as const) {
      const value = fields[key];
      if (value === undefined) continue;
      if (mode === 'off') throw errors.paramUnknown(column);
      if (value.length > 256) throw errors.paramInvalid(column, 'must be at most 256 characters');
      out[column] = value;
    }
    if (fields.unsafeMetadata !== undefined) out.unsafe_metadata = serializeMetadata('unsafe_metadata', fields.unsafeMetadata);
    return out;
  }

  /** Creates the user and a session once nothing is missing or unverified. */
  async function completeIfReady(client: ClientRow, signUp: SignUpRow): Promise<SignUpRow> {
    const requirements = signUpRequirements(signUp, await deps.settings());
    if (requirements.missing.length || requirements.unverified.length || !signUp.email_address) return signUp;
    const record = await deps.users.create({
      emailAddresses: [signUp.email_address],
      emailVerificationStrategy: 'email_code',
      passwordDigest: signUp.password_digest ?? undefined,
      passwordHasher: signUp.password_digest ? 'argon2id' : undefined,
      firstName: signUp.first_name,
      lastName: signUp.last_name,
      username: signUp.username,
      unsafeMetadata: JSON.parse(signUp.unsafe_metadata) as Metadata,
    });
    const session = await deps.sessions.create(record.user.id, client.id);
    const changes = { status: 'complete', created_user_id: record.user.id, created_session_id: session.id, updated_at: clock() };
    await store.signUps.update(signUp.id, changes);
    await clients.update(client.id, { sign_up_id: null, last_active_session_id: session.id });
    return { ...signUp, ...changes };
  }

  /** The code behind the sign-up's e-mail verification, if one was sent to its current address. */
  async function verification(signUp: SignUpRow): Promise<VerificationCodeRow | undefined> {
    return emailCode.signUpVerification?.verification(strategyDeps, signUp);
  }

  /** A sign-up with what it still requires and the code sent: everything its JSON shows. */
  async function snapshot(signUp: SignUpRow): Promise<SignUpSnapshot> {
    return { signUp, requirements: signUpRequirements(signUp, await deps.settings()), verification: await verification(signUp) };
  }

  return {
    snapshot,

    async load(client: ClientRow, id: string): Promise<SignUpSnapshot> {
      return snapshot(await load(client, id));
    },

    async create(client: ClientRow, fields: SignUpFields): Promise<SignUpSnapshot> {
      const active = await clients.firstActiveSession(client);
      if (active) throw frontendErrors.alreadySignedIn(active.session.id);
      const now = clock();
      const signUp: SignUpRow = {
        id: newId('sua'),
        client_id: client.id,
        status: 'missing_requirements',
        email_address: null,
        email_verified: 0,
        password_digest: null,
        first_name: null,
        last_name: null,
        username: null,
        unsafe_metadata: '{}',
        created_user_id: null,
        created_session_id: null,
        expire_at: now + SIGN_UP_TTL_MS,
        created_at: now,
        updated_at: now,
        ...(await fieldColumns(fields, await deps.settings())),
      };
      await store.signUps.insert(signUp);
      await clients.update(client.id, { sign_up_id: signUp.id });
      // No code yet: it goes out on `prepare_verification`, as Clerk's does. `<SignUp/>` prepares
      // only when the e-mail has no pending verification, so sending here would skip its request.
      return snapshot(await completeIfReady(client, signUp));
    },

    async update(client: ClientRow, id: string, fields: SignUpFields): Promise<SignUpSnapshot> {
      const signUp = await load(client, id);
      if (signUp.status === 'complete') return snapshot(signUp);
      const changes = { ...(await fieldColumns(fields, await deps.settings())), updated_at: clock() };
      await store.signUps.update(id, changes);
      // A new address needs a new `prepare_verification`: a code sent to the old one no longer counts.
      return snapshot(await completeIfReady(client, { ...signUp, ...changes }));
    },

    async prepareVerification(client: ClientRow, id: string, strategy: string, locale: string): Promise<SignUpSnapshot> {
      const signUp = await load(client, id);
      await signUpVerificationStrategy(strategy).prepare(strategyDeps, { signUp, locale });
      return snapshot(signUp);
    },

    async attemptVerification(client: ClientRow, id: string, input: { strategy: string; code?: string }): Promise<SignUpSnapshot> {
      const signUp = await load(client, id);
      await signUpVerificationStrategy(input.strategy).attempt(strategyDeps, { signUp, code: input.code });
      await store.signUps.update(id, { email_verified: 1, updated_at: clock() });
      return snapshot(await completeIfReady(client, { ...signUp, email_verified: 1 }));
    },
  };
}

export type SignUpService = ReturnType<typeof createSignUpService>;
