import { CannotExecuteNotConnectedError, ConnectionIsNotSetError } from 'typeorm';

export function driverCode(error: unknown): string | undefined {
  const candidate = error as { code?: string; driverError?: { code?: string } };
  return candidate?.driverError?.code ?? candidate?.code;
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_LOCK_WAIT_TIMEOUT',
  'POOL_ACQUIRE_TIMEOUT',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
]);

/** True when an error means the database cannot serve us now (unreachable, overloaded, busy). */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = driverCode(error);
  if (code && UNAVAILABLE_CODES.has(code)) return true;
  if (error instanceof ConnectionIsNotSetError || error instanceof CannotExecuteNotConnectedError) return true;
  const message = (error as Error | undefined)?.message ?? '';
  // The last three: a closed data source (TypeORM on MySQL, better-sqlite3 on SQLite).
  return /Queue limit reached|Pool is closed|connect ETIMEDOUT|Connection lost|Connection is not established|connection is not yet established|database connection is not open/i.test(
    message,
  );
}
