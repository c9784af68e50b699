import type { FastifyReply } from 'fastify';
import type { GatehouseError } from '../errors.js';

/**
 * Sends JSON with `Content-Type: application/json` exactly: `@clerk/backend` parses a body only when
 * the header is that string, and would hand a charset-suffixed body back as raw text.
 */
export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  // A Buffer, not a string: Fastify appends `; charset=utf-8` to string payloads.
  return reply
    .code(status)
    .header('content-type', 'application/json')
    .send(Buffer.from(JSON.stringify(body)));
}

export function renderError(error: GatehouseError, traceId: string) {
  return {
    errors: error.errors.map((e) => ({
      code: e.code,
      message: e.message,
      long_message: e.longMessage,
      meta: e.meta
        ? Object.fromEntries(Object.entries(e.meta).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]))
        : {},
    })),
    clerk_trace_id: traceId,
  };
}

export function sendError(reply: FastifyReply, error: GatehouseError, traceId: string): FastifyReply {
  // Also here: errors the router raises come before any hook has run.
  reply.header('x-content-type-options', 'nosniff');
  if (error.retryAfter !== undefined) reply.header('retry-after', String(error.retryAfter));
  return sendJson(reply, error.status, renderError(error, traceId));
}
