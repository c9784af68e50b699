import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import type { z } from 'zod';
import { type OAuthProviderConfig, oauthConfigSchema, oauthFromEnv } from '../domain/oauth/provider-config.js';
import { type FromAddress, parseFromAddress } from '../mail/from-address.js';
import { type ConfigFile, configFileSchema, type GatehouseConfig } from './schema.js';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export type Flags = Record<string, string | boolean | undefined>;

function describeIssues(source: string, issues: z.core.$ZodIssue[]): string {
  return issues.map((issue) => `${source}: ${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`).join('\n');
}

function readConfigFile(file: string): ConfigFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${file}: not valid JSON (${(error as Error).message}). Fix the file or remove it.`);
  }
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(describeIssues(file, parsed.error.issues));
  return onlyGivenSettings(parsed.data, raw as Record<string, unknown>);
}

/** Sections whose schemas fill in defaults: the file sets (and locks) only the fields it names. */
const SETTINGS_SECTIONS = ['frontend', 'factors', 'restrictions', 'passwordless', 'organizations'] as const;

/**
 * Zod fills a partial section's absent fields with their defaults (`factors: { totp: false }` would
 * also say `emailCode: true`); the file must win only where it speaks, so those fields are dropped.
 */
function onlyGivenSettings(parsed: ConfigFile, raw: Record<string, unknown>): ConfigFile {
  const out: ConfigFile = { ...parsed };
  for (const section of SETTINGS_SECTIONS) {
    const given = raw[section];
    const value = out[section];
    if (!value || !given || typeof given !== 'object') continue;
    const keys = new Set(Object.keys(given));
    (out as Record<string, unknown>)[section] = Object.fromEntries(Object.entries(value).filter(([key]) => keys.has(key)));
  }
  return out;
}

function intFrom(name: string, value: string | boolean | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${name} must be a whole number, got "${String(value)}".`);
  return n;
}

/** `1`/`true` or `0`/`false`; unset or empty: undefined. */
function boolFrom(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw new ConfigError(`${name} must be 1 or 0 (true or false), got "${value}".`);
}

/** The `organizations` section: the config file's, with `GATEHOUSE_FORCE_ORGANIZATION_SELECTION` over it. */
function organizations(env: NodeJS.ProcessEnv, file: ConfigFile): ConfigFile['organizations'] {
  const force = boolFrom('GATEHOUSE_FORCE_ORGANIZATION_SELECTION', env.GATEHOUSE_FORCE_ORGANIZATION_SELECTION);
  return force === undefined ? file.organizations : { ...file.organizations, forceOrganizationSelection: force };
}

function mailFrom(flags: Flags, env: NodeJS.ProcessEnv, file: ConfigFile): FromAddress | undefined {
  const [source, value] =
    str(flags['mail-from']) !== undefined
      ? ['--mail-from', str(flags['mail-from'])]
      : env.GATEHOUSE_MAIL_FROM
        ? ['GATEHOUSE_MAIL_FROM', env.GATEHOUSE_MAIL_FROM]
        : ['mailFrom (config file)', file.mailFrom];
  if (value === undefined) return undefined;
  const parsed = parseFromAddress(value);
  if (!parsed) throw new ConfigError(`${source} "${value}" is not a sender address; use "Acme <no-reply@acme.com>" or no-reply@acme.com.`);
  return parsed;
}

function parseOrigins(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((origin) => {
      try {
        return new URL(origin).origin;
      } catch {
        throw new ConfigError(`--allowed-origins: "${origin}" is not a URL; give origins like http://127.0.0.1:3000, comma-separated.`);
      }
    });
}

/**
 * Checks proxy addresses and CIDRs (`10.0.0.0/8`, `::1`, `fd00::/8`); `source` names the flag, the
 * variable or the config field in the message.
 */
export function parseTrustedProxies(source: string, values: string[]): string[] {
  return values
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const [address = '', prefix, extra] = entry.split('/');
      const family = isIP(address);
      const bits = family === 4 ? 32 : 128;
      const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits);
      if (family === 0 || !prefixOk || extra !== undefined) {
        throw new ConfigError(
          `${source}: "${entry}" is not an IP address or CIDR; give the proxies' addresses like 10.0.0.5 or 10.0.0.0/8, comma-separated.`,
        );
      }
      return entry;
    });
}

