import { createPrivateKey, randomUUID } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';
import { signRs256 } from '../crypto/jwt.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { errors } from '../errors.js';
import { newId } from '../ids.js';
import type { JwtTemplate, JwtTemplateAlgorithm, Session } from '../model/index.js';
import { UniqueViolation } from '../store/errors.js';
import type { Store } from '../store/index.js';
import { buildClaimsContext } from './claims-context.js';
import { findShortcodeProblems, renderClaims } from './claims-template.js';
import type { Clock } from './clock.js';
import type { ImageLinks } from './images/links.js';
import type { Keyring } from './keyring.js';
import type { ActiveOrganization } from './organizations.js';
import type { UserRecord } from './users.js';

export const CUSTOM_SIGNING_ALGORITHMS = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
] as const satisfies readonly JwtTemplateAlgorithm[];

function isCustomSigningAlgorithm(algorithm: string): algorithm is JwtTemplateAlgorithm {
  return (CUSTOM_SIGNING_ALGORITHMS as readonly string[]).includes(algorithm);
}
const RESERVED_TEMPLATE_CLAIMS = new Set(['azp', 'exp', 'iat', 'iss', 'jti', 'nbf', 'sub']);
/**
 * Clerk's category for JWT-template tokens. `@clerk/backend`'s `authenticateRequest` treats any
 * category but the session one as a token-type mismatch, so a long-lived template token (made for
 * Supabase, Hasura, …) never passes as a signed-in session, in a header or in the `__session` cookie.
 */
const TEMPLATE_TOKEN_CATEGORY = 'cl_B7d4PD222AAA';

export interface JwtTemplateInput {
  name?: string;
  claims?: Record<string, unknown>;
  lifetime?: number;
  allowedClockSkew?: number;
  customSigningKey?: boolean;
  signingAlgorithm?: string;
  signingKey?: string;
}

export function validateClaims(claims: Record<string, unknown>): void {
  const reserved = Object.keys(claims).filter((key) => RESERVED_TEMPLATE_CLAIMS.has(key));
  if (reserved.length) throw errors.paramInvalid('claims', `${reserved.join(', ')} cannot be set by a template`);
  const problems = findShortcodeProblems(claims);
  if (problems.length) throw errors.paramInvalid('claims', problems.join('; '));
}

/** True for what `importPKCS8` will take for RS256/384/512: a PKCS#8 PEM holding an RSA private key. */
function isPkcs8RsaPrivateKey(pem: string): boolean {
  if (!pem.includes('-----BEGIN PRIVATE KEY-----')) return false;
  try {
    return createPrivateKey(pem).asymmetricKeyType === 'rsa';
  } catch {
    return false;
  }
}

async function withNameCheck<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof UniqueViolation) throw errors.identifierExists('name');
    throw error;
  }
}

