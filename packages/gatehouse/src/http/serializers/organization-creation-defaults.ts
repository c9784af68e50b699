import type { OrganizationCreationDefaultsJSON } from '@clerk/shared/types';
import type { Amended } from './wire.js';

/**
 * What `<CreateOrganization/>` pre-fills (@clerk/shared's type, without the `id` its base type
 * declares and clerk-js does not read): Gatehouse suggests nothing and raises no advisory, so the
 * form starts empty, as Clerk's does when it has no suggestion.
 */
export type OrganizationCreationDefaultsWireJSON = Amended<OrganizationCreationDefaultsJSON, Record<never, never>, 'id'>;

export function serializeOrganizationCreationDefaults(): OrganizationCreationDefaultsWireJSON {
  return {
    object: 'organization_creation_defaults',
    advisory: null,
    form: { name: '', slug: '', logo: null, blur_hash: null },
  };
}
