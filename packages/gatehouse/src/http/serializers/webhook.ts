import type { DeliveryRecord, EndpointRecord } from '../../domain/webhooks/endpoints.js';
import type { WebhookAttempt } from '../../model/index.js';

/**
 * Gatehouse's own wire shapes for webhook management (Clerk runs webhooks through Svix's dashboard,
 * so no Clerk SDK type describes them).
 */
export interface WebhookEndpointJSON {
  object: 'webhook_endpoint';
  id: string;
  url: string;
  /** Subscribed event types; empty: every type. */
  events: string[];
  secret: string;
  disabled: boolean;
  /** `api` or `config` (the config file's `webhooks`, rewritten on every start). */
  source: string;
  /** When the current run of failures began; null when the last attempt succeeded. */
  failing_since: number | null;
  /** Until when the previous secret still signs beside `secret` (24 h after a rotation); null: none. */
  previous_secret_expires_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface WebhookAttemptJSON {
  object: 'webhook_attempt';
  id: string;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  created_at: number;
}

export interface WebhookDeliveryJSON {
  object: 'webhook_delivery';
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  /** `pending`, `succeeded` or `failed` (after the whole retry schedule). */
  status: string;
  attempt_count: number;
  /** When the next attempt is due; null unless pending. */
  next_attempt_at: number | null;
  attempts: WebhookAttemptJSON[];
  created_at: number;
  updated_at: number;
}

/** The answer to a replay: how many past events were queued again for the endpoint. */
export interface WebhookReplayJSON {
  object: 'webhook_replay';
  endpoint_id: string;
  since: number;
  queued: number;
}

export function serializeWebhookReplay(endpointId: string, since: number, queued: number): WebhookReplayJSON {
  return { object: 'webhook_replay', endpoint_id: endpointId, since, queued };
}

export function serializeWebhookEndpoint({ endpoint, secret }: EndpointRecord): WebhookEndpointJSON {
  return {
    object: 'webhook_endpoint',
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events,
    secret,
    disabled: endpoint.disabled,
    source: endpoint.source,
    failing_since: endpoint.failingSince,
    previous_secret_expires_at: endpoint.previousSecretEnc ? endpoint.previousSecretExpiresAt : null,
    created_at: endpoint.createdAt,
    updated_at: endpoint.updatedAt,
  };
}

function serializeAttempt(attempt: WebhookAttempt): WebhookAttemptJSON {
  return {
    object: 'webhook_attempt',
    id: attempt.id,
    status_code: attempt.statusCode,
    duration_ms: attempt.durationMs,
    error: attempt.error,
    created_at: attempt.createdAt,
  };
}

export function serializeWebhookDelivery({ delivery, attempts }: DeliveryRecord): WebhookDeliveryJSON {
  return {
    object: 'webhook_delivery',
    id: delivery.id,
    endpoint_id: delivery.endpointId,
    event_id: delivery.eventId,
    event_type: delivery.eventType,
    status: delivery.status,
    attempt_count: delivery.attempts,
    next_attempt_at: delivery.status === 'pending' ? delivery.nextAttemptAt : null,
    attempts: attempts.map(serializeAttempt),
    created_at: delivery.createdAt,
    updated_at: delivery.updatedAt,
  };
}
