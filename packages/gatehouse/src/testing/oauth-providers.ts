import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** The person a test provider signs in, as its claims say. */
export interface ProviderUser {
  sub: string;
  email: string;
  emailVerified: boolean;
  givenName?: string;
  familyName?: string;
  login?: string;
}

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who signs in at the next authorization (no login form: the interaction completes at once). */
  user: ProviderUser;
  /** `deny`: the next authorization answers `access_denied`. */
  mode: 'allow' | 'deny';
  /** Access-token lifetime in seconds for tokens issued from now on. */
  accessTokenTtl: number;
  /** Refresh-token grants served so far. */
  refreshes: number;
  /** Calls of the protected resource that presented a valid access token. */
  resourceCalls: number;
  /** Multi-tenant only: the `tid` the ID tokens claim (default: the tenant's own). */
  tidClaim?: string;
  /** Multi-tenant only: the issuer to configure, `<origin>/common/v2.0`. */
  commonIssuer?: string;
  /** Served at `/jwks` instead of the signing keys, when set: the ID tokens then fail their signature check. */
  jwksOverride: object | undefined;
  /** Withdraws every grant (the user revoked the app at the provider): refresh tokens stop working. */
  revokeAll(): Promise<void>;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * A real OpenID provider (`oidc-provider`) on 127.0.0.1 that plays Google in tests: discovery, JWKS,
 * signed ID tokens, PKCE, refresh tokens, and a protected resource (`GET /api/calendar`, what a
 * Google API would be) that accepts its access tokens while they are valid.
 */
export async function startOidcProvider(options: {
  redirectUri: string;
  clientId?: string;
  clientSecret?: string;
  /**
   * Plays a multi-tenant issuer as Microsoft's: the user's tenant has the issuer
   * `<origin>/<tenant>/v2.0` and puts `tid` in its ID tokens, and `<origin>/common/v2.0` is discovered
   * with the issuer `<origin>/{tenantid}/v2.0` and the tenant's endpoints.
   */
  tenant?: string;
}): Promise<TestOidcProvider> {
  const server = createServer();
  const origin = await listen(server);
  const mount = options.tenant ? `/${options.tenant}/v2.0` : '';
  const issuer = `${origin}${mount}`;
  const grants = new Set<string>();
  const state: TestOidcProvider = {
    issuer,
    clientId: options.clientId ?? `client-${randomBytes(4).toString('hex')}`,
    clientSecret: options.clientSecret ?? randomBytes(24).toString('base64url'),
    user: { sub: 'user-1', email: 'someone@example.com', emailVerified: true },
    mode: 'allow',
    accessTokenTtl: 3600,
    refreshes: 0,
    resourceCalls: 0,
    jwksOverride: undefined,
    ...(options.tenant ? { commonIssuer: `${origin}/common/v2.0` } : {}),
    async revokeAll() {
      for (const id of grants) await (await provider.Grant.find(id))?.destroy();
      grants.clear();
    },
    close: () => closeServer(server),
  };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: state.clientId,
        client_secret: state.clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    claims: {
      openid: options.tenant ? ['sub', 'tid'] : ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    },
    scopes: ['openid', 'email', 'profile', 'offline_access', 'calendar.read'],
    findAccount: async (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => ({
        sub,
        ...(options.tenant ? { tid: state.tidClaim ?? options.tenant } : {}),
        email: state.user.email,
        email_verified: state.user.emailVerified,
        given_name: state.user.givenName,
        family_name: state.user.familyName,
        name: [state.user.givenName, state.user.familyName].filter(Boolean).join(' '),
      }),
    }),
    issueRefreshToken: async () => true,
    rotateRefreshToken: false,
    ttl: { AccessToken: () => state.accessTokenTtl, RefreshToken: 14 * 24 * 3600, Grant: 14 * 24 * 3600, Session: 3600, Interaction: 600 },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
  });
  provider.on('grant.success', (ctx: { oidc: { params?: Record<string, unknown> } }) => {
    if (ctx.oidc.params?.grant_type === 'refresh_token') state.refreshes += 1;
  });
  provider.on('access_token.saved', (token: { grantId?: string }) => {
    if (token.grantId) grants.add(token.grantId);
  });
  const callback = provider.callback();
  server.on('request', async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', origin);
      if (options.tenant && url.pathname === '/common/v2.0/.well-known/openid-configuration') {
        const tenantDoc = await fetch(`${issuer}/.well-known/openid-configuration`);
        const doc = (await tenantDoc.json()) as Record<string, unknown>;
        // As Microsoft's: the template as the issuer, and no `iss` in authorization responses (RFC 9207).
        const { authorization_response_iss_parameter_supported: _, ...rest } = doc;
        return json(res, 200, { ...rest, issuer: `${origin}/{tenantid}/v2.0` });
      }
      if (url.pathname.startsWith('/interaction/')) {
        const details = await provider.interactionDetails(req, res);
        if (state.mode === 'deny') {
          await provider.interactionFinished(
            req,
            res,
            { error: 'access_denied', error_description: 'The user said no.' },
            { mergeWithLastSubmission: false },
          );
          return;
        }
        if (details.prompt.name === 'login') {
          await provider.interactionFinished(req, res, { login: { accountId: state.user.sub } }, { mergeWithLastSubmission: false });
          return;
        }
        const grant = details.grantId
          ? await provider.Grant.find(details.grantId)
          : new provider.Grant({ accountId: String(details.session?.accountId), clientId: state.clientId });
        if (!grant) throw new Error('grant vanished');
        const promptDetails = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
        if (promptDetails.missingOIDCScope) grant.addOIDCScope(promptDetails.missingOIDCScope.join(' '));
        if (promptDetails.missingOIDCClaims) grant.addOIDCClaims(promptDetails.missingOIDCClaims);
        const grantId = await grant.save();
        grants.add(grantId);
        await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
        return;
      }
      if (url.pathname === '/jwks' && state.jwksOverride) return json(res, 200, state.jwksOverride);
      if (url.pathname === '/api/calendar') {
        const token = bearer(req);
        const found = token ? await provider.AccessToken.find(token) : undefined;
        if (!found || found.isExpired)
          return json(res, 401, { error: { code: 401, message: 'Request had invalid authentication credentials.' } });
        state.resourceCalls += 1;
        return json(res, 200, {
          owner: found.accountId,
          scopes: String(found.scope ?? '').split(' '),
          items: [{ summary: 'Standup', start: '09:30' }],
        });
      }
      if (mount) {
        if (!url.pathname.startsWith(`${mount}/`)) return json(res, 404, { error: 'not_found' });
        // Mounted under the tenant's path, as oidc-provider reads a mount: `originalUrl` keeps it.
        Object.assign(req, { originalUrl: req.url, url: (req.url ?? '/').slice(mount.length) });
        // Microsoft sends no `iss` back with the code: take oidc-provider's off the redirect.
        const setHeader = res.setHeader.bind(res);
        res.setHeader = (name: string, value: number | string | readonly string[]) => {
          if (name.toLowerCase() === 'location' && typeof value === 'string' && value.startsWith(options.redirectUri)) {
            const back = new URL(value);
            back.searchParams.delete('iss');
            return setHeader(name, back.href);
          }
          return setHeader(name, value);
        };
      }
      callback(req, res);
    } catch (error) {
      json(res, 500, { error: String(error) });
    }
  });
  return state;
}

