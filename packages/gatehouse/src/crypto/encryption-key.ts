import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { StartupError } from '../config/startup-error.js';

/**
 * The key that encrypts secrets at rest. Nodes that share a PostgreSQL database must share it, so
 * `GATEHOUSE_ENCRYPTION_KEY` wins; otherwise a key file in the data dir is created once (mode 0600).
 */
export function loadEncryptionKey(dataDir: string, fromEnv: string | undefined, options: { create?: boolean } = {}): Buffer {
  if (fromEnv) {
    const key = Buffer.from(fromEnv, 'base64');
    if (key.length !== 32) {
      throw new StartupError('GATEHOUSE_ENCRYPTION_KEY must be base64 of 32 bytes; make one with `openssl rand -base64 32`.');
    }
    return key;
  }
  const file = path.join(dataDir, 'encryption.key');
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new StartupError(`${file} does not hold base64 of 32 bytes; restore it from a backup.`);
    return key;
  }
  if (options.create === false) {
    throw new StartupError(
      `${file} is missing, so the instance's secrets cannot be read; restore it from a backup or set GATEHOUSE_ENCRYPTION_KEY.`,
    );
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}
