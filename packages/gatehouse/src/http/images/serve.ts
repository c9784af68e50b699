import type { FastifyInstance } from 'fastify';
import type { Domain } from '../../domain/index.js';
import { errors } from '../../errors.js';

/**
 * `GET /v1/images/<sha256>.<ext>` (uploads) and `/v1/images/avatars/<file>.svg` (default avatars).
 * Every URL names its content for good, so browsers and proxies may keep it a year. Served with
 * their checked type, `nosniff` (set app-wide) and a CSP that lets nothing in an image run.
 */
export function registerImageServing(app: FastifyInstance, domain: Domain): void {
  app.get('/v1/images/*', async (request, reply) => {
    const name = (request.params as { '*': string })['*'];
    const image = await domain.images.serve(name);
    if (!image) throw errors.notFound('image');
    return reply
      .header('content-type', image.contentType)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox")
      .header('cross-origin-resource-policy', 'cross-origin')
      .send(typeof image.body === 'string' ? Buffer.from(image.body, 'utf8') : image.body);
  });
}
