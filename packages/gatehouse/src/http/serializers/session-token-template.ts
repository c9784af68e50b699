import type { SessionTokenSettings } from '../../domain/session-token-settings.js';

/** Gatehouse's own admin resource (Clerk keeps the session-token template in its dashboard): no SDK type exists. */
export interface SessionTokenTemplateJSON {
  object: 'session_token_template';
  claims: Record<string, unknown>;
  lifetime: number;
}

export function serializeSessionTokenTemplate(settings: SessionTokenSettings): SessionTokenTemplateJSON {
  return { object: 'session_token_template', claims: settings.claims, lifetime: settings.lifetimeSeconds };
}