/** JWT templates: named claim sets apps fetch with `getToken({ template })`. */
export function createJwtTemplateService(store: Store, box: SecretBox, keyring: Keyring, clock: Clock) {
  async function load(id: string): Promise<JwtTemplate> {
    const row = await store.jwtTemplates.findById(id);
    if (!row) throw errors.notFound('JWT template');
    return row;
  }

  function signingColumns(input: JwtTemplateInput, current?: JwtTemplate): Partial<JwtTemplate> {
    const custom = input.customSigningKey ?? current?.customSigningKey === true;
    if (!custom) return { customSigningKey: false, signingAlgorithm: 'RS256', signingKeyEnc: null };
    const algorithm = input.signingAlgorithm ?? current?.signingAlgorithm ?? 'RS256';
    if (!isCustomSigningAlgorithm(algorithm)) {
      throw errors.paramValueInvalid('signing_algorithm', `must be one of ${CUSTOM_SIGNING_ALGORITHMS.join(', ')}`);
    }
    const key = input.signingKey;
    if (!key && !current?.signingKeyEnc) throw errors.paramMissing('signing_key');
    // Checked here, with the key that will sign (also when only the algorithm changes), so a bad key
    // is refused now instead of failing every token request later.
    const signingKey = key ?? (current?.signingKeyEnc ? box.open(current.signingKeyEnc) : '');
    if (algorithm.startsWith('RS') && !isPkcs8RsaPrivateKey(signingKey)) {
      throw errors.paramInvalid('signing_key', `${algorithm} needs a PKCS#8 PEM RSA private key`);
    }
    return {
      customSigningKey: true,
      signingAlgorithm: algorithm,
      signingKeyEnc: key ? box.seal(key) : (current?.signingKeyEnc ?? null),
    };
  }

  /** Signs as `template` says: its custom key (or `plainKey`, one not saved yet), else the instance's RS256 key. */
  async function sign(template: Partial<JwtTemplate>, payload: Record<string, unknown>, plainKey?: string): Promise<string> {
    if (!template.customSigningKey || (!template.signingKeyEnc && !plainKey)) {
      const key = await keyring.signingKey();
      return signRs256({ alg: 'RS256', kid: key.kid, typ: 'JWT', cat: TEMPLATE_TOKEN_CATEGORY }, payload, key.privateKey);
    }
    const secret = plainKey ?? box.open(template.signingKeyEnc as string);
    const alg = template.signingAlgorithm ?? 'RS256';
    const key = alg.startsWith('HS') ? new TextEncoder().encode(secret) : await importPKCS8(secret, alg);
    return new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT', cat: TEMPLATE_TOKEN_CATEGORY }).sign(key);
  }

  return {
    get: load,
    async list(limit: number, offset: number) {
      const [data, totalCount] = await Promise.all([store.jwtTemplates.list(limit, offset), store.jwtTemplates.count()]);
      return { data, totalCount };
    },
    async create(input: JwtTemplateInput): Promise<JwtTemplate> {
      if (!input.name) throw errors.paramMissing('name');
      if (!input.claims) throw errors.paramMissing('claims');
      validateClaims(input.claims);
      const now = clock();
      const row: JwtTemplate = {
        id: newId('jtmp'),
        name: input.name,
        claims: input.claims,
        lifetime: input.lifetime ?? 60,
        allowedClockSkew: input.allowedClockSkew ?? 5,
        customSigningKey: false,
        signingAlgorithm: 'RS256',
        signingKeyEnc: null,
        ...signingColumns(input),
        createdAt: now,
        updatedAt: now,
      };
      await withNameCheck(() => store.jwtTemplates.insert(row));
      return row;
    },
    async update(id: string, input: JwtTemplateInput): Promise<JwtTemplate> {
      const current = await load(id);
      if (input.claims) validateClaims(input.claims);
      const changes: Partial<JwtTemplate> = { updatedAt: clock(), ...signingColumns(input, current) };
      if (input.name !== undefined) changes.name = input.name;
      if (input.claims !== undefined) changes.claims = input.claims;
      if (input.lifetime !== undefined) changes.lifetime = input.lifetime;
      if (input.allowedClockSkew !== undefined) changes.allowedClockSkew = input.allowedClockSkew;
      await withNameCheck(() => store.jwtTemplates.update(id, changes));
      return load(id);
    },
    async delete(id: string): Promise<void> {
      if (!(await store.jwtTemplates.delete(id))) throw errors.notFound('JWT template');
    },

    async mint(
      name: string,
      record: UserRecord,
      session: Session,
      options: {
        issuer: string;
        links: ImageLinks;
        authorizedParty?: string;
        expiresInSeconds?: number;
        organization?: ActiveOrganization;
      },
    ): Promise<string> {
      const template = await store.jwtTemplates.findByName(name);
      if (!template) throw errors.notFound(`JWT template "${name}"`);
      const iat = Math.floor(clock() / 1000);
      const payload: Record<string, unknown> = {
        ...renderClaims(template.claims, buildClaimsContext(record, options.links, session, options.organization)),
        ...(options.authorizedParty ? { azp: options.authorizedParty } : {}),
        exp: iat + (options.expiresInSeconds ?? template.lifetime),
        iat,
        iss: options.issuer,
        jti: randomUUID().replace(/-/g, '').slice(0, 20),
        nbf: iat - template.allowedClockSkew,
        sub: record.user.id,
      };
      return sign(template, payload);
    },

    /**
     * The dashboard's preview: `claims` rendered for the user and signed as the template signs (its
     * custom key, a key typed but not saved yet, or the instance's key), expired when made so that
     * no service accepts it. The key itself never leaves: only the token and its header do.
     */
    async previewToken(
      input: JwtTemplateInput & { claims: Record<string, unknown>; templateId?: string },
      record: UserRecord,
      options: { issuer: string; links: ImageLinks },
    ): Promise<{ token: string; header: Record<string, unknown>; payload: Record<string, unknown> }> {
      validateClaims(input.claims);
      const current = input.templateId ? await load(input.templateId) : undefined;
      const signing = signingColumns(input, current);
      const iat = Math.floor(clock() / 1000);
      const payload: Record<string, unknown> = {
        ...renderClaims(input.claims, buildClaimsContext(record, options.links)),
        exp: iat,
        iat,
        iss: options.issuer,
        jti: randomUUID().replace(/-/g, '').slice(0, 20),
        nbf: iat,
        sub: record.user.id,
      };
      const token = await sign(signing, payload, input.signingKey);
      const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
      return { token, header, payload };
    },
  };
}

export type JwtTemplateService = ReturnType<typeof createJwtTemplateService>;
