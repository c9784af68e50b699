import type { DomainJSON, InstanceJSON, RedirectUrlJSON } from '@clerk/backend';
import type { InstanceView } from '../../domain/instance-api.js';
import type { InstanceDomain, RedirectUrl } from '../../model/index.js';

export function serializeInstance(view: InstanceView): InstanceJSON {
  return { object: 'instance', id: view.id, environment_type: view.environmentType, allowed_origins: view.allowedOrigins };
}

export function serializeRedirectUrl(entry: RedirectUrl): RedirectUrlJSON {
  return { object: 'redirect_url', id: entry.id, url: entry.url, created_at: entry.createdAt, updated_at: entry.updatedAt };
}

/**
 * A domain: Gatehouse is the Frontend API of every domain (`frontend_api_url` is the public URL) and
 * serves the hosted pages (the primary's `accounts_portal_url`); there are no CNAME records to set.
 */
export function serializeDomain(domain: InstanceDomain, context: { publicUrl: string; developmentOrigin: string | undefined }): DomainJSON {
  return {
    object: 'domain',
    id: domain.id,
    name: domain.name,
    is_satellite: domain.isSatellite,
    frontend_api_url: context.publicUrl,
    accounts_portal_url: domain.isSatellite ? null : context.publicUrl,
    ...(domain.proxyUrl ? { proxy_url: domain.proxyUrl } : {}),
    development_origin: context.developmentOrigin ?? '',
    cname_targets: [],
  };
}
