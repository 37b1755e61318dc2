import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, EntityManager, MigrationExecutor, QueryRunner } from 'typeorm';
import { DEFAULT_MYSQL_LIMITS, MysqlLimits, applyMysqlLimits, guardRunner } from './mysql-limits';
import { connectWithRetry, underMigrationLock } from './start-up';
import { commitBeforeDeadline, outsideRequest } from './request-scope';
import { SqlLogSink } from './statement-counter';
import { applyEngineCollations, createDataSource } from './create-data-source';
import { driverCode } from './unavailable';
import { uniqueIndexViolated } from './unique-violation';

export { isDatabaseUnavailable } from './unavailable';
export { MYSQL_KEY_COLLATION, applyEngineCollations, createDataSource } from './create-data-source';

export type Engine = 'sqlite' | 'mysql';

/** Run once on each MySQL connection: READ COMMITTED is the session default, not set per transaction. */
const MYSQL_SESSION_SQL = ['SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED'];

export interface DatabaseOptions {
  /** A mysql:// URL, or undefined for the embedded SQLite file. */
  url: string | undefined;
  /** The SQLite file; ignored with a URL. */
  sqliteFile?: string;
  poolSize?: number;
  queueLimit?: number;
  log?: SqlLogSink;
  /** MySQL: statement and connection-wait limits (defaults in mysql-limits.ts). */
  limits?: Partial<MysqlLimits>;
  /** Start-up: how long an unreachable database is retried, with backoff. */
  waitMs?: number;
  onRetry?: (error: unknown, attempt: number) => void;
}

/** The transaction a piece of code runs in: its query runner, and its nested transactions' turn. */
interface TransactionScope {
  readonly runner: QueryRunner;
  open: boolean;
  /** Nested transactions opened in this one run one after another (savepoints are a stack). */
  tail: Promise<unknown>;
  /** What `afterCommit` registered in this transaction (a nested one hands its list up on commit). */
  committed: Array<() => void>;
}

/** The data source plus what the services need from it that TypeORM does not give portably. */
export class Database {
  readonly engine: Engine;
  private sqliteQueue: Promise<unknown> = Promise.resolve();
  /** The transaction the running code is inside, on both engines. */
  private readonly transactionScope = new AsyncLocalStorage<TransactionScope>();
  private sharedRunner: QueryRunner | undefined;

  constructor(readonly dataSource: DataSource) {
    this.engine = dataSource.options.type === 'mysql' ? 'mysql' : 'sqlite';
    if (this.engine === 'sqlite') this.guardSharedConnection();
  }

  /** The query runner of the transaction the calling code is inside, if any. */
  currentRunner(): QueryRunner | undefined {
    return this.insideTransaction()?.runner;
  }

  private insideTransaction(): TransactionScope | undefined {
    const scope = this.transactionScope.getStore();
    return scope?.open ? scope : undefined;
  }

