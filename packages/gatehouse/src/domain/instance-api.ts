import { errors } from '../errors.js';
import { keyedId, newId } from '../ids.js';
import type { EnvironmentType, InstanceDomain, RedirectUrl } from '../model/index.js';
import type { Clock } from './clock.js';
import type { FrontendSettings } from './frontend-settings.js';
import type { InstanceService } from './instance.js';
import type { InstanceOptions } from './instance-options.js';

/** Registered redirect URLs and satellite domains are settings read on every Frontend API call: kept few. */
export const MAX_REDIRECT_URLS = 200;
export const MAX_SATELLITE_DOMAINS = 50;

/** What `PATCH /v1/instance` may change; absent (or null, as the SDK sends) leaves a field as it is. */
export interface InstanceUpdate extends InstanceOptions {
  allowedOrigins?: string[];
  supportEmail?: string | null;
  developmentOrigin?: string | null;
}

/** The instance as `GET /v1/instance` shows it. */
export interface InstanceView {
  id: string;
  environmentType: EnvironmentType;
  allowedOrigins: string[];
}

/** Schemes a redirect must never lead to: they run code or read local files instead of opening an app. */
const FORBIDDEN_SCHEMES = new Set(['javascript:', 'data:', 'vbscript:', 'file:', 'blob:', 'about:']);

function normalizeOrigin(value: string, param: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw errors.paramInvalid(param, 'must be an origin such as https://app.example.com');
  }
  // Browser-like stacks use their own schemes (chrome-extension://…, capacitor://localhost): keep them whole.
  if (FORBIDDEN_SCHEMES.has(url.protocol)) throw errors.paramInvalid(param, `may not use the ${url.protocol} scheme`);
  return url.origin === 'null' ? `${url.protocol}//${url.host}` : url.origin;
}

/** A redirect URL as registered: absolute, with a scheme that opens a page or an app, no credentials, no fragment. */
function normalizeRedirectUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw errors.paramInvalid('url', 'must be an absolute URL such as https://app.example.com/callback or myapp://callback');
  }
  if (FORBIDDEN_SCHEMES.has(url.protocol)) throw errors.paramInvalid('url', `may not use the ${url.protocol} scheme`);
  if (url.username || url.password) throw errors.paramInvalid('url', 'may not hold credentials');
  if (url.hash) throw errors.paramInvalid('url', 'may not have a fragment');
  return url.toString();
}

/** A domain name as Clerk takes it: a host, with a port in development, no scheme or path. */
function normalizeDomainName(value: string, development: boolean): string {
  const name = value.trim().toLowerCase();
  let url: URL;
  try {
    url = new URL(`https://${name}`);
  } catch {
    throw errors.paramInvalid('name', 'must be a domain name such as app.example.com');
  }
  if (url.host !== name || name.includes('/') || name.includes('@')) {
    throw errors.paramInvalid('name', 'must be a domain name such as app.example.com, without a scheme or path');
  }
  if (url.port && !development) throw errors.paramInvalid('name', 'may carry a port only on a development instance');
  return name;
}

