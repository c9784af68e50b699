import type { Migration } from 'kysely';
import * as initial from './0001-initial.js';
import * as frontendApi from './0002-frontend-api.js';
import * as organizations from './0003-organizations.js';
import * as keyRotation from './0004-key-rotation.js';
import * as attackProtection from './0005-attack-protection.js';
import * as imagesAndSessionActivities from './0006-images-and-session-activities.js';
import * as machineAuth from './0007-machine-auth.js';
import * as webhooks from './0008-webhooks.js';
import * as oauth from './0009-oauth.js';
import * as invitationsAndRoles from './0010-invitations-and-roles.js';
import * as secondFactors from './0011-second-factors.js';
import * as passkeysPhonesLinks from './0012-passkeys-phones-links.js';
import * as dashboard from './0013-dashboard.js';
import * as bapiRest from './0014-bapi-rest.js';
import * as organizationDomains from './0015-organization-domains.js';
import * as enrollmentAndWaitlist from './0016-enrollment-and-waitlist.js';
import * as enrollmentByDomain from './0017-enrollment-by-domain.js';
import * as sessionTasks from './0018-session-tasks.js';

/** Every migration, in order. Add a file and a line here; never edit an applied migration. */
export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-frontend-api': frontendApi,
  '0003-organizations': organizations,
  '0004-key-rotation': keyRotation,
  '0005-attack-protection': attackProtection,
  '0006-images-and-session-activities': imagesAndSessionActivities,
  '0007-machine-auth': machineAuth,
  '0008-webhooks': webhooks,
  '0009-oauth': oauth,
  '0010-invitations-and-roles': invitationsAndRoles,
  '0011-second-factors': secondFactors,
  '0012-passkeys-phones-links': passkeysPhonesLinks,
  '0013-dashboard': dashboard,
  '0014-bapi-rest': bapiRest,
  '0015-organization-domains': organizationDomains,
  '0016-enrollment-and-waitlist': enrollmentAndWaitlist,
  '0017-enrollment-by-domain': enrollmentByDomain,
  '0018-session-tasks': sessionTasks,
};
