/** The `oauth` configuration: environment variables over the config file per field, and what is refused. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveProviders } from '../domain/oauth/providers.js';
import { ConfigError, loadConfig } from './load.js';

function withFile(content: object): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'gatehouse-oauth-config-')), 'config.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

describe('oauth configuration', () => {
  it('reads GATEHOUSE_OAUTH_<PROVIDER>_<FIELD>, scopes space-separated, custom_ keys included', () => {
    const config = loadConfig(
      { 'data-dir': mkdtempSync(path.join(tmpdir(), 'gatehouse-oauth-')) },
      {
        GATEHOUSE_OAUTH_GOOGLE_CLIENT_ID: 'g-id',
        GATEHOUSE_OAUTH_GOOGLE_CLIENT_SECRET: 'g-secret',
        GATEHOUSE_OAUTH_GOOGLE_SCOPES: 'openid email  https://www.googleapis.com/auth/calendar.readonly',
        GATEHOUSE_OAUTH_CUSTOM_ACME_CLIENT_ID: 'a-id',
        GATEHOUSE_OAUTH_CUSTOM_ACME_CLIENT_SECRET: 'a-secret',
        GATEHOUSE_OAUTH_CUSTOM_ACME_ISSUER: 'https://sso.acme.example',
        GATEHOUSE_OAUTH_CUSTOM_ACME_NAME: 'Acme SSO',
      },
    );
    expect(config.oauth.google).toEqual({
      clientId: 'g-id',
      clientSecret: 'g-secret',
      scopes: ['openid', 'email', 'https://www.googleapis.com/auth/calendar.readonly'],
    });
    const providers = resolveProviders(config.oauth);
    expect(providers.map((p) => [p.key, p.strategy, p.name, p.issuer])).toEqual([
      ['google', 'oauth_google', 'Google', 'https://accounts.google.com'],
      ['custom_acme', 'oauth_custom_acme', 'Acme SSO', 'https://sso.acme.example'],
    ]);
  });

  it('defaults every endpoint to the real provider and lets each be overridden; the environment wins per field', () => {
    const file = withFile({
      oauth: {
        github: { clientId: 'from-file', clientSecret: 'file-secret', tokenUrl: 'http://127.0.0.1:9/token' },
        microsoft: { clientId: 'm', clientSecret: 's' },
      },
    });
    const config = loadConfig({ 'data-dir': path.dirname(file), config: file }, { GATEHOUSE_OAUTH_GITHUB_CLIENT_ID: 'from-env' });
    const [github, microsoft] = resolveProviders(config.oauth);
    expect(github).toMatchObject({
      clientId: 'from-env',
      clientSecret: 'file-secret',
      kind: 'github',
      authorizationUrl: 'https://github.com/login/oauth/authorize',
      tokenUrl: 'http://127.0.0.1:9/token',
      userInfoUrl: 'https://api.github.com/user',
      emailsUrl: 'https://api.github.com/user/emails',
      scopes: ['read:user', 'user:email'],
    });
    expect(microsoft).toMatchObject({ kind: 'oidc', issuer: expect.stringMatching(/^https:\/\/login\.microsoftonline\.com\//) });
  });

  it('refuses an unknown provider key, a provider without its secret, and a custom_ provider without an issuer', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-oauth-'));
    expect(() =>
      loadConfig({ 'data-dir': dir, config: withFile({ oauth: { facebook: { clientId: 'x', clientSecret: 'y' } } }) }, {}),
    ).toThrow(ConfigError);
    expect(() => loadConfig({ 'data-dir': dir }, { GATEHOUSE_OAUTH_GOOGLE_CLIENT_ID: 'only-the-id' })).toThrow(/clientSecret/);
    expect(() =>
      loadConfig({ 'data-dir': dir }, { GATEHOUSE_OAUTH_CUSTOM_X_CLIENT_ID: 'a', GATEHOUSE_OAUTH_CUSTOM_X_CLIENT_SECRET: 'b' }),
    ).toThrow(/GATEHOUSE_OAUTH_CUSTOM_X_ISSUER/);
  });
});