function normalizeProxyUrl(value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw errors.paramInvalid('proxy_url', 'must be an absolute https URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw errors.paramInvalid('proxy_url', 'must be an http(s) URL');
  return url.toString().replace(/\/$/, '');
}

/**
 * The Backend API's instance resources: `GET/PATCH /v1/instance`, `/v1/redirect_urls` and
 * `/v1/domains`. All of it lives in the instance settings (compare-and-swap writes, read by every
 * node within the settings cache's two seconds), next to the allowed origins it extends.
 */
export function createInstanceApiService(deps: {
  instance: InstanceService;
  clock: Clock;
  publicUrl: string;
  isDevelopment: () => boolean;
}) {
  const { instance, clock } = deps;
  const frontend = async () => (await instance.settings()).frontend;

  function changeFrontend(change: (current: FrontendSettings) => FrontendSettings) {
    return instance.updateSettings((settings) => ({ ...settings, frontend: change(settings.frontend) }));
  }

  /** The primary domain: the public URL's host, with an id derived from the instance's so it is stable. */
  function primaryDomain(): InstanceDomain {
    const current = instance.get();
    return {
      id: keyedId('dmn', current.hmacKey, `primary domain:${current.id}`),
      name: new URL(deps.publicUrl).host,
      isSatellite: false,
      proxyUrl: null,
      createdAt: current.createdAt,
      updatedAt: current.createdAt,
    };
  }

  async function domains(): Promise<InstanceDomain[]> {
    const satellites = (await frontend()).satelliteDomains.map((d) => ({ ...d, isSatellite: true }));
    return [primaryDomain(), ...satellites];
  }

  return {
    /** The Frontend API of every domain, and the primary's hosted pages. */
    publicUrl: deps.publicUrl,

    async describe(): Promise<InstanceView> {
      const current = instance.get();
      return { id: current.id, environmentType: current.environmentType, allowedOrigins: (await frontend()).allowedOrigins };
    },

    /** `PATCH /v1/instance`. The allowed origins replace the list (the configuration file's win again at the next start). */
    async update(input: InstanceUpdate): Promise<void> {
      const allowedOrigins = input.allowedOrigins?.map((o) => normalizeOrigin(o, 'allowed_origins'));
      const developmentOrigin =
        input.developmentOrigin === undefined || input.developmentOrigin === null || input.developmentOrigin === ''
          ? input.developmentOrigin
          : normalizeOrigin(input.developmentOrigin, 'development_origin');
      const { allowedOrigins: _a, supportEmail, developmentOrigin: _d, ...options } = input;
      await instance.updateSettings((settings) => {
        const next = { ...settings.frontend };
        if (allowedOrigins) next.allowedOrigins = [...new Set(allowedOrigins)];
        if (supportEmail === '') delete next.supportEmail;
        else if (supportEmail) next.supportEmail = supportEmail;
        if (developmentOrigin === '') delete next.developmentOrigin;
        else if (developmentOrigin) next.developmentOrigin = developmentOrigin;
        const definedOptions = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined && v !== null));
        return { ...settings, frontend: next, options: { ...settings.options, ...definedOptions } };
      });
    },

    redirectUrls: {
      /** Newest first, as Clerk lists them. */
      async list(): Promise<RedirectUrl[]> {
        return [...(await frontend()).redirectUrls].reverse();
      },

      async get(id: string): Promise<RedirectUrl> {
        const found = (await frontend()).redirectUrls.find((r) => r.id === id);
        if (!found) throw errors.notFound('redirect URL');
        return found;
      },

      /** Registering a URL twice answers the first registration (the list holds each URL once). */
      async create(url: string): Promise<RedirectUrl> {
        const normalized = normalizeRedirectUrl(url);
        const now = clock();
        let result: RedirectUrl | undefined;
        await changeFrontend((current) => {
          const existing = current.redirectUrls.find((r) => r.url === normalized);
          if (existing) {
            result = existing;
            return current;
          }
          if (current.redirectUrls.length >= MAX_REDIRECT_URLS) {
            throw errors.paramValueInvalid('url', `at most ${MAX_REDIRECT_URLS} redirect URLs can be registered`);
          }
          result = { id: newId('ru'), url: normalized, createdAt: now, updatedAt: now };
          return { ...current, redirectUrls: [...current.redirectUrls, result] };
        });
        if (!result) throw new Error('redirect URL not registered');
        return result;
      },

      async delete(id: string): Promise<RedirectUrl> {
        let removed: RedirectUrl | undefined;
        await changeFrontend((current) => {
          removed = current.redirectUrls.find((r) => r.id === id);
          if (!removed) throw errors.notFound('redirect URL');
          return { ...current, redirectUrls: current.redirectUrls.filter((r) => r.id !== id) };
        });
        if (!removed) throw errors.notFound('redirect URL');
        return removed;
      },
    },

    domains: {
      /** The primary domain first, then the satellites in the order they were added. */
      list: domains,

      /** Adds a satellite; the primary domain follows the public URL, so a second primary is refused. */
      async add(input: { name: string; isSatellite: boolean; proxyUrl?: string | null }): Promise<InstanceDomain> {
        if (!input.isSatellite) {
          throw errors.paramValueInvalid('is_satellite', 'the primary domain follows the public URL; only satellites can be added');
        }
        const name = normalizeDomainName(input.name, deps.isDevelopment());
        const proxyUrl = normalizeProxyUrl(input.proxyUrl) ?? null;
        const now = clock();
        const added = { id: newId('dmn'), name, proxyUrl, createdAt: now, updatedAt: now };
        await changeFrontend((current) => {
          if (name === primaryDomain().name || current.satelliteDomains.some((d) => d.name === name)) {
            throw errors.identifierExists('name');
          }
          if (current.satelliteDomains.length >= MAX_SATELLITE_DOMAINS) {
            throw errors.paramValueInvalid('name', `at most ${MAX_SATELLITE_DOMAINS} satellite domains can be added`);
          }
          return { ...current, satelliteDomains: [...current.satelliteDomains, added] };
        });
        return { ...added, isSatellite: true };
      },

      async update(id: string, input: { name?: string; proxyUrl?: string | null }): Promise<InstanceDomain> {
        if (id === primaryDomain().id) {
          if (input.name !== undefined || input.proxyUrl !== undefined) {
            throw errors.paramValueInvalid('domain_id', 'the primary domain follows the public URL (--public-url); change that instead');
          }
          return primaryDomain();
        }
        const name = input.name === undefined ? undefined : normalizeDomainName(input.name, deps.isDevelopment());
        const proxyUrl = normalizeProxyUrl(input.proxyUrl);
        let updated: InstanceDomain | undefined;
        await changeFrontend((current) => {
          const found = current.satelliteDomains.find((d) => d.id === id);
          if (!found) throw errors.notFound('domain');
          if (name !== undefined && name !== found.name) {
            if (name === primaryDomain().name || current.satelliteDomains.some((d) => d.name === name))
              throw errors.identifierExists('name');
          }
          const next = {
            ...found,
            ...(name === undefined ? {} : { name }),
            ...(proxyUrl === undefined ? {} : { proxyUrl }),
            updatedAt: clock(),
          };
          updated = { ...next, isSatellite: true };
          return { ...current, satelliteDomains: current.satelliteDomains.map((d) => (d.id === id ? next : d)) };
        });
        if (!updated) throw errors.notFound('domain');
        return updated;
      },

      async delete(id: string): Promise<void> {
        if (id === primaryDomain().id) {
          throw errors.paramValueInvalid('domain_id', 'the primary domain cannot be deleted; it follows the public URL');
        }
        await changeFrontend((current) => {
          if (!current.satelliteDomains.some((d) => d.id === id)) throw errors.notFound('domain');
          return { ...current, satelliteDomains: current.satelliteDomains.filter((d) => d.id !== id) };
        });
      },
    },
  };
}

export type InstanceApiService = ReturnType<typeof createInstanceApiService>;
