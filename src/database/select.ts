import { ConnectionIsNotSetError, QueryFailedError } from 'typeorm';
import { DateUtils } from 'typeorm/util/DateUtils';
import type { Database } from './data-source';
import { statementTimeoutAsTimeout } from './mysql-limits';
import { bindToRequest, remainingMs } from './request-scope';

/** SQL with named parameters turned into placeholders: the text, and which parameter goes where. */
interface Prepared {
  parts: string[];
  names: Array<{ name: string; spread: boolean }>;
}

const prepared = new Map<string, Prepared>();
const PARAMETER = /(?<![:\w]):(\.\.\.)?([A-Za-z_]\w*)/g;

function prepare(sql: string): Prepared {
  let found = prepared.get(sql);
  if (!found) {
    const parts: string[] = [];
    const names: Prepared['names'] = [];
    let last = 0;
    for (const match of sql.matchAll(PARAMETER)) {
      parts.push(sql.slice(last, match.index));
      names.push({ name: match[2], spread: match[1] !== undefined });
      last = match.index! + match[0].length;
    }
    parts.push(sql.slice(last));
    found = { parts, names };
    if (prepared.size < 1000) prepared.set(sql, found);
  }
  return found;
}

/**
 * A read written as SQL, with TypeORM's parameter style (`:name`, `:...list`), for the hot read
 * path: the query builder's SQL generation (column aliasing, a regex pass over the whole text)
 * cost more CPU than the statement itself. The text is parsed once and kept. It runs where a
 * builder's query would: in the caller's transaction if there is one, its values bound as
 * placeholders; else on its own (SQLite: queued behind transactions, values bound; MySQL: values
 * escaped into the text here), under the request's deadline and statement limits, counted and
 * logged like every statement. The SQL must quote what needs quoting and hold no `:word` outside
 * parameters. Entities come from its rows through `entityColumns` (raw-entities.ts).
 */
export async function select<T = Record<string, unknown>>(db: Database, sql: string, parameters: Record<string, unknown> = {}): Promise<T[]> {
  const { parts, names } = prepare(sql);
  const runner = db.currentRunner();
  const pool = !runner && db.engine === 'mysql' ? poolOf(db) : undefined;
  // On the pool, values are written into the text here (escaped by mysql2's own rules, for the
  // pool's time zone): mysql2 would otherwise scan the whole text for its placeholders.
  let text = parts[0];
  let inlined = parts[0];
  const values: unknown[] = [];
  names.forEach(({ name, spread }, i) => {
    if (!(name in parameters)) throw new Error(`select(): no value for :${name}`);
    const value = parameters[name];
    if (spread) {
      const list = value as unknown[];
      if (!Array.isArray(list) || list.length === 0) throw new Error(`select(): :...${name} needs a non-empty list`);
      text += list.map(() => '?').join(', ');
      for (const item of list) values.push(toDriver(db, item));
      if (pool) inlined += list.map((item) => pool.escape(item)).join(', ');
    } else {
      text += '?';
      values.push(toDriver(db, value));
      if (pool) inlined += pool.escape(value);
    }
    text += parts[i + 1];
    if (pool) inlined += parts[i + 1];
  });
  if (runner || db.engine === 'sqlite') return (runner ?? db.dataSource).query(text, values);
  return poolQuery<T>(db, text, values, inlined);
}

/** What the driver binds: SQLite stores instants as TypeORM writes them (UTC text); mysql2 formats Dates itself. */
function toDriver(db: Database, value: unknown): unknown {
  if (value instanceof Date && db.engine === 'sqlite') return DateUtils.mixedDateToUtcDatetimeString(value);
  return value;
}

type Callback = (error: Error | null, result?: unknown) => void;
interface PooledConnection {
  query(sql: string, values: unknown[], callback: Callback): void;
  release(): void;
}
interface Pool {
  getConnection(cb: (error: Error | null, connection?: PooledConnection) => void): void;
  escape(value: unknown): string;
}

/** The MySQL pool, or undefined once the data source is closed. */
function poolOf(db: Database): Pool | undefined {
  return (db.dataSource.driver as unknown as { pool?: Pool }).pool;
}

/**
 * MySQL outside a transaction: one pooled connection for one statement, through the callback API
 * (no query runner to create and release, no promise wrapper). The pool's connections carry the
 * statement limits (mysql-limits.ts); errors reach callers as TypeORM's would.
 */
function poolQuery<T>(db: Database, text: string, values: unknown[], inlined: string): Promise<T[]> {
  remainingMs();
  db.dataSource.logger.logQuery(text, values);
  const pool = poolOf(db);
  // A closed data source has no pool: TypeORM's own statements fail with this error then.
  if (!db.dataSource.isInitialized || !pool) return Promise.reject(new ConnectionIsNotSetError('mysql'));
  return new Promise<T[]>((resolve, reject) => {
    const fail = (error: Error) => reject(statementTimeoutAsTimeout(new QueryFailedError(text, values, error)));
    // mysql2's callbacks run in whatever context opened the socket (or released the connection to
    // a waiting request): bound to this request's, the connection's limits see its deadline and a
    // statement the server stopped at that deadline is its TIMEOUT.
    pool.getConnection(
      bindToRequest((error: Error | null, connection?: PooledConnection) => {
        if (error || !connection) return fail(error ?? new Error('no connection'));
        connection.query(
          inlined,
          [],
          bindToRequest((queryError: Error | null, rows?: unknown) => {
            connection.release();
            if (queryError) fail(queryError);
            else resolve(rows as T[]);
          }),
        );
      }),
    );
  });
}
