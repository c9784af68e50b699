import { createHmac, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { hashPassword, verifyArgon2 } from '../../crypto/password-hash.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import { hashToken } from '../../crypto/token-hash.js';
import { errors } from '../../errors.js';
import { newId } from '../../ids.js';
import type { Operator, OperatorSession, OperatorTokenPurpose } from '../../model/index.js';
import { UniqueViolation } from '../../store/errors.js';
import type { Store } from '../../store/index.js';
import type { Caller } from '../caller.js';
import type { Clock } from '../clock.js';
import { assertAcceptablePassword } from '../passwords.js';
import type { AuditService } from './audit.js';

/** A set-password link lasts a day; an operator session 12 hours, whatever its activity. */
export const SETUP_LINK_TTL_MS = 24 * 3600_000;
export const OPERATOR_SESSION_TTL_MS = 12 * 3600_000;
/** Failed sign-ins in a row that lock an operator out, and for how long. */
export const OPERATOR_LOCKOUT = { maxAttempts: 10, durationMs: 15 * 60_000 };
/** Operators' passwords are longer than end users' minimum. */
export const OPERATOR_MIN_PASSWORD_LENGTH = 12;

const TOTP_PARAMS = { algorithm: 'SHA1', digits: 6, period: 30 } as const;

export interface OperatorView {
  id: string;
  email: string;
  hasPassword: boolean;
  totpEnabled: boolean;
  lockedUntil: number | null;
  lastSignInAt: number | null;
  createdAt: number;
}

export interface SetupLinkInfo {
  purpose: OperatorTokenPurpose;
  email: string | null;
  /** A production instance requires a second factor for every operator. */
  totpRequired: boolean;
}

function view(operator: Operator): OperatorView {
  return {
    id: operator.id,
    email: operator.email,
    hasPassword: operator.passwordDigest !== null,
    totpEnabled: operator.totpSecretEnc !== null,
    lockedUntil: operator.lockedUntil,
    lastSignInAt: operator.lastSignInAt,
    createdAt: operator.createdAt,
  };
}

function normalizeOperatorEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+$/.test(normalized) || normalized.length > 320) throw errors.paramInvalid('email', 'must be an e-mail address');
  return normalized;
}

function totpFor(secretBase32: string, label: string): TOTP {
  return new TOTP({ issuer: 'Gatehouse dashboard', label, secret: Secret.fromBase32(secretBase32), ...TOTP_PARAMS });
}

/** A password that cannot match anything: sign-ins for unknown e-mails do the same work as real ones. */
let dummyDigest: Promise<string> | undefined;

/**
 * The people who operate the instance (the dashboard's users), kept apart from its end users: their
 * own table, their own sessions, never visible through the Backend or Frontend API.
 */
