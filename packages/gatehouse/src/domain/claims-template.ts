/**
 * Clerk-style claim templates: JSON whose string values may hold `{{shortcodes}}`. A value that is
 * exactly one shortcode takes the referenced value with its JSON type (`{{user.public_metadata}}` is
 * an object); a shortcode inside longer text is interpolated as text. `{{a || b || 'text'}}` falls back
 * left to right. Unknown data renders as null, and null claims are left out of the token.
 */

export type ClaimsContext = Record<string, unknown>;

const SHORTCODE = /\{\{\s*([^{}]+?)\s*\}\}/g;
const WHOLE_SHORTCODE = /^\{\{\s*([^{}]+?)\s*\}\}$/;
const PATH = /^[a-z_][a-z0-9_]*(\.[A-Za-z0-9_-]+)*$/;
const LITERAL = /^'([^']*)'$|^"([^"]*)"$/;

/** The shortcodes a template may use; anything below `*_metadata` is free-form. */
const KNOWN_PATHS = new Set([
  'user.id',
  'user.external_id',
  'user.first_name',
  'user.last_name',
  'user.full_name',
  'user.username',
  'user.primary_email_address',
  'user.email_verified',
  'user.image_url',
  'user.has_image',
  'user.public_metadata',
  'user.unsafe_metadata',
  'user.created_at',
  'user.updated_at',
  'user.last_sign_in_at',
  'user.two_factor_enabled',
  'user.banned',
  'org.id',
  'org.name',
  'org.slug',
  'org.image_url',
  'org.public_metadata',
  'org.role',
  'org.membership_permissions',
  'session.id',
  'session.actor',
]);

/** The shortcodes, in order, for the dashboard's editor to list. */
export const SHORTCODES: readonly string[] = [...KNOWN_PATHS];

function isKnownPath(path: string): boolean {
  if (KNOWN_PATHS.has(path)) return true;
  return /^(user|org)\.(public|unsafe)_metadata\./.test(path);
}

function lookup(context: ClaimsContext, path: string): unknown {
  let value: unknown = context;
  for (const part of path.split('.')) {
    // Own properties only: `{{user.public_metadata.constructor}}` must not reach Object.prototype.
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) return null;
    value = (value as Record<string, unknown>)[part];
  }
  return value === undefined ? null : value;
}

function evaluate(expression: string, context: ClaimsContext): unknown {
  for (const alternative of expression.split('||').map((s) => s.trim())) {
    const literal = LITERAL.exec(alternative);
    const value = literal ? (literal[1] ?? literal[2]) : lookup(context, alternative);
    if (value !== null && value !== '' && value !== undefined) return value;
  }
  return null;
}

/** Lists every problem with a template's shortcodes (empty when it is valid). */
export function findShortcodeProblems(template: unknown, at = ''): string[] {
  if (typeof template === 'string') {
    const problems: string[] = [];
    for (const match of template.matchAll(SHORTCODE)) {
      for (const alternative of (match[1] ?? '').split('||').map((s) => s.trim())) {
        if (LITERAL.test(alternative)) continue;
        if (!PATH.test(alternative) || !isKnownPath(alternative)) {
          problems.push(`${at || '(root)'}: unknown shortcode {{${alternative}}}`);
        }
      }
    }
    return problems;
  }
  if (Array.isArray(template)) return template.flatMap((item, i) => findShortcodeProblems(item, `${at}[${i}]`));
  if (template && typeof template === 'object') {
    return Object.entries(template).flatMap(([key, value]) => findShortcodeProblems(value, at ? `${at}.${key}` : key));
  }
  return [];
}

function renderValue(template: unknown, context: ClaimsContext): unknown {
  if (typeof template === 'string') {
    const whole = WHOLE_SHORTCODE.exec(template);
    if (whole) return evaluate(whole[1] ?? '', context);
    if (!template.includes('{{')) return template;
    return template.replace(SHORTCODE, (_, expression: string) => {
      const value = evaluate(expression, context);
      if (value === null) return '';
      return typeof value === 'string' ? value : JSON.stringify(value);
    });
  }
  if (Array.isArray(template)) return template.map((item) => renderValue(item, context));
  if (template && typeof template === 'object') return renderClaims(template as Record<string, unknown>, context);
  return template;
}

export function renderClaims(template: Record<string, unknown>, context: ClaimsContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    const rendered = renderValue(value, context);
    if (rendered !== null) out[key] = rendered;
  }
  return out;
}

export function byteLength(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}
