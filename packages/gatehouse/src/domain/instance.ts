import { timingSafeEqual } from 'node:crypto';
import type { SecretBox } from '../crypto/secret-box.js';
import { hashToken } from '../crypto/token-hash.js';
import { newId, randomBase62 } from '../ids.js';
import type { EnvironmentType } from '../model/index.js';
import type { Store } from '../store/index.js';
import type { Clock } from './clock.js';
import { type FrontendSettings, parseFrontendSettings } from './frontend-settings.js';
import {
  defaultSessionTokenSettings,
  parseSessionTokenSettings,
  type SessionTokenSettings,
  validateSessionTokenSettings,
} from './session-token-settings.js';

export type { EnvironmentType };

export interface InstanceSettings {
  sessionToken: SessionTokenSettings;
  frontend: FrontendSettings;
}

export interface Instance {
  id: string;
  environmentType: EnvironmentType;
  secretKey: string;
  createdAt: number;
}

function hashSecretKey(secretKey: string): Buffer {
  return Buffer.from(hashToken(secretKey), 'hex');
}

function parseSettings(stored: object): InstanceSettings {
  const raw = stored as Partial<InstanceSettings>;
  return {
    sessionToken: parseSessionTokenSettings(raw.sessionToken ?? defaultSessionTokenSettings()),
    frontend: parseFrontendSettings(raw.frontend),
  };
}

/**
 * The one instance this server plays: its id, its secret key (stored hashed for checks and sealed for
 * `gatehouse env`), and settings every node reads. Settings are cached briefly so the token hot path
 * does not query them per request, yet a change made on one node reaches the others within seconds.
 */
export function createInstanceService(store: Store, box: SecretBox, clock: Clock, settingsTtlMs = 2000) {
  let cached: { instance: Instance; secretKeyHash: Buffer } | undefined;
  let settings: { value: InstanceSettings; loadedAt: number } | undefined;

  async function ensure(environmentType: EnvironmentType): Promise<Instance> {
    let row = await store.instance.get();
    if (!row) {
      const secretKey = `sk_${environmentType === 'production' ? 'live' : 'test'}_${randomBase62(40)}`;
      const now = clock();
      row = {
        id: newId('ins'),
        environmentType: environmentType,
        secretKeyHash: hashSecretKey(secretKey).toString('hex'),
        secretKeyEnc: box.seal(secretKey),
        settings: { sessionToken: defaultSessionTokenSettings(), frontend: parseFrontendSettings({}) },
        createdAt: now,
        updatedAt: now,
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
      createdAt: row.createdAt,
    };
    cached = { instance, secretKeyHash: Buffer.from(row.secretKeyHash, 'hex') };
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
    /** Constant-time check of a presented secret key. */
    isSecretKey(candidate: string): boolean {
      return timingSafeEqual(hashSecretKey(candidate), current().secretKeyHash);
    },
    async settings(): Promise<InstanceSettings> {
      if (settings && clock() - settings.loadedAt < settingsTtlMs) return settings.value;
      const row = await store.instance.get();
      if (!row) throw new Error('instance row vanished');
      settings = { value: parseSettings(row.settings), loadedAt: clock() };
      return settings.value;
    },
    /**
     * Read-modify-write of the settings in one transaction. The write only lands if the settings are
     * still those read (compare and swap), so two nodes changing different fields at once never lose
     * one change: the loser reads again and reapplies its change. `change` may throw to refuse.
     */
    async updateSettings(change: (current: InstanceSettings) => InstanceSettings): Promise<InstanceSettings> {
      for (;;) {
        const next = await store.transaction(async (tx) => {
          const row = await tx.instance.get();
          if (!row) throw new Error('instance row vanished');
          const value = change(parseSettings(row.settings));
          return (await tx.instance.updateSettingsIf(row.id, row.settings, value, clock())) ? value : undefined;
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
