import { existsSync } from 'node:fs';
import type { GatehouseConfig } from './config/schema.js';
import { StartupError } from './config/startup-error.js';
import { loadEncryptionKey } from './crypto/encryption-key.js';
import { createSecretBox } from './crypto/secret-box.js';
import { type Clock, systemClock } from './domain/clock.js';
import { parseFrontendSettings } from './domain/frontend-settings.js';
import { createDomain, type Domain } from './domain/index.js';
import { parsePasswordlessSettings } from './domain/passwordless-settings.js';
import { validateSessionTokenSettings } from './domain/session-token-settings.js';
import { bundleUrls } from './http/pages/bundles.js';
import { buildPublishableKey } from './keys.js';
import { sendLinkMail } from './mail/link-mail.js';
import { pickLocale } from './mail/locale.js';
import { createMailer, type Mailer } from './mail/mailer.js';
import { createSmsSender } from './mail/sms.js';
import { openStore, type Store } from './store/index.js';

export interface Booted {
  domain: Domain;
  /** The store under the domain, for tests that inspect or arrange rows; the server itself goes through the domain. */
  store: Store;
  mailer: Mailer;
  /** This boot created the instance (and its secret key): the one time a production key is printed. */
  created: boolean;
  close(): Promise<void>;
}

export interface BootOptions {
  /**
   * Another process (the cluster primary) has already booted this database with this config:
   * migrated it, created the instance and keys, and written the config's settings. Only open the
   * store and load the instance and keys, without migrating or rewriting the settings again.
   */
  prepared?: boolean;
  /**
   * Only read an existing instance (`gatehouse env`): with no instance in the database, fail with a
   * StartupError rather than create one whose keys no server uses. No file is created either.
   */
  existing?: boolean;
  /** Refuse a production instance without an SMTP URL (`start`): its codes would only reach the log. */
  requireMailInProduction?: boolean;
}

function describeDatabase(config: GatehouseConfig): string {
  return config.databaseUrl.startsWith('sqlite:') ? config.databaseUrl.slice('sqlite:'.length) : 'the PostgreSQL database';
}

const NO_INSTANCE_FIX =
  'start Gatehouse once (or run `gatehouse init`) with the same --data-dir/--database to create it, or point them at the right place';

/**
 * Opens the store, applies migrations, creates the instance and its signing key on first start, and
 * applies the config file's session-token template. `start`, `env` and tests all boot through here.
 */
