import { timingSafeEqual } from 'node:crypto';
import type { SecretBox } from '../crypto/secret-box.js';
import { hashTokenBytes } from '../crypto/token-hash.js';
import { newId, randomBase62 } from '../ids.js';
import type { EnvironmentType, StoredInstance } from '../model/index.js';
import type { Store } from '../store/index.js';
import type { Repositories } from '../store/repositories/index.js';
import type { Clock } from './clock.js';
import { type FactorSettings, parseFactorSettings } from './factor-settings.js';
import { type FrontendSettings, parseFrontendSettings } from './frontend-settings.js';
import { type InstanceOptions, parseInstanceOptions } from './instance-options.js';
import { type MailSettings, parseMailSettings } from './mail-settings.js';
import {
  type OrganizationSettings,
  parseOrganizationSettings,
  parseRestrictionSettings,
  type RestrictionSettings,
} from './organization-settings.js';
import { type PasswordlessSettings, parsePasswordlessSettings } from './passwordless-settings.js';
import {
  defaultSessionTokenSettings,
  parseSessionTokenSettings,
  type SessionTokenSettings,
  validateSessionTokenSettings,
} from './session-token-settings.js';
import { parseSocialSettings, type SocialSettings } from './social-settings.js';

export type { EnvironmentType };

export interface InstanceSettings {
  sessionToken: SessionTokenSettings;
  frontend: FrontendSettings;
  /** `PATCH /v1/instance` options with no effect here (see instance-options.ts). */
  options: InstanceOptions;
  organizations: OrganizationSettings;
  restrictions: RestrictionSettings;
  factors: FactorSettings;
  passwordless: PasswordlessSettings;
  /** Social connections turned on from the dashboard (the config file's `oauth` wins). */
  social: SocialSettings;
  /** The SMTP server and sender set from the dashboard (the configuration's `--smtp`/`--mail-from` win). */
  mail: MailSettings;
}

export interface Instance {
  id: string;
  environmentType: EnvironmentType;
  /** The current secret key, as last read (another node or the CLI may rotate it). */
  secretKey: string;
  /**
   * Keys the HMACs of one-time codes and the fake ids of unknown identifiers. Derived from the
   * encryption key rather than the secret key, so rotating the secret key breaks no code in flight.
   */
  hmacKey: string;
  createdAt: number;
}

/** Accepted secret keys, by hash: the current one, and the one before it until its grace ends. */
interface SecretKeyHashes {
  current: Buffer;
  previous: { hash: Buffer; expiresAt: number } | undefined;
}

export function newSecretKey(environmentType: EnvironmentType): string {
  return `sk_${environmentType === 'production' ? 'live' : 'test'}_${randomBase62(40)}`;
}

function hashSecretKey(secretKey: string): Buffer {
  return hashTokenBytes(secretKey);
}

function secretKeysOf(stored: StoredInstance): SecretKeyHashes {
  const previous =
    stored.previousSecretKeyHash && stored.previousSecretKeyExpiresAt !== null
      ? { hash: Buffer.from(stored.previousSecretKeyHash, 'hex'), expiresAt: stored.previousSecretKeyExpiresAt }
      : undefined;
  return { current: Buffer.from(stored.secretKeyHash, 'hex'), previous };
}

function parseSettings(stored: object): InstanceSettings {
  const raw = stored as Partial<InstanceSettings>;
  return {
    sessionToken: parseSessionTokenSettings(raw.sessionToken ?? defaultSessionTokenSettings()),
    frontend: parseFrontendSettings(raw.frontend),
    options: parseInstanceOptions(raw.options),
    organizations: parseOrganizationSettings(raw.organizations),
    restrictions: parseRestrictionSettings(raw.restrictions),
    factors: parseFactorSettings(raw.factors),
    passwordless: parsePasswordlessSettings(raw.passwordless),
    social: parseSocialSettings(raw.social),
    mail: parseMailSettings(raw.mail),
  };
}

/**
 * The one instance this server plays: its id, its secret key (stored hashed for checks and sealed for
 * `gatehouse env`), and settings every node reads. Settings and the accepted secret keys are cached
 * briefly so hot paths do not query them per request, yet a change made on one node (a new template,
 * a rotated secret key) reaches the others within seconds.
 */
