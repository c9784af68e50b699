import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * SQLite has one connection: while a transaction holds it, any query made outside the transaction
 * waits for it to end. A query made that way from inside the transaction's own work (a service
 * reading through the store instead of the transaction's repositories) would therefore wait
 * forever. The scope marks a transaction's work so that such a query fails at once, with a message,
 * instead of hanging the request and every one after it.
 */
const scope = new AsyncLocalStorage<{ open: boolean }>();

/** Runs a transaction's work inside the scope; the mark ends with the transaction (later work that it started is free). */
export async function withinTransaction<T>(work: () => Promise<T>): Promise<T> {
  const mark = { open: true };
  try {
    return await scope.run(mark, work);
  } finally {
    mark.open = false;
  }
}

/** True while the caller runs inside a transaction's work. */
export function insideTransaction(): boolean {
  return scope.getStore()?.open === true;
}

export const QUERY_OUTSIDE_TRANSACTION =
  'store: a query outside the transaction was made from inside it; on SQLite it would wait for the transaction forever (use the repositories the transaction passes in)';
