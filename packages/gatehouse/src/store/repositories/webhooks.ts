import type { Kysely, Selectable } from 'kysely';
import type { WebhookAttempt, WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint, WebhookEvent } from '../../model/index.js';
import { webhookAttemptMapping, webhookEndpointMapping } from '../mappings.js';
import type { Database, WebhookDeliveryTable } from '../schema.js';

function readDelivery(row: Selectable<WebhookDeliveryTable>): WebhookDelivery {
  return {
    id: row.id,
    seq: Number(row.seq),
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status as WebhookDeliveryStatus,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A delivery as written: `seq` comes from the database. */
export type NewWebhookDelivery = Omit<WebhookDelivery, 'seq'>;

/**
 * Webhook endpoints, the event outbox, deliveries and attempts. The lease columns on an endpoint make
 * one node at a time deliver for it: `claimLease` is one conditional UPDATE, which both SQLite and
 * PostgreSQL (row lock, WHERE re-checked after the wait) let only one caller win.
 */
export function createWebhookRepository(db: Kysely<Database>) {
  const readEndpoint = webhookEndpointMapping.read;
  return {
    async findEndpoint(id: string): Promise<WebhookEndpoint | undefined> {
      const row = await db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
      return row && readEndpoint(row);
    },
    async listEndpoints(limit: number, offset: number): Promise<WebhookEndpoint[]> {
      const rows = await db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute();
      return rows.map(readEndpoint);
    },
    async countEndpoints(): Promise<number> {
      const row = await db
        .selectFrom('webhook_endpoints')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async listEndpointsBySource(source: WebhookEndpoint['source']): Promise<WebhookEndpoint[]> {
      return (await db.selectFrom('webhook_endpoints').selectAll().where('source', '=', source).orderBy('created_at').execute()).map(
        readEndpoint,
      );
    },
    /** The enabled endpoints and the types they subscribe to: where a new event fans out. */
    async listSubscribers(): Promise<{ id: string; events: string[] }[]> {
      const rows = await db.selectFrom('webhook_endpoints').select(['id', 'events']).where('disabled', '=', 0).execute();
      return rows.map((row) => ({ id: row.id, events: JSON.parse(row.events) as string[] }));
    },
    async insertEndpoint(endpoint: WebhookEndpoint): Promise<void> {
      await db.insertInto('webhook_endpoints').values(webhookEndpointMapping.write(endpoint)).execute();
    },
    async updateEndpoint(id: string, changes: Partial<Omit<WebhookEndpoint, 'id'>>): Promise<void> {
      await db.updateTable('webhook_endpoints').set(webhookEndpointMapping.writeChanges(changes)).where('id', '=', id).execute();
    },
    /** Deletes the endpoint with its deliveries and their attempts. */
    async deleteEndpoint(id: string): Promise<boolean> {
      await db.deleteFrom('webhook_attempts').where('endpoint_id', '=', id).execute();
      await db.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).execute();
      const result = await db.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async insertEvent(event: WebhookEvent): Promise<void> {
      await db
        .insertInto('webhook_events')
        .values({ id: event.id, type: event.type, body: event.body, created_at: event.createdAt })
        .execute();
    },
    async findEvent(id: string): Promise<WebhookEvent | undefined> {
      const row = await db.selectFrom('webhook_events').selectAll().where('id', '=', id).executeTakeFirst();
      return row && { id: row.id, type: row.type, body: row.body, createdAt: row.created_at };
    },
    /** Events at or after `since` (Unix ms), oldest first: what a replay sends again. */
    async listEventsSince(since: number, limit: number): Promise<WebhookEvent[]> {
      const rows = await db
        .selectFrom('webhook_events')
        .selectAll()
        .where('created_at', '>=', since)
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((row) => ({ id: row.id, type: row.type, body: row.body, createdAt: row.created_at }));
    },

    async insertDeliveries(deliveries: NewWebhookDelivery[]): Promise<void> {
      if (deliveries.length === 0) return;
      await db
        .insertInto('webhook_deliveries')
        .values(
          deliveries.map((d) => ({
            id: d.id,
            endpoint_id: d.endpointId,
            event_id: d.eventId,
            event_type: d.eventType,
            status: d.status,
            attempts: d.attempts,
            next_attempt_at: d.nextAttemptAt,
            created_at: d.createdAt,
            updated_at: d.updatedAt,
          })),
        )
        .execute();
    },
    async findDelivery(id: string): Promise<WebhookDelivery | undefined> {
      const row = await db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
      return row && readDelivery(row);
    },
    /** An endpoint's deliveries, newest first. */
    async listDeliveries(endpointId: string, limit: number, offset: number): Promise<WebhookDelivery[]> {
      const rows = await db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('endpoint_id', '=', endpointId)
        .orderBy('seq', 'desc')
        .limit(limit)
        .offset(offset)
        .execute();
      return rows.map(readDelivery);
    },
    async countDeliveries(endpointId: string): Promise<number> {
      const row = await db
        .selectFrom('webhook_deliveries')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('endpoint_id', '=', endpointId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async listAttempts(deliveryIds: string[]): Promise<WebhookAttempt[]> {
      if (deliveryIds.length === 0) return [];
      const rows = await db
        .selectFrom('webhook_attempts')
        .selectAll()
        .where('delivery_id', 'in', deliveryIds)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(webhookAttemptMapping.read);
    },
    /** The oldest pending delivery of an endpoint, with the body to send: the head of its queue. */
    async headDelivery(endpointId: string): Promise<{ delivery: WebhookDelivery; body: string } | undefined> {
      const row = await db
        .selectFrom('webhook_deliveries as d')
        .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
        .selectAll('d')
        .select('e.body as body')
        .where('d.endpoint_id', '=', endpointId)
        .where('d.status', '=', 'pending')
        .orderBy('d.seq')
        .limit(1)
        .executeTakeFirst();
      return row && { delivery: readDelivery(row), body: row.body };
    },
    async updateDelivery(id: string, changes: Partial<Pick<WebhookDelivery, 'status' | 'attempts' | 'nextAttemptAt' | 'updatedAt'>>) {
      await db
        .updateTable('webhook_deliveries')
        .set({
          ...(changes.status !== undefined ? { status: changes.status } : {}),
          ...(changes.attempts !== undefined ? { attempts: changes.attempts } : {}),
          ...(changes.nextAttemptAt !== undefined ? { next_attempt_at: changes.nextAttemptAt } : {}),
          ...(changes.updatedAt !== undefined ? { updated_at: changes.updatedAt } : {}),
        })
        .where('id', '=', id)
        .execute();
    },
    async insertAttempt(attempt: WebhookAttempt): Promise<void> {
      await db.insertInto('webhook_attempts').values(webhookAttemptMapping.write(attempt)).execute();
    },

    /**
     * Endpoints with something to send now: enabled, with a pending delivery, not waiting for a retry,
     * and not leased by another node.
     */
    async dueEndpoints(now: number, owner: string, limit: number): Promise<string[]> {
      const rows = await db
        .selectFrom('webhook_endpoints as e')
        .select('e.id')
        .where('e.disabled', '=', 0)
        .where((eb) => eb.or([eb('e.retry_at', 'is', null), eb('e.retry_at', '<=', now)]))
        .where((eb) => eb.or([eb('e.lease_owner', 'is', null), eb('e.lease_expires_at', '<', now), eb('e.lease_owner', '=', owner)]))
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('webhook_deliveries as d').select('d.id').whereRef('d.endpoint_id', '=', 'e.id').where('d.status', '=', 'pending'),
          ),
        )
        .orderBy('e.created_at')
        .limit(limit)
        .execute();
      return rows.map((row) => row.id);
    },
    /** Takes (or renews) the endpoint's lease until `until`; false when another node holds it. */
    async claimLease(endpointId: string, owner: string, now: number, until: number): Promise<boolean> {
      const result = await db
        .updateTable('webhook_endpoints')
        .set({ lease_owner: owner, lease_expires_at: until })
        .where('id', '=', endpointId)
        .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_expires_at', '<', now), eb('lease_owner', '=', owner)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async releaseLease(endpointId: string, owner: string): Promise<void> {
      await db
        .updateTable('webhook_endpoints')
        .set({ lease_owner: null, lease_expires_at: null })
        .where('id', '=', endpointId)
        .where('lease_owner', '=', owner)
        .execute();
    },
    /**
     * Retention: deletes up to `limit` events created before `before` whose deliveries are all
     * settled (succeeded or failed), with those deliveries and their attempts. An event with a
     * pending delivery is kept, whatever its age (its endpoint still has to send it). Each delete
     * re-checks that, so a retry or replay queued meanwhile keeps its event. Returns the events deleted.
     */
    async pruneEvents(before: number, limit: number): Promise<number> {
      const rows = await db
        .selectFrom('webhook_events as e')
        .select('e.id')
        .where('e.created_at', '<', before)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('webhook_deliveries as d').select('d.id').whereRef('d.event_id', '=', 'e.id').where('d.status', '=', 'pending'),
            ),
          ),
        )
        .orderBy('e.created_at')
        .limit(limit)
        .execute();
      const ids = rows.map((row) => row.id);
      if (ids.length === 0) return 0;
      const settled = db.selectFrom('webhook_deliveries').select('id').where('event_id', 'in', ids).where('status', '!=', 'pending');
      await db.deleteFrom('webhook_attempts').where('delivery_id', 'in', settled).execute();
      await db.deleteFrom('webhook_deliveries').where('event_id', 'in', ids).where('status', '!=', 'pending').execute();
      const result = await db
        .deleteFrom('webhook_events as e')
        .where('e.id', 'in', ids)
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('webhook_deliveries as d').select('d.id').whereRef('d.event_id', '=', 'e.id'))),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    /** Whether any enabled endpoint exists (the worker polls quickly only then). */
    async anyEnabledEndpoint(): Promise<boolean> {
      const row = await db.selectFrom('webhook_endpoints').select('id').where('disabled', '=', 0).limit(1).executeTakeFirst();
      return row !== undefined;
    },
  };
}

export type WebhookRepository = ReturnType<typeof createWebhookRepository>;