export async function boot(
  config: GatehouseConfig,
  log: (line: string) => void = () => {},
  clock: Clock = systemClock,
  options: BootOptions = {},
): Promise<Booted> {
  const prepared = options.prepared === true;
  if (options.existing && config.databaseUrl.startsWith('sqlite:') && !existsSync(config.databaseUrl.slice('sqlite:'.length))) {
    throw new StartupError(`no Gatehouse instance in ${describeDatabase(config)} (no such file); ${NO_INSTANCE_FIX}.`);
  }
  const store = await openStore({ url: config.databaseUrl, log, migrate: !prepared });
  try {
    // One row, read before anything is created: whether this boot creates the instance, and of which type.
    const existing = prepared ? undefined : await store.instance.get();
    if (options.existing && !existing) throw new StartupError(`no Gatehouse instance in ${describeDatabase(config)}; ${NO_INSTANCE_FIX}.`);
    const environmentType = existing?.environmentType ?? config.instanceType;
    if (options.requireMailInProduction && environmentType === 'production' && !config.smtpUrl) {
      throw new StartupError(
        'a production instance needs a mail server for its sign-in and reset codes: set --smtp smtp://user:pass@host:587 (GATEHOUSE_SMTP_URL); the dev outbox would write live codes to the log.',
      );
    }
    const box = createSecretBox(loadEncryptionKey(config.dataDir, config.encryptionKey, { create: !options.existing }));
    // The primary of a cluster has said where mail goes; its workers need not say it again.
    const mailer = createMailer({
      smtpUrl: config.smtpUrl,
      from: config.mailFrom,
      appName: 'Gatehouse',
      store,
      clock,
      log,
      announce: !prepared,
    });
    const domain = createDomain({
      store,
      box,
      publicUrl: config.publicUrl,
      clock,
      lockout: config.lockout,
      // Mail speaks in the application's name, as the hosted pages and clerk-js do.
      sendCode: async (message) =>
        mailer.send({
          ...message,
          locale: pickLocale(message.locale),
          appName: (await domain.instance.settings()).frontend.applicationName,
        }),
      sendLink: async (message) => sendLinkMail(mailer, message, (await domain.instance.settings()).frontend.applicationName),
      sendSms: createSmsSender({
        gatewayUrl: config.smsGatewayUrl,
        development: () => domain.isDevelopment(),
        store,
        clock,
        log,
        appName: async () => (await domain.instance.settings()).frontend.applicationName,
      }),
    });
    await domain.instance.ensure(config.instanceType);
    await domain.keyring.load();
    if (config.sessionToken && !prepared) {
      const sessionToken = validateSessionTokenSettings({
        claims: config.sessionToken.claims,
        lifetimeSeconds: config.sessionToken.lifetimeSeconds,
      });
      await domain.instance.updateSettings((settings) => ({ ...settings, sessionToken }));
    }
    if (config.passwordless && !prepared) {
      const overrides = config.passwordless;
      await domain.instance.updateSettings((settings) => ({
        ...settings,
        passwordless: parsePasswordlessSettings({ ...settings.passwordless, ...overrides }),
      }));
    }
    if ((config.frontend || config.allowedOrigins.length) && !prepared) {
      await domain.instance.updateSettings((settings) => ({
        ...settings,
        frontend: parseFrontendSettings({
          ...settings.frontend,
          ...config.frontend,
          allowedOrigins: [
            ...new Set([...(config.frontend?.allowedOrigins ?? settings.frontend.allowedOrigins), ...config.allowedOrigins]),
          ],
        }),
      }));
    }
    return {
      domain,
      store,
      mailer,
      created: !prepared && !existing,
      close: async () => {
        await mailer.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

export interface EnvironmentReport {
  instanceId: string;
  environmentType: string;
  secretKey: string;
  publishableKey: string;
  apiUrl: string;
  frontendApiUrl: string;
  jwksUrl: string;
  jwtKey: string;
  env: Record<string, string>;
}

/** What `gatehouse env` prints and `start` shows: the values to give the Clerk SDKs. */
export function describeEnvironment(config: GatehouseConfig, domain: Domain): EnvironmentReport {
  const instance = domain.instance.get();
  const publishableKey = buildPublishableKey(instance.environmentType, config.publicUrl);
  const apiUrl = `${config.publicUrl}/api`;
  const jwtKey = domain.keyring.publicPem().trim();
  const { clerkJsUrl, clerkUiUrl } = bundleUrls(config.publicUrl);
  return {
    instanceId: instance.id,
    environmentType: instance.environmentType,
    secretKey: instance.secretKey,
    publishableKey,
    apiUrl,
    frontendApiUrl: config.publicUrl,
    jwksUrl: `${config.publicUrl}/.well-known/jwks.json`,
    jwtKey,
    env: {
      CLERK_SECRET_KEY: instance.secretKey,
      CLERK_PUBLISHABLE_KEY: publishableKey,
      NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: publishableKey,
      VITE_CLERK_PUBLISHABLE_KEY: publishableKey,
      CLERK_API_URL: apiUrl,
      CLERK_PROXY_URL: config.publicUrl,
      NEXT_PUBLIC_CLERK_PROXY_URL: config.publicUrl,
      VITE_CLERK_PROXY_URL: config.publicUrl,
      CLERK_JS_URL: clerkJsUrl,
      NEXT_PUBLIC_CLERK_JS_URL: clerkJsUrl,
      CLERK_UI_URL: clerkUiUrl,
      NEXT_PUBLIC_CLERK_UI_URL: clerkUiUrl,
      VITE_CLERK_JS_URL: clerkJsUrl,
      VITE_CLERK_UI_URL: clerkUiUrl,
      CLERK_JWT_KEY: jwtKey,
      CLERK_TELEMETRY_DISABLED: '1',
    },
  };
}
