import type { FastifyRequest } from 'fastify';
import { type RelyingParty, relyingParty } from '../../domain/frontend/passkeys.js';
import type { Domain } from '../../domain/index.js';
import { errors } from '../../errors.js';
import { isAllowedOrigin, isAllowedRedirect, originOf } from '../../security/origins.js';

/**
 * The relying party of a passkey ceremony: the calling page's origin when it is an allowed one (a page
 * on the public URL, an `allowedOrigins` app, or a loopback app on a development instance), its host
 * the rp id; otherwise the public URL's origin and host.
 */
export async function requestRelyingParty(domain: Domain, request: FastifyRequest, publicUrl: string): Promise<RelyingParty> {
  const origin = typeof request.headers.origin === 'string' ? originOf(request.headers.origin) : undefined;
  const settings = (await domain.instance.settings()).frontend;
  if (origin && isAllowedOrigin(origin, { publicUrl, settings, development: domain.isDevelopment() })) return relyingParty(origin);
  return relyingParty(originOf(publicUrl) ?? publicUrl);
}

/** An e-mail link's `redirect_url`: only to an allowed origin (no open redirect); 422 otherwise. */
export async function checkedRedirect(domain: Domain, url: string | undefined, publicUrl: string): Promise<string | undefined> {
  if (url === undefined) return undefined;
  const settings = (await domain.instance.settings()).frontend;
  if (!isAllowedRedirect(url, { publicUrl, settings, development: domain.isDevelopment() })) {
    throw errors.paramValueInvalid('redirect_url', 'must be a URL on an allowed origin');
  }
  return url;
}
