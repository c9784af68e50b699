import type { AllowlistIdentifierJSON, BlocklistIdentifierJSON, InstanceRestrictionsJSON } from '@clerk/backend';
import type { RestrictionSettings } from '../../domain/organization-settings.js';
import type { Amended } from './wire.js';

/**
 * Clerk's `instance_restrictions`: @clerk/backend's type with `sign_up_mode`, which Clerk's answer
 * carries beside it, and without the `id` its base type declares (the SDK reads none; the instance has
 * one set of restrictions).
 */
export type InstanceRestrictionsWireJSON = Amended<InstanceRestrictionsJSON, { sign_up_mode: RestrictionSettings['signUpMode'] }, 'id'>;

export function serializeInstanceRestrictions(restrictions: RestrictionSettings): InstanceRestrictionsWireJSON {
  return {
    object: 'instance_restrictions',
    allowlist: restrictions.allowlist,
    blocklist: restrictions.blocklist,
    block_email_subaddresses: restrictions.blockEmailSubaddresses,
    block_disposable_email_domains: false,
    ignore_dots_for_gmail_addresses: false,
    sign_up_mode: restrictions.signUpMode,
  };
}

type IdentifierEntry = RestrictionSettings['allowlistIdentifiers'][number];

/**
 * An entry of the allowlist or blocklist: @clerk/backend's types, whose `identifier_type` lists
 * e-mail addresses, phone numbers and wallets; a domain entry (`example.com`, `@example.com`) is a
 * `domain`, as Clerk's dashboard calls it.
 */
export type AllowlistIdentifierWireJSON = Amended<AllowlistIdentifierJSON, { identifier_type: 'email_address' | 'domain' }>;
export type BlocklistIdentifierWireJSON = Amended<BlocklistIdentifierJSON, { identifier_type: 'email_address' | 'domain' }>;

function identifierType(identifier: string): 'email_address' | 'domain' {
  return identifier.includes('@') && !identifier.startsWith('@') ? 'email_address' : 'domain';
}

export function serializeAllowlistIdentifier(entry: IdentifierEntry): AllowlistIdentifierWireJSON {
  return {
    object: 'allowlist_identifier',
    id: entry.id,
    identifier: entry.identifier,
    identifier_type: identifierType(entry.identifier),
    created_at: entry.createdAt,
    updated_at: entry.updatedAt,
  };
}

export function serializeBlocklistIdentifier(entry: IdentifierEntry): BlocklistIdentifierWireJSON {
  return {
    object: 'blocklist_identifier',
    id: entry.id,
    identifier: entry.identifier,
    identifier_type: identifierType(entry.identifier),
    created_at: entry.createdAt,
    updated_at: entry.updatedAt,
  };
}