export function createInstanceService(store: Store, box: SecretBox, clock: Clock, settingsTtlMs = 2000) {
  let cached: { instance: Instance; secretKeys: SecretKeyHashes } | undefined;
  let settings: { value: InstanceSettings; loadedAt: number } | undefined;
  let reading: Promise<StoredInstance> | undefined;

  /** Takes in what a fresh read of the row says: settings, and the secret keys if they changed. */
  function absorb(row: StoredInstance): void {
    settings = { value: parseSettings(row.settings), loadedAt: clock() };
    if (!cached) return;
    if (!cached.secretKeys.current.equals(Buffer.from(row.secretKeyHash, 'hex'))) {
      cached.instance = { ...cached.instance, secretKey: box.open(row.secretKeyEnc) };
    }
    cached.secretKeys = secretKeysOf(row);
  }

  /** One read of the row at a time, however many requests find the cache stale together. */
  async function reread(): Promise<StoredInstance> {
    reading ??= store.instance
      .get()
      .then((row) => {
        if (!row) throw new Error('instance row vanished');
        absorb(row);
        return row;
      })
      .finally(() => {
        reading = undefined;
      });
    return reading;
  }

  async function ensure(environmentType: EnvironmentType): Promise<Instance> {
    let row = await store.instance.get();
    if (!row) {
      const secretKey = newSecretKey(environmentType);
      const now = clock();
      row = {
        id: newId('ins'),
        environmentType: environmentType,
        secretKeyHash: hashSecretKey(secretKey).toString('hex'),
        secretKeyEnc: box.seal(secretKey),
        settings: {
          sessionToken: defaultSessionTokenSettings(),
          frontend: parseFrontendSettings({}),
          organizations: parseOrganizationSettings({}),
          restrictions: parseRestrictionSettings({}),
          options: {},
          factors: parseFactorSettings({}),
          passwordless: parsePasswordlessSettings({}),
          social: {},
          mail: {},
        },
        createdAt: now,
        updatedAt: now,
        previousSecretKeyHash: null,
        previousSecretKeyExpiresAt: null,
      };
      try {
        await store.instance.insert(row);
      } catch (error) {
        // Another node created it first; use theirs.
        const theirs = await store.instance.get();
        if (!theirs) throw error;
        row = theirs;
      }
    }
    const instance: Instance = {
      id: row.id,
      environmentType: row.environmentType,
      secretKey: box.open(row.secretKeyEnc),
      hmacKey: box.deriveKey('code and identifier HMACs'),
      createdAt: row.createdAt,
    };
    cached = { instance, secretKeys: secretKeysOf(row) };
    settings = { value: parseSettings(row.settings), loadedAt: clock() };
    return instance;
  }

  function current() {
    if (!cached) throw new Error('instance not loaded; call ensure() first');
    return cached;
  }

  return {
    ensure,
    get: () => current().instance,
    /**
     * Constant-time check of a presented secret key: the current one, or the previous one during
     * its grace period. Both comparisons always run, so the timing says nothing about which matched.
     */
    async authenticateSecretKey(candidate: string): Promise<'current' | 'previous' | undefined> {
      // A failed re-read (the database is away) leaves the keys as last read.
      if (!settings || clock() - settings.loadedAt >= settingsTtlMs) await reread().catch(() => {});
      const { current: currentHash, previous } = current().secretKeys;
      const presented = hashSecretKey(candidate);
      const isCurrent = timingSafeEqual(presented, currentHash);
      const isPrevious =
        timingSafeEqual(presented, previous?.hash ?? currentHash) && previous !== undefined && clock() < previous.expiresAt;
      return isCurrent ? 'current' : isPrevious ? 'previous' : undefined;
    },
    /**
     * Replaces the secret key; the old one keeps working for `graceMs` (then only the new one
     * does). A key replaced earlier and still in its grace period stops working at once.
     */
    async rotateSecretKey(graceMs: number): Promise<{ secretKey: string; previousExpiresAt: number }> {
      for (let attempt = 0; ; attempt++) {
        const row = await reread();
        const secretKey = newSecretKey(row.environmentType);
        const now = clock();
        const next = { hash: hashSecretKey(secretKey).toString('hex'), enc: box.seal(secretKey), previousExpiresAt: now + graceMs, now };
        if (await store.instance.replaceSecretKey(row.id, row.secretKeyHash, next)) {
          // A read that started before the write would bring back the old key: wait it out, read anew.
          await reading?.catch(() => {});
          await reread();
          return { secretKey, previousExpiresAt: next.previousExpiresAt };
        }
        // Lost to a concurrent rotation: rotate again from what it left.
        if (attempt >= 3) throw new Error('the secret key kept changing during rotation; try again');
      }
    },
    /** The settings as last read (no database read): for synchronous paths that run after an awaited `settings()`. */
    cachedSettings: (): InstanceSettings | undefined => settings?.value,
    async settings(): Promise<InstanceSettings> {
      if (settings && clock() - settings.loadedAt < settingsTtlMs) return settings.value;
      await reread();
      if (!settings) throw new Error('instance settings not loaded');
      return settings.value;
    },
    /**
     * Read-modify-write of the settings in one transaction. The write only lands if the settings are
     * still those read (compare and swap), so two nodes changing different fields at once never lose
     * one change: the loser reads again and reapplies its change. `change` may throw to refuse.
     * `written` runs in the same transaction once the write has landed (to raise the change's events).
     */
    async updateSettings(
      change: (current: InstanceSettings) => InstanceSettings,
      written?: (tx: Repositories, next: InstanceSettings) => Promise<void>,
    ): Promise<InstanceSettings> {
      for (;;) {
        const next = await store.transaction(async (tx) => {
          const row = await tx.instance.get();
          if (!row) throw new Error('instance row vanished');
          const value = change(parseSettings(row.settings));
          if (!(await tx.instance.updateSettingsIf(row.id, row.settings, value, clock()))) return undefined;
          await written?.(tx, value);
          return value;
        });
        if (!next) continue;
        settings = { value: next, loadedAt: clock() };
        return next;
      }
    },

    /** Changes the session-token template: fields left out keep their current value; the result is validated whole. */
    updateSessionToken(input: { claims?: Record<string, unknown>; lifetimeSeconds?: number }): Promise<InstanceSettings> {
      return this.updateSettings((current) => ({
        ...current,
        sessionToken: validateSessionTokenSettings({
          claims: input.claims ?? current.sessionToken.claims,
          lifetimeSeconds: input.lifetimeSeconds ?? current.sessionToken.lifetimeSeconds,
        }),
      }));
    },
  };
}

export type InstanceService = ReturnType<typeof createInstanceService>;
