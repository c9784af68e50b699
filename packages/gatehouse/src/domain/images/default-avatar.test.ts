import { describe, expect, it } from 'vitest';
import { defaultAvatarFileName, hueOf, initialsOf, parseDefaultAvatarFileName } from './default-avatar.js';

describe('default avatars', () => {
  it('gives every id a stable hue in 0–359, spread over the wheel', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `user_2${i.toString(36).padStart(26, 'x')}`);
    const hues = ids.map(hueOf);
    expect(hues.every((h) => Number.isInteger(h) && h >= 0 && h < 360)).toBe(true);
    expect(ids.map(hueOf)).toEqual(hues);
    // 2,000 ids land on most of the 360 hues (a constant or a narrow band would be a broken hash).
    expect(new Set(hues).size).toBeGreaterThan(300);
    expect(hueOf('org_a')).not.toBe(hueOf('org_b'));
  });

  it('round-trips a file name it made', () => {
    const avatar = { kind: 'user' as const, hue: hueOf('user_1'), initials: initialsOf('Ada', 'Lovelace') };
    expect(parseDefaultAvatarFileName(decodeURIComponent(defaultAvatarFileName(avatar)))).toEqual(avatar);
  });
});
