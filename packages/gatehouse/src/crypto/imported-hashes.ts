import { createCipheriv, pbkdf2, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import bcrypt from 'bcryptjs';
import { verifyArgon2 } from './password-hash.js';

const pbkdf2Async = promisify(pbkdf2);
const scryptAsync = promisify(scrypt) as (
  password: string | Buffer,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/** The digests `POST /v1/users` accepts as `password_digest` + `password_hasher`. */
export const IMPORTABLE_HASHERS = ['argon2id', 'argon2i', 'bcrypt', 'scrypt_firebase', 'pbkdf2_sha256'] as const;
export type ImportableHasher = (typeof IMPORTABLE_HASHERS)[number];

export function isImportableHasher(value: string): value is ImportableHasher {
  return (IMPORTABLE_HASHERS as readonly string[]).includes(value);
}

function equal(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

interface FirebaseScryptDigest {
  hash: Buffer;
  salt: Buffer;
  signerKey: Buffer;
  saltSeparator: Buffer;
  rounds: number;
  memCost: number;
}

function parseFirebaseScrypt(digest: string): FirebaseScryptDigest | undefined {
  const [hash, salt, signerKey, saltSeparator, rounds, memCost] = digest.split('$');
  if (!hash || !salt || !signerKey || saltSeparator === undefined || !rounds || !memCost) return undefined;
  const r = Number(rounds);
  const m = Number(memCost);
  // Firebase projects use rounds 8 and mem cost 14; the caps keep one check under ~128 MiB.
  if (!Number.isInteger(r) || r < 1 || r > 16 || !Number.isInteger(m) || m < 1 || m > 16) return undefined;
  return {
    hash: Buffer.from(hash, 'base64'),
    salt: Buffer.from(salt, 'base64'),
    signerKey: Buffer.from(signerKey, 'base64'),
    saltSeparator: Buffer.from(saltSeparator, 'base64'),
    rounds: r,
    memCost: m,
  };
}

function parsePbkdf2(digest: string): { iterations: number; salt: Buffer; hash: Buffer } | undefined {
  const [name, iterations, salt, hash] = digest.split('$');
  const n = Number(iterations);
  if (name !== 'pbkdf2_sha256' || !Number.isInteger(n) || n < 1 || n > 10_000_000 || !salt || !hash) return undefined;
  return { iterations: n, salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
}

/** Checks the shape of an imported digest, so a bad import fails at creation, not at first sign-in. */
export function isWellFormedDigest(hasher: ImportableHasher, digest: string): boolean {
  switch (hasher) {
    case 'argon2id':
      return digest.startsWith('$argon2id$');
    case 'argon2i':
      return digest.startsWith('$argon2i$');
    case 'bcrypt':
      return /^\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}$/.test(digest);
    case 'scrypt_firebase':
      return parseFirebaseScrypt(digest) !== undefined;
    case 'pbkdf2_sha256':
      return parsePbkdf2(digest) !== undefined;
  }
}

/**
 * Firebase's scrypt variant: scrypt(password, salt‖separator) keys AES-256-CTR with a zero IV, which
 * encrypts the project's signer key; the result is the stored hash.
 */
async function verifyFirebaseScrypt(digest: string, password: string): Promise<boolean> {
  const parsed = parseFirebaseScrypt(digest);
  if (!parsed) return false;
  const N = 2 ** parsed.memCost;
  const derived = await scryptAsync(password, Buffer.concat([parsed.salt, parsed.saltSeparator]), 64, {
    N,
    r: parsed.rounds,
    p: 1,
    maxmem: 256 * N * parsed.rounds + 1024 * 1024,
  });
  const cipher = createCipheriv('aes-256-ctr', derived.subarray(0, 32), Buffer.alloc(16, 0));
  const computed = Buffer.concat([cipher.update(parsed.signerKey), cipher.final()]);
  return equal(computed, parsed.hash);
}

async function verifyPbkdf2Sha256(digest: string, password: string): Promise<boolean> {
  const parsed = parsePbkdf2(digest);
  if (!parsed) return false;
  const computed = await pbkdf2Async(password, parsed.salt, parsed.iterations, parsed.hash.length, 'sha256');
  return equal(computed, parsed.hash);
}

/** Verifies a password against a digest of any supported hasher. Never throws on a bad digest. */
export async function verifyDigest(hasher: string, digest: string, password: string): Promise<boolean> {
  try {
    switch (hasher) {
      case 'argon2id':
      case 'argon2i':
        return await verifyArgon2(digest, password);
      case 'bcrypt':
        return await bcrypt.compare(password, digest);
      case 'scrypt_firebase':
        return await verifyFirebaseScrypt(digest, password);
      case 'pbkdf2_sha256':
        return await verifyPbkdf2Sha256(digest, password);
      default:
        return false;
    }
  } catch {
    return false;
  }
}
