import { createConnection } from 'mysql2/promise';
import { Database, openDatabase } from '../src/database/data-source';
import { newRequestScope, runInRequestScope } from '../src/database/request-scope';
import { select } from '../src/database/select';
import { describeOnMysql, freshDatabase } from './support/engines';
import { TestApi } from './support/harness';

/** What a read ended with: its time, and the code of the error it failed with, if it did. */
async function outcome(work: () => Promise<unknown>): Promise<{ ms: number; code: string | null }> {
  const started = Date.now();
  try {
    await work();
    return { ms: Date.now() - started, code: null };
  } catch (error) {
    const failure = error as { code?: string; driverError?: { code?: string } };
    return { ms: Date.now() - started, code: failure.code ?? failure.driverError?.code ?? 'unknown' };
  }
}

/**
 * select() on MySQL takes a pooled connection through mysql2's callbacks, which run in the
 * context that opened the socket (or released the connection to a waiting request). The request
 * whose statement it is must still be the one the limits see: its statement stopped at the limit
 * is its TIMEOUT, also when it had to wait for a connection (it ran with no limit at all before).
 */
describeOnMysql('select() under the request limits', () => {
  let url: string;
  let drop: () => Promise<void>;
  let db: Database | undefined;
  const read = () => runInRequestScope(newRequestScope(5000), () => select(db!, 'SELECT COUNT(*) AS n FROM accounts'));

  beforeAll(async () => {
    const fresh = await freshDatabase('mysql');
    url = fresh.url as string;
    drop = fresh.drop;
  });
  afterEach(async () => {
    await db?.close();
  });
  afterAll(async () => {
    await drop();
  });

  it('answers TIMEOUT when the server stops the statement at the limit', async () => {
    db = await openDatabase({ url, poolSize: 2, limits: { statementTimeoutMs: 500 } });
    await db.dataSource.query('SELECT 1'); // the pool's socket opened outside any request
    const lock = await createConnection(url);
    await lock.query('LOCK TABLES accounts WRITE');
    try {
      const result = await outcome(read);
      expect(result.code).toBe('TIMEOUT');
      expect(result.ms).toBeLessThan(2000);
    } finally {
      await lock.end();
    }
  });

  it('keeps the limit for a request that waited for a pooled connection', async () => {
    db = await openDatabase({ url, poolSize: 1, limits: { statementTimeoutMs: 500 } });
    await db.dataSource.query('SELECT 1');
    const lock = await createConnection(url);
    await lock.query('LOCK TABLES accounts WRITE');
    const unlock = setTimeout(() => void lock.query('UNLOCK TABLES'), 3500);
    try {
      const first = outcome(read);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const second = await outcome(read);
      expect((await first).code).toBe('TIMEOUT');
      // It got the connection when the first statement was stopped, then at most 500 ms more.
      expect(second).toEqual({ ms: expect.any(Number), code: 'TIMEOUT' });
      expect(second.ms).toBeLessThan(2000);
    } finally {
      clearTimeout(unlock);
      await lock.end();
    }
  });
});

/** The key lookup is a statement like any other: stopped at the limit, the request is TIMEOUT (503), not unexpected. */
describeOnMysql('authentication under the statement limit', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.start('mysql', { dbLimits: { statementTimeoutMs: 500 } });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('answers 503 TIMEOUT when the key lookup is stopped', async () => {
    const msp = await api.makeMsp();
    const lock = await createConnection((api.db.dataSource.options as { url: string }).url);
    await lock.query('LOCK TABLES api_keys WRITE');
    try {
      const response = await api.gql(msp.key, '{ msp { name } }');
      expect(response.status).toBe(503);
      expect(response.body.errors?.map((e) => e.extensions?.code)).toEqual(['TIMEOUT']);
    } finally {
      await lock.end();
    }
  });
});
