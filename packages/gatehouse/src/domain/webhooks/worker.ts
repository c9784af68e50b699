import { newId } from '../../ids.js';
import type { WebhookDelivery, WebhookEndpoint } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { Clock } from '../clock.js';
import type { WebhookEndpointService } from './endpoints.js';
import { signDelivery } from './signing.js';
import { type PostResult, postDelivery } from './transport.js';

/** Svix's retry schedule: the delay before each attempt (the first is immediate), 8 attempts in all. */
export const SVIX_SCHEDULE_MS = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
/** An endpoint failing for this long is disabled. */
export const DISABLE_AFTER_FAILING_MS = 5 * 24 * 3600 * 1000;
export const DELIVERY_TIMEOUT_MS = 15_000;
/** Delivered (or failed) events older than this are deleted, with their deliveries and attempts. */
export const DEFAULT_RETENTION_MS = 30 * 24 * 3600 * 1000;
const PRUNE_EVERY_MS = 3600_000;
const PRUNE_BATCH = 500;
// Longer than one attempt can take (15 s); after a crash, another node (or the restarted one) waits this long.
const LEASE_MS = 30_000;

export interface DeliveryWorkerOptions {
  store: Store;
  clock: Clock;
  endpoints: WebhookEndpointService;
  allowPrivate: () => boolean;
  /** Delays before each attempt; Svix's unless a test shortens it. */
  scheduleMs?: number[];
  timeoutMs?: number;
  /** How often to look for work other nodes queued or retries that came due (ms). */
  pollMs?: number;
  /** How long settled events are kept (for `replay` and the deliveries list); 30 days by default. */
  retentionMs?: number;
  log?: (line: string) => void;
}

/**
 * Sends what the outbox holds. Per endpoint, one node at a time (a lease row on the endpoint, taken
 * with one conditional UPDATE and renewed before each attempt) sends the oldest pending delivery,
 * and the next only once it succeeded or failed for good: in order, at least once. A failed attempt
 * schedules the next on the endpoint (`retry_at`), which holds back its later deliveries. Nothing
 * lives only in memory, so a restarted node (or another one, once the lease expires) resumes.
 */
