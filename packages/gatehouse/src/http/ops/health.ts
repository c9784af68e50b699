import type { FastifyInstance } from 'fastify';
import type { Domain } from '../../domain/index.js';
import { sendJson } from '../reply.js';

export interface HealthState {
  /** Set when SIGTERM arrives, so the load balancer stops sending before we close. */
  draining: boolean;
}

/** `/healthz`: the process is up. `/readyz`: the database answers and we are not draining. */
export function registerHealthRoutes(app: FastifyInstance, domain: Domain, state: HealthState): void {
  app.get('/healthz', async (_request, reply) => sendJson(reply, 200, { status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    if (state.draining) return sendJson(reply, 503, { status: 'draining' });
    try {
      await domain.ping();
      return sendJson(reply, 200, { status: 'ready' });
    } catch {
      return sendJson(reply, 503, { status: 'database unavailable' });
    }
  });
}