  /**
   * SQLite: TypeORM's better-sqlite3 driver runs every statement on one shared connection, so a
   * plain read issued while another request's transaction is open would run inside it and see
   * its uncommitted writes. Every statement that is not the running transaction's own waits its
   * turn in the same queue as the transactions. A transaction begun on that connection by anything
   * but `Database.transaction` (`manager.transaction()`, `manager.save()` outside a transaction)
   * would share it with every request, so it is refused at once.
   */
  private guardSharedConnection(): void {
    const runner = guardRunner(this.dataSource.createQueryRunner());
    this.sharedRunner = runner;
    const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
    const queued = (sql: string, ...rest: unknown[]) => {
      // BEGIN IMMEDIATE takes the write lock up front, so another process (the CLI) waits on the
      // busy timeout instead of failing mid-transaction.
      const text = sql === 'BEGIN TRANSACTION' ? 'BEGIN IMMEDIATE TRANSACTION' : sql;
      return this.insideTransaction() ? query(text, ...rest) : this.enqueue(() => query(text, ...rest));
    };
    runner.query = queued as typeof runner.query;
    const startTransaction = runner.startTransaction.bind(runner);
    runner.startTransaction = (isolationLevel) => {
      if (!this.insideTransaction()) {
        return Promise.reject(
          new Error('SQLite: a transaction was begun outside Database.transaction() (manager.transaction() or manager.save() on db.manager); write through Database.transaction().'),
        );
      }
      return startTransaction(isolationLevel);
    };
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
   * Called inside another transaction it joins it as a savepoint (both engines): its writes are
   * part of the outer transaction, and its own failure rolls back only what it did.
   * Within a request, the commit is refused once the request's deadline has passed (TIMEOUT,
   * rolled back), so a request answered TIMEOUT never writes anything afterwards.
   * SQLite: the driver shares a single connection, so transactions are queued in the process
   * and opened with BEGIN IMMEDIATE. MySQL: READ COMMITTED (MYSQL_SESSION_SQL), retried on deadlock.
   */
  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const outer = this.insideTransaction();
    if (outer) return this.nested(outer, work);
    if (this.engine === 'sqlite') return this.enqueue(() => this.outermost(this.sharedRunner as QueryRunner, work));
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.outermost(this.dataSource.createQueryRunner(), work);
      } catch (error) {
        if (attempt < 4 && driverCode(error) === 'ER_LOCK_DEADLOCK') continue;
        throw error;
      }
    }
  }

  private async outermost<T>(runner: QueryRunner, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const scope: TransactionScope = { runner, open: true, tail: Promise.resolve(), committed: [] };
    try {
      return await this.transactionScope.run(scope, async () => {
        await runner.startTransaction();
        try {
          const result = await work(runner.manager);
          await commitBeforeDeadline(() => runner.commitTransaction());
          for (const then of scope.committed) this.detached(then);
          return result;
        } catch (error) {
          await this.abandon(runner);
          throw error;
        }
      });
    } finally {
      scope.open = false;
      if (this.engine === 'mysql') await runner.release();
    }
  }

  /** Rolls back; if even that fails, the connection's state is unknown and it is not reused as is. */
  private async abandon(runner: QueryRunner): Promise<void> {
    try {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
    } catch {
      if (this.engine === 'mysql') {
        (runner as unknown as { databaseConnection?: { destroy?: () => void } }).databaseConnection?.destroy?.();
      } else {
        await runner.query('ROLLBACK').catch(() => undefined);
      }
    }
    // TypeORM's own bookkeeping, so the shared SQLite runner never opens a savepoint in a transaction that is gone.
    Object.assign(runner, { transactionDepth: 0, isTransactionActive: false });
  }

  /**
   * Runs maintenance that drives TypeORM's transactions itself (running or undoing migrations
   * after start-up) with the connection to itself: on SQLite nothing else runs meanwhile.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.engine === 'mysql') return work();
    const scope: TransactionScope = { runner: this.sharedRunner as QueryRunner, open: true, tail: Promise.resolve(), committed: [] };
    return this.enqueue(() => this.transactionScope.run(scope, work).finally(() => (scope.open = false)));
  }

  /**
   * Runs `work` outside the caller's transaction and request: for work started from inside a
   * transaction that must not join it (mail delivered after the commit), and that the request's
   * deadline must not cut short.
   */
  detached<T>(work: () => T): T {
    // run(undefined), not exit(): see outsideRequest (mail delivery wrote through a released runner).
    return this.transactionScope.run(undefined as unknown as TransactionScope, () => outsideRequest(work));
  }

  /**
   * Runs `then` once the running transaction has committed, outside it and outside the request
   * (as `detached`); never if it rolls back (a savepoint's, when the outermost transaction
   * commits). Outside a transaction it runs at once. For work that must see the change
   * committed, such as sending its mail.
   */
  afterCommit(then: () => void): void {
    const scope = this.insideTransaction();
    if (scope) scope.committed.push(then);
    else this.detached(then);
  }

  private nested<T>(outer: TransactionScope, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const run = () => {
      if (!outer.open) {
        throw new Error('A nested Database.transaction() outlived the transaction it was opened in; start detached work with Database.detached().');
      }
      const scope: TransactionScope = { runner: outer.runner, open: true, tail: Promise.resolve(), committed: [] };
      return this.transactionScope.run(scope, async () => {
        await outer.runner.startTransaction();
        try {
          const result = await work(outer.runner.manager);
          await outer.runner.commitTransaction();
          outer.committed.push(...scope.committed);
          return result;
        } catch (error) {
          await outer.runner.rollbackTransaction().catch(() => undefined);
          throw error;
        } finally {
          scope.open = false;
        }
      });
    };
    const result = outer.tail.then(run, run);
    outer.tail = result.catch(() => undefined);
    return result;
  }

  /**
   * The name of the unique index a failed insert or update ran into, or undefined when the
   * error is not a unique violation. Index names are the ones the entities declare.
   */
  uniqueViolation(error: unknown): string | undefined {
    return uniqueIndexViolated(this.dataSource, error);
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/**
 * Connects, applies the engine's collations and runs pending migrations. An unreachable database
 * is retried with backoff for `waitMs` (start-up only; 0: one try). On MySQL the migrations run
 * under a named database lock, so several instances started at once on a new database apply them
 * once and the others wait for it, then find nothing pending.
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const dataSource = await connectWithRetry(() => createDataSource(options), options.waitMs ?? 0, options.onRetry);
  applyEngineCollations(dataSource);
  try {
    if (dataSource.options.type === 'mysql') {
      await applyMysqlLimits(dataSource, { ...DEFAULT_MYSQL_LIMITS, ...options.limits }, MYSQL_SESSION_SQL);
      await underMigrationLock(dataSource, async (runner) => {
        // On the lock's own connection, so a pool of one is enough to start.
        const executor = new MigrationExecutor(dataSource, runner);
        executor.transaction = 'each';
        await executor.executePendingMigrations();
      });
    } else {
      await dataSource.runMigrations();
    }
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return new Database(dataSource);
}

