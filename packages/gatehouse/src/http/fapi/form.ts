import * as z from 'zod';
import { errors } from '../../errors.js';
import { MAX_JSON_DEPTH, withinJsonDepth } from '../json-depth.js';
import { parseInput } from '../validation.js';

/** FAPI bodies are form-encoded (or JSON from other clients); this reads them as flat strings. */
export function formFields(body: unknown): Record<string, string> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return {};
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (typeof value === 'string') out[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = String(value);
    else if (value !== null && value !== undefined) out[key] = JSON.stringify(value);
  }
  return out;
}

export function optionalString(fields: Record<string, string>, name: string, max = 1024): string | undefined {
  const value = fields[name];
  if (value === undefined || value === '') return undefined;
  if (value.length > max) throw errors.paramInvalid(name, `must be at most ${max} characters`);
  return value;
}

export function requiredString(fields: Record<string, string>, name: string, max = 1024): string {
  const value = optionalString(fields, name, max);
  if (value === undefined) throw errors.paramMissing(name);
  return value;
}

export function optionalBoolean(fields: Record<string, string>, name: string): boolean | undefined {
  const value = fields[name];
  if (value === undefined || value === '') return undefined;
  if (value !== 'true' && value !== 'false') throw errors.paramInvalid(name, 'must be true or false');
  return value === 'true';
}

/** clerk-js sends nested objects as JSON strings (`unsafe_metadata={"a":1}`). */
export function optionalJsonObject(fields: Record<string, string>, name: string): Record<string, unknown> | undefined {
  const value = fields[name];
  if (value === undefined || value === '') return undefined;
  try {
    const parsed = JSON.parse(value) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      if (!withinJsonDepth(parsed)) throw errors.paramInvalid(name, `must nest at most ${MAX_JSON_DEPTH} levels deep`);
      return parsed as Record<string, unknown>;
    }
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  throw errors.paramInvalid(name, 'must be a JSON object');
}

/*
 * Zod schemas for Frontend API form bodies, as BAPI's routes have them. `parseForm` reads the body
 * with `formFields` and drops empty fields (clerk-js sends `''` for "not given"), so the errors are the
 * same as the helpers above: absent is `form_param_missing`, malformed is `form_param_format_invalid`.
 */

/** A text field of at most `max` characters. */
export const formText = (max = 1024) => z.string().refine((value) => value.length <= max, `must be at most ${max} characters`);

/** `true` or `false`. */
export const formBoolean = z
  .string()
  .refine((value) => value === 'true' || value === 'false', 'must be true or false')
  .transform((value) => value === 'true');

/** A JSON object sent as a string (`unsafe_metadata={"a":1}`), nested at most `MAX_JSON_DEPTH` deep. */
export const formJsonObject = z.string().transform((value, ctx): Record<string, unknown> => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value) as unknown;
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON object' });
    return z.NEVER;
  }
  if (!withinJsonDepth(parsed)) {
    ctx.addIssue({ code: 'custom', message: `must nest at most ${MAX_JSON_DEPTH} levels deep` });
    return z.NEVER;
  }
  return parsed as Record<string, unknown>;
});

/**
 * Reads a form body against `schema` (fields it does not name are ignored unless it is strict).
 * Empty fields count as absent, unless `keepEmpty` names them: there `''` means "clear it" (`null`).
 */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown, keepEmpty: readonly string[] = []): z.infer<S> {
  const fields = Object.fromEntries(
    Object.entries(formFields(body)).flatMap(([key, value]): [string, string | null][] =>
      value !== '' ? [[key, value]] : keepEmpty.includes(key) ? [[key, null]] : [],
    ),
  );
  return parseInput(schema, fields);
}
