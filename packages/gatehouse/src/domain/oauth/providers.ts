import * as oidc from 'openid-client';
import { isProviderKey, type OAuthProviderConfig, type ProviderKey } from './provider-config.js';

/** How a provider says who the user is: an ID token (OpenID Connect), or GitHub's `/user` and `/user/emails`. */
export type ProviderKind = 'oidc' | 'github';

/** A configured social connection, with every endpoint resolved to the real provider's unless overridden. */
export interface OAuthProvider {
  /** `google`, `github`, `microsoft`, `custom_<key>` (the `provider` of an external account). */
  key: ProviderKey;
  /** `oauth_<key>`: the strategy clerk-js sends. */
  strategy: `oauth_${ProviderKey}`;
  name: string;
  kind: ProviderKind;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  issuer: string | undefined;
  authorizationUrl: string | undefined;
  tokenUrl: string | undefined;
  userInfoUrl: string | undefined;
  emailsUrl: string | undefined;
  authorizationParams: Record<string, string>;
}

interface Defaults {
  name: string;
  kind: ProviderKind;
  scopes: string[];
  issuer?: string;
  authorizationUrl?: string;
  tokenUrl?: string;
  userInfoUrl?: string;
  emailsUrl?: string;
  authorizationParams?: Record<string, string>;
}

/** The real providers' endpoints. Microsoft's default is the personal-accounts tenant; set `issuer` for a work tenant. */
const DEFAULTS: Record<string, Defaults> = {
  google: {
    name: 'Google',
    kind: 'oidc',
    scopes: ['openid', 'email', 'profile'],
    issuer: 'https://accounts.google.com',
    // A refresh token is only issued with offline access (and again only on consent).
    authorizationParams: { access_type: 'offline', prompt: 'consent' },
  },
  microsoft: {
    name: 'Microsoft',
    kind: 'oidc',
    scopes: ['openid', 'email', 'profile', 'offline_access'],
    issuer: 'https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0',
  },
  github: {
    name: 'GitHub',
    kind: 'github',
    scopes: ['read:user', 'user:email'],
    authorizationUrl: 'https://github.com/login/oauth/authorize',
    tokenUrl: 'https://github.com/login/oauth/access_token',
    userInfoUrl: 'https://api.github.com/user',
    emailsUrl: 'https://api.github.com/user/emails',
  },
};

/** Resolves the `oauth` configuration into providers; a `custom_` provider needs its issuer. */
export function resolveProviders(config: Record<string, OAuthProviderConfig>): OAuthProvider[] {
  const out: OAuthProvider[] = [];
  for (const [key, given] of Object.entries(config)) {
    if (given.enabled === false) continue;
    // The config schema admits only these keys; the guard gives the key its type.
    if (!isProviderKey(key)) throw new Error(`oauth.${key}: not a provider key (google, github, microsoft or custom_<key>).`);
    const defaults: Defaults = DEFAULTS[key] ?? { name: key.slice('custom_'.length), kind: 'oidc', scopes: ['openid', 'email', 'profile'] };
    const issuer = given.issuer ?? defaults.issuer;
    if (defaults.kind === 'oidc' && !issuer)
      throw new Error(`oauth.${key}: an OpenID provider needs its issuer (GATEHOUSE_OAUTH_${key.toUpperCase()}_ISSUER).`);
    out.push({
      key,
      strategy: `oauth_${key}`,
      name: given.name ?? defaults.name,
      kind: defaults.kind,
      clientId: given.clientId,
      clientSecret: given.clientSecret,
      scopes: given.scopes ?? defaults.scopes,
      issuer,
      authorizationUrl: given.authorizationUrl ?? defaults.authorizationUrl,
      tokenUrl: given.tokenUrl ?? defaults.tokenUrl,
      userInfoUrl: given.userInfoUrl ?? defaults.userInfoUrl,
      emailsUrl: given.emailsUrl ?? defaults.emailsUrl,
      authorizationParams: { ...defaults.authorizationParams, ...given.authorizationParams },
    });
  }
  return out;
}

/** Plain http is accepted for loopback providers only (tests, a provider on the same machine). */
function isLoopback(url: string): boolean {
  const { hostname } = new URL(url);
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}

function insecureAllowed(provider: OAuthProvider): boolean {
  const urls = [provider.issuer, provider.authorizationUrl, provider.tokenUrl, provider.userInfoUrl].filter((u): u is string => Boolean(u));
  return urls.some((u) => u.startsWith('http:')) && urls.every((u) => u.startsWith('https:') || isLoopback(u));
}

/** Microsoft's multi-tenant issuers (`…/common/v2.0`, `…/organizations/v2.0`) name this in their discovery document. */
const TENANT_PLACEHOLDER = '{tenantid}';
/** The host whose `{tenantid}` issuers openid-client resolves per ID token (its Entra ID support). */
const ENTRA_ORIGIN = 'https://login.microsoftonline.com';

