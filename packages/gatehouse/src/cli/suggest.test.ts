import { describe, expect, it } from 'vitest';
import { nearest } from './suggest.js';

const OPTIONS = ['--port', '--host', '--public-url', '--data-dir', '--database', '--workers', '--redis', '--smtp'];

describe('nearest', () => {
  it.each([
    ['--prot', '--port'],
    ['--data_dir', '--data-dir'],
    ['--datadir', '--data-dir'],
    ['--worker', '--workers'],
    ['--PORT', '--port'],
    ['--reddis', '--redis'],
  ])('suggests %s → %s', (input, expected) => {
    expect(nearest(input, OPTIONS)).toBe(expected);
  });

  it.each(['--frobnicate', '--x', '--verbose'])('suggests nothing for %s', (input) => {
    expect(nearest(input, OPTIONS)).toBeUndefined();
  });
});
