import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { Algorithm, hash as argon2Hash } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { IMPORTABLE_HASHERS, isImportableHasher, isWellFormedDigest, verifyDigest } from './imported-hashes.js';
import { ARGON2ID_PARAMS, hashPassword, needsRehash } from './password-hash.js';

const PASSWORD = 'correct horse battery staple';
const WRONG = 'correct horse battery stapler';

/** Firebase's published scrypt test vector (github.com/firebase/scrypt README). */
const FIREBASE = {
  signerKey: 'jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==',
  saltSeparator: 'Bw==',
  rounds: 8,
  memCost: 14,
  password: 'user1password',
  salt: '42xEC+ixf3L2lw==',
  hash: 'lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==',
};

function firebaseDigest(overrides: Partial<typeof FIREBASE> = {}): string {
  const v = { ...FIREBASE, ...overrides };
  return [v.hash, v.salt, v.signerKey, v.saltSeparator, v.rounds, v.memCost].join('$');
}

function pbkdf2Digest(password: string, salt: Buffer, iterations: number, length = 32): string {
  const hash = pbkdf2Sync(password, salt, iterations, length, 'sha256');
  return `pbkdf2_sha256$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

describe('importable hashers', () => {
  it('lists exactly the hashers that can be verified', () => {
    expect([...IMPORTABLE_HASHERS].sort()).toEqual(['argon2i', 'argon2id', 'bcrypt', 'pbkdf2_sha256', 'scrypt_firebase']);
    expect(isImportableHasher('bcrypt')).toBe(true);
    expect(isImportableHasher('md5')).toBe(false);
  });

  it('refuses an unknown hasher without throwing', async () => {
    await expect(verifyDigest('md5', '5f4dcc3b5aa765d61d8327deb882cf99', 'password')).resolves.toBe(false);
  });
});

describe('bcrypt', () => {
  const digest = bcrypt.hashSync(PASSWORD, 4);

  it('makes a well-formed cost-4 digest', () => {
    expect(digest).toMatch(/^\$2b\$04\$/);
    expect(isWellFormedDigest('bcrypt', digest)).toBe(true);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    expect(await verifyDigest('bcrypt', digest, PASSWORD)).toBe(true);
    expect(await verifyDigest('bcrypt', digest, WRONG)).toBe(false);
    expect(await verifyDigest('bcrypt', digest, '')).toBe(false);
  });

  it('verifies a $2a$ digest made by another implementation (jBCrypt test vector)', async () => {
    const jbcrypt = '$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i';
    expect(isWellFormedDigest('bcrypt', jbcrypt)).toBe(true);
    expect(await verifyDigest('bcrypt', jbcrypt, 'abc')).toBe(true);
    expect(await verifyDigest('bcrypt', jbcrypt, 'abd')).toBe(false);
  });

  it('rejects malformed digests as not well-formed and fails them without throwing', async () => {
    for (const bad of [
      '',
      'not-a-hash',
      digest.slice(0, -1),
      `${digest}x`,
      digest.replace('$04$', '$4$'),
      digest.replace('$2b$', '$3b$'),
    ]) {
      expect(isWellFormedDigest('bcrypt', bad), bad).toBe(false);
      await expect(verifyDigest('bcrypt', bad, PASSWORD)).resolves.toBe(false);
    }
  });
});

describe('argon2', () => {
  let argon2id: string;
  let argon2i: string;

  beforeAll(async () => {
    argon2id = await argon2Hash(PASSWORD, { algorithm: Algorithm.Argon2id, memoryCost: 4096, timeCost: 2, parallelism: 1 });
    argon2i = await argon2Hash(PASSWORD, { algorithm: Algorithm.Argon2i, memoryCost: 4096, timeCost: 3, parallelism: 1 });
  });

  it('produces PHC strings of the requested variant', () => {
    expect(argon2id).toMatch(/^\$argon2id\$v=19\$m=4096,t=2,p=1\$/);
    expect(argon2i).toMatch(/^\$argon2i\$v=19\$m=4096,t=3,p=1\$/);
  });

  it('verifies argon2id', async () => {
    expect(isWellFormedDigest('argon2id', argon2id)).toBe(true);
    expect(await verifyDigest('argon2id', argon2id, PASSWORD)).toBe(true);
    expect(await verifyDigest('argon2id', argon2id, WRONG)).toBe(false);
  });

  it('verifies argon2i', async () => {
    expect(isWellFormedDigest('argon2i', argon2i)).toBe(true);
    expect(await verifyDigest('argon2i', argon2i, PASSWORD)).toBe(true);
    expect(await verifyDigest('argon2i', argon2i, WRONG)).toBe(false);
  });

  it('does not take one variant for the other', () => {
    expect(isWellFormedDigest('argon2i', argon2id)).toBe(false);
    expect(isWellFormedDigest('argon2id', argon2i)).toBe(false);
  });

  it('fails malformed digests without throwing', async () => {
    for (const bad of ['', 'argon2id', '$argon2id$', '$argon2id$v=19$m=4096,t=2,p=1$bad', argon2id.slice(0, -8)]) {
      await expect(verifyDigest('argon2id', bad, PASSWORD)).resolves.toBe(false);
    }
    expect(isWellFormedDigest('argon2id', 'argon2id$v=19')).toBe(false);
    expect(isWellFormedDigest('argon2i', '')).toBe(false);
  });
});

describe('pbkdf2_sha256', () => {
  it('verifies the RFC 7914 PBKDF2-HMAC-SHA256 vectors in Clerk’s format', async () => {
    const salt = Buffer.from('salt').toString('base64');
    const one = Buffer.from(
      '55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783',
      'hex',
    );
    // RFC 7914 §11 lists PBKDF2-HMAC-SHA256 (P="passwd", S="salt", c=1, dkLen=64).
    const digest = `pbkdf2_sha256$1$${salt}$${one.toString('base64')}`;
    expect(isWellFormedDigest('pbkdf2_sha256', digest)).toBe(true);
    expect(await verifyDigest('pbkdf2_sha256', digest, 'passwd')).toBe(true);
    expect(await verifyDigest('pbkdf2_sha256', digest, 'password')).toBe(false);
  });

  it('verifies a digest with a random salt and many iterations', async () => {
    const digest = pbkdf2Digest(PASSWORD, randomBytes(16), 10_000);
    expect(isWellFormedDigest('pbkdf2_sha256', digest)).toBe(true);
    expect(await verifyDigest('pbkdf2_sha256', digest, PASSWORD)).toBe(true);
    expect(await verifyDigest('pbkdf2_sha256', digest, WRONG)).toBe(false);
  });

  it('fails when the iteration count or salt differs from the one hashed with', async () => {
    const salt = randomBytes(16);
    const digest = pbkdf2Digest(PASSWORD, salt, 1000);
    expect(await verifyDigest('pbkdf2_sha256', digest.replace('$1000$', '$1001$'), PASSWORD)).toBe(false);
    const otherSalt = randomBytes(16).toString('base64');
    expect(await verifyDigest('pbkdf2_sha256', digest.replace(salt.toString('base64'), otherSalt), PASSWORD)).toBe(false);
  });

  it('rejects malformed digests without throwing', async () => {
    const good = pbkdf2Digest(PASSWORD, randomBytes(16), 1000);
    const [, , salt, hash] = good.split('$');
    for (const bad of [
      '',
      'pbkdf2_sha256',
      `pbkdf2_sha1$1000$${salt}$${hash}`,
      `pbkdf2_sha256$0$${salt}$${hash}`,
      `pbkdf2_sha256$-5$${salt}$${hash}`,
      `pbkdf2_sha256$1.5$${salt}$${hash}`,
      `pbkdf2_sha256$many$${salt}$${hash}`,
      `pbkdf2_sha256$10000001$${salt}$${hash}`,
      `pbkdf2_sha256$1000$$${hash}`,
      `pbkdf2_sha256$1000$${salt}$`,
    ]) {
      expect(isWellFormedDigest('pbkdf2_sha256', bad), bad).toBe(false);
      await expect(verifyDigest('pbkdf2_sha256', bad, PASSWORD)).resolves.toBe(false);
    }
  });
});

describe('scrypt_firebase', () => {
  it('verifies Firebase’s published test vector', async () => {
    const digest = firebaseDigest();
    expect(isWellFormedDigest('scrypt_firebase', digest)).toBe(true);
    expect(await verifyDigest('scrypt_firebase', digest, FIREBASE.password)).toBe(true);
  });

  it('refuses a wrong password, and a digest whose parameters were changed', async () => {
    expect(await verifyDigest('scrypt_firebase', firebaseDigest(), 'user1Password')).toBe(false);
    expect(await verifyDigest('scrypt_firebase', firebaseDigest(), '')).toBe(false);
    expect(await verifyDigest('scrypt_firebase', firebaseDigest({ saltSeparator: 'CA==' }), FIREBASE.password)).toBe(false);
    expect(await verifyDigest('scrypt_firebase', firebaseDigest({ rounds: 7 }), FIREBASE.password)).toBe(false);
    expect(await verifyDigest('scrypt_firebase', firebaseDigest({ memCost: 13 }), FIREBASE.password)).toBe(false);
    expect(await verifyDigest('scrypt_firebase', firebaseDigest({ salt: '52xEC+ixf3L2lw==' }), FIREBASE.password)).toBe(false);
  });

  it('rejects malformed digests without throwing', async () => {
    for (const bad of [
      '',
      'garbage',
      FIREBASE.hash,
      firebaseDigest().split('$').slice(0, 5).join('$'),
      firebaseDigest({ rounds: 0 }),
      firebaseDigest({ rounds: 33 }),
      firebaseDigest({ memCost: 0 }),
      firebaseDigest({ memCost: 21 }),
      firebaseDigest({ hash: '' }),
      firebaseDigest({ salt: '' }),
      firebaseDigest({ signerKey: '' }),
      `${FIREBASE.hash}$${FIREBASE.salt}$${FIREBASE.signerKey}$${FIREBASE.saltSeparator}$eight$14`,
      `${FIREBASE.hash}$${FIREBASE.salt}$${FIREBASE.signerKey}$${FIREBASE.saltSeparator}$8$14.5`,
    ]) {
      expect(isWellFormedDigest('scrypt_firebase', bad), bad).toBe(false);
      await expect(verifyDigest('scrypt_firebase', bad, FIREBASE.password)).resolves.toBe(false);
    }
  });
});

describe('digests given to the wrong hasher', () => {
  it('are not well-formed and do not verify', async () => {
    const bcryptDigest = bcrypt.hashSync(PASSWORD, 4);
    const pbkdf2 = pbkdf2Digest(PASSWORD, randomBytes(16), 1000);
    expect(isWellFormedDigest('pbkdf2_sha256', bcryptDigest)).toBe(false);
    expect(isWellFormedDigest('bcrypt', pbkdf2)).toBe(false);
    expect(isWellFormedDigest('scrypt_firebase', pbkdf2)).toBe(false);
    expect(isWellFormedDigest('argon2id', bcryptDigest)).toBe(false);
    expect(await verifyDigest('pbkdf2_sha256', bcryptDigest, PASSWORD)).toBe(false);
    expect(await verifyDigest('bcrypt', pbkdf2, PASSWORD)).toBe(false);
    expect(await verifyDigest('scrypt_firebase', pbkdf2, PASSWORD)).toBe(false);
    expect(await verifyDigest('argon2id', bcryptDigest, PASSWORD)).toBe(false);
  });
});

describe('needsRehash', () => {
  it('keeps our own argon2id hashes, which verify', async () => {
    const digest = await hashPassword(PASSWORD);
    expect(digest).toContain(`$m=${ARGON2ID_PARAMS.memoryCost},t=${ARGON2ID_PARAMS.timeCost},p=${ARGON2ID_PARAMS.parallelism}$`);
    expect(needsRehash('argon2id', digest)).toBe(false);
    expect(await verifyDigest('argon2id', digest, PASSWORD)).toBe(true);
  });

  it('rehashes argon2id at other parameters', async () => {
    const weaker = await argon2Hash(PASSWORD, { algorithm: Algorithm.Argon2id, memoryCost: 4096, timeCost: 2, parallelism: 1 });
    expect(needsRehash('argon2id', weaker)).toBe(true);
    const moreLanes = await argon2Hash(PASSWORD, {
      algorithm: Algorithm.Argon2id,
      memoryCost: ARGON2ID_PARAMS.memoryCost,
      timeCost: ARGON2ID_PARAMS.timeCost,
      parallelism: 10,
    });
    expect(moreLanes).toContain(`$m=${ARGON2ID_PARAMS.memoryCost},t=${ARGON2ID_PARAMS.timeCost},p=10$`);
    expect(needsRehash('argon2id', moreLanes)).toBe(true);
  });

  it('rehashes every imported hasher', async () => {
    const argon2i = await argon2Hash(PASSWORD, {
      algorithm: Algorithm.Argon2i,
      memoryCost: ARGON2ID_PARAMS.memoryCost,
      timeCost: ARGON2ID_PARAMS.timeCost,
      parallelism: ARGON2ID_PARAMS.parallelism,
    });
    expect(needsRehash('argon2i', argon2i)).toBe(true);
    expect(needsRehash('bcrypt', bcrypt.hashSync(PASSWORD, 4))).toBe(true);
    expect(needsRehash('pbkdf2_sha256', pbkdf2Digest(PASSWORD, randomBytes(16), 1000))).toBe(true);
    expect(needsRehash('scrypt_firebase', firebaseDigest())).toBe(true);
  });
});
