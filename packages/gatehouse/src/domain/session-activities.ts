import Bowser from 'bowser';
import type { SessionActivity } from '../model/index.js';
import type { Store } from '../store/index.js';
import type { Clock } from './clock.js';

/** What the request that signed someone in said about itself. */
export interface SignInDevice {
  userAgent: string | undefined;
  /** The client's address as the HTTP layer determined it (trusted proxies applied). */
  ipAddress: string | undefined;
}

/** A User-Agent longer than any real browser sends is cut before parsing: parsing is regex work. */
const MAX_USER_AGENT = 512;
const MAX_FIELD = 64;

/** Where an address is, from a GeoIP database (`--geoip`); null when the database does not know it. */
export type Locate = (ipAddress: string) => { city: string | null; country: string | null } | null;

const field = (value: string | undefined): string | null => (value ? value.slice(0, MAX_FIELD) : null);

/**
 * Browser, OS and kind of device from a User-Agent (bowser, MIT), as Clerk shows them under
 * "Active devices". `device_type` names the device when the User-Agent does (`iPhone`, `iPad`),
 * else its operating system (`macOS`, `Windows`), as Clerk's does.
 */
export function describeDevice(device: SignInDevice, sessionId: string, now: number, locate?: Locate): SessionActivity {
  const userAgent = device.userAgent?.slice(0, MAX_USER_AGENT).trim();
  const parsed = userAgent ? Bowser.parse(userAgent) : undefined;
  const platform = parsed?.platform.type;
  const place = device.ipAddress && locate ? locate(device.ipAddress) : null;
  return {
    sessionId,
    browserName: field(parsed?.browser.name),
    browserVersion: field(parsed?.browser.version),
    osName: field(parsed?.os.name),
    deviceType: field(parsed?.platform.model ?? parsed?.os.name ?? platform),
    isMobile: platform === 'mobile' || platform === 'tablet',
    ipAddress: field(device.ipAddress),
    // Without a GeoIP database (or for an address it does not know) the place stays unknown rather than guessed.
    city: field(place?.city ?? undefined),
    country: field(place?.country ?? undefined),
    createdAt: now,
  };
}

/** The device and place each session was signed in from (Clerk's `latest_activity`). */
export function createSessionActivityService(store: Store, clock: Clock, locate?: Locate) {
  return {
    /** Records the device of a new session; a session keeps the first one recorded. */
    async record(sessionId: string, device: SignInDevice): Promise<void> {
      await store.sessionActivities.insertIfAbsent(describeDevice(device, sessionId, clock(), locate));
    },

    async forSessions(sessionIds: readonly string[]): Promise<Map<string, SessionActivity>> {
      const activities = await store.sessionActivities.listBySessionIds(sessionIds);
      return new Map(activities.map((activity) => [activity.sessionId, activity]));
    },
  };
}

export type SessionActivityService = ReturnType<typeof createSessionActivityService>;
