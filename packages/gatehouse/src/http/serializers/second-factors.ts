import type { BackupCodeJSON, TOTPJSON } from '@clerk/shared/types';
import type { BackupCodeSet } from '../../domain/frontend/second-factors.js';
import type { TotpSecret } from '../../model/index.js';

/**
 * Clerk's `totp` object (clerk-js's `TOTP` resource): the secret and `otpauth://` URI only in the
 * answer that created it, backup codes only in the answer that verified it (and made them).
 */
export function serializeTotp(totp: TotpSecret, once: { secret?: string; uri?: string; backupCodes?: string[] } = {}): TOTPJSON {
  return {
    object: 'totp',
    id: totp.id,
    ...(once.secret ? { secret: once.secret } : {}),
    ...(once.uri ? { uri: once.uri } : {}),
    verified: totp.verified,
    ...(once.backupCodes ? { backup_codes: once.backupCodes } : {}),
    created_at: totp.createdAt,
    updated_at: totp.updatedAt,
  };
}

/** Clerk's `backup_code` object: the new codes, shown once. */
export function serializeBackupCodes(set: BackupCodeSet): BackupCodeJSON {
  return { object: 'backup_code', id: set.id, codes: set.codes, created_at: set.createdAt, updated_at: set.createdAt };
}
