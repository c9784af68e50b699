import * as z from 'zod';
import { frontendSettingsSchema } from '../domain/frontend-settings.js';
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
    frontend: frontendSettingsSchema.partial().optional(),
    drainTimeoutSeconds: z.number().int().min(0).max(3600).optional(),
    /** Addresses or CIDRs of the reverse proxies whose `X-Forwarded-For` names the client. */
    trustedProxies: z.array(z.string().min(1)).optional(),
    /** Automatic account lockout after failed passwords and codes (Clerk's user lockout). */
    lockout: z
      .object({
        maxAttempts: z.number().int().min(1).max(100_000).optional(),
        durationMinutes: z.number().int().min(1).max(525_600).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type ConfigFile = z.infer<typeof configFileSchema>;

export interface GatehouseConfig {
  port: number;
  host: string;
  publicUrl: string;
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
  frontend: Partial<z.infer<typeof frontendSettingsSchema>> | undefined;
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
  /** Where the AES key that encrypts secrets at rest comes from. */
  encryptionKey: string | undefined;
}
