import type { SecretBox } from '../crypto/secret-box.js';
import { generateSigningKey, loadSigningKey, type PublicJwk, type SigningKey } from '../crypto/signing-keys.js';
import type { Store } from '../store/index.js';
import type { Clock } from './clock.js';

/**
 * The instance's RS256 keys. Private keys are sealed at rest. Every published key verifies; the newest
 * `active` one signs. A key is published before it signs, so rotation never strands a verifier.
 */
export function createKeyring(store: Store, box: SecretBox, clock: Clock) {
  let keys: { signing: SigningKey; published: SigningKey[] } | undefined;

  async function load(): Promise<void> {
    let rows = await store.signingKeys.list();
    if (!rows.some((row) => row.status === 'active')) {
      const generated = await generateSigningKey();
      await store.signingKeys.insert({
        kid: generated.kid,
        privateKeyEnc: box.seal(generated.privatePem),
        publicJwk: generated.publicJwk,
        status: 'active',
        createdAt: clock(),
      });
      rows = await store.signingKeys.list();
    }
    const live = rows.filter((row) => row.status !== 'retired');
    const published = live.map((row) => loadSigningKey(row.kid, box.open(row.privateKeyEnc), row.publicJwk as PublicJwk));
    const activeRows = live.filter((row) => row.status === 'active');
    const newestActive = activeRows[activeRows.length - 1];
    const signing = published.find((key) => key.kid === newestActive?.kid);
    if (!signing) throw new Error('no active signing key');
    keys = { signing, published };
  }

  function current() {
    if (!keys) throw new Error('keyring not loaded; call load() first');
    return keys;
  }

  return {
    load,
    signingKey: () => current().signing,
    jwks: (): { keys: PublicJwk[] } => ({ keys: current().published.map((key) => key.publicJwk) }),
    publicPem: () => current().signing.publicPem,
  };
}

export type Keyring = ReturnType<typeof createKeyring>;
