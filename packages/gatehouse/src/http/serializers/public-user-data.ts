import type { OrganizationMembershipPublicUserDataJSON } from '@clerk/backend';
import type { ImageLinks } from '../../domain/images/links.js';
import type { UserRecord } from '../../domain/users.js';

/**
 * What others see of a user (Clerk's `public_user_data`, on memberships and on frontend sessions).
 * The identifier is the primary address, else the first one, else the username or external id.
 */
export function serializePublicUserData(record: UserRecord, links: ImageLinks): OrganizationMembershipPublicUserDataJSON {
  const { user, emailAddresses } = record;
  const primary = emailAddresses.find((e) => e.id === user.primaryEmailAddressId) ?? emailAddresses[0];
  return {
    identifier: primary?.emailAddress ?? user.username ?? user.externalId ?? '',
    first_name: user.firstName,
    last_name: user.lastName,
    ...links.user({ id: user.id, image: user.imageUrl, firstName: user.firstName, lastName: user.lastName }),
    user_id: user.id,
  };
}
