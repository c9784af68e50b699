import { describe, expect, it } from 'vitest';
import { errorOf } from '../testing/errors.js';
import { METADATA_LIMIT_BYTES, mergeMetadata, sizedMetadata } from './metadata.js';

/** An object whose JSON is exactly `bytes` long. */
function ofSize(bytes: number, char = 'x'): Record<string, unknown> {
  const overhead = JSON.stringify({ pad: '' }).length;
  const charBytes = Buffer.byteLength(char, 'utf8');
  return { pad: char.repeat((bytes - overhead) / charBytes) };
}

describe('mergeMetadata', () => {
  it('merges nested objects key by key', () => {
    const current = { plan: 'free', prefs: { theme: 'dark', lang: 'en', notify: { email: true, sms: false } } };
    const patch = { prefs: { lang: 'de', notify: { sms: true } }, seats: 3 };
    expect(mergeMetadata(current, patch)).toEqual({
      plan: 'free',
      seats: 3,
      prefs: { theme: 'dark', lang: 'de', notify: { email: true, sms: true } },
    });
  });

  it('removes a key set to null, at any depth', () => {
    expect(mergeMetadata({ a: 1, b: { c: 2, d: 3 }, e: 4 }, { a: null, b: { c: null }, missing: null })).toEqual({ b: { d: 3 }, e: 4 });
  });

  it('replaces arrays rather than merging them', () => {
    expect(mergeMetadata({ roles: ['admin', 'billing'], tags: ['a'] }, { roles: ['viewer'] })).toEqual({ roles: ['viewer'], tags: ['a'] });
    expect(mergeMetadata({ roles: { admin: true } }, { roles: ['viewer'] })).toEqual({ roles: ['viewer'] });
    expect(mergeMetadata({ roles: ['viewer'] }, { roles: { admin: true } })).toEqual({ roles: { admin: true } });
  });

  it('lets scalars and objects replace each other, and keeps falsy values', () => {
    expect(mergeMetadata({ a: 'text', b: { c: 1 } }, { a: { nested: true }, b: 'flat' })).toEqual({ a: { nested: true }, b: 'flat' });
    expect(mergeMetadata({ a: 1, b: true, c: 'x' }, { a: 0, b: false, c: '' })).toEqual({ a: 0, b: false, c: '' });
  });

  it('does not change its inputs', () => {
    const current = { prefs: { theme: 'dark' }, keep: [1, 2] };
    const patch = { prefs: { theme: 'light' }, keep: null };
    const merged = mergeMetadata(current, patch);
    expect(merged).toEqual({ prefs: { theme: 'light' } });
    expect(current).toEqual({ prefs: { theme: 'dark' }, keep: [1, 2] });
    expect(patch).toEqual({ prefs: { theme: 'light' }, keep: null });
  });

  it('returns the current metadata for an empty patch and the patch for empty metadata', () => {
    expect(mergeMetadata({ a: { b: 1 } }, {})).toEqual({ a: { b: 1 } });
    expect(mergeMetadata({}, { a: { b: 1 }, c: null })).toEqual({ a: { b: 1 } });
  });
});

describe('sizedMetadata', () => {
  it('passes metadata within the limit through', () => {
    expect(sizedMetadata('public_metadata', { plan: 'pro', seats: 3 })).toEqual({ plan: 'pro', seats: 3 });
    expect(sizedMetadata('private_metadata', {})).toEqual({});
  });

  it('accepts exactly 8 KB and refuses one byte more', () => {
    expect(METADATA_LIMIT_BYTES).toBe(8192);
    expect(JSON.stringify(sizedMetadata('public_metadata', ofSize(8192)))).toHaveLength(8192);

    const error = errorOf(() => sizedMetadata('unsafe_metadata', ofSize(8193)));
    expect(error.status).toBe(422);
    expect(error.code).toBe('form_param_exceeds_allowed_size');
    expect(error.errors[0]?.meta?.paramName).toBe('unsafe_metadata');
    expect(error.message).toContain('8192 bytes');
  });

  it('counts UTF-8 bytes, not characters', () => {
    const wide = ofSize(8194, 'é');
    expect(JSON.stringify(wide).length).toBeLessThan(8192);
    expect(errorOf(() => sizedMetadata('private_metadata', wide)).code).toBe('form_param_exceeds_allowed_size');
  });
});