/**
 * Discovers an OpenID provider with openid-client. Overridden endpoints are written into the discovery
 * document as it arrives, so the configuration keeps everything openid-client learnt from discovery.
 *
 * A multi-tenant issuer (Microsoft's `common`) publishes the issuer `…/{tenantid}/v2.0`: no ID token
 * carries it, each names its user's tenant (`tid`) instead. openid-client then expects, per token,
 * the issuer with that token's `tid` put in, and refuses any other, but does so only for
 * login.microsoftonline.com. For the same template on another host (a national cloud, a stand-in on
 * 127.0.0.1) the discovery is asked for under that origin and fetched from the configured host, so the
 * same check applies; only a template on the configured issuer's own origin is accepted.
 */
async function discover(provider: OAuthProvider, insecure: boolean): Promise<oidc.Configuration> {
  const issuer = new URL(provider.issuer as string);
  const patch = (metadata: Record<string, unknown>) => ({
    ...metadata,
    ...(provider.authorizationUrl ? { authorization_endpoint: provider.authorizationUrl } : {}),
    ...(provider.tokenUrl ? { token_endpoint: provider.tokenUrl } : {}),
    ...(provider.userInfoUrl ? { userinfo_endpoint: provider.userInfoUrl } : {}),
  });
  const run = (server: URL, from: string | undefined) => {
    const fetchVia: oidc.CustomFetch = async (url, init) => {
      const discovery = url.includes('/.well-known/openid-configuration');
      const target = discovery && from ? from + url.slice(server.origin.length) : url;
      const res = await fetch(target, init as RequestInit);
      if (!discovery || !res.ok) return res;
      const headers = new Headers(res.headers);
      headers.delete('content-length');
      headers.delete('content-encoding');
      return new Response(JSON.stringify(patch((await res.json()) as Record<string, unknown>)), { status: res.status, headers });
    };
    return oidc.discovery(server, provider.clientId, provider.clientSecret, undefined, {
      [oidc.customFetch]: fetchVia,
      ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
    });
  };
  try {
    return await run(issuer, undefined);
  } catch (error) {
    const discovered = (error as { cause?: { body?: { issuer?: unknown } } }).cause?.body?.issuer;
    if (
      !(error instanceof oidc.ClientError) ||
      typeof discovered !== 'string' ||
      !discovered.includes(TENANT_PLACEHOLDER) ||
      new URL(discovered.replace(TENANT_PLACEHOLDER, 'x')).origin !== issuer.origin ||
      issuer.origin === ENTRA_ORIGIN
    )
      throw error;
    return run(new URL(issuer.pathname + issuer.search, ENTRA_ORIGIN), issuer.origin);
  }
}

/**
 * openid-client configurations per provider, discovered once (OpenID providers) and kept; a failed
 * discovery is retried on the next use.
 */
export function createProviderClients(providers: OAuthProvider[], stored: () => OAuthProvider[] = () => []) {
  const byKey = new Map<string, OAuthProvider>(providers.map((p) => [p.key, p]));
  /** The dashboard's providers, except those the config file names (the file wins). */
  const fromDashboard = () => stored().filter((p) => !byKey.has(p.key));
  /** A provider's cached configuration is its credentials' too: new ones from the dashboard discover anew. */
  const cacheKey = (p: OAuthProvider) => JSON.stringify([p.key, p.clientId, p.clientSecret, p.scopes]);
  const configs = new Map<string, Promise<oidc.Configuration>>();

  async function build(provider: OAuthProvider): Promise<oidc.Configuration> {
    const insecure = insecureAllowed(provider);
    let config: oidc.Configuration;
    if (provider.kind === 'oidc' && provider.issuer) {
      config = await discover(provider, insecure);
      // The ID token's signature is checked against the provider's JWKS too (openid-client checks the
      // claims always, the signature only when asked: TLS alone would vouch for the issuer).
      oidc.enableNonRepudiationChecks(config);
    } else {
      config = new oidc.Configuration(
        {
          issuer: new URL(provider.authorizationUrl ?? 'https://invalid.example').origin,
          authorization_endpoint: provider.authorizationUrl,
          token_endpoint: provider.tokenUrl,
          userinfo_endpoint: provider.userInfoUrl,
        },
        provider.clientId,
        provider.clientSecret,
      );
      if (insecure) oidc.allowInsecureRequests(config);
    }
    return config;
  }

  return {
    list: () => [...providers, ...fromDashboard()],
    find: (key: string) => byKey.get(key) ?? fromDashboard().find((p) => p.key === key),
    async config(provider: OAuthProvider): Promise<oidc.Configuration> {
      const key = cacheKey(provider);
      let pending = configs.get(key);
      if (!pending) {
        pending = build(provider);
        configs.set(key, pending);
        pending.catch(() => configs.delete(key));
      }
      return pending;
    },
  };
}

export type ProviderClients = ReturnType<typeof createProviderClients>;
