import * as z from 'zod';
import type { ProviderKey } from '../../model/index.js';

export type { ProviderKey };

/** A provider's key: one of the built-in ones, or `custom_<key>` for any OpenID Connect provider. */
export const PROVIDER_KEY = /^(google|github|microsoft|custom_[a-z0-9_]{1,40})$/;

export function isProviderKey(key: string): key is ProviderKey {
  return PROVIDER_KEY.test(key);
}

/**
 * One social connection as the config file (key `oauth`) or the environment gives it. Every endpoint
 * defaults to the real provider's (see providers.ts), so only the client credentials are needed.
 */
export const oauthProviderConfigSchema = z
  .object({
    /** The name the sign-in buttons show (default: Google, GitHub, Microsoft, or the key). */
    name: z.string().min(1).max(100).optional(),
    clientId: z.string().min(1).max(500),
    clientSecret: z.string().min(1).max(2000),
    /** Scopes asked for at sign-in; default: the provider's (`openid email profile` for OpenID providers). */
    scopes: z.array(z.string().min(1).max(200)).max(50).optional(),
    /** An OpenID Connect issuer: its discovery document gives the endpoints and the JWKS. */
    issuer: z.string().url().optional(),
    authorizationUrl: z.string().url().optional(),
    tokenUrl: z.string().url().optional(),
    /** Profile endpoint (OpenID userinfo, or GitHub's `/user`). */
    userInfoUrl: z.string().url().optional(),
    /** GitHub only: the e-mail addresses endpoint (`/user/emails`). */
    emailsUrl: z.string().url().optional(),
    /** Extra query parameters for the authorization request (Google: `access_type=offline`, `prompt=consent`). */
    authorizationParams: z.record(z.string(), z.string()).optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

export type OAuthProviderConfig = z.infer<typeof oauthProviderConfigSchema>;

/** The `oauth` section: provider key → its configuration. */
export const oauthConfigSchema = z.record(
  z.string().regex(PROVIDER_KEY, 'google, github, microsoft or custom_<key>'),
  oauthProviderConfigSchema,
);

const ENV_FIELDS = {
  CLIENT_ID: 'clientId',
  CLIENT_SECRET: 'clientSecret',
  SCOPES: 'scopes',
  ISSUER: 'issuer',
  AUTHORIZATION_URL: 'authorizationUrl',
  TOKEN_URL: 'tokenUrl',
  USERINFO_URL: 'userInfoUrl',
  EMAILS_URL: 'emailsUrl',
  NAME: 'name',
} as const;

/**
 * `GATEHOUSE_OAUTH_<PROVIDER>_<FIELD>` variables as a partial `oauth` section: `GATEHOUSE_OAUTH_GOOGLE_CLIENT_ID`,
 * `GATEHOUSE_OAUTH_CUSTOM_ACME_ISSUER`, `…_SCOPES` space-separated.
 */
export function oauthFromEnv(env: NodeJS.ProcessEnv): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  const suffixes = Object.keys(ENV_FIELDS).sort((a, b) => b.length - a.length);
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('GATEHOUSE_OAUTH_') || value === undefined || value === '') continue;
    const rest = name.slice('GATEHOUSE_OAUTH_'.length);
    const suffix = suffixes.find((s) => rest.endsWith(`_${s}`));
    if (!suffix) continue;
    const provider = rest.slice(0, -suffix.length - 1).toLowerCase();
    const field = ENV_FIELDS[suffix as keyof typeof ENV_FIELDS];
    out[provider] ??= {};
    out[provider][field] = field === 'scopes' ? value.split(/\s+/).filter(Boolean) : value;
  }
  return out;
}
