import { Logger } from 'typeorm';

/**
 * Counts every SQL statement the process sends, so tests can hold an operation to a
 * statement budget (the guard against N+1 queries) and benchmarks can report it.
 */
export const statementCounter = { total: 0 };

export interface SqlLogSink {
  isLevelEnabled(level: string): boolean;
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** TypeORM's logger: counts statements and sends SQL to pino at debug level. */
export class CountingLogger implements Logger {
  constructor(private readonly sink?: SqlLogSink) {}

  logQuery(query: string): void {
    statementCounter.total += 1;
    if (this.sink?.isLevelEnabled('debug')) this.sink.debug({ sql: query }, 'sql');
  }

  logQueryError(): void {
    // Failed statements surface as errors where they are handled, with the request id.
  }

  logQuerySlow(time: number, query: string): void {
    this.sink?.warn({ sql: query, ms: time }, 'slow sql statement');
  }

  logSchemaBuild(message: string): void {
    if (this.sink?.isLevelEnabled('debug')) this.sink.debug({ detail: message }, 'schema');
  }

  logMigration(message: string): void {
    if (this.sink?.isLevelEnabled('debug')) this.sink.debug({ detail: message }, 'migration');
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.sink?.warn({ detail: message }, 'database warning');
  }
}
