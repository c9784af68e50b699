import { BlockList, isIP } from 'node:net';
import { errors } from '../../errors.js';

// Loopback, private, link-local, CGNAT, unspecified, multicast and reserved ranges: what an SSRF aims at.
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

/** Whether an IP address is loopback, private or otherwise not on the public internet. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped?.[1]) return PRIVATE.check(mapped[1], 'ipv4');
    return PRIVATE.check(address, 'ipv6');
  }
  return false;
}

/**
 * Checks an endpoint URL: http(s) only, no credentials, at most 2048 characters, and (unless
 * `allowPrivate`) no loopback or private target by name or address. Names that resolve to a private
 * address are refused again when delivering (the worker checks every resolved address).
 */
export function checkEndpointUrl(raw: string, allowPrivate: boolean): string {
  if (raw.length > 2048) throw errors.paramInvalid('url', 'must be at most 2048 characters');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw errors.paramInvalid('url', 'must be an absolute http or https URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw errors.paramInvalid('url', 'must be an http or https URL');
  if (url.username || url.password) throw errors.paramInvalid('url', 'must not contain credentials');
  if (!allowPrivate) {
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    if (
      host === 'localhost' ||
      host.endsWith('.localhost') ||
      host.endsWith('.local') ||
      host.endsWith('.internal') ||
      isPrivateAddress(host)
    ) {
      throw errors.paramInvalid(
        'url',
        'must not point at a loopback or private address on a production instance (set webhooksAllowPrivate in the config file to allow it)',
      );
    }
  }
  return url.toString();
}
