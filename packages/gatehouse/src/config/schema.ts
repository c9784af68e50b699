import * as z from 'zod';
import { factorSettingsSchema } from '../domain/factor-settings.js';
import { configurableFrontendSettingsSchema } from '../domain/frontend-settings.js';
import { type OAuthProviderConfig, oauthConfigSchema } from '../domain/oauth/provider-config.js';
import { organizationSettingsSchema, restrictionSettingsSchema } from '../domain/organization-settings.js';
import { passwordlessSettingsSchema } from '../domain/passwordless-settings.js';
import { SESSION_TOKEN_LIFETIME_RANGE } from '../domain/session-token-settings.js';
import type { FromAddress } from '../mail/from-address.js';

/** A JSON object of custom session claims; values may hold `{{shortcode}}` strings. */
export const claimsSchema = z.record(z.string(), z.unknown());

export const sessionTokenSchema = z
  .object({
    claims: claimsSchema.optional(),
    lifetimeSeconds: z.number().int().min(SESSION_TOKEN_LIFETIME_RANGE.min).max(SESSION_TOKEN_LIFETIME_RANGE.max).optional(),
  })
  .strict();

/** The optional config file (`gatehouse.config.json` in the data dir, or `--config`). */
export const configFileSchema = z
  .object({
    port: z.number().int().min(0).max(65_535).optional(),
    host: z.string().min(1).optional(),
    publicUrl: z.string().url().optional(),
    databaseUrl: z.string().min(1).optional(),
    redisUrl: z.string().url().optional(),
    smtpUrl: z.string().url().optional(),
    /** An HTTP SMS gateway: each SMS is POSTed there as JSON (README, "Sign-in factors"). */
    smsGatewayUrl: z.string().url().optional(),
    /** Which passwordless factors the instance offers (phone numbers, e-mail links, passkeys). */
    passwordless: passwordlessSettingsSchema.partial().optional(),
    /** The sender of every message: `Name <address>` or `address` (then the application name is shown). */
    mailFrom: z.string().min(3).max(400).optional(),
    workers: z.number().int().min(1).max(256).optional(),
    instanceType: z.enum(['development', 'production']).optional(),
    sessionToken: sessionTokenSchema.optional(),
    frontend: configurableFrontendSettingsSchema.optional(),
    /** Organizations: enabled, limits, creator and default roles, custom roles and permissions. */
    organizations: organizationSettingsSchema.partial().optional(),
    /** Sign-up mode (`public`, `restricted`, `waitlist`), allowlist and blocklist. */
    restrictions: restrictionSettingsSchema.partial().optional(),
    /** Sign-in factors on or off (see domain/factor-settings.ts). */
    factors: factorSettingsSchema.partial().optional(),
    drainTimeoutSeconds: z.number().int().min(0).max(3600).optional(),
    /** Addresses or CIDRs of the reverse proxies whose `X-Forwarded-For` names the client. */
    trustedProxies: z.array(z.string().min(1)).optional(),
    /** Social connections: `google`, `github`, `microsoft`, `custom_<key>` (see the README's "Social sign-in"). */
    oauth: oauthConfigSchema.optional(),
    /** Automatic account lockout after failed passwords and codes (Clerk's user lockout). */
    lockout: z
      .object({
        maxAttempts: z.number().int().min(1).max(100_000).optional(),
        durationMinutes: z.number().int().min(1).max(525_600).optional(),
      })
      .strict()
      .optional(),
    /** Webhook endpoints kept in step with this list on every start (see README "Webhooks"). */
    webhooks: z
      .array(
        z
          .object({
            url: z.string().min(1).max(2048),
            events: z.array(z.string().min(1)).optional(),
            secret: z.string().min(1).optional(),
          })
          .strict(),
      )
      .optional(),
    /** Allow loopback and private webhook URLs on a production instance (development instances always do). */
    webhooksAllowPrivate: z.boolean().optional(),
    /** A GeoIP database (MaxMind DB format, `.mmdb`) for the city and country of sessions. */
    geoip: z.string().min(1).optional(),
  })
  .strict();

export type ConfigFile = z.infer<typeof configFileSchema>;

export interface GatehouseConfig {
  /** 0: any free port, chosen when `start` binds (one process only). */
  port: number;
  host: string;
  publicUrl: string;
  /** The public URL was not given, so it is `http://127.0.0.1:<port>` and follows the port bound. */
  publicUrlFollowsPort?: boolean;
  dataDir: string;
  /** `sqlite:<file>` or `postgres://…`. */
  databaseUrl: string;
  redisUrl: string | undefined;
  smtpUrl: string | undefined;
  smsGatewayUrl?: string | undefined;
  passwordless?: Partial<z.infer<typeof passwordlessSettingsSchema>> | undefined;
  /** The sender of mail; undefined: the application name beside no-reply@gatehouse.local. */
  mailFrom: FromAddress | undefined;
  workers: number;
  instanceType: 'development' | 'production';
  sessionToken: z.infer<typeof sessionTokenSchema> | undefined;
  frontend: z.infer<typeof configurableFrontendSettingsSchema> | undefined;
  organizations: Partial<z.infer<typeof organizationSettingsSchema>> | undefined;
  restrictions: Partial<z.infer<typeof restrictionSettingsSchema>> | undefined;
  factors: Partial<z.infer<typeof factorSettingsSchema>> | undefined;
  /** Extra origins allowed by flag/env (comma-separated `GATEHOUSE_ALLOWED_ORIGINS`). */
  allowedOrigins: string[];
  seedFile: string | undefined;
  /**
   * After SIGTERM, how long in-flight requests may take before every connection is closed and the
   * process exits anyway (below Kubernetes' 30 s grace period by default).
   */
  drainTimeoutSeconds: number;
  /**
   * Peers (addresses or CIDRs) whose `X-Forwarded-For` is believed; empty: the socket's peer is the
   * client. Rate limits per IP use the client address found this way.
   */
  trustedProxies: string[];
  /** Failed passwords/codes within `durationMinutes` that lock a user out, and for how long. */
  lockout: { maxAttempts: number; durationMinutes: number };
  /** Social connections by provider key (file and `GATEHOUSE_OAUTH_*` merged; the variables win per field). */
  oauth: Record<string, OAuthProviderConfig>;
  /** Where the AES key that encrypts secrets at rest comes from. */
  encryptionKey: string | undefined;
  /** The config file's webhook endpoints; undefined: the file says nothing (those made by the API stay). */
  webhooks: { url: string; events?: string[] | undefined; secret?: string | undefined }[] | undefined;
  webhooksAllowPrivate: boolean;
  /** A GeoIP database file (`.mmdb`); undefined: sessions' city and country stay unknown. */
  geoip?: string | undefined;
  /**
   * For tests only (`GATEHOUSE_WEBHOOK_RETRY_SCHEDULE`, comma-separated seconds, first 0): a short
   * retry schedule instead of Svix's. Undocumented for production use.
   */
  webhookRetryScheduleMs: number[] | undefined;
}
