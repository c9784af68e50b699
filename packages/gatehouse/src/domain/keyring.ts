import type { SecretBox } from '../crypto/secret-box.js';
import { generateSigningKey, loadSigningKey, type PublicJwk, type SigningKey } from '../crypto/signing-keys.js';
import type { StoredSigningKey } from '../model/index.js';
import type { Store } from '../store/index.js';
import type { Clock } from './clock.js';

/** How often a node re-reads the keys, so a rotation made by another node or the CLI reaches it. */
export const KEYRING_REFRESH_MS = 5_000;

interface ScheduledKey {
  key: SigningKey;
  createdAt: number;
  /** From here on it may sign; before, it is only published. */
  activatesAt: number;
  /** From here on it is gone from the JWKS; null: not scheduled. */
  retiresAt: number | null;
}

export type SigningKeyState = 'pending' | 'signing' | 'verifying';

export interface SigningKeySummary {
  kid: string;
  state: SigningKeyState;
  createdAt: number;
  activatesAt: number;
  retiresAt: number | null;
}

const isPublished = (entry: ScheduledKey, now: number) => entry.retiresAt === null || now < entry.retiresAt;

/** The published key that activated last signs; a key scheduled for later is only published. */
function pickSigning(entries: ScheduledKey[], now: number): ScheduledKey | undefined {
  let signing: ScheduledKey | undefined;
  for (const entry of entries) {
    if (!isPublished(entry, now) || entry.activatesAt > now) continue;
    if (
      !signing ||
      entry.activatesAt > signing.activatesAt ||
      (entry.activatesAt === signing.activatesAt && entry.createdAt >= signing.createdAt)
    ) {
      signing = entry;
    }
  }
  // Only if every published key is still pending (which rotation never leaves behind): the newest.
  return signing ?? entries.filter((entry) => isPublished(entry, now)).at(-1);
}

/**
 * The instance's RS256 keys. Private keys are sealed at rest. Every published key verifies; the
 * published key that activated last signs. Rotation adds a key that is published at once but signs
 * only from `activatesAt`, and schedules the old ones to leave the JWKS once their tokens have
 * expired; the schedule lives in the database, and every node re-reads it every few seconds, so
 * each node switches at the same moment without talking to the others.
 */
export function createKeyring(store: Store, box: SecretBox, clock: Clock, refreshMs = KEYRING_REFRESH_MS) {
  let loaded: { entries: ScheduledKey[]; at: number } | undefined;
  let reloading: Promise<void> | undefined;
  // Opening a sealed key and parsing its PEM is done once per key, not on every re-read.
  const parsed = new Map<string, SigningKey>();

  function toEntry(row: StoredSigningKey): ScheduledKey {
    let key = parsed.get(row.kid);
    if (!key) {
      key = loadSigningKey(row.kid, box.open(row.privateKeyEnc), row.publicJwk as PublicJwk);
      parsed.set(row.kid, key);
    }
    return { key, createdAt: row.createdAt, activatesAt: row.activatesAt ?? row.createdAt, retiresAt: row.retiresAt };
  }

  async function read(): Promise<void> {
    const rows = (await store.signingKeys.list()).filter((row) => row.status !== 'retired');
    loaded = { entries: rows.map(toEntry), at: clock() };
  }

  /** Creates the first key when there is none, then reads them all. */
  async function load(): Promise<void> {
    const rows = await store.signingKeys.list();
    if (!rows.some((row) => row.status === 'active')) {
      const generated = await generateSigningKey();
      await store.signingKeys.insert({
        kid: generated.kid,
        privateKeyEnc: box.seal(generated.privatePem),
        publicJwk: generated.publicJwk,
        status: 'active',
        createdAt: clock(),
        activatesAt: null,
        retiresAt: null,
      });
    }
    await read();
  }

  function cached(): ScheduledKey[] {
    if (!loaded) throw new Error('keyring not loaded; call load() first');
    return loaded.entries;
  }

  /** The keys, re-read when older than `refreshMs`; a failed re-read keeps the last ones. */
  async function fresh(): Promise<ScheduledKey[]> {
    const entries = cached();
    if (loaded && clock() - loaded.at < refreshMs) return entries;
    reloading ??= read()
      .catch(() => {
        // The database is away: sign and publish with what was read last, and try again later.
        if (loaded) loaded.at = clock();
      })
      .finally(() => {
        reloading = undefined;
      });
    await reloading;
    return cached();
  }

  function signingOf(entries: ScheduledKey[]): SigningKey {
    const signing = pickSigning(entries, clock());
    if (!signing) throw new Error('no signing key is published');
    return signing.key;
  }

  return {
    load,
    signingKey: async (): Promise<SigningKey> => signingOf(await fresh()),
    jwks: async (): Promise<{ keys: PublicJwk[] }> => {
      const now = clock();
      return { keys: (await fresh()).filter((entry) => isPublished(entry, now)).map((entry) => entry.key.publicJwk) };
    },
    /** The PEM of the key signing now, as last read (what `CLERK_JWT_KEY` holds). */
    publicPem: () => signingOf(cached()).publicPem,
    async list(): Promise<SigningKeySummary[]> {
      await read();
      const now = clock();
      const signing = pickSigning(cached(), now);
      return cached()
        .filter((entry) => isPublished(entry, now))
        .map((entry) => ({
          kid: entry.key.kid,
          state: entry === signing ? 'signing' : entry.activatesAt > now ? 'pending' : 'verifying',
          createdAt: entry.createdAt,
          activatesAt: entry.activatesAt,
          retiresAt: entry.retiresAt,
        }));
    },
    /**
     * Adds a key that signs from `now + overlapMs`; every published key without a retirement date
     * leaves the JWKS at `activation + retainMs`. Keys past their retirement are marked retired.
     */
    async rotate(overlapMs: number, retainMs: number): Promise<{ kid: string; activatesAt: number; retiresAt: number }> {
      const generated = await generateSigningKey();
      const now = clock();
      const activatesAt = now + overlapMs;
      const retiresAt = activatesAt + retainMs;
      await store.transaction(async (tx) => {
        const rows = await tx.signingKeys.list();
        await tx.signingKeys.insert({
          kid: generated.kid,
          privateKeyEnc: box.seal(generated.privatePem),
          publicJwk: generated.publicJwk,
          status: 'active',
          createdAt: now,
          activatesAt: activatesAt,
          retiresAt: null,
        });
        for (const row of rows) {
          if (row.status === 'retired') continue;
          if (row.retiresAt !== null && row.retiresAt <= now) await tx.signingKeys.setStatus(row.kid, 'retired');
          else if (row.retiresAt === null) await tx.signingKeys.setRetiresAt(row.kid, retiresAt);
        }
      });
      await read();
      return { kid: generated.kid, activatesAt, retiresAt };
    },
  };
}

export type Keyring = ReturnType<typeof createKeyring>;
