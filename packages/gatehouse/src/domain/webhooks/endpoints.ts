import type { SecretBox } from '../../crypto/secret-box.js';
import { errors } from '../../errors.js';
import { newId } from '../../ids.js';
import type { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { Clock } from '../clock.js';
import { EVENT_TYPES } from './events.js';
import { isWebhookSecret, newWebhookSecret } from './signing.js';
import { checkEndpointUrl } from './url-policy.js';

/** How long the secret before a rotation keeps signing beside the new one. */
export const SECRET_ROTATION_OVERLAP_MS = 24 * 3600 * 1000;
/** At most this many events are queued again by one replay. */
export const REPLAY_LIMIT = 10_000;

/** An endpoint with its secrets unsealed, as the Backend API shows it and the worker signs with. */
export interface EndpointRecord {
  endpoint: WebhookEndpoint;
  secret: string;
}

export interface DeliveryRecord {
  delivery: WebhookDelivery;
  attempts: WebhookAttempt[];
}

/** One entry of the config file's `webhooks`. */
export interface ConfiguredEndpoint {
  url: string;
  events?: string[];
  secret?: string;
}

function checkEvents(events: string[] | undefined, param = 'events'): string[] {
  const list = [...new Set(events ?? [])];
  for (const type of list) {
    if (!(EVENT_TYPES as string[]).includes(type)) throw errors.paramValueInvalid(param, `unknown event type ${JSON.stringify(type)}`);
  }
  return list;
}

export interface WebhookEndpointServiceOptions {
  store: Store;
  box: SecretBox;
  clock: Clock;
  /** Loopback and private targets are allowed (development instances, or `webhooksAllowPrivate`). */
  allowPrivate: () => boolean;
  /** Wakes the delivery worker after deliveries were queued outside an event (retry, replay). */
  nudge: () => void;
}

/** Endpoints as the Backend API manages them, and the config file's. */
export function createWebhookEndpointService(options: WebhookEndpointServiceOptions) {
  const { store, box, clock } = options;
  const record = (endpoint: WebhookEndpoint): EndpointRecord => ({ endpoint, secret: box.open(endpoint.secretEnc) });

  async function load(id: string): Promise<WebhookEndpoint> {
    const endpoint = await store.webhooks.findEndpoint(id);
    if (!endpoint) throw errors.notFound('webhook endpoint');
    return endpoint;
  }

  async function insert(input: { url: string; events?: string[]; secret?: string }, source: WebhookEndpoint['source']) {
    const now = clock();
    const endpoint: WebhookEndpoint = {
      id: newId('whe'),
      url: checkEndpointUrl(input.url, options.allowPrivate()),
      events: checkEvents(input.events),
      secretEnc: box.seal(input.secret ?? newWebhookSecret()),
      previousSecretEnc: null,
      previousSecretExpiresAt: null,
      disabled: false,
      failingSince: null,
      retryAt: null,
      source,
      leaseOwner: null,
      leaseExpiresAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await store.webhooks.insertEndpoint(endpoint);
    return record(endpoint);
  }

  return {
    create: (input: { url: string; events?: string[] }) => insert(input, 'api'),
    get: async (id: string) => record(await load(id)),
    async list(limit: number, offset: number): Promise<{ data: EndpointRecord[]; totalCount: number }> {
      const [rows, totalCount] = await Promise.all([store.webhooks.listEndpoints(limit, offset), store.webhooks.countEndpoints()]);
      return { data: rows.map(record), totalCount };
    },
    /** Changes the URL or subscriptions, or disables/enables it (enabling forgets the failures). */
    async update(id: string, input: { url?: string; events?: string[]; disabled?: boolean }): Promise<EndpointRecord> {
      const current = await load(id);
      const changes: Partial<WebhookEndpoint> = { updatedAt: clock() };
      if (input.url !== undefined) changes.url = checkEndpointUrl(input.url, options.allowPrivate());
      if (input.events !== undefined) changes.events = checkEvents(input.events);
      if (input.disabled !== undefined) {
        changes.disabled = input.disabled;
        if (!input.disabled && current.disabled) Object.assign(changes, { failingSince: null, retryAt: null });
      }
      await store.webhooks.updateEndpoint(id, changes);
      if (input.disabled === false) options.nudge();
      return record({ ...current, ...changes });
    },
    async delete(id: string): Promise<void> {
      if (!(await store.transaction((tx) => tx.webhooks.deleteEndpoint(id)))) throw errors.notFound('webhook endpoint');
    },
    /**
     * A new secret; the old one still signs beside it (a second `v1,` signature) for 24 h, so
     * receivers can move to the new one without losing a delivery.
     */
    async rotateSecret(id: string): Promise<EndpointRecord> {
      const current = await load(id);
      const now = clock();
      const changes: Partial<WebhookEndpoint> = {
        secretEnc: box.seal(newWebhookSecret()),
        previousSecretEnc: current.secretEnc,
        previousSecretExpiresAt: now + SECRET_ROTATION_OVERLAP_MS,
        updatedAt: now,
      };
      await store.webhooks.updateEndpoint(id, changes);
      return record({ ...current, ...changes });
    },
    /** The secrets a delivery is signed with now: the current one, and the previous during its overlap. */
    signingSecrets(endpoint: WebhookEndpoint, now: number): string[] {
      const secrets = [box.open(endpoint.secretEnc)];
      if (endpoint.previousSecretEnc && (endpoint.previousSecretExpiresAt ?? 0) > now) secrets.push(box.open(endpoint.previousSecretEnc));
      return secrets;
    },
    async deliveries(id: string, limit: number, offset: number): Promise<{ data: DeliveryRecord[]; totalCount: number }> {
      await load(id);
      const [rows, totalCount] = await Promise.all([store.webhooks.listDeliveries(id, limit, offset), store.webhooks.countDeliveries(id)]);
      const attempts = await store.webhooks.listAttempts(rows.map((d) => d.id));
      return { data: rows.map((delivery) => ({ delivery, attempts: attempts.filter((a) => a.deliveryId === delivery.id) })), totalCount };
    },
    /** Sends a delivery's event again: a new delivery at the end of the endpoint's queue. */
    async retry(deliveryId: string): Promise<DeliveryRecord> {
      const original = await store.webhooks.findDelivery(deliveryId);
      if (!original) throw errors.notFound('webhook delivery');
      const endpoint = await load(original.endpointId);
      if (endpoint.disabled) throw errors.paramValueInvalid('id', 'the endpoint is disabled; enable it first');
      const now = clock();
      const delivery = {
        ...original,
        id: newId('whd'),
        status: 'pending' as const,
        attempts: 0,
        nextAttemptAt: now,
        createdAt: now,
        updatedAt: now,
      };
      await store.webhooks.insertDeliveries([delivery]);
      options.nudge();
      const queued = await store.webhooks.findDelivery(delivery.id);
      return { delivery: queued ?? { ...delivery, seq: 0 }, attempts: [] };
    },
    /** Queues every event since `since` (Unix ms) that the endpoint subscribes to again, oldest first. */
    async replay(id: string, since: number): Promise<{ queued: number }> {
      const endpoint = await load(id);
      if (endpoint.disabled) throw errors.paramValueInvalid('id', 'the endpoint is disabled; enable it first');
      const events = (await store.webhooks.listEventsSince(since, REPLAY_LIMIT)).filter(
        (e) => endpoint.events.length === 0 || endpoint.events.includes(e.type),
      );
      const now = clock();
      await store.transaction((tx) =>
        tx.webhooks.insertDeliveries(
          events.map((event) => ({
            id: newId('whd'),
            endpointId: id,
            eventId: event.id,
            eventType: event.type,
            status: 'pending' as const,
            attempts: 0,
            nextAttemptAt: now,
            createdAt: now,
            updatedAt: now,
          })),
        ),
      );
      options.nudge();
      return { queued: events.length };
    },
    /**
     * Makes the config file's `webhooks` the endpoints of source `config`: matched by URL, their
     * events and secret (when given) updated; new ones created; ones no longer listed deleted.
     */
    async syncConfigured(entries: ConfiguredEndpoint[]): Promise<void> {
      const existing = await store.webhooks.listEndpointsBySource('config');
      const now = clock();
      for (const [index, entry] of entries.entries()) {
        if (entry.secret !== undefined && !isWebhookSecret(entry.secret)) {
          throw errors.paramInvalid(`webhooks.${index}.secret`, 'must be whsec_ and the base64 of 16 to 64 bytes');
        }
        const url = checkEndpointUrl(entry.url, options.allowPrivate());
        const events = checkEvents(entry.events, `webhooks.${index}.events`);
        const match = existing.find((e) => e.url === url);
        if (!match) {
          await insert({ url, events, ...(entry.secret ? { secret: entry.secret } : {}) }, 'config');
          continue;
        }
        const changes: Partial<WebhookEndpoint> = { events, updatedAt: now };
        if (entry.secret && box.open(match.secretEnc) !== entry.secret) changes.secretEnc = box.seal(entry.secret);
        await store.webhooks.updateEndpoint(match.id, changes);
      }
      const urls = new Set(entries.map((e) => checkEndpointUrl(e.url, true)));
      for (const stale of existing.filter((e) => !urls.has(e.url))) await store.transaction((tx) => tx.webhooks.deleteEndpoint(stale.id));
    },
  };
}

export type WebhookEndpointService = ReturnType<typeof createWebhookEndpointService>;
