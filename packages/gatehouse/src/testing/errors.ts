import { GatehouseError } from '../errors.js';

/**
 * The `GatehouseError` that `work` throws, for tests that check its code and parameter; fails when
 * `work` throws nothing, and rethrows anything else. Shared so that every unit test asks the same way.
 */
export function errorOf(work: () => unknown): GatehouseError {
  try {
    work();
  } catch (error) {
    if (error instanceof GatehouseError) return error;
    throw error;
  }
  throw new Error('expected a GatehouseError');
}
