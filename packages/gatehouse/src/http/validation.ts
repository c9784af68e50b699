import * as z from 'zod';
import { errors, GatehouseError } from '../errors.js';

function paramName(path: PropertyKey[]): string {
  return path.map(String).join('.') || 'body';
}

/** The value the client sent at `path` (zod leaves `issue.input` out unless asked to report it). */
function sentValue(input: unknown, path: PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Turns the first zod issue into Clerk's matching form error, naming the parameter. */
function toGatehouseError(issue: z.core.$ZodIssue, input: unknown): GatehouseError {
  // One error per unknown parameter, each naming it, as Clerk does.
  if (issue.code === 'unrecognized_keys') {
    return new GatehouseError(
      422,
      issue.keys.flatMap((key) => errors.paramUnknown(key).errors),
    );
  }
  const name = paramName(issue.path);
  // Absent is "missing"; present with the wrong JSON type is "format invalid".
  if (issue.code === 'invalid_type' && sentValue(input, issue.path) === undefined) return errors.paramMissing(name);
  if (issue.code === 'too_big' || issue.code === 'too_small' || issue.code === 'invalid_value') {
    return errors.paramValueInvalid(name, issue.message);
  }
  return errors.paramInvalid(name, issue.message);
}

/** Validates a request part against a schema, throwing a Clerk-style 4xx on the first problem. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const value = input ?? {};
  // The parser lets a JSON array through for the endpoints that take one; everywhere else it is malformed.
  if (Array.isArray(value) && !(schema instanceof z.ZodArray)) throw errors.malformedBody('the body must be a JSON object');
  const result = schema.safeParse(value);
  if (!result.success) {
    const [first] = result.error.issues;
    throw first ? toGatehouseError(first, value) : errors.malformedBody('invalid input');
  }
  return result.data;
}
