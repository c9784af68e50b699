import type { GatehouseConfig } from './config/schema.js';
import { loadEncryptionKey } from './crypto/encryption-key.js';
import { createSecretBox } from './crypto/secret-box.js';
import { createDomain, type Domain } from './domain/index.js';
import { validateSessionTokenSettings } from './domain/session-token-settings.js';
import { buildPublishableKey } from './keys.js';
import { openStore } from './store/index.js';

export interface Booted {
  domain: Domain;
  close(): Promise<void>;
}

/**
 * Opens the store, applies migrations, creates the instance and its signing key on first start, and
 * applies the config file's session-token template. `start`, `env` and tests all boot through here.
 */
export async function boot(config: GatehouseConfig, log: (line: string) => void = () => {}): Promise<Booted> {
  const store = await openStore({ url: config.databaseUrl, log });
  try {
    const box = createSecretBox(loadEncryptionKey(config.dataDir, config.encryptionKey));
    const domain = createDomain({ store, box, publicUrl: config.publicUrl });
    await domain.instance.ensure(config.instanceType);
    await domain.keyring.load();
    if (config.sessionToken) {
      const sessionToken = validateSessionTokenSettings({
        claims: config.sessionToken.claims,
        lifetimeSeconds: config.sessionToken.lifetimeSeconds,
      });
      await domain.instance.updateSettings((settings) => ({ ...settings, sessionToken }));
    }
    return { domain, close: () => store.close() };
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
      CLERK_JWT_KEY: jwtKey,
      CLERK_TELEMETRY_DISABLED: '1',
    },
  };
}