export interface TestGithub {
  url: string;
  clientId: string;
  clientSecret: string;
  user: { id: number; login: string; name: string; emails: { email: string; primary: boolean; verified: boolean }[] };
  close(): Promise<void>;
}

/**
 * A plain OAuth 2.0 provider that plays GitHub: no ID token; who the user is comes from `/user` and
 * `/user/emails`. It checks the client, the code (once), the redirect URI and PKCE (S256) as GitHub does.
 */
export async function startGithubProvider(options: { redirectUri: string }): Promise<TestGithub> {
  const server = createServer();
  const url = await listen(server);
  const codes = new Map<string, { challenge: string; redirectUri: string; scope: string }>();
  const tokens = new Map<string, string>();
  const state: TestGithub = {
    url,
    clientId: `gh-${randomBytes(4).toString('hex')}`,
    clientSecret: randomBytes(20).toString('hex'),
    user: { id: 4242, login: 'octo', name: 'Octo Cat', emails: [{ email: 'octo@example.com', primary: true, verified: true }] },
    close: () => closeServer(server),
  };
  server.on('request', async (req, res) => {
    const at = new URL(req.url ?? '/', url);
    if (at.pathname === '/login/oauth/authorize') {
      const q = at.searchParams;
      if (
        q.get('client_id') !== state.clientId ||
        q.get('redirect_uri') !== options.redirectUri ||
        q.get('code_challenge_method') !== 'S256'
      ) {
        return json(res, 400, { error: 'bad authorization request' });
      }
      const code = randomBytes(10).toString('hex');
      codes.set(code, { challenge: q.get('code_challenge') ?? '', redirectUri: options.redirectUri, scope: q.get('scope') ?? '' });
      const back = new URL(options.redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      res.writeHead(302, { location: back.href }).end();
      return;
    }
    if (at.pathname === '/login/oauth/access_token' && req.method === 'POST') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const form = new URLSearchParams(body);
      const basic = req.headers.authorization?.startsWith('Basic ')
        ? Buffer.from(req.headers.authorization.slice(6), 'base64').toString().split(':').map(decodeURIComponent)
        : [];
      const clientId = form.get('client_id') ?? basic[0];
      const clientSecret = form.get('client_secret') ?? basic[1];
      const issued = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      if (clientId !== state.clientId || clientSecret !== state.clientSecret)
        return json(res, 401, { error: 'incorrect_client_credentials' });
      if (!issued || issued.challenge !== challenge || form.get('redirect_uri') !== issued.redirectUri)
        return json(res, 400, { error: 'bad_verification_code' });
      const token = `gho_${randomBytes(16).toString('hex')}`;
      tokens.set(token, issued.scope);
      return json(res, 200, { access_token: token, token_type: 'bearer', scope: issued.scope.replace(/ /g, ',') });
    }
    const token = bearer(req);
    if (!token || !tokens.has(token)) return json(res, 401, { message: 'Bad credentials' });
    if (at.pathname === '/user')
      return json(res, 200, { id: state.user.id, login: state.user.login, name: state.user.name, avatar_url: '', email: null });
    if (at.pathname === '/user/emails') return json(res, 200, state.user.emails);
    return json(res, 404, { message: 'Not Found' });
  });
  return state;
}

/**
 * Follows a provider's redirects as a browser would (keeping its cookies) until it sends the browser
 * back to `home` (Gatehouse's public URL); answers that URL.
 */
export async function followProvider(start: string, home: string): Promise<string> {
  const origin = new URL(home).origin;
  const jar = new Map<string, string>();
  let url = start;
  for (let hop = 0; hop < 20; hop++) {
    // By origin, not by prefix: a provider on port 40000–40009 has a URL that starts with `…:4000`.
    if (new URL(url).origin === origin) return url;
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const [name = '', ...value] = pair.split('=');
      jar.set(name, value.join('='));
    }
    const location = res.headers.get('location');
    if (!location) throw new Error(`provider stopped at ${url}: ${res.status} ${await res.text()}`);
    url = new URL(location, url).href;
  }
  throw new Error('too many redirects at the provider');
}
