import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { errors } from '../errors.js';
import { renderError } from './reply.js';

/**
 * Answers what Node's HTTP parser refuses before Fastify sees a request (a malformed request line or
 * Content-Length, headers over 16 KB, a body that never arrives in full) in Clerk's envelope, like
 * every other error, instead of Fastify's own `{ error, statusCode }`. The connection is closed after.
 */
export function clientErrorHandler(nextTraceId: () => string) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    // Nothing can be written to a socket the client already closed.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const refused =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? errors.headersTooLarge()
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? errors.requestTimeout()
          : errors.malformedRequest();
    const body = JSON.stringify(renderError(refused, nextTraceId()));
    socket.end(
      `HTTP/1.1 ${refused.status} ${STATUS_CODES[refused.status]}\r\n` +
        'content-type: application/json\r\n' +
        'x-content-type-options: nosniff\r\n' +
        `content-length: ${Buffer.byteLength(body)}\r\n` +
        'connection: close\r\n\r\n' +
        body,
    );
  };
}