export function createDeliveryWorker(options: DeliveryWorkerOptions) {
  const { store, clock } = options;
  const owner = newId('node');
  const schedule = options.scheduleMs ?? SVIX_SCHEDULE_MS;
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const pollMs = options.pollMs ?? 1000;
  const active = new Map<string, Promise<void>>();
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;
  let pruning: Promise<unknown> | undefined;
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;

  /**
   * Deletes settled events older than the retention, in batches of 500 (one transaction each, so
   * a large backlog never holds a long lock). Every node runs it hourly; the deletes are idempotent.
   */
  async function prune(): Promise<number> {
    const before = clock() - retentionMs;
    let total = 0;
    for (;;) {
      const n = await store.transaction((tx) => tx.webhooks.pruneEvents(before, PRUNE_BATCH));
      total += n;
      if (n < PRUNE_BATCH) break;
    }
    if (total > 0) options.log?.(`webhooks: pruned ${total} delivered events older than ${Math.round(retentionMs / 86_400_000)} days`);
    return total;
  }
  let running = false;
  let passing: Promise<void> | undefined;
  let again = false;

  async function record(endpoint: WebhookEndpoint, delivery: WebhookDelivery, result: PostResult, at: number): Promise<number | null> {
    const ok = result.statusCode !== undefined && result.statusCode >= 200 && result.statusCode < 300;
    const attempts = delivery.attempts + 1;
    const now = clock();
    const nextAttemptAt = !ok && attempts < schedule.length ? now + (schedule[attempts] ?? 0) : null;
    const status = ok ? 'succeeded' : nextAttemptAt === null ? 'failed' : 'pending';
    const failingSince = ok ? null : (endpoint.failingSince ?? at);
    const disable = !ok && now - (failingSince ?? now) >= DISABLE_AFTER_FAILING_MS;
    await store.transaction(async (tx) => {
      await tx.webhooks.insertAttempt({
        id: newId('wha'),
        deliveryId: delivery.id,
        endpointId: endpoint.id,
        eventId: delivery.eventId,
        statusCode: result.statusCode ?? null,
        durationMs: result.durationMs,
        error: result.error ?? null,
        createdAt: at,
      });
      await tx.webhooks.updateDelivery(delivery.id, { status, attempts, nextAttemptAt, updatedAt: now });
      await tx.webhooks.updateEndpoint(endpoint.id, {
        failingSince,
        retryAt: nextAttemptAt,
        ...(disable ? { disabled: true, updatedAt: now } : {}),
      });
    });
    if (disable) options.log?.(`webhook endpoint ${endpoint.id} disabled after 5 days of failed deliveries`);
    return disable ? Number.POSITIVE_INFINITY : nextAttemptAt;
  }

  /** Sends an endpoint's queue, in order, while this node holds its lease. */
  async function drain(endpointId: string): Promise<void> {
    // The lease is renewed once half of it has passed, and the endpoint (URL, secrets, disabled)
    // re-read every second: a busy queue costs one read and one write transaction per delivery.
    let leaseRenewAt = 0;
    let endpoint: WebhookEndpoint | undefined;
    let endpointReadAt = 0;
    try {
      while (running) {
        const now = clock();
        if (now >= leaseRenewAt) {
          if (!(await store.webhooks.claimLease(endpointId, owner, now, now + LEASE_MS))) return;
          leaseRenewAt = now + LEASE_MS / 2;
        }
        if (!endpoint || now - endpointReadAt >= 1000) {
          endpoint = await store.webhooks.findEndpoint(endpointId);
          endpointReadAt = now;
        }
        if (!endpoint || endpoint.disabled) return;
        const head = await store.webhooks.headDelivery(endpointId);
        if (!head) return;
        if ((head.delivery.nextAttemptAt ?? 0) > now) {
          await store.webhooks.updateEndpoint(endpointId, { retryAt: head.delivery.nextAttemptAt });
          return;
        }
        const headers = signDelivery(options.endpoints.signingSecrets(endpoint, now), head.delivery.eventId, now, head.body);
        const result = await postDelivery(endpoint.url, headers, head.body, {
          timeoutMs,
          allowPrivate: options.allowPrivate(),
          signal: abort.signal,
        });
        // Stopped mid-attempt: not recorded; it is sent again after the restart (at least once).
        if (abort.signal.aborted) return;
        const retryAt = await record(endpoint, head.delivery, result, now);
        // The endpoint's failure state changed: read it again before the next delivery.
        if (retryAt !== null || endpoint.failingSince !== null) endpoint = undefined;
        // Waiting for a retry (or disabled): the poll comes back when it is due.
        if (retryAt !== null && retryAt > clock()) return;
      }
    } catch (error) {
      options.log?.(`webhook delivery for ${endpointId} stopped: ${(error as Error).message}`);
    } finally {
      await store.webhooks.releaseLease(endpointId, owner).catch(() => {});
      active.delete(endpointId);
    }
  }

  async function pass(): Promise<void> {
    const due = await store.webhooks.dueEndpoints(clock(), owner, 100);
    for (const id of due) {
      if (!running || active.has(id)) continue;
      active.set(id, drain(id));
    }
  }

  // A commit nudges; passes come at most every 10 ms however many commits (an endpoint being drained
  // needs none: its drain loop picks its new deliveries up itself).
  let pending: NodeJS.Timeout | undefined;
  function nudge(): void {
    if (!running || pending) return;
    pending = setTimeout(() => {
      pending = undefined;
      kick();
    }, 10);
  }

  function kick(): void {
    if (!running) return;
    if (passing) {
      again = true;
      return;
    }
    passing = pass()
      .catch((error: Error) => options.log?.(`webhook worker: ${error.message}`))
      .finally(() => {
        passing = undefined;
        if (again) {
          again = false;
          kick();
        }
      });
  }

  return {
    owner,
    start(): void {
      if (running) return;
      running = true;
      timer = setInterval(kick, pollMs);
      timer.unref();
      const pruneQuietly = () => {
        pruning ??= prune()
          .catch((error: Error) => options.log?.(`webhook prune: ${error.message}`))
          .finally(() => {
            pruning = undefined;
          });
      };
      pruneTimer = setInterval(pruneQuietly, PRUNE_EVERY_MS);
      pruneTimer.unref();
      pruneQuietly();
      kick();
    },
    /** Deletes settled events older than the retention now (it also runs at start and hourly). */
    prune,
    /** Looks for work soon (an event was committed, a delivery queued). */
    nudge,
    /** Stops polling and aborts attempts in flight (they are sent again later). */
    async stop(): Promise<void> {
      running = false;
      if (timer) clearInterval(timer);
      if (pruneTimer) clearInterval(pruneTimer);
      if (pending) clearTimeout(pending);
      abort.abort();
      await passing;
      await Promise.allSettled([...active.values(), pruning]);
    },
    /** Resolves once nothing is being sent by this node (tests). */
    async idle(): Promise<void> {
      while (pending || passing || active.size > 0) {
        await Promise.allSettled([passing, ...active.values()]);
        if (pending) await new Promise((r) => setTimeout(r, 30));
      }
    },
  };
}

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;
