import type { FastifyReply } from 'fastify';
import { isDatabaseUnavailable } from '../domain/availability.js';
import { errors, GatehouseError } from '../errors.js';
import { MailDeliveryError } from '../mail/mailer.js';

/** What a 503 asks clients to wait while the database is unreachable; recovery is checked on every request. */
const DATABASE_RETRY_AFTER_S = 2;

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

/**
 * Maps anything thrown by a route onto Clerk's envelope: an unreachable database is a 503 with
 * `Retry-After`; unexpected errors become a bare 500 (logged by the caller, never shown).
 */
export function toGatehouseError(error: unknown): GatehouseError {
  if (error instanceof GatehouseError) return error;
  const e = error as { statusCode?: number; code?: string; message?: string };
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return errors.unsupportedContentType();
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return errors.paramValueInvalid('body', 'the request body is too large');
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return errors.malformedBody(e.message ?? 'bad request');
  if (isDatabaseUnavailable(error)) return errors.serviceUnavailable(DATABASE_RETRY_AFTER_S);
  if (error instanceof MailDeliveryError) return errors.deliveryFailed('email');
  return errors.internal();
}

/** `meta` is the envelope's own: the Frontend API puts the browser's client there (`meta.client`). */
export function renderError(error: GatehouseError, traceId: string, meta?: Record<string, unknown>) {
  return {
    errors: error.errors.map((e) => ({
      code: e.code,
      message: e.message,
      long_message: e.longMessage,
      meta: e.meta
        ? Object.fromEntries(Object.entries(e.meta).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]))
        : {},
    })),
    ...(meta ? { meta } : {}),
    clerk_trace_id: traceId,
  };
}

export function sendError(reply: FastifyReply, error: GatehouseError, traceId: string, meta?: Record<string, unknown>): FastifyReply {
  // Also here: errors the router raises come before any hook has run.
  reply.header('x-content-type-options', 'nosniff');
  if (error.retryAfter !== undefined) reply.header('retry-after', String(error.retryAfter));
  return sendJson(reply, error.status, renderError(error, traceId, meta));
}
