import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MAX_IMAGE_BYTES } from '../../domain/images/image-type.js';
import { errors } from '../../errors.js';

/**
 * What an upload route may receive: the multipart form clerk-js and `@clerk/backend` send (field
 * `file`), or, as clerk-js does when given a string, the body itself as `application/octet-stream`
 * (raw bytes or a base64 `data:` URL). A little above the image limit, so that a too-large image is
 * answered with the image error rather than a generic one.
 */
export const UPLOAD_BODY_LIMIT = MAX_IMAGE_BYTES + 4 * 1024 * 1024;

/** Adds the upload body parsers to an encapsulated scope (the rest of the API keeps JSON and forms only). */
export async function acceptUploads(scope: FastifyInstance): Promise<void> {
  await scope.register(multipart, {
    limits: { fileSize: MAX_IMAGE_BYTES, files: 1, fields: 8, fieldSize: 4096, parts: 9, headerPairs: 100 },
  });
  scope.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: UPLOAD_BODY_LIMIT }, (_request, body, done) =>
    done(null, body),
  );
}

/** A `data:` URL's bytes, or the text's own bytes. */
function bytesOfText(text: string): Buffer {
  const dataUrl = /^data:[^,]*;base64,(.*)$/s.exec(text.trim());
  return dataUrl?.[1] !== undefined ? Buffer.from(dataUrl[1], 'base64') : Buffer.from(text, 'utf8');
}

export interface Upload {
  bytes: Buffer;
  /** The other form fields (`uploader_user_id` …). */
  fields: Record<string, string>;
}

/** Reads the image of an upload request; the image itself is checked by the domain. */
export async function readUpload(request: FastifyRequest): Promise<Upload> {
  if (Buffer.isBuffer(request.body)) {
    const body = request.body;
    return { bytes: body.subarray(0, 5).toString('latin1') === 'data:' ? bytesOfText(body.toString('latin1')) : body, fields: {} };
  }
  if (!request.isMultipart()) throw errors.imageMissing();
  let bytes: Buffer | undefined;
  const fields: Record<string, string> = {};
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname === 'file' && bytes === undefined) bytes = await part.toBuffer();
        else part.file.resume();
      } else if (typeof part.value === 'string') {
        if (part.fieldname === 'file' && bytes === undefined) bytes = bytesOfText(part.value);
        else fields[part.fieldname] = part.value;
      }
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw errors.imageTooLarge(MAX_IMAGE_BYTES / (1024 * 1024));
    if (typeof code === 'string' && code.startsWith('FST_')) throw errors.malformedBody((error as Error).message);
    throw error;
  }
  if (bytes === undefined) throw errors.imageMissing();
  return { bytes, fields };
}
