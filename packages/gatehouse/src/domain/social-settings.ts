import * as z from 'zod';
import { errors } from '../errors.js';

/** The built-in providers the dashboard can turn on (a `custom_` provider stays in the config file). */
export const DASHBOARD_PROVIDERS = ['google', 'github', 'microsoft'] as const;

/**
 * Social connections set from the dashboard (the instance settings' `social` section): per provider,
 * whether it is on, its client id, its client secret sealed with the encryption key, and its scopes.
 * The config file's `oauth` wins for a provider it names.
 */
export const socialSettingsSchema = z.partialRecord(
  z.enum(DASHBOARD_PROVIDERS),
  z
    .object({
      enabled: z.boolean(),
      clientId: z.string().min(1).max(500),
      clientSecretEnc: z.string().min(1).max(4000),
      scopes: z.array(z.string().min(1).max(200)).max(50).optional(),
    })
    .strict(),
);

export type SocialSettings = z.infer<typeof socialSettingsSchema>;

export function parseSocialSettings(raw: unknown): SocialSettings {
  const parsed = socialSettingsSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : {};
}

export type DashboardProvider = (typeof DASHBOARD_PROVIDERS)[number];

/** One social connection as the dashboard shows it (never the secret itself). */
export interface SocialConnectionView {
  key: DashboardProvider;
  enabled: boolean;
  clientId: string;
  hasSecret: boolean;
  scopes: string[] | null;
  /** The config file's `oauth` names it: it wins, and the dashboard cannot change it. */
  configLocked: boolean;
}

/**
 * Social connections from the dashboard: stored in the instance settings (every node applies them
 * within seconds), the client secret sealed. The config file's `oauth` wins for a provider it names.
 */
export function createSocialConnectionService(deps: {
  settings: () => Promise<{ social: SocialSettings }>;
  update: (change: (social: SocialSettings) => SocialSettings) => Promise<{ social: SocialSettings }>;
  seal: (plain: string) => string;
  configured: string[];
  enabledKeys: () => string[];
}) {
  const view = (social: SocialSettings): SocialConnectionView[] =>
    DASHBOARD_PROVIDERS.map((key) => {
      const entry = social[key];
      const configLocked = deps.configured.includes(key);
      return {
        key,
        enabled: configLocked ? deps.enabledKeys().includes(key) : (entry?.enabled ?? false),
        clientId: configLocked ? '' : (entry?.clientId ?? ''),
        hasSecret: configLocked || Boolean(entry?.clientSecretEnc),
        scopes: entry?.scopes ?? null,
        configLocked,
      };
    });
  return {
    async list(): Promise<SocialConnectionView[]> {
      return view((await deps.settings()).social);
    },
    /** Turns a provider on or off, with its credentials (the secret kept when none is given). */
    async set(
      key: DashboardProvider,
      input: { enabled: boolean; clientId?: string; clientSecret?: string; scopes?: string[] | null },
    ): Promise<SocialConnectionView[]> {
      if (deps.configured.includes(key))
        throw errors.paramValueInvalid(key, 'is set by the config file (`oauth`), which wins over the dashboard; change it there');
      const next = await deps.update((social) => {
        const current = social[key];
        const clientId = input.clientId?.trim() || current?.clientId;
        const clientSecretEnc = input.clientSecret ? deps.seal(input.clientSecret) : current?.clientSecretEnc;
        if (!clientId || !clientSecretEnc) {
          if (input.enabled) throw errors.paramMissing(clientId ? 'client_secret' : 'client_id');
          const { [key]: _removed, ...rest } = social;
          return rest;
        }
        const scopes = input.scopes === null ? undefined : (input.scopes ?? current?.scopes);
        return { ...social, [key]: { enabled: input.enabled, clientId, clientSecretEnc, ...(scopes?.length ? { scopes } : {}) } };
      });
      return view(next.social);
    },
  };
}

export type SocialConnectionService = ReturnType<typeof createSocialConnectionService>;