/** The `oauth` section: the config file's, with `GATEHOUSE_OAUTH_<PROVIDER>_<FIELD>` variables over it field by field. */
function oauthProviders(env: NodeJS.ProcessEnv, file: ConfigFile): Record<string, OAuthProviderConfig> {
  const merged: Record<string, unknown> = { ...file.oauth };
  for (const [provider, fields] of Object.entries(oauthFromEnv(env))) {
    merged[provider] = { ...(file.oauth?.[provider] ?? {}), ...fields };
  }
  const parsed = oauthConfigSchema.safeParse(merged);
  if (!parsed.success) throw new ConfigError(describeIssues('oauth (GATEHOUSE_OAUTH_* or the config file)', parsed.error.issues));
  for (const [key, provider] of Object.entries(parsed.data)) {
    if (key.startsWith('custom_') && !provider.issuer) {
      throw new ConfigError(`oauth.${key}: a custom provider needs its OpenID issuer (GATEHOUSE_OAUTH_${key.toUpperCase()}_ISSUER).`);
    }
  }
  return parsed.data;
}

function str(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function trustedProxies(flags: Flags, env: NodeJS.ProcessEnv, file: ConfigFile): string[] {
  const flag = str(flags['trusted-proxies']);
  if (flag !== undefined) return parseTrustedProxies('--trusted-proxies', flag.split(','));
  if (env.GATEHOUSE_TRUSTED_PROXIES) return parseTrustedProxies('GATEHOUSE_TRUSTED_PROXIES', env.GATEHOUSE_TRUSTED_PROXIES.split(','));
  return parseTrustedProxies('trustedProxies (config file)', file.trustedProxies ?? []);
}

/**
 * Resolves the configuration from flags, then `GATEHOUSE_*` env vars, then the config file, then
 * defaults. `start` and `env` call this with the same inputs so they always agree.
 */
export function loadConfig(flags: Flags, env: NodeJS.ProcessEnv = process.env): GatehouseConfig {
  const dataDir = path.resolve(str(flags['data-dir']) ?? env.GATEHOUSE_DATA_DIR ?? '.gatehouse');
  const configPath = str(flags.config) ?? env.GATEHOUSE_CONFIG;
  const defaultConfigPath = path.join(dataDir, 'gatehouse.config.json');
  let file: ConfigFile = {};
  if (configPath) {
    if (!existsSync(configPath)) throw new ConfigError(`--config ${configPath}: file not found.`);
    file = readConfigFile(configPath);
  } else if (existsSync(defaultConfigPath)) {
    file = readConfigFile(defaultConfigPath);
  }

  const port = intFrom('--port', flags.port) ?? intFrom('GATEHOUSE_PORT', env.GATEHOUSE_PORT) ?? file.port ?? 4000;
  if (port > 65_535) throw new ConfigError(`--port must be at most 65535, got ${port}.`);
  const host = str(flags.host) ?? env.GATEHOUSE_HOST ?? file.host ?? '127.0.0.1';
  const givenPublicUrl = str(flags['public-url']) ?? env.GATEHOUSE_PUBLIC_URL ?? file.publicUrl;
  const publicUrl = (givenPublicUrl ?? `http://127.0.0.1:${port}`).replace(/\/+$/, '');
  let parsedUrl: URL;
  try {
    parsedUrl = new URL(publicUrl);
  } catch {
    throw new ConfigError(`--public-url "${publicUrl}" is not a URL. Use something like http://127.0.0.1:4000.`);
  }
  if (!parsedUrl.hostname.includes('.')) {
    throw new ConfigError(
      `--public-url host "${parsedUrl.hostname}" has no dot; Clerk's SDKs reject such publishable keys. Use 127.0.0.1 instead of localhost.`,
    );
  }
  const databaseUrl =
    str(flags.database) ?? env.GATEHOUSE_DATABASE_URL ?? file.databaseUrl ?? `sqlite:${path.join(dataDir, 'gatehouse.db')}`;
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    throw new ConfigError(`--database "${databaseUrl}" must start with sqlite: or postgres://.`);
  }
  const workers = intFrom('--workers', flags.workers) ?? intFrom('GATEHOUSE_WORKERS', env.GATEHOUSE_WORKERS) ?? file.workers ?? 1;
  const drainTimeoutSeconds =
    intFrom('--drain-timeout', flags['drain-timeout']) ??
    intFrom('GATEHOUSE_DRAIN_TIMEOUT', env.GATEHOUSE_DRAIN_TIMEOUT) ??
    file.drainTimeoutSeconds ??
    25;
  const instanceType = str(flags['instance-type']) ?? env.GATEHOUSE_INSTANCE_TYPE ?? file.instanceType ?? 'development';
  if (instanceType !== 'development' && instanceType !== 'production') {
    throw new ConfigError(`--instance-type must be "development" or "production", got "${instanceType}".`);
  }
  return {
    port,
    host,
    publicUrl,
    ...(givenPublicUrl === undefined ? { publicUrlFollowsPort: true } : {}),
    dataDir,
    databaseUrl,
    redisUrl: str(flags.redis) ?? env.GATEHOUSE_REDIS_URL ?? file.redisUrl,
    smtpUrl: str(flags.smtp) ?? env.GATEHOUSE_SMTP_URL ?? file.smtpUrl,
    // The config file wins over the environment (DESIGN's precedence for settings both may carry).
    smsGatewayUrl: file.smsGatewayUrl ?? env.GATEHOUSE_SMS_GATEWAY_URL,
    passwordless: file.passwordless,
    mailFrom: mailFrom(flags, env, file),
    workers: Math.max(1, workers),
    instanceType,
    sessionToken: file.sessionToken,
    frontend: file.frontend,
    organizations: organizations(env, file),
    restrictions: file.restrictions,
    factors: file.factors,
    allowedOrigins: parseOrigins(str(flags['allowed-origins']) ?? env.GATEHOUSE_ALLOWED_ORIGINS),
    seedFile: str(flags.seed) ?? env.GATEHOUSE_SEED,
    trustedProxies: trustedProxies(flags, env, file),
    drainTimeoutSeconds,
    lockout: {
      maxAttempts:
        intFrom('--lockout-max-attempts', flags['lockout-max-attempts']) ??
        intFrom('GATEHOUSE_LOCKOUT_MAX_ATTEMPTS', env.GATEHOUSE_LOCKOUT_MAX_ATTEMPTS) ??
        file.lockout?.maxAttempts ??
        100,
      durationMinutes:
        intFrom('--lockout-duration-minutes', flags['lockout-duration-minutes']) ??
        intFrom('GATEHOUSE_LOCKOUT_DURATION_MINUTES', env.GATEHOUSE_LOCKOUT_DURATION_MINUTES) ??
        file.lockout?.durationMinutes ??
        60,
    },
    encryptionKey: env.GATEHOUSE_ENCRYPTION_KEY,
    webhooks: file.webhooks,
    webhooksAllowPrivate: env.GATEHOUSE_WEBHOOKS_ALLOW_PRIVATE === '1' || file.webhooksAllowPrivate === true,
    geoip: str(flags.geoip) ?? env.GATEHOUSE_GEOIP ?? file.geoip,
    webhooksRetentionDays: retentionDays(env.GATEHOUSE_WEBHOOKS_RETENTION_DAYS) ?? file.webhooksRetentionDays ?? 30,
    webhookRetryScheduleMs: retrySchedule(env.GATEHOUSE_WEBHOOK_RETRY_SCHEDULE),
    oauth: oauthProviders(env, file),
  };
}

function retentionDays(value: string | undefined): number | undefined {
  const days = intFrom('GATEHOUSE_WEBHOOKS_RETENTION_DAYS', value);
  if (days !== undefined && (days < 1 || days > 3650)) {
    throw new ConfigError(`GATEHOUSE_WEBHOOKS_RETENTION_DAYS must be 1 to 3650 days, got "${value}".`);
  }
  return days;
}

/** `GATEHOUSE_WEBHOOK_RETRY_SCHEDULE=0,1,1` (seconds): a short webhook retry schedule, for tests. */
function retrySchedule(value: string | undefined): number[] | undefined {
  if (!value) return undefined;
  const delays = value.split(',').map((part) => Number(part.trim()));
  if (delays.length === 0 || delays.length > 20 || delays.some((d) => !Number.isFinite(d) || d < 0 || d > 86_400)) {
    throw new ConfigError(`GATEHOUSE_WEBHOOK_RETRY_SCHEDULE must be comma-separated seconds (0 to 86400), got "${value}".`);
  }
  return delays.map((d) => Math.round(d * 1000));
}
