import type { GatehouseConfig } from '../config/schema.js';

interface SystemError {
  code?: string;
  syscall?: string;
  address?: string;
  port?: number;
  path?: string;
  message?: string;
}

/** The `GATEHOUSE_*` variable or flag that sets each setting, for messages that say what to change. */
const PORT_FIX = 'stop the other process or choose another port with --port (GATEHOUSE_PORT)';

/**
 * One line for a failure the operator can fix (a taken port, an unusable data dir or database file),
 * or undefined for anything else, which is a bug and keeps its stack trace.
 */
export function describeStartupFailure(error: unknown, config: GatehouseConfig): string | undefined {
  const e = (error ?? {}) as SystemError;
  if (e.syscall === 'listen' || e.syscall === 'bind') {
    const where = `${config.host}:${config.port}`;
    switch (e.code) {
      case 'EADDRINUSE':
        return `port ${config.port} on ${config.host} is already in use (another Gatehouse?); ${PORT_FIX}.`;
      case 'EACCES':
        return `no permission to listen on ${where} (ports below 1024 need privileges); use --port 1024 or above, behind a proxy for 80/443.`;
      case 'EADDRNOTAVAIL':
        return `cannot listen on ${where}: ${config.host} is not an address of this machine; fix --host (GATEHOUSE_HOST), e.g. 127.0.0.1 or 0.0.0.0.`;
      default:
        return undefined;
    }
  }
  if (e.code === 'SQLITE_CANTOPEN' || e.code === 'SQLITE_READONLY' || e.code === 'SQLITE_NOTADB') {
    const file = config.databaseUrl.slice('sqlite:'.length);
    const why = { SQLITE_CANTOPEN: 'cannot open it', SQLITE_READONLY: 'it is read-only', SQLITE_NOTADB: 'it is not a SQLite database' }[
      e.code
    ];
    return `SQLite database ${file}: ${why}; fix its permissions or point --database (or --data-dir) elsewhere.`;
  }
  if (e.code === 'ECONNREFUSED' && /postgres/.test(config.databaseUrl)) {
    return `PostgreSQL at ${displayUrl(config.databaseUrl)} refused the connection; start it or fix --database (GATEHOUSE_DATABASE_URL).`;
  }
  return undefined;
}

/** A URL for a message: scheme, host and port only (the rest may hold a password). */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '(an unparsable URL)';
  }
}
