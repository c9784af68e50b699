import * as z from 'zod';
import { SHORTCODES } from '../../domain/claims-template.js';
import { CUSTOM_SIGNING_ALGORITHMS, validateClaims as validateJwtTemplateClaims } from '../../domain/jwt-templates.js';
import {
  SESSION_CLAIMS_LIMIT_BYTES,
  SESSION_TOKEN_LIFETIME_RANGE,
  validateSessionTokenSettings,
} from '../../domain/session-token-settings.js';
import { errors } from '../../errors.js';
import { idParams, metadataObject } from '../params.js';
import { sendJson } from '../reply.js';
import { serializeDeleted } from '../serializers/deleted.js';
import { serializeJwtTemplate } from '../serializers/jwt-template.js';
import { serializeSessionTokenTemplate } from '../serializers/session-token-template.js';
import { parseInput } from '../validation.js';
import type { DashboardFeature } from './route.js';

const sessionTokenBody = z.object({ claims: metadataObject, lifetime: z.number().int() }).strict();
const previewBody = z.object({ claims: metadataObject, user_id: z.string().min(1).max(128) }).strict();
const signingFields = {
  custom_signing_key: z.boolean().optional(),
  signing_algorithm: z.enum(CUSTOM_SIGNING_ALGORITHMS).optional(),
  // A PEM RSA key is a few KB; an HMAC secret anything from a passphrase up.
  signing_key: z.string().min(1).max(16_384).optional(),
};
const jwtTemplateBody = z
  .object({
    name: z.string().min(1).max(100).optional(),
    claims: metadataObject.optional(),
    lifetime: z.number().int().min(30).max(315_360_000).optional(),
    ...signingFields,
  })
  .strict();
const previewTokenBody = z
  .object({
    claims: metadataObject,
    user_id: z.string().min(1).max(128),
    template_id: z.string().min(1).max(64).optional(),
    ...signingFields,
  })
  .strict();

/**
 * Sessions & tokens: the session-token template and its lifetime (kept in the instance settings;
 * the config file's `sessionToken` wins), and JWT templates through the Backend API's service,
 * custom signing keys included (sealed at rest, never in an answer or the audit log).
 */
export function registerDashboardTokens(
  { route, domain, record }: DashboardFeature,
  options: { sessionTokenLocked: boolean; issuer: string },
): void {
  route('GET', '/session-token', async (_request, reply) => {
    const { sessionToken } = await domain.instance.settings();
    return sendJson(reply, 200, {
      ...serializeSessionTokenTemplate(sessionToken),
      shortcodes: SHORTCODES,
      limit_bytes: SESSION_CLAIMS_LIMIT_BYTES,
      lifetime_range: SESSION_TOKEN_LIFETIME_RANGE,
      config_locked: options.sessionTokenLocked,
    });
  });
  route('PUT', '/session-token', async (request, reply, context) => {
    if (options.sessionTokenLocked) {
      throw errors.paramValueInvalid(
        'sessionToken',
        'is set by the config file, which wins over the dashboard; change it there and restart',
      );
    }
    const body = parseInput(sessionTokenBody, request.body);
    const next = await domain.instance.updateSessionToken({ claims: body.claims, lifetimeSeconds: body.lifetime });
    await record(context, {
      action: 'session_token.update',
      targetType: 'instance',
      detail: { claims: body.claims, lifetime: body.lifetime },
    });
    return sendJson(reply, 200, serializeSessionTokenTemplate(next.sessionToken));
  });
  route('POST', '/session-token/preview', async (request, reply) => {
    const body = parseInput(previewBody, request.body);
    validateSessionTokenSettings({ claims: body.claims, lifetimeSeconds: 60 });
    const user = await domain.users.get(body.user_id);
    const preview = domain.tokens.previewClaims(body.claims, user);
    return sendJson(reply, 200, { claims: preview.claims, bytes: preview.bytes, limit_bytes: SESSION_CLAIMS_LIMIT_BYTES });
  });

  // A JWT template's claims rendered for a user (no session-token size limit: templates make their own tokens).
  route('POST', '/jwt-templates/preview', async (request, reply) => {
    const body = parseInput(previewBody, request.body);
    validateJwtTemplateClaims(body.claims);
    const user = await domain.users.get(body.user_id);
    const preview = domain.tokens.previewClaims(body.claims, user);
    return sendJson(reply, 200, { claims: preview.claims, bytes: preview.bytes });
  });
  // …and signed as the template signs (its custom key, or one typed but not saved), expired at once.
  route('POST', '/jwt-templates/preview-token', async (request, reply, context) => {
    const body = parseInput(previewTokenBody, request.body);
    const user = await domain.users.get(body.user_id);
    const preview = await domain.jwtTemplates.previewToken(
      {
        claims: body.claims,
        templateId: body.template_id,
        customSigningKey: body.custom_signing_key,
        signingAlgorithm: body.signing_algorithm,
        signingKey: body.signing_key,
      },
      user,
      { issuer: options.issuer, links: domain.images.links },
    );
    await record(context, {
      action: 'jwt_template.preview_token',
      targetType: 'user',
      targetId: user.user.id,
      detail: { template_id: body.template_id ?? null, alg: preview.header.alg },
    });
    return sendJson(reply, 200, { token: preview.token, header: preview.header, claims: preview.payload });
  });

  route('GET', '/jwt-templates', async (_request, reply) => {
    const templates = await domain.jwtTemplates.list(100, 0);
    return sendJson(reply, 200, {
      data: templates.data.map(serializeJwtTemplate),
      total_count: templates.totalCount,
      signing_algorithms: CUSTOM_SIGNING_ALGORITHMS,
    });
  });
  const templateInput = (body: z.infer<typeof jwtTemplateBody>) => ({
    name: body.name,
    claims: body.claims,
    lifetime: body.lifetime,
    customSigningKey: body.custom_signing_key,
    signingAlgorithm: body.signing_algorithm,
    signingKey: body.signing_key,
  });
  // The audit detail says whether the key changed, never what it is.
  const auditDetail = (name: string, body: z.infer<typeof jwtTemplateBody>) => ({
    name,
    custom_signing_key: body.custom_signing_key,
    signing_algorithm: body.signing_algorithm,
    signing_key_changed: body.signing_key !== undefined,
  });
  route('POST', '/jwt-templates', async (request, reply, context) => {
    const body = parseInput(jwtTemplateBody, request.body);
    const template = await domain.jwtTemplates.create(templateInput(body));
    await record(context, {
      action: 'jwt_template.create',
      targetType: 'jwt_template',
      targetId: template.id,
      detail: auditDetail(template.name, body),
    });
    return sendJson(reply, 200, serializeJwtTemplate(template));
  });
  route('PATCH', '/jwt-templates/:id', async (request, reply, context) => {
    const { id } = parseInput(idParams, request.params);
    const body = parseInput(jwtTemplateBody, request.body);
    const template = await domain.jwtTemplates.update(id, templateInput(body));
    await record(context, {
      action: 'jwt_template.update',
      targetType: 'jwt_template',
      targetId: id,
      detail: auditDetail(template.name, body),
    });
    return sendJson(reply, 200, serializeJwtTemplate(template));
  });
  route('DELETE', '/jwt-templates/:id', async (request, reply, context) => {
    const { id } = parseInput(idParams, request.params);
    await domain.jwtTemplates.delete(id);
    await record(context, { action: 'jwt_template.delete', targetType: 'jwt_template', targetId: id });
    return sendJson(reply, 200, serializeDeleted('jwt_template', id));
  });
}
