import { existsSync } from 'node:fs';
import type { GatehouseConfig } from './config/schema.js';
import { StartupError } from './config/startup-error.js';
import { loadEncryptionKey } from './crypto/encryption-key.js';
import { createSecretBox } from './crypto/secret-box.js';
import type { Caller } from './domain/caller.js';
import { type Clock, systemClock } from './domain/clock.js';
import { parseFactorSettings } from './domain/factor-settings.js';
import { parseFrontendSettings } from './domain/frontend-settings.js';
import { createDomain, type Domain, oauthCallbackUrl } from './domain/index.js';
import { parseMailSettings, smtpUrlOf } from './domain/mail-settings.js';
import { organizationSettingsSchema, restrictionSettingsSchema, validateOrganizationSettings } from './domain/organization-settings.js';
import { parsePasswordlessSettings } from './domain/passwordless-settings.js';
import { validateSessionTokenSettings } from './domain/session-token-settings.js';
import type { EventSerializer } from './domain/webhooks/events.js';
import { GatehouseError } from './errors.js';
import { openGeoIp } from './geoip.js';
import { bundleUrls } from './http/pages/bundles.js';
import { createEventSerializer } from './http/serializers/event.js';
import { newId } from './ids.js';
import { buildPublishableKey } from './keys.js';
import { parseFromAddress } from './mail/from-address.js';
import { renderLinkMail, sendLinkMail } from './mail/link-mail.js';
import { pickLocale } from './mail/locale.js';
import { createMailer, type Mailer } from './mail/mailer.js';
import { createSmsSender, smsText } from './mail/sms.js';
import { renderInvitationMail, renderMail } from './mail/templates.js';
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
    const storedSmtp = existing ? parseMailSettings((existing.settings as { mail?: unknown }).mail).smtp : undefined;
    if (options.requireMailInProduction && environmentType === 'production' && !config.smtpUrl && !storedSmtp) {
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
      // The SMTP server set from the dashboard, when the configuration sets none (it wins).
      stored: async () => {
        const mail = (await domain.instance.settings()).mail;
        return { smtpUrl: smtpUrlOf(mail, box.open), from: mail.from ? parseFromAddress(mail.from) : undefined };
      },
    });
    // Events carry the Backend API's JSON: the HTTP layer's serializers, over this domain's image
    // links and lockout state (bound once the domain exists; no event is raised before).
    let toWire: EventSerializer | undefined;
    /** `email.created` for a message about to be mailed (its body, and in `data` the code or link it carries). */
    const raiseEmailCreated = async (
      to: string,
      slug: string,
      rendered: { subject: string; html: string; text: string },
      data: Record<string, unknown>,
      caller: Caller,
    ) => {
      const owner = await store.emailAddresses.findWithOwner(to);
      await domain.events.raiseNow(
        'email.created',
        {
          id: newId('ema'),
          slug,
          fromEmailName: (config.mailFrom?.address ?? 'no-reply@gatehouse.local').split('@')[0] ?? 'no-reply',
          toEmailAddress: to,
          emailAddressId: owner?.email.id ?? null,
          userId: owner?.user.id ?? null,
          subject: rendered.subject,
          body: rendered.html,
          bodyPlain: rendered.text,
          data,
        },
        caller,
      );
    };
    const deliverSms = createSmsSender({
      gatewayUrl: config.smsGatewayUrl,
      development: () => domain.isDevelopment(),
      store,
      clock,
      log,
      appName: async () => (await domain.instance.settings()).frontend.applicationName,
    });
    const domain = createDomain({
      store,
      box,
      publicUrl: config.publicUrl,
      clock,
      lockout: config.lockout,
      oauth: config.oauth,
      ...(config.geoip ? { locate: openGeoIp(config.geoip) } : {}),
      // Mail speaks in the application's name, as the hosted pages and clerk-js do.
      sendCode: async (message) => {
        const locale = pickLocale(message.locale);
        const appName = (await domain.instance.settings()).frontend.applicationName;
        // `email.created` (with the code), so apps and tests can see or deliver the message themselves.
        const rendered = renderMail(message.kind, locale, { code: message.code, appName, expiresInMinutes: message.expiresInMinutes });
        await raiseEmailCreated(
          message.to,
          message.kind,
          rendered,
          {
            otp_code: message.code,
            app: { name: appName },
            expires_in_minutes: message.expiresInMinutes,
          },
          message.caller,
        );
        await mailer.send({ ...message, locale, appName });
      },
      sendInvitation: async (message) => {
        const locale = pickLocale(message.locale);
        const appName = (await domain.instance.settings()).frontend.applicationName;
        const { url, organizationName, expiresInDays } = message;
        const rendered = renderInvitationMail(locale, { appName, url, organizationName, expiresInDays });
        await raiseEmailCreated(
          message.to,
          organizationName ? 'organization_invitation' : 'invitation',
          rendered,
          {
            action_url: url,
            app: { name: appName },
            ...(organizationName ? { org: { name: organizationName } } : {}),
            expires_in_days: expiresInDays,
          },
          message.caller,
        );
        await mailer.send({ ...message, kind: 'invitation', locale, appName });
      },
      serializeEvent: (type, payload) => {
        if (!toWire) throw new Error('an event was raised before the domain was ready');
        return toWire(type, payload);
      },
      webhooks: {
        allowPrivate: config.webhooksAllowPrivate,
        retentionMs: config.webhooksRetentionDays * 86_400_000,
        ...(config.webhookRetryScheduleMs ? { scheduleMs: config.webhookRetryScheduleMs } : {}),
        log,
      },
      sendLink: async (message) => {
        const appName = (await domain.instance.settings()).frontend.applicationName;
        await raiseEmailCreated(
          message.to,
          message.kind,
          renderLinkMail(message, appName),
          {
            magic_link: message.link,
            app: { name: appName },
            expires_in_minutes: message.expiresInMinutes,
          },
          message.caller,
        );
        await sendLinkMail(mailer, message, appName);
      },
      // `sms.created` (with the code) for every SMS, as `email.created` for mail: once the gateway or the
      // dev outbox has taken it (a production instance without a gateway refuses to send, and raises nothing).
      sendSms: async (message) => {
        await deliverSms(message);
        const appName = (await domain.instance.settings()).frontend.applicationName;
        const numbers = await store.phoneNumbers.findByNumber(message.to);
        // The number's owner: whoever verified it, else the one user who added it (several unverified: nobody).
        const owner = numbers.find((p) => p.verified) ?? (numbers.length === 1 ? numbers[0] : undefined);
        await domain.events.raiseNow(
          'sms.created',
          {
            id: newId('sms'),
            slug: message.kind ?? 'verification_code',
            toPhoneNumber: message.to,
            phoneNumberId: owner?.id ?? null,
            userId: owner?.userId ?? null,
            message: smsText(appName, message),
            data: { otp_code: message.code, app: { name: appName }, expires_in_minutes: message.expiresInMinutes },
          },
          message.caller,
        );
      },
    });
    toWire = createEventSerializer({ links: domain.images.links, lockout: (user) => domain.protection.state(user), clock });
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
    if (config.webhooks && !prepared) {
      try {
        await domain.webhookEndpoints.syncConfigured(config.webhooks);
      } catch (error) {
        if (error instanceof GatehouseError) throw new StartupError(`webhooks (config file): ${error.message}`);
        throw error;
      }
    }
    if ((config.organizations || config.restrictions) && !prepared) {
      await domain.instance.updateSettings((settings) => ({
        ...settings,
        organizations: validateOrganizationSettings(
          organizationSettingsSchema.parse({ ...settings.organizations, ...config.organizations }),
        ),
        restrictions: restrictionSettingsSchema.parse({ ...settings.restrictions, ...config.restrictions }),
      }));
    }
    if (config.factors && !prepared) {
      const factors = config.factors;
      // The config file wins over what was stored (DESIGN's precedence), field by field.
      await domain.instance.updateSettings((settings) => ({
        ...settings,
        factors: parseFactorSettings({ ...settings.factors, ...factors }),
      }));
    }
    return {
      domain,
      store,
      mailer,
      created: !prepared && !existing,
      close: async () => {
        await domain.webhookWorker.stop();
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
  /** Where providers send users back: register it with each social connection. */
  oauthCallbackUrl: string;
  /** The enabled social connections (`google`, `github`, …). */
  socialProviders: string[];
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
    oauthCallbackUrl: oauthCallbackUrl(config.publicUrl),
    socialProviders: domain.social.providers().map((p) => p.key),
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
