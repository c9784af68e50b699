import type { GatehouseConfig } from './config/schema.js';
import { loadEncryptionKey } from './crypto/encryption-key.js';
import { createSecretBox } from './crypto/secret-box.js';
import { type Clock, systemClock } from './domain/clock.js';
import { parseFrontendSettings } from './domain/frontend-settings.js';
import { createDomain, type Domain } from './domain/index.js';
import { validateSessionTokenSettings } from './domain/session-token-settings.js';
import { bundleUrls } from './http/pages/bundles.js';
import { buildPublishableKey } from './keys.js';
import { pickLocale } from './mail/locale.js';
import { createMailer, type Mailer } from './mail/mailer.js';
import { openStore } from './store/index.js';

export interface Booted {
  domain: Domain;
  mailer: Mailer;
  close(): Promise<void>;
}

export interface BootOptions {
  /**
   * Another process (the cluster primary) has already booted this database with this config:
   * migrated it, created the instance and keys, and written the config's settings. Only open the
   * store and load the instance and keys, without migrating or rewriting the settings again.
   */
  prepared?: boolean;
}

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
  const store = await openStore({ url: config.databaseUrl, log, migrate: !prepared });
  try {
    const box = createSecretBox(loadEncryptionKey(config.dataDir, config.encryptionKey));
    const mailer = createMailer({ smtpUrl: config.smtpUrl, appName: 'Gatehouse', store, clock, log });
    const domain = createDomain({
      store,
      box,
      publicUrl: config.publicUrl,
      clock,
      sendCode: (message) => mailer.send({ ...message, locale: pickLocale(message.locale) }),
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
      mailer,
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
