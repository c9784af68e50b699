/** The device and place a session was signed in from (Clerk's `latest_activity`); null: unknown. */
export interface SessionActivity {
  sessionId: string;
  browserName: string | null;
  browserVersion: string | null;
  osName: string | null;
  /** What the User-Agent says the device is: `desktop`, `mobile`, `tablet`, `tv` … */
  deviceType: string | null;
  isMobile: boolean;
  ipAddress: string | null;
  /** Only when a GeoIP database is configured (`--geoip`) and knows the address. */
  city: string | null;
  country: string | null;
  createdAt: number;
}
