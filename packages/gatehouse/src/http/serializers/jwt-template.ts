import type { JwtTemplateJSON } from '@clerk/backend';
import type { JwtTemplate } from '../../model/index.js';

/** The one wire shape of a JWT template (Clerk's `jwt_template` object); the signing key never leaves. */
export function serializeJwtTemplate(template: JwtTemplate): JwtTemplateJSON {
  return {
    object: 'jwt_template',
    id: template.id,
    name: template.name,
    claims: template.claims,
    lifetime: template.lifetime,
    allowed_clock_skew: template.allowedClockSkew,
    custom_signing_key: template.customSigningKey,
    signing_algorithm: template.signingAlgorithm,
    created_at: template.createdAt,
    updated_at: template.updatedAt,
  };
}
