import { isIP } from 'node:net';
import type { SessionActivity } from '../../model/index.js';

/** Loopback and private (RFC 1918, unique-local, link-local) addresses: no GeoIP database knows them. */
function isLocalAddress(ip: string): boolean {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (isIP(v4) === 4) {
    const [a = 0, b = 0] = v4.split('.').map(Number);
    return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
  }
  const lower = ip.toLowerCase();
  return lower === '::1' || /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower);
}

/** Clerk's `session_activity`; fields nobody knows are left out, as Clerk does. */
export interface SessionActivityWireJSON {
  object: 'session_activity';
  id: string;
  browser_name?: string;
  browser_version?: string;
  device_type?: string;
  is_mobile: boolean;
  ip_address?: string;
  city?: string;
  country?: string;
}

export interface SerializeActivityOptions {
  /**
   * `<UserProfile/>` prints `ip (city, country)` whatever they are, so for the browser an unknown
   * place is said in words instead of showing `()`; the Backend API keeps the fields absent.
   */
  audience: 'backend' | 'frontend';
}

/** Clerk's `session_activity` object; a session with nothing recorded (made through BAPI, or before 0006) has an empty one. */
export function serializeSessionActivity(
  sessionId: string,
  activity: SessionActivity | undefined,
  options: SerializeActivityOptions,
): SessionActivityWireJSON {
  const ip = activity?.ipAddress ?? undefined;
  const located = Boolean(activity?.city || activity?.country);
  const unknownPlace = ip && isLocalAddress(ip) ? 'Local network' : 'Unknown location';
  return {
    object: 'session_activity',
    id: `sess_activity_${sessionId.replace(/^sess_/, '')}`,
    browser_name: activity?.browserName ?? undefined,
    browser_version: activity?.browserVersion ?? undefined,
    device_type: activity?.deviceType ?? undefined,
    is_mobile: activity?.isMobile ?? false,
    ip_address: ip,
    city: activity?.city ?? undefined,
    country: activity?.country ?? (options.audience === 'frontend' && !located ? unknownPlace : undefined),
  };
}
