import type { OrganizationMembershipPublicUserDataJSON } from '@clerk/backend';
import type { ImageLinks } from '../../domain/images/links.js';
import type { UserRecord } from '../../domain/users.js';

/**
 * Clerk's `public_user_data` with what Clerk sends beyond @clerk/backend's declaration: Clerk's Python
 * SDK (5.x, 6.x) refuses a membership without `profile_image_url`, and reads `username` and `banned`.
 */
export type PublicUserDataWireJSON = OrganizationMembershipPublicUserDataJSON & {
  profile_image_url: string;
  username: string | null;
  banned: boolean;
};

/**
 * What others see of a user (Clerk's `public_user_data`, on memberships and on frontend sessions).
 * The identifier is the primary address, else the first one, else the username or external id.
 */
export function serializePublicUserData(record: UserRecord, links: ImageLinks): PublicUserDataWireJSON {
  const { user, emailAddresses } = record;
  const image = links.user({ id: user.id, image: user.imageUrl, firstName: user.firstName, lastName: user.lastName });
  const primary = emailAddresses.find((e) => e.id === user.primaryEmailAddressId) ?? emailAddresses[0];
  return {
    identifier: primary?.emailAddress ?? user.username ?? user.externalId ?? '',
    first_name: user.firstName,
    last_name: user.lastName,
    ...image,
    profile_image_url: image.image_url,
    user_id: user.id,
    username: user.username,
    banned: user.banned,
  };
}
