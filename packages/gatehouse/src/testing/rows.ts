import { newId } from '../ids.js';
import type { User } from '../model/index.js';

/** A Unix-ms instant well past 2^31 (and 2^32), so 32-bit truncation or text storage would show. */
export const T0 = 1_700_000_000_000;

/** A user with every field set to its default, for tests that write straight to a store. */
export function testUser(overrides: Partial<User> = {}): User {
  return {
    id: newId('user'),
    externalId: null,
    username: null,
    firstName: null,
    lastName: null,
    imageUrl: null,
    passwordDigest: null,
    passwordHasher: null,
    passwordLastUpdatedAt: null,
    primaryEmailAddressId: null,
    publicMetadata: {},
    privateMetadata: {},
    unsafeMetadata: {},
    banned: false,
    locked: false,
    lastSignInAt: null,
    lastActiveAt: null,
    locale: null,
    timezone: null,
    legalAcceptedAt: null,
    createOrganizationEnabled: true,
    deleteSelfEnabled: true,
    failedVerificationAttempts: 0,
    failedVerificationWindowStart: null,
    lockoutUntil: null,
    passwordCompromised: false,
    totpEnabled: false,
    backupCodeEnabled: false,
    mfaEnabledAt: null,
    mfaDisabledAt: null,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}
