import { newId } from '../ids.js';
import type { UserRow } from '../store/schema.js';

/** A Unix-ms instant well past 2^31 (and 2^32), so 32-bit truncation or text storage would show. */
export const T0 = 1_700_000_000_000;

/** A user row with every column set to its default, for tests that write straight to a store. */
export function userRow(overrides: Partial<UserRow> = {}): UserRow {
  return {
    id: newId('user'),
    external_id: null,
    username: null,
    first_name: null,
    last_name: null,
    image_url: null,
    password_digest: null,
    password_hasher: null,
    password_last_updated_at: null,
    primary_email_address_id: null,
    public_metadata: '{}',
    private_metadata: '{}',
    unsafe_metadata: '{}',
    banned: 0,
    locked: 0,
    last_sign_in_at: null,
    last_active_at: null,
    locale: null,
    timezone: null,
    legal_accepted_at: null,
    create_organization_enabled: 1,
    delete_self_enabled: 1,
    created_at: T0,
    updated_at: T0,
    failed_verification_attempts: 0,
    failed_verification_window_start: null,
    lockout_until: null,
    ...overrides,
  };
}
