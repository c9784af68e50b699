import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from './secret-box.js';

const key = randomBytes(32);
const box = createSecretBox(key);

/** Flips one bit in the decoded bytes of part `index` of a sealed value. */
function flipBit(sealed: string, index: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[index] ?? '', 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

describe('secret box', () => {
  it('round-trips text, including empty and non-ASCII text', () => {
    for (const plaintext of ['sk_test_abc123', '', 'pässwörd ✓ 🔑', '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n']) {
      expect(box.open(box.seal(plaintext))).toBe(plaintext);
    }
  });

  it('seals as v1.<iv>.<tag>.<ciphertext> with a fresh 12-byte iv and a 16-byte tag', () => {
    const sealed = box.seal('secret');
    const [version, iv, tag, body] = sealed.split('.');
    expect(version).toBe('v1');
    expect(Buffer.from(iv ?? '', 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag ?? '', 'base64url')).toHaveLength(16);
    expect(Buffer.from(body ?? '', 'base64url')).toHaveLength('secret'.length);
    expect(sealed).not.toContain('secret');
    const again = box.seal('secret');
    expect(again).not.toBe(sealed);
    expect(again.split('.')[1]).not.toBe(iv);
  });

  it('opens with another box made from the same key', () => {
    expect(createSecretBox(Buffer.from(key)).open(box.seal('shared'))).toBe('shared');
  });

  it('detects tampering with the ciphertext, the tag or the iv', () => {
    const sealed = box.seal('do not touch');
    expect(() => box.open(flipBit(sealed, 3))).toThrow();
    expect(() => box.open(flipBit(sealed, 2))).toThrow();
    expect(() => box.open(flipBit(sealed, 1))).toThrow();
    const [version, iv, tag] = sealed.split('.');
    expect(() => box.open([version, iv, tag, box.seal('other').split('.')[3]].join('.'))).toThrow();
  });

  it('refuses to open with the wrong key', () => {
    const sealed = box.seal('for one key only');
    expect(() => createSecretBox(randomBytes(32)).open(sealed)).toThrow();
  });

  it('refuses unknown formats', () => {
    const sealed = box.seal('x');
    expect(() => box.open(sealed.replace(/^v1\./, 'v2.'))).toThrow('Sealed secret has an unknown format.');
    expect(() => box.open('not sealed')).toThrow('Sealed secret has an unknown format.');
    expect(() => box.open(sealed.split('.').slice(0, 3).join('.'))).toThrow('Sealed secret has an unknown format.');
  });

  it('requires a 32-byte key', () => {
    expect(() => createSecretBox(randomBytes(16))).toThrow(/32 bytes/);
    expect(() => createSecretBox(randomBytes(33))).toThrow(/32 bytes/);
  });

  it('derives the same key per purpose on every node sharing the encryption key, and different ones per purpose', () => {
    const other = createSecretBox(Buffer.from(key));
    expect(other.deriveKey('codes')).toBe(box.deriveKey('codes'));
    expect(box.deriveKey('codes')).not.toBe(box.deriveKey('ids'));
    expect(createSecretBox(randomBytes(32)).deriveKey('codes')).not.toBe(box.deriveKey('codes'));
    expect(Buffer.from(box.deriveKey('codes'), 'base64url')).toHaveLength(32);
  });
});
