// A development-only OpenID provider that stands in for Google, so the example runs offline: the
// sign-in flow, ID tokens, refresh tokens and one Google-style API (`GET /calendar/v3/calendars/primary/events`)
// that accepts the access tokens it issued. Its login page accepts any name (oidc-provider's
// development interactions). Against real Google you do not run this: see README.md.
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

export const DEV_PROVIDER = {
  port: Number(process.env.DEV_PROVIDER_PORT ?? 4010),
  clientId: 'google-token-example',
  clientSecret: 'dev-only-secret-not-for-production-use',
};

export async function startDevProvider({ callbackUrl, port = DEV_PROVIDER.port, log = console.log } = {}) {
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: DEV_PROVIDER.clientId,
        client_secret: DEV_PROVIDER.clientSecret,
        redirect_uris: [callbackUrl],
        grant_types: ['authorization_code', 'refresh_token'],
      },
    ],
    claims: { email: ['email', 'email_verified'], profile: ['name', 'given_name', 'family_name'] },
    scopes: ['openid', 'email', 'profile', 'offline_access', 'calendar.readonly'],
    // Any login name works; it becomes the user's e-mail local part.
    findAccount: async (_ctx, sub) => ({
      accountId: sub,
      claims: async () => ({ sub, email: `${sub}@example.com`, email_verified: true, given_name: sub, name: sub }),
    }),
    issueRefreshToken: async () => true,
    ttl: { AccessToken: 3600, IdToken: 3600, RefreshToken: 14 * 24 * 3600, Grant: 14 * 24 * 3600, Session: 3600, Interaction: 600 },
    pkce: { required: () => true },
  });
  const callback = provider.callback();
  const server = createServer(async (req, res) => {
    if (req.url?.startsWith('/calendar/v3/calendars/primary/events')) {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      const found = token ? await provider.AccessToken.find(token) : undefined;
      res.setHeader('content-type', 'application/json');
      if (!found || found.isExpired) {
        res.statusCode = 401;
        return res.end(JSON.stringify({ error: { code: 401, message: 'Request had invalid authentication credentials.' } }));
      }
      return res.end(
        JSON.stringify({
          kind: 'calendar#events',
          summary: `${found.accountId}@example.com`,
          items: [
            { kind: 'calendar#event', summary: 'Standup', start: { dateTime: '2026-01-05T09:30:00Z' } },
            { kind: 'calendar#event', summary: 'Design review', start: { dateTime: '2026-01-05T14:00:00Z' } },
          ],
        }),
      );
    }
    callback(req, res);
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  log(`dev OpenID provider (playing Google) on ${issuer}; its callback: ${callbackUrl}`);
  return { issuer, close: () => new Promise((resolve) => server.close(resolve)) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const gatehouse = process.env.CLERK_PROXY_URL ?? 'http://127.0.0.1:4000';
  await startDevProvider({ callbackUrl: `${gatehouse}/v1/oauth_callback` });
}
