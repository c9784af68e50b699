import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { Domain } from '../../domain/index.js';
import { assertWaitlistStatus, type WaitlistEntryRecord } from '../../domain/waitlist.js';
import { errors } from '../../errors.js';
import { backendCaller } from '../caller.js';
import { idParams, pagination } from '../params.js';
import { sendJson } from '../reply.js';
import { serializeDeleted } from '../serializers/deleted.js';
import { serializePage } from '../serializers/page.js';
import { serializeWaitlistEntry } from '../serializers/waitlist.js';
import { parseInput } from '../validation.js';

const createBody = z.object({ email_address: z.string().min(1).max(320), notify: z.boolean().optional() }).strict();
const inviteBody = z.object({ ignore_existing: z.boolean().optional() }).strict();
const listQuery = z
  .object({
    ...pagination,
    query: z.string().max(320).optional(),
    status: z.string().max(64).optional(),
    order_by: z.string().max(64).optional(),
  })
  .strict();

/**
 * BAPI `/v1/waitlist_entries` (`@clerk/backend`'s `waitlistEntries`): list, create (one or in bulk),
 * invite, reject, delete. `notify` is accepted; Gatehouse sends no mail on joining, only the invitation.
 */
export function registerWaitlistRoutes(app: FastifyInstance, domain: Domain): void {
  const json = (record: WaitlistEntryRecord) => serializeWaitlistEntry(record, domain.clock());

  app.get('/v1/waitlist_entries', async (request, reply) => {
    const q = parseInput(listQuery, request.query);
    const page = await domain.waitlist.list({
      statuses: q.status ? [assertWaitlistStatus(q.status)] : undefined,
      query: q.query || undefined,
      orderBy: q.order_by,
      limit: q.limit ?? 10,
      offset: q.offset ?? 0,
    });
    return sendJson(reply, 200, serializePage(page.data.map(json), page.totalCount));
  });

  app.post('/v1/waitlist_entries', async (request, reply) => {
    const body = parseInput(createBody, request.body);
    return sendJson(reply, 200, json(await domain.waitlist.join(body.email_address, backendCaller(request))));
  });

  app.post('/v1/waitlist_entries/bulk', async (request, reply) => {
    if (!Array.isArray(request.body)) throw errors.malformedBody('expected a JSON array of waitlist entries');
    const addresses = request.body.map((item) => parseInput(createBody, item).email_address);
    return sendJson(reply, 200, (await domain.waitlist.joinBulk(addresses, backendCaller(request))).map(json));
  });

  app.post('/v1/waitlist_entries/:id/invite', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(inviteBody, request.body ?? {});
    return sendJson(reply, 200, json(await domain.waitlist.invite(id, backendCaller(request), { ignoreExisting: body.ignore_existing })));
  });

  app.post('/v1/waitlist_entries/:id/reject', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    return sendJson(reply, 200, json(await domain.waitlist.reject(id, backendCaller(request))));
  });

  app.delete('/v1/waitlist_entries/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    return sendJson(reply, 200, serializeDeleted('waitlist_entry', await domain.waitlist.delete(id)));
  });
}
