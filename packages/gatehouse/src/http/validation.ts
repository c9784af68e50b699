import type { z } from 'zod';
import { errors, type GatehouseError } from '../errors.js';

function paramName(path: PropertyKey[]): string {
  return path.map(String).join('.') || 'body';
}

/** Turns the first zod issue into Clerk's matching form error, naming the parameter. */
function toGatehouseError(issue: z.core.$ZodIssue): GatehouseError {
  if (issue.code === 'unrecognized_keys') return errors.paramUnknown(issue.keys.join(', '));
  const name = paramName(issue.path);
  if (issue.code === 'invalid_type' && issue.input === undefined) return errors.paramMissing(name);
  if (issue.code === 'too_big' || issue.code === 'too_small' || issue.code === 'invalid_value') {
    return errors.paramValueInvalid(name, issue.message);
  }
  return errors.paramInvalid(name, issue.message);
}

/** Validates a request part against a schema, throwing a Clerk-style 4xx on the first problem. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) {
    const [first] = result.error.issues;
    throw first ? toGatehouseError(first) : errors.malformedBody('invalid input');
  }
  return result.data;
}
