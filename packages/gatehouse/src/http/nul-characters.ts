import type { FastifyRequest } from 'fastify';
import { errors, type GatehouseError } from '../errors.js';

const NUL = '\u0000';

/** The dotted name of the first string (or object key) under `value` that holds U+0000, walked without recursion. */
function firstNulAt(value: unknown, name: string): string | undefined {
  const stack: [unknown, string][] = [[value, name]];
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const [node, at] = entry;
    if (typeof node === 'string') {
      if (node.includes(NUL)) return at;
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    for (const [key, child] of Object.entries(node)) {
      const childAt = at ? `${at}.${key}` : key;
      if (key.includes(NUL)) return childAt;
      stack.push([child, childAt]);
    }
  }
  return undefined;
}

/**
 * PostgreSQL's text and jsonb cannot hold U+0000 (SQLite's can), so a NUL that reached the store would be
 * a 500 on one store and data on the other. It is refused at the edge instead, alike on both: in a path
 * id it names nothing (404); in a query or body parameter it is a 422 naming the parameter.
 */
export function nulCharacterError(request: FastifyRequest): GatehouseError | undefined {
  if (firstNulAt(request.params, '') !== undefined) return errors.notFound();
  const at = firstNulAt(request.query, '') ?? firstNulAt(request.body, '');
  return at === undefined ? undefined : errors.paramInvalid(at || 'body', 'must not contain the NUL character (U+0000)');
}
