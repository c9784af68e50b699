import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * SQLite has one connection: while a transaction holds it, any query made outside the transaction
 * waits for it to end. A query made that way from inside the transaction's own work (a service
 * reading through the store instead of the transaction's repositories) would therefore wait
 * forever. The scope marks a transaction's work so that such a query fails at once, with a message,
 * instead of hanging the request and every one after it.
 *
 * The mark needs AsyncLocalStorage, and on Node 20 the first `run` of any AsyncLocalStorage turns on
 * promise hooks for every promise of the process, for good: ~0.3 µs per async call, ~6% of a
 * getUser request (bench/). So the check runs where such mistakes are found — the test suite sets
 * GATEHOUSE_CHECK_TRANSACTIONS=1, and a developer may — and otherwise the store's wait limit for the
 * connection (sqlite.ts) turns the same mistake into a failed request instead of a hang.
 */
const checking = process.env.GATEHOUSE_CHECK_TRANSACTIONS === '1';
const scope = checking ? new AsyncLocalStorage<{ open: boolean }>() : undefined;

/** Runs a transaction's work inside the scope; the mark ends with the transaction (later work that it started is free). */
export async function withinTransaction<T>(work: () => Promise<T>): Promise<T> {
  if (!scope) return work();
  const mark = { open: true };
  try {
    return await scope.run(mark, work);
  } finally {
    mark.open = false;
  }
}

/** True while the caller runs inside a transaction's work (always false when the check is off). */
export function insideTransaction(): boolean {
  return scope?.getStore()?.open === true;
}

export const QUERY_OUTSIDE_TRANSACTION =
  'store: a query outside the transaction was made from inside it; on SQLite it would wait for the transaction forever (use the repositories the transaction passes in)';
