import { createHmac, timingSafeEqual } from 'node:crypto';
import { compactVerify, createLocalJWKSet, jwtVerify } from 'jose';
import { signRs256 } from '../crypto/jwt.js';
import { errors } from '../errors.js';
import type { EmailAddress, Session, User } from '../model/index.js';
import type { Store } from '../store/index.js';
import { buildClaimsContext } from './claims-context.js';
import { byteLength, renderClaims } from './claims-template.js';
import type { Clock } from './clock.js';
import type { ImageLinks } from './images/links.js';
import type { InstanceService } from './instance.js';
import type { JwtTemplateService } from './jwt-templates.js';
import type { Keyring } from './keyring.js';
import { roleCatalog } from './organization-settings.js';
import { type ActiveOrganization, loadActiveOrganization, organizationTokenClaims } from './organizations.js';
import { SESSION_CLAIMS_LIMIT_BYTES } from './session-token-settings.js';
import { effectiveSession, isSignedInStatus } from './sessions.js';
import type { UserRecord } from './users.js';

/** Clerk's category for session tokens; `@clerk/backend` accepts it and refuses template categories. */
const SESSION_TOKEN_CATEGORY = 'cl_B7d4PD111AAA';

/**
 * What a token is minted for: a session with its user, as the caller has just read them (the Frontend
 * API's refresh reads both in one query). E-mail addresses are read only when the claims need them,
 * unless the caller already has them.
 */
export interface TokenSubject {
  session: Session;
  user: User;
  emailAddresses?: EmailAddress[];
}

export interface MintOptions {
  /** The origin the token is for (`azp`); FAPI passes the page's origin. */
  authorizedParty?: string;
  expiresInSeconds?: number;
}

export interface TokenServiceDeps {
  store: Store;
  clock: Clock;
  keyring: Keyring;
  instance: InstanceService;
  jwtTemplates: JwtTemplateService;
  issuer: string;
  /** Image URLs for the `{{user.image_url}}` and `{{org.image_url}}` shortcodes. */
  imageLinks: ImageLinks;
}

/**
 * Mints session tokens (RS256, v2 claims, custom claims merged) and JWT-template tokens for a live
 * session. Every refresh re-reads the session, so a revoked session stops getting tokens at once.
 */
