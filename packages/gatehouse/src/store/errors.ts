/** Raised by a repository when a write would break a unique constraint; the domain names the field. */
export class UniqueViolation extends Error {
  constructor(readonly detail: string) {
    super(`unique constraint violated: ${detail}`);
    this.name = 'UniqueViolation';
  }
}

/** Maps each driver's unique-violation error onto one type, so the domain does not know the dialect. */
export function translateStoreError(error: unknown): never {
  const e = error as { code?: string; message?: string; detail?: string; constraint?: string };
  if (e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    throw new UniqueViolation(e.message ?? '');
  }
  if (e?.code === '23505') throw new UniqueViolation(`${e.constraint ?? ''} ${e.detail ?? ''}`);
  throw error;
}

/** Runs a write and turns a unique violation into `UniqueViolation`. */
export async function guardUnique<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    return translateStoreError(error);
  }
}

/** Thrown when a query did not get an answer in time (the database is unreachable or stalled). */
export class DatabaseTimeout extends Error {
  readonly code = 'GATEHOUSE_DATABASE_TIMEOUT';
  constructor(what: string, ms: number) {
    super(`${what}: no answer from the database within ${ms} ms`);
    this.name = 'DatabaseTimeout';
  }
}

/** Node socket errors: the database's host or port does not answer, or the connection broke. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** postgres.js's own connection errors, and ours. */
const DRIVER_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
  'CONNECT_TIMEOUT',
  'GATEHOUSE_DATABASE_TIMEOUT',
]);
/** PostgreSQL shutting down, crashed, starting up, or out of connection slots. */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** What pg says (without a code) when a connection broke or could not be made or taken in time. */
const PG_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|is not queryable|Query read timeout/;

/**
 * Whether an error means the database cannot be reached right now (an outage, a restart, a network
 * problem) rather than a bug: such a request is worth retrying, so the HTTP layer answers 503.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { code?: unknown; message?: unknown; errors?: unknown; syscall?: unknown };
  if (typeof e.code === 'string') {
    // Only a socket's own error (it names its syscall): a mail server timing out is not the database.
    if (NETWORK_CODES.has(e.code) && typeof e.syscall === 'string') return true;
    if (DRIVER_CODES.has(e.code) || SQLSTATES.has(e.code) || e.code.startsWith('08')) return true;
  }
  if (typeof e.message === 'string' && PG_MESSAGES.test(e.message)) return true;
  // Node reports a failed connect to each of a host's addresses as one AggregateError.
  return Array.isArray(e.errors) && e.errors.some(isDatabaseUnavailable);
}
