import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CannotExecuteNotConnectedError, ConnectionIsNotSetError, DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { entities } from '../entities';
import { keyColumns } from '../entities/key-column';
import { migrations } from './migrations';
import { CountingLogger, SqlLogSink } from './statement-counter';

export type Engine = 'sqlite' | 'mysql';

export const MYSQL_KEY_COLLATION = 'utf8mb4_bin';

export interface DatabaseOptions {
  /** A mysql:// URL, or undefined for the embedded SQLite file. */
  url: string | undefined;
  /** The SQLite file; ignored with a URL. */
  sqliteFile?: string;
  poolSize?: number;
  queueLimit?: number;
  log?: SqlLogSink;
}

/** The data source plus what the services need from it that TypeORM does not give portably. */
export class Database {
  readonly engine: Engine;
  private sqliteQueue: Promise<unknown> = Promise.resolve();
  /** SQLite: the transaction running now, and the async context its statements run in. */
  private activeTransaction: symbol | null = null;
  private readonly transactionContext = new AsyncLocalStorage<symbol>();

  constructor(readonly dataSource: DataSource) {
    this.engine = dataSource.options.type === 'mysql' ? 'mysql' : 'sqlite';
    if (this.engine === 'sqlite') this.queuePlainStatements();
  }

  /**
   * SQLite: TypeORM's better-sqlite3 driver runs every statement on one shared connection, so a
   * plain read issued while another request's transaction is open would run inside it and see
   * its uncommitted writes. Every statement that is not the running transaction's own waits its
   * turn in the same queue as the transactions.
   */
  private queuePlainStatements(): void {
    const runner = this.dataSource.createQueryRunner();
    const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
    const queued = (...args: unknown[]) => {
      const own = this.activeTransaction !== null && this.transactionContext.getStore() === this.activeTransaction;
      return own ? query(...args) : this.enqueue(() => query(...args));
    };
    runner.query = queued as typeof runner.query;
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const result = this.sqliteQueue.then(job, job);
    this.sqliteQueue = result.catch(() => undefined);
    return result;
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /**
   * Runs `work` in one transaction, committed when it resolves and rolled back when it throws.
   * SQLite: the driver shares a single connection, so transactions are queued in the process
   * and opened with BEGIN IMMEDIATE (the write lock is taken up front, so another process
   * such as the CLI waits on the busy timeout instead of failing mid-transaction).
   * MySQL: READ COMMITTED, retried on deadlock.
   */
  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.engine === 'sqlite') return this.sqliteTransaction(work);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction('READ COMMITTED', work);
      } catch (error) {
        if (attempt < 4 && driverCode(error) === 'ER_LOCK_DEADLOCK') continue;
        throw error;
      }
    }
  }

  private sqliteTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      const token = Symbol('transaction');
      this.activeTransaction = token;
      try {
        return await this.transactionContext.run(token, async () => {
          const runner = this.dataSource.createQueryRunner();
          await runner.query('BEGIN IMMEDIATE');
          try {
            const result = await work(runner.manager);
            await runner.query('COMMIT');
            return result;
          } catch (error) {
            await runner.query('ROLLBACK').catch(() => undefined);
            throw error;
          }
        });
      } finally {
        this.activeTransaction = null;
      }
    };
    return this.enqueue(run);
  }

  /**
   * The name of the unique index a failed insert or update ran into, or undefined when the
   * error is not a unique violation. Index names are the ones the entities declare.
   */
  uniqueViolation(error: unknown): string | undefined {
    if (!(error instanceof QueryFailedError)) return undefined;
    const driverError = (error as QueryFailedError & { driverError?: { code?: string; message?: string } }).driverError;
    const message = driverError?.message ?? error.message;
    if (this.engine === 'mysql') {
      if (driverError?.code !== 'ER_DUP_ENTRY') return undefined;
      const key = /for key '([^']+)'/.exec(message)?.[1];
      return key?.includes('.') ? key.slice(key.lastIndexOf('.') + 1) : key;
    }
    if (driverError?.code !== 'SQLITE_CONSTRAINT_UNIQUE' && driverError?.code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      return undefined;
    }
    const failed = /constraint failed: (.+)$/.exec(message)?.[1];
    if (!failed) return undefined;
    const columns = failed.split(',').map((part) => part.trim().split('.'));
    const table = columns[0][0];
    const names = columns.map(([, column]) => column).join(',');
    for (const metadata of this.dataSource.entityMetadatas) {
      if (metadata.tableName !== table) continue;
      for (const index of metadata.indices) {
        if (index.isUnique && index.columns.map((c) => c.databaseName).join(',') === names) return index.name;
      }
    }
    return undefined;
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

function driverCode(error: unknown): string | undefined {
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
      poolSize: options.poolSize ?? 10,
      extra: { queueLimit: options.queueLimit ?? 500, connectTimeout: 5000, waitForConnections: true },
    });
  }
  const file = options.sqliteFile ?? join(process.cwd(), 'data', 'command-center.sqlite');
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  return new DataSource({ ...common, type: 'better-sqlite3', database: file, enableWAL: file !== ':memory:', timeout: 5000 });
}

/** Connects, applies the engine's collations and runs pending migrations. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const dataSource = createDataSource(options);
  await dataSource.initialize();
  applyEngineCollations(dataSource);
  try {
    await dataSource.runMigrations();
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return new Database(dataSource);
}
