import { readdirSync, readFileSync } from 'node:fs';
import { verify as argon2Verify } from '@node-rs/argon2';
import { afterAll, describe, expect, it } from 'vitest';
import { createHasherPool, HASHER_THREAD_NAME } from './hasher-pool.js';
import { ARGON2ID_PARAMS } from './password-hash.js';

/** This process's threads from /proc: each one's name and nice value (field 19 of its stat). */
function threads(): { name: string; nice: number }[] {
  return readdirSync('/proc/self/task').flatMap((tid) => {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      return [{ name: readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim(), nice: Number(stat.split(') ')[1]?.split(' ')[16]) }];
    } catch {
      return []; // a thread that ended between the listing and the read
    }
  });
}

describe('hasher pool', () => {
  const pool = createHasherPool(2);
  afterAll(() => pool.close());

  it('hashes argon2id at the given parameters and verifies what it hashed', async () => {
    const digest = await pool.run<string>({ op: 'hash', args: ['correct horse battery staple', ARGON2ID_PARAMS] });
    expect(digest).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    // The library's own check agrees: the pool runs the real thing, not a stand-in.
    expect(await argon2Verify(digest, 'correct horse battery staple')).toBe(true);
    expect(await pool.run<boolean>({ op: 'verify', args: [digest, 'correct horse battery staple'] })).toBe(true);
    expect(await pool.run<boolean>({ op: 'verify', args: [digest, 'wrong horse battery staple'] })).toBe(false);
  });

  it('rejects a malformed digest with the library’s error instead of hanging', async () => {
    await expect(pool.run({ op: 'verify', args: ['$argon2id$garbage', 'x'] })).rejects.toThrow();
  });

  it('runs more jobs than threads by queueing them, every answer going to its own caller', async () => {
    const passwords = ['one', 'two', 'three', 'four', 'five'];
    const digests = await Promise.all(passwords.map((p) => pool.run<string>({ op: 'hash', args: [p, ARGON2ID_PARAMS] })));
    const checks = await Promise.all(digests.map((d, i) => pool.run<boolean>({ op: 'verify', args: [d, passwords[i] ?? ''] })));
    expect(checks).toEqual([true, true, true, true, true]);
    expect(new Set(digests).size).toBe(5);
  });

  it.runIf(process.platform === 'linux')('runs the hashes on threads at nice 10, leaving the rest of the process alone', async () => {
    await pool.run({ op: 'hash', args: ['warm', ARGON2ID_PARAMS] });
    const niceValues = threads().map((t) => t.nice);
    expect(niceValues.filter((n) => n === 10).length).toBeGreaterThanOrEqual(1);
    expect(niceValues.filter((n) => n === 10).length).toBeLessThanOrEqual(2);
    // The main thread (the event loop) keeps normal priority.
    const main = Number(readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ')[16]);
    expect(main).toBe(0);
  });

  it.runIf(process.platform === 'linux')('names its threads, and only those, so a profile tells hashing from the event loop', async () => {
    await Promise.all([1, 2].map((n) => pool.run({ op: 'hash', args: [`named ${n}`, ARGON2ID_PARAMS] })));
    const named = threads().filter((t) => t.name === HASHER_THREAD_NAME);
    expect(named.length).toBeGreaterThanOrEqual(1);
    expect(named.length).toBeLessThanOrEqual(2);
    expect(named.every((t) => t.nice === 10)).toBe(true);
    // The main thread keeps Node's name.
    expect(readFileSync('/proc/self/comm', 'utf8').trim()).not.toBe(HASHER_THREAD_NAME);
  });
});