export function createOperatorService(deps: {
  store: Store;
  box: SecretBox;
  clock: Clock;
  audit: AuditService;
  hmacKey: () => string;
  isProduction: () => boolean;
}) {
  const { store, box, clock, audit } = deps;

  async function newLink(purpose: OperatorTokenPurpose, operatorId: string | null): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = clock();
    await store.operatorTokens.deleteExpired(now);
    await store.operatorTokens.insert({
      tokenHash: hashToken(token),
      purpose,
      operatorId,
      expiresAt: now + SETUP_LINK_TTL_MS,
      createdAt: now,
    });
    return token;
  }

  async function byEmail(email: string): Promise<Operator> {
    const operator = await store.operators.findByEmail(normalizeOperatorEmail(email));
    if (!operator) throw errors.notFound('operator');
    return operator;
  }

  async function liveToken(token: string) {
    const found = await store.operatorTokens.find(hashToken(token));
    if (!found || found.expiresAt <= clock())
      throw errors.paramValueInvalid('token', 'this link has expired or was already used; ask for a new one');
    return found;
  }

  function checkTotp(secretBase32: string, code: string | undefined): boolean {
    if (!code || !/^\d{6}$/.test(code)) return false;
    return totpFor(secretBase32, 'operator').validate({ token: code, timestamp: clock(), window: 1 }) !== null;
  }

  function csrfTokenFor(sessionToken: string): string {
    return createHmac('sha256', deps.hmacKey()).update(`dashboard-csrf:${sessionToken}`).digest('base64url');
  }

  return {
    list: async (): Promise<OperatorView[]> => (await store.operators.list()).map(view),
    count: () => store.operators.count(),

    /** `gatehouse admin create`: a new operator without a password, and the one-time link to set it. */
    async create(email: string, caller: Caller): Promise<{ operator: OperatorView; token: string }> {
      const now = clock();
      const operator: Operator = {
        id: newId('op'),
        email: normalizeOperatorEmail(email),
        passwordDigest: null,
        totpSecretEnc: null,
        failedAttempts: 0,
        lockedUntil: null,
        lastSignInAt: null,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await store.operators.insert(operator);
      } catch (error) {
        if (error instanceof UniqueViolation) throw errors.identifierExists('email_address');
        throw error;
      }
      await audit.record({
        action: 'operator.create',
        targetType: 'operator',
        targetId: operator.id,
        detail: { email: operator.email },
        actor: caller.actor,
      });
      return { operator: view(operator), token: await newLink('setup', operator.id) };
    },

    /** `gatehouse admin reset`: clears password and second factor, ends the sessions, and makes a new link. */
    async reset(email: string, caller: Caller): Promise<{ operator: OperatorView; token: string }> {
      const operator = await byEmail(email);
      await store.operators.update(operator.id, {
        passwordDigest: null,
        totpSecretEnc: null,
        failedAttempts: 0,
        lockedUntil: null,
        updatedAt: clock(),
      });
      await store.operatorSessions.deleteForOperator(operator.id);
      await store.operatorTokens.deleteForOperator(operator.id);
      await audit.record({
        action: 'operator.reset',
        targetType: 'operator',
        targetId: operator.id,
        detail: { email: operator.email },
        actor: caller.actor,
      });
      return { operator: view({ ...operator, passwordDigest: null, totpSecretEnc: null }), token: await newLink('setup', operator.id) };
    },

    async remove(email: string, caller: Caller): Promise<void> {
      const operator = await byEmail(email);
      await store.operators.delete(operator.id);
      await audit.record({
        action: 'operator.remove',
        targetType: 'operator',
        targetId: operator.id,
        detail: { email: operator.email },
        actor: caller.actor,
      });
    },

    /** While no operator exists: a link that creates the first one (printed by a development instance's start). */
    async firstOperatorLink(): Promise<string | undefined> {
      if ((await store.operators.count()) > 0) return undefined;
      return newLink('first_operator', null);
    },

    async describeLink(token: string): Promise<SetupLinkInfo> {
      const found = await liveToken(token);
      const operator = found.operatorId ? await store.operators.findById(found.operatorId) : undefined;
      if (found.purpose === 'setup' && !operator) throw errors.paramValueInvalid('token', 'this link has expired or was already used');
      if (found.purpose === 'first_operator' && (await store.operators.count()) > 0) {
        throw errors.paramValueInvalid('token', 'an operator already exists; ask them for a link (`gatehouse admin create <email>`)');
      }
      return { purpose: found.purpose, email: operator?.email ?? null, totpRequired: deps.isProduction() };
    },

    /** A fresh TOTP secret and its otpauth:// URI, for the set-password page to show. */
    newTotpSecret(email: string): { secret: string; uri: string } {
      const secret = new Secret({ size: 20 }).base32;
      return { secret, uri: totpFor(secret, email).toString() };
    },

    /**
     * Follows a one-time link: sets the password (and the second factor, when given: required on a
     * production instance), creating the operator for a first-operator link. The link is spent.
     */
    async completeSetup(input: {
      token: string;
      email?: string;
      password: string;
      totpSecret?: string;
      totpCode?: string;
    }): Promise<OperatorView> {
      const info = await this.describeLink(input.token);
      if (input.password.length < OPERATOR_MIN_PASSWORD_LENGTH) {
        throw errors.paramInvalid('password', `must be at least ${OPERATOR_MIN_PASSWORD_LENGTH} characters`);
      }
      assertAcceptablePassword(input.password);
      if (info.totpRequired && !input.totpSecret) throw errors.paramMissing('totp_secret');
      if (input.totpSecret) {
        if (!/^[A-Z2-7]{32}$/.test(input.totpSecret)) throw errors.paramInvalid('totp_secret', 'must be the secret shown on the page');
        if (!checkTotp(input.totpSecret, input.totpCode))
          throw errors.paramValueInvalid('totp_code', 'the code does not match; check the clock of your authenticator');
      }
      const found = await store.operatorTokens.take(hashToken(input.token));
      if (!found) throw errors.paramValueInvalid('token', 'this link has expired or was already used');
      const now = clock();
      const secrets = {
        passwordDigest: await hashPassword(input.password),
        totpSecretEnc: input.totpSecret ? box.seal(input.totpSecret) : null,
        failedAttempts: 0,
        lockedUntil: null,
        updatedAt: now,
      };
      let operator: Operator;
      if (found.purpose === 'first_operator') {
        if (!input.email) throw errors.paramMissing('email');
        operator = { id: newId('op'), email: normalizeOperatorEmail(input.email), lastSignInAt: null, createdAt: now, ...secrets };
        await store.operators.insert(operator);
        await audit.record({
          action: 'operator.create',
          targetType: 'operator',
          targetId: operator.id,
          detail: { email: operator.email, via: 'first start link' },
          actor: { type: 'system', id: null, label: 'first-operator link', ip: null },
        });
      } else {
        const existing = found.operatorId ? await store.operators.findById(found.operatorId) : undefined;
        if (!existing) throw errors.paramValueInvalid('token', 'this link has expired or was already used');
        operator = { ...existing, ...secrets };
        await store.operators.update(existing.id, secrets);
        await audit.record({
          action: 'operator.password_set',
          targetType: 'operator',
          targetId: operator.id,
          actor: { type: 'operator', id: operator.id, label: operator.email, ip: null },
        });
      }
      return view(operator);
    },

    /**
     * Password (+ TOTP when enrolled; always on production) → a session token for the cookie. Unknown
     * e-mails cost the same hash; errors never say which part was wrong.
     */
    async signIn(input: {
      email: string;
      password: string;
      code?: string;
      ip: string;
      userAgent: string;
    }): Promise<{ token: string; session: OperatorSession; operator: OperatorView; csrfToken: string }> {
      const now = clock();
      const email = input.email.trim().toLowerCase();
      const operator = await store.operators.findByEmail(email);
      const refuse = async (reason: string) => {
        await audit.record({
          action: 'operator.sign_in_failed',
          targetType: 'operator',
          targetId: operator?.id ?? null,
          detail: { email: email.slice(0, 320), reason },
          actor: { type: 'operator', id: operator?.id ?? null, label: email.slice(0, 320), ip: input.ip },
        });
        if (operator && reason !== 'locked') {
          const failures = await store.operators.recordFailure(operator.id, now);
          if (failures >= OPERATOR_LOCKOUT.maxAttempts) {
            await store.operators.update(operator.id, { lockedUntil: now + OPERATOR_LOCKOUT.durationMs, failedAttempts: 0 });
            await audit.record({
              action: 'operator.locked_out',
              targetType: 'operator',
              targetId: operator.id,
              detail: { minutes: OPERATOR_LOCKOUT.durationMs / 60_000 },
              actor: { type: 'system', id: null, label: 'lockout', ip: input.ip },
            });
          }
        }
        return errors.operatorUnauthenticated();
      };
      if (!operator?.passwordDigest) {
        dummyDigest ??= hashPassword(randomBytes(16).toString('hex'));
        await verifyArgon2(await dummyDigest, input.password);
        throw await refuse(operator ? 'no password set' : 'unknown e-mail');
      }
      if (operator.lockedUntil !== null && operator.lockedUntil > now) throw await refuse('locked');
      if (!(await verifyArgon2(operator.passwordDigest, input.password))) throw await refuse('wrong password');
      if (operator.totpSecretEnc) {
        if (!checkTotp(box.open(operator.totpSecretEnc), input.code)) throw await refuse(input.code ? 'wrong code' : 'code missing');
      } else if (deps.isProduction()) {
        throw await refuse('no second factor enrolled (required on production; `gatehouse admin reset`)');
      }
      const token = randomBytes(32).toString('base64url');
      const session: OperatorSession = {
        id: newId('ops'),
        operatorId: operator.id,
        tokenHash: hashToken(token),
        userAgent: input.userAgent.slice(0, 512),
        ip: input.ip,
        createdAt: now,
        lastActiveAt: now,
        expiresAt: now + OPERATOR_SESSION_TTL_MS,
      };
      await store.operatorSessions.deleteExpired(now);
      await store.operatorSessions.insert(session);
      await store.operators.update(operator.id, { failedAttempts: 0, lockedUntil: null, lastSignInAt: now, updatedAt: now });
      await audit.record({
        action: 'operator.sign_in',
        targetType: 'operator_session',
        targetId: session.id,
        actor: { type: 'operator', id: operator.id, label: operator.email, ip: input.ip },
      });
      return { token, session, operator: view(operator), csrfToken: csrfTokenFor(token) };
    },

    /** The operator behind a session cookie, or undefined (expired, revoked, unknown, operator removed). */
    async authenticate(token: string): Promise<{ operator: OperatorView; session: OperatorSession; csrfToken: string } | undefined> {
      if (!token || token.length > 128) return undefined;
      const session = await store.operatorSessions.findByTokenHash(hashToken(token));
      const now = clock();
      if (!session || session.expiresAt <= now) return undefined;
      const operator = await store.operators.findById(session.operatorId);
      if (!operator) return undefined;
      if (now - session.lastActiveAt > 60_000) await store.operatorSessions.touch(session.id, now);
      return { operator: view(operator), session, csrfToken: csrfTokenFor(token) };
    },

    async listSessions(): Promise<(OperatorSession & { email: string })[]> {
      const [sessions, operators] = await Promise.all([store.operatorSessions.list(), store.operators.list()]);
      const emails = new Map(operators.map((o) => [o.id, o.email]));
      const now = clock();
      return sessions.filter((s) => s.expiresAt > now).map((s) => ({ ...s, email: emails.get(s.operatorId) ?? '' }));
    },

    async revokeSession(id: string, caller: Caller): Promise<void> {
      if (!(await store.operatorSessions.delete(id))) throw errors.notFound('operator session');
      await audit.record({ action: 'operator_session.revoke', targetType: 'operator_session', targetId: id, actor: caller.actor });
    },

    async signOut(sessionId: string, caller: Caller): Promise<void> {
      await store.operatorSessions.delete(sessionId);
      await audit.record({ action: 'operator.sign_out', targetType: 'operator_session', targetId: sessionId, actor: caller.actor });
    },
  };
}

export type OperatorService = ReturnType<typeof createOperatorService>;
