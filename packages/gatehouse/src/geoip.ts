import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { type CityResponse, Reader } from 'maxmind';
import { StartupError } from './config/startup-error.js';
import type { Locate } from './domain/session-activities.js';

/**
 * A record of either layout a MaxMind-format database comes in: MaxMind's GeoLite2/GeoIP2
 * (`country.iso_code`, `city.names.en`) or the flat one of the `@ip-location-db/*-mmdb` packages
 * (`country_code`, `city`).
 */
interface GeoRecord {
  country?: { iso_code?: string };
  city?: string | { names?: Record<string, string> };
  country_code?: string;
}

/**
 * Opens the GeoIP database `--geoip` names, read once into memory (maxmind, MIT): a missing or
 * unreadable file stops the start-up with one line naming it and the fix.
 */
export function openGeoIp(file: string): Locate {
  let reader: Reader<CityResponse>;
  try {
    reader = new Reader<CityResponse>(readFileSync(file));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message.split('\n')[0];
    throw new StartupError(
      `--geoip ${file} cannot be read as a GeoIP database (${reason}); give a MaxMind DB (.mmdb) file, or leave --geoip (GATEHOUSE_GEOIP) unset.`,
    );
  }
  return (ipAddress) => {
    if (!isIP(ipAddress)) return null;
    // Typed by maxmind for MaxMind's layout; the flat layout is read through the same fields, loosely.
    const record = reader.get(ipAddress) as GeoRecord | null;
    if (!record) return null;
    const city = typeof record.city === 'string' ? record.city : (record.city?.names?.en ?? null);
    const country = record.country?.iso_code ?? record.country_code ?? null;
    return city || country ? { city: city || null, country } : null;
  };
}
