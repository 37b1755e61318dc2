import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { format } from 'mysql2';
import { DataSource } from 'typeorm';
import { entities } from '../entities';
import { keyColumns } from '../entities/key-column';
import type { DatabaseOptions } from './data-source';
import { migrations } from './migrations';
import { DEFAULT_MYSQL_LIMITS } from './mysql-limits';
import { CountingLogger } from './statement-counter';

export const MYSQL_KEY_COLLATION = 'utf8mb4_bin';

/** Binary collation on MySQL for the normalized key columns; SQLite already compares bytes. */
export function applyEngineCollations(dataSource: DataSource): void {
  if (dataSource.options.type !== 'mysql' && dataSource.options.type !== 'mariadb') return;
  for (const { target, propertyName } of keyColumns) {
    const column = dataSource.getMetadata(target).findColumnWithPropertyName(propertyName);
    if (column) column.collation = MYSQL_KEY_COLLATION;
  }
}

export function createDataSource(options: DatabaseOptions): DataSource {
  // Both engines: the schema comes from the migrations only, each in its own transaction.
  const common = {
    entities,
    migrations,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    logger: new CountingLogger(options.log),
    maxQueryExecutionTime: 1000,
  };
  if (options.url) {
    return new DataSource({
      ...common,
      type: 'mysql',
      url: options.url,
      timezone: 'Z',
      charset: 'utf8mb4',
      // mysql2's promise API (TypeORM's query runners) otherwise captures a stack trace for
      // every statement, in case it fails: 4.3% of addCustomer's profile. A failed statement
      // still reports its SQL and the driver's error (QueryFailedError), and logs carry both.
      trace: false,
      poolSize: options.poolSize ?? 10,
      extra: {
        queueLimit: options.queueLimit ?? 500,
        connectTimeout: options.limits?.acquireTimeoutMs ?? DEFAULT_MYSQL_LIMITS.acquireTimeoutMs,
        waitForConnections: true,
        queryFormat: formatUnlessNoValues,
      },
    });
  }
  const file = options.sqliteFile ?? join(process.cwd(), 'data', 'command-center.sqlite');
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  return new DataSource({ ...common, type: 'better-sqlite3', database: file, enableWAL: file !== ':memory:', timeout: 5000 });
}

/**
 * mysql2's own formatting (values into `?` placeholders, escaped for the connection's time zone),
 * except that a statement without values is sent as it is: mysql2 formats every statement, and
 * finding the placeholders scans the whole text (quotes, comments) even when there is nothing to
 * put in them. select() sends its hot statements with their values already written in.
 */
function formatUnlessNoValues(sql: string, values: unknown, timezone: string): string {
  if (values === undefined || values === null || (Array.isArray(values) && values.length === 0)) return sql;
  return format(sql, values as Parameters<typeof format>[1], false, timezone);
}
