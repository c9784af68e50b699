/** Where webhooks go: an endpoint registered through the Backend API or the config file. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  /** Event types it receives; empty: every type. */
  events: string[];
  /** The `whsec_…` signing secret, sealed with the encryption key. */
  secretEnc: string;
  /** The secret before the last rotation, still signed with until `previousSecretExpiresAt`. */
  previousSecretEnc: string | null;
  previousSecretExpiresAt: number | null;
  disabled: boolean;
  /** When the current run of failed attempts began; null after a success. */
  failingSince: number | null;
  /** The head of its queue waits for a retry until then (nothing else is sent before it). */
  retryAt: number | null;
  /** `api` (Backend API) or `config` (the config file's `webhooks`, rewritten on every start). */
  source: WebhookEndpointSource;
  /** The node delivering for it, until `leaseExpiresAt`: one node at a time per endpoint. */
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export type WebhookEndpointSource = 'api' | 'config';

/** One event in the outbox: written in the transaction of the change it describes. */
export interface WebhookEvent {
  /** `msg_…`: the `svix-id` of every delivery of it. */
  id: string;
  type: string;
  /** The envelope's JSON, exactly the bytes signed and sent. */
  body: string;
  createdAt: number;
}

export type WebhookDeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** One event on its way to one endpoint. Delivered in `seq` order per endpoint. */
export interface WebhookDelivery {
  id: string;
  seq: number;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  /** When the next attempt is due (pending only). */
  nextAttemptAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** One HTTP attempt of a delivery. */
export interface WebhookAttempt {
  id: string;
  deliveryId: string;
  endpointId: string;
  eventId: string;
  /** The receiver's status code; null when no answer came (timeout, connection error). */
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  createdAt: number;
}