export function createTokenService(deps: TokenServiceDeps) {
  const { store, clock, keyring, instance, issuer } = deps;

  /** The session and user behind `sessionId`, for callers that have only the id (BAPI, the handshake). */
  async function subject(sessionId: string): Promise<TokenSubject> {
    const session = await store.sessions.findById(sessionId);
    if (!session) throw errors.notFound('session');
    const user = await store.users.findById(session.userId);
    if (!user) throw errors.sessionNotActive(session.id, 'removed');
    return { session, user };
  }

  /** The subject if its session may still have tokens, with the active organization; e-mails only when claims need them. */
  async function liveSession(
    given: TokenSubject,
    withEmails = true,
    allowPending = false,
  ): Promise<{ session: Session; record: UserRecord; organization: ActiveOrganization | undefined }> {
    const session = effectiveSession(given.session, clock());
    // A pending session gets session tokens too, marked `sts: pending`: `@clerk/backend` treats them
    // as signed out unless the app asks otherwise (`treatPendingAsSignedOut: false`), as Clerk's.
    // JWT-template tokens carry no status a third party would check, so they wait for `active`.
    const usable = allowPending ? isSignedInStatus(session.status) : session.status === 'active';
    if (!usable) throw errors.sessionNotActive(session.id, session.status);
    const { user } = given;
    if (user.banned) throw errors.userBanned();
    // The active organization counts only while the user is still a member of it.
    const organization = session.lastActiveOrganizationId
      ? await loadActiveOrganization(
          store,
          roleCatalog((await instance.settings()).organizations),
          session.lastActiveOrganizationId,
          user.id,
        )
      : undefined;
    const emailAddresses = withEmails ? (given.emailAddresses ?? (await store.emailAddresses.listByUser(user.id))) : [];
    return { session, record: { user, emailAddresses }, organization };
  }

  function renderCustomClaims(
    template: Record<string, unknown>,
    record: UserRecord,
    session?: Session,
    organization?: ActiveOrganization,
  ): Record<string, unknown> {
    if (Object.keys(template).length === 0) return {};
    const claims = renderClaims(template, buildClaimsContext(record, deps.imageLinks, session, organization));
    const size = byteLength(claims);
    if (size > SESSION_CLAIMS_LIMIT_BYTES) throw errors.sessionClaimsTooLarge(size, SESSION_CLAIMS_LIMIT_BYTES);
    return claims;
  }

  async function customClaims(record: UserRecord, session?: Session, organization?: ActiveOrganization): Promise<Record<string, unknown>> {
    const { sessionToken } = await instance.settings();
    return renderCustomClaims(sessionToken.claims, record, session, organization);
  }

  async function mintSessionToken(given: TokenSubject, options: MintOptions = {}): Promise<string> {
    const { sessionToken } = await instance.settings();
    // The refresh hot path: without custom claims nothing reads the e-mail addresses.
    const { session, record, organization } = await liveSession(given, Object.keys(sessionToken.claims).length > 0, true);
    const iat = Math.floor(clock() / 1000);
    const lifetime = options.expiresInSeconds ?? sessionToken.lifetimeSeconds;
    const signedInMinutesAgo = Math.max(0, Math.floor((clock() - session.createdAt) / 60_000));
    const payload: Record<string, unknown> = {
      ...renderCustomClaims(sessionToken.claims, record, session, organization),
      ...(options.authorizedParty ? { azp: options.authorizedParty } : {}),
      ...(organization ? organizationTokenClaims(organization) : {}),
      // Impersonation: who acts as the user (Clerk's `act` claim).
      ...(session.actor ? { act: session.actor } : {}),
      exp: iat + lifetime,
      fva: [signedInMinutesAgo, -1],
      iat,
      iss: issuer,
      nbf: iat - 10,
      sid: session.id,
      sts: session.status,
      sub: session.userId,
      v: 2,
    };
    const key = await keyring.signingKey();
    return signRs256({ alg: 'RS256', kid: key.kid, typ: 'JWT', cat: SESSION_TOKEN_CATEGORY }, payload, key.privateKey);
  }

  async function mintTemplateToken(given: TokenSubject, templateName: string, options: MintOptions = {}): Promise<string> {
    const { session, record, organization } = await liveSession(given);
    return deps.jwtTemplates.mint(templateName, record, session, { issuer, links: deps.imageLinks, ...options, organization });
  }

  /**
   * A session's refresh token (`__refresh_<suffix>`, which `@clerk/backend` sends back with an expired
   * session token): an HMAC of the session id under the instance's HMAC key, so nothing is stored and
   * it is worth nothing once the session ends.
   */
  function refreshTokenFor(sessionId: string): string {
    return `rt_${createHmac('sha256', instance.get().hmacKey).update(`session refresh token:${sessionId}`).digest('base64url')}`;
  }

  /** The claims of a session token we signed for `sessionId`, expired or not (the signature and issuer still count). */
  async function expiredTokenClaims(sessionId: string, token: string): Promise<Record<string, unknown>> {
    const keys = createLocalJWKSet(await keyring.jwks());
    let claims: Record<string, unknown>;
    try {
      const { payload, protectedHeader } = await compactVerify(token, keys, { algorithms: ['RS256'] });
      if (protectedHeader.cat !== undefined && protectedHeader.cat !== SESSION_TOKEN_CATEGORY) throw new Error('not a session token');
      claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
    } catch {
      throw errors.paramValueInvalid('expired_token', 'is not a session token of this instance');
    }
    if (claims.iss !== issuer) throw errors.paramValueInvalid('expired_token', 'is not a session token of this instance');
    if (claims.sid !== sessionId) throw errors.paramValueInvalid('expired_token', 'belongs to another session');
    return claims;
  }

  return {
    liveSession,
    refreshTokenFor,

    /**
     * BAPI's `POST /v1/sessions/{id}/refresh`, which `authenticateRequest` calls on a GET whose session
     * token has expired while the browser holds `__refresh_<suffix>`: a fresh session token, when the
     * refresh token is the session's, the expired token is one we signed for it (any age), and the
     * session is still active. The new token keeps the old one's `azp`, else takes `requestOrigin`.
     */
    async refreshSessionToken(
      sessionId: string,
      input: { expiredToken: string; refreshToken: string; requestOrigin: string },
    ): Promise<string> {
      const given = await subject(sessionId);
      const expected = Buffer.from(refreshTokenFor(sessionId));
      const presented = Buffer.from(input.refreshToken);
      const matches = presented.length === expected.length && timingSafeEqual(presented, expected);
      if (!matches) throw errors.paramValueInvalid('refresh_token', 'is not the refresh token of this session');
      const claims = await expiredTokenClaims(sessionId, input.expiredToken);
      const azp = typeof claims.azp === 'string' ? claims.azp : input.requestOrigin;
      return mintSessionToken(given, { authorizedParty: azp });
    },

    /**
     * The dashboard's live preview: `template` rendered for a user (no session, no organization), with
     * its size in bytes. Throws as a save would when the template is invalid or renders too large.
     */
    previewClaims(template: Record<string, unknown>, record: UserRecord): { claims: Record<string, unknown>; bytes: number } {
      const claims = renderClaims(template, buildClaimsContext(record, deps.imageLinks));
      return { claims, bytes: byteLength(claims) };
    },

    /** Throws when this user's rendered session claims would not fit in a session token. */
    async assertClaimsFit(record: UserRecord): Promise<void> {
      await customClaims(record);
    },

    /**
     * Loads the session-token template now and returns a check that does no I/O, for use inside a
     * transaction: on SQLite a settings read there would wait for the transaction's own connection.
     */
    async claimsFitCheck(): Promise<(record: UserRecord) => void> {
      const { sessionToken } = await instance.settings();
      return (record) => {
        renderCustomClaims(sessionToken.claims, record);
      };
    },

    mintSessionToken,
    mintTemplateToken,

    /** A session token for the session `sessionId` (BAPI, the handshake), reading the session and user first. */
    async mintSessionTokenFor(sessionId: string, options: MintOptions = {}): Promise<string> {
      return mintSessionToken(await subject(sessionId), options);
    },

    async mintTemplateTokenFor(sessionId: string, templateName: string, options: MintOptions = {}): Promise<string> {
      return mintTemplateToken(await subject(sessionId), templateName, options);
    },

    /**
     * BAPI's `POST /v1/sessions/{id}/verify` (deprecated by Clerk, still in the SDK): the session,
     * when `token` is a session token we signed, unexpired, for that very session, and the session
     * is still active.
     */
    async verifySessionToken(sessionId: string, token: string): Promise<Session> {
      const { session } = await subject(sessionId);
      const keys = createLocalJWKSet(await keyring.jwks());
      let sid: unknown;
      try {
        const { payload } = await jwtVerify(token, keys, { issuer, algorithms: ['RS256'], currentDate: new Date(clock()) });
        sid = payload.sid;
      } catch {
        throw errors.paramValueInvalid('token', 'is not a valid, unexpired session token of this instance');
      }
      if (sid !== session.id) throw errors.paramValueInvalid('token', 'belongs to another session');
      const current = effectiveSession(session, clock());
      if (current.status !== 'active') throw errors.sessionNotActive(current.id, current.status);
      return current;
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
