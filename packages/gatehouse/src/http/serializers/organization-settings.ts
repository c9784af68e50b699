import type { OrganizationSettingsJSON } from '@clerk/backend';
import type { OrganizationSettings } from '../../domain/organization-settings.js';
import type { Amended } from './wire.js';

/**
 * Clerk's `organization_settings`: @clerk/backend's type with `force_organization_selection`, which
 * Clerk's answer carries beside it, and without the `id` its base type declares (the SDK reads none).
 */
export type OrganizationSettingsWireJSON = Amended<OrganizationSettingsJSON, { force_organization_selection: boolean }, 'id'>;

/** Gatehouse's fixed ceilings on custom roles and permissions, as Clerk reports its plan's. */
const MAX_ALLOWED_ROLES = 50;
const MAX_ALLOWED_PERMISSIONS = 500;

export function serializeOrganizationSettings(settings: OrganizationSettings, defaultRole: string): OrganizationSettingsWireJSON {
  return {
    object: 'organization_settings',
    enabled: settings.enabled,
    max_allowed_memberships: settings.maxAllowedMemberships,
    max_allowed_roles: MAX_ALLOWED_ROLES,
    max_allowed_permissions: MAX_ALLOWED_PERMISSIONS,
    creator_role: settings.creatorRole,
    admin_delete_enabled: settings.adminDeleteEnabled,
    domains_enabled: settings.domainsEnabled,
    slug_disabled: false,
    domains_enrollment_modes: settings.domainsEnrollmentModes,
    domains_default_role: defaultRole,
    force_organization_selection: settings.forceOrganizationSelection,
  };
}
