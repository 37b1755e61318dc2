import { DataSource, QueryRunner } from 'typeorm';
import { currentScope, remainingMs, timeoutError } from './request-scope';

/**
 * MySQL/MariaDB: how long one statement and one wait for a pooled connection may take. A
 * request's statements are bounded by what is left of its deadline and by `statementTimeoutMs`;
 * the server stops them (MariaDB `SET STATEMENT max_statement_time`, MySQL 8 the
 * `MAX_EXECUTION_TIME` hint on SELECTs) and the client gives up `graceMs` later, which is what
 * catches a stalled server (it answers nothing, so only the client can tell).
 */
export interface MysqlLimits {
  statementTimeoutMs: number;
  acquireTimeoutMs: number;
  graceMs: number;
}

export const DEFAULT_MYSQL_LIMITS: MysqlLimits = { statementTimeoutMs: 3000, acquireTimeoutMs: 3000, graceMs: 500 };

const DATA_STATEMENT = /^\s*(SELECT|INSERT|UPDATE|DELETE|REPLACE)\b/i;
/** Statements that end a transaction are never refused: a late request must still roll back. */
const ENDING_STATEMENT = /^\s*(COMMIT|ROLLBACK|RELEASE)\b/i;
const STATEMENT_TIMEOUT_CODES = new Set(['ER_STATEMENT_TIMEOUT', 'ER_QUERY_TIMEOUT']);
const STATEMENT_TIMEOUT_ERRNOS = new Set([1969, 3024]);

type Callback = (error: Error | null, connection?: PooledConnection) => void;
interface PooledConnection {
  query: (...args: unknown[]) => unknown;
  release: () => void;
  destroy: () => void;
  [guarded]?: true;
}
interface MysqlPool {
  getConnection: (cb: Callback) => void;
}
const guarded = Symbol('guarded');

export class PoolAcquireTimeoutError extends Error {
  readonly code = 'POOL_ACQUIRE_TIMEOUT';
  constructor(ms: number) {
    super(`No database connection became free within ${ms} ms`);
  }
}

function isStatementTimeout(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: string; errno?: number } })?.driverError;
  return STATEMENT_TIMEOUT_CODES.has(driverError?.code ?? '') || STATEMENT_TIMEOUT_ERRNOS.has(driverError?.errno ?? 0);
}

/**
 * Installs the limits on an initialized MySQL data source (its pool and every query runner it
 * creates). `sessionSql` runs once on each pooled connection, before the first statement the
 * pool hands it out for: on the connections open already and on every one the pool creates
 * later (a connection destroyed after a timeout is replaced by a new one).
 */
export async function applyMysqlLimits(dataSource: DataSource, limits: MysqlLimits, sessionSql: readonly string[] = []): Promise<void> {
  const rows: Array<{ v: string }> = await dataSource.query('SELECT VERSION() AS v');
  const mariadb = /mariadb/i.test(rows[0]?.v ?? '');
  const driver = dataSource.driver as unknown as { pool: MysqlPool; createQueryRunner: (mode: string) => QueryRunner };

  const limitText = (sql: string, serverMs: number): string => {
    if (!DATA_STATEMENT.test(sql)) return sql;
    if (mariadb) return `SET STATEMENT max_statement_time=${(serverMs / 1000).toFixed(3)} FOR ${sql}`;
    return sql.replace(/^\s*SELECT\b/i, `SELECT /*+ MAX_EXECUTION_TIME(${serverMs}) */`);
  };

  const guardConnection = (connection: PooledConnection): PooledConnection => {
    if (connection[guarded]) return connection;
    connection[guarded] = true;
    const query = connection.query.bind(connection);
    // mysql2 runs a connection's statements in order, so these come before the caller's. One
    // that fails leaves the session unknown: the connection is destroyed, so the caller's
    // statement fails too rather than run without it.
    for (const sql of sessionSql) {
      query(sql, (error: Error | null) => {
        if (error) connection.destroy();
      });
    }
    connection.query = (sql: unknown, ...rest: unknown[]) => {
      const scope = currentScope();
      if (!scope || typeof sql !== 'string') return query(sql, ...rest);
      const ending = ENDING_STATEMENT.test(sql);
      const serverMs = ending ? limits.statementTimeoutMs : Math.max(1, Math.min(scope.deadline - Date.now(), limits.statementTimeoutMs));
      // mysql2 gives up on a statement past its timeout but leaves it the connection's current
      // command, so the next statement on it would wait forever: the connection is destroyed instead.
      const callback = rest[rest.length - 1];
      if (typeof callback === 'function') {
        rest[rest.length - 1] = (error: (Error & { fatal?: boolean; code?: string }) | null, ...results: unknown[]) => {
          if (error?.fatal || error?.code === 'PROTOCOL_SEQUENCE_TIMEOUT') connection.destroy();
          return (callback as (...args: unknown[]) => unknown)(error, ...results);
        };
      }
      return query({ sql: ending ? sql : limitText(sql, serverMs), timeout: serverMs + limits.graceMs }, ...rest);
    };
    return connection;
  };

  // mysql2's pool waits for a free connection forever; past the acquire timeout the caller gets
  // an error (SERVICE_UNAVAILABLE) and a connection that arrives later goes straight back.
  const pool = driver.pool;
  const getConnection = pool.getConnection.bind(pool);
  pool.getConnection = (cb: Callback) => {
    const left = currentScope() ? Math.max(1, currentScope()!.deadline - Date.now()) : Infinity;
    const waitMs = Math.min(left, limits.acquireTimeoutMs);
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      cb(new PoolAcquireTimeoutError(waitMs));
    }, waitMs);
    getConnection((error, connection) => {
      if (done) {
        connection?.release();
        return;
      }
      done = true;
      clearTimeout(timer);
      if (error || !connection) cb(error ?? new Error('no connection'));
      else cb(null, guardConnection(connection));
    });
  };

  const createQueryRunner = driver.createQueryRunner.bind(driver);
  driver.createQueryRunner = (mode: string) => guardRunner(createQueryRunner(mode));
}

/** A statement the server stopped at the request's deadline, as the request's TIMEOUT; any other error as it is. */
export function statementTimeoutAsTimeout(error: unknown): unknown {
  const scope = currentScope();
  return scope && isStatementTimeout(error) ? timeoutError(scope) : error;
}

/**
 * Refuses a request's statements once its deadline has passed (TIMEOUT, nothing sent), and
 * reports a statement the server stopped at the deadline as TIMEOUT rather than a driver error.
 */
export function guardRunner(runner: QueryRunner): QueryRunner {
  const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
  runner.query = (async (sql: string, ...rest: unknown[]) => {
    if (!ENDING_STATEMENT.test(sql)) remainingMs();
    try {
      return await query(sql, ...rest);
    } catch (error) {
      throw statementTimeoutAsTimeout(error);
    }
  }) as QueryRunner['query'];
  return runner;
}
