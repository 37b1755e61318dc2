import { createConnection } from 'mysql2/promise';
import { Like } from 'typeorm';
import { openDatabase } from '../src/database/data-source';
import { currentScope, newRequestScope, outsideRequest, runInRequestScope } from '../src/database/request-scope';
import { AccountEntity } from '../src/entities';
import { describeOnMysql, freshDatabase } from './support/engines';
import { TestApi, describeEachEngine } from './support/harness';

/**
 * Reads never see another transaction's uncommitted writes. On MySQL each request has its own
 * connection; on SQLite the driver shares one, so the Database queues plain statements behind
 * the open transaction.
 */
describeEachEngine('transactions', (api) => {
  it('hides a transaction\'s writes from other reads until it commits, and forever if it rolls back', async () => {
    const msp = await api().makeMsp();
    await msp.addCustomer({ name: 'Committed Co' });
    const count = () => api().db.manager.count(AccountEntity);
    const before = await count();

    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insertedSignal = new Promise<void>((resolve) => (inserted = resolve));
    let seenInside: AccountEntity | null = null;
    const transaction = api()
      .db.transaction(async (manager) => {
        await manager.query("UPDATE accounts SET name = 'Uncommitted' WHERE name = 'Committed Co'");
        // The write happened (inside, it is visible), so the outside read below can tell.
        seenInside = await manager.findOneBy(AccountEntity, { name: 'Uncommitted' });
        inserted();
        await held;
        throw new Error('roll back');
      })
      .catch((error: Error) => error.message);

    await insertedSignal;
    // A read issued while the transaction is open: it must not see 'Uncommitted'.
    const during = api().db.manager.findOneBy(AccountEntity, { name: 'Uncommitted' });
    const counted = count();
    release();
    expect(await transaction).toBe('roll back');
    expect(seenInside).toMatchObject({ name: 'Uncommitted' });
    expect(await during).toBeNull();
    expect(await counted).toBe(before);
    expect(await api().db.manager.findOneBy(AccountEntity, { name: 'Committed Co' })).not.toBeNull();
  });
});

/**
 * A transaction opened inside another joins it as a savepoint, on both engines (it used to hang
 * every later statement on SQLite), and `manager.save()` works inside a transaction (it used to
 * fail on SQLite with "cannot start a transaction within a transaction").
 */
describeEachEngine('nested transactions and save()', (api) => {
  const names = async (prefix: string) =>
    (await api().db.manager.find(AccountEntity, { where: { name: Like(`${prefix}%`) }, order: { name: 'ASC' } })).map((a) => a.name);

  it('joins the open transaction: both commit together, and later statements still run', async () => {
    const msp = await api().makeMsp();
    const customer = await msp.addCustomer({ name: 'Nest A' });
    const result = await api().db.transaction(async (manager) => {
      await manager.update(AccountEntity, { id: customer.entity.id }, { name: 'Nest A outer' });
      const inner = await api().db.transaction(async (innerManager) => {
        // The inner transaction sees the outer one's uncommitted write: it is the same transaction.
        const seen = await innerManager.findOneByOrFail(AccountEntity, { id: customer.entity.id });
        await innerManager.update(AccountEntity, { id: customer.entity.id }, { name: `${seen.name} inner` });
        return 'inner done';
      });
      return inner;
    });
    expect(result).toBe('inner done');
    expect(await names('Nest A')).toEqual(['Nest A outer inner']);
    // Every later statement runs (on SQLite they all hung before).
    expect(await api().db.manager.count(AccountEntity)).toBeGreaterThan(0);
    await expect(api().db.transaction(async (manager) => manager.count(AccountEntity))).resolves.toBeGreaterThan(0);
  });

  it('rolls back only the inner part when the inner transaction throws and the outer one goes on', async () => {
    const msp = await api().makeMsp();
    const customer = await msp.addCustomer({ name: 'Nest B' });
    await api().db.transaction(async (manager) => {
      await manager.update(AccountEntity, { id: customer.entity.id }, { name: 'Nest B kept' });
      await expect(
        api().db.transaction(async (inner) => {
          await inner.update(AccountEntity, { id: customer.entity.id }, { name: 'Nest B lost' });
          throw new Error('inner fails');
        }),
      ).rejects.toThrow('inner fails');
    });
    expect(await names('Nest B')).toEqual(['Nest B kept']);
  });

  it('rolls back the inner part with the outer transaction when the outer one throws', async () => {
    const msp = await api().makeMsp();
    const customer = await msp.addCustomer({ name: 'Nest C' });
    await expect(
      api().db.transaction(async () => {
        await api().db.transaction((inner) => inner.update(AccountEntity, { id: customer.entity.id }, { name: 'Nest C gone' }));
        throw new Error('outer fails');
      }),
    ).rejects.toThrow('outer fails');
    expect(await names('Nest C')).toEqual(['Nest C']);
  });

  it('runs nested transactions started together one after another', async () => {
    const msp = await api().makeMsp();
    const customer = await msp.addCustomer({ name: 'Nest D' });
    await api().db.transaction(async () => {
      const bump = (suffix: string) =>
        api().db.transaction(async (inner) => {
          const row = await inner.findOneByOrFail(AccountEntity, { id: customer.entity.id });
          await inner.update(AccountEntity, { id: customer.entity.id }, { name: `${row.name}${suffix}` });
        });
      await Promise.all([bump(' 1'), bump(' 2'), bump(' 3')]);
    });
    expect(await names('Nest D')).toEqual(['Nest D 1 2 3']);
  });

  it('saves an entity with manager.save() inside a transaction', async () => {
    const msp = await api().makeMsp();
    const customer = await msp.addCustomer({ name: 'Save E' });
    await api().db.transaction(async (manager) => {
      const row = await manager.findOneByOrFail(AccountEntity, { id: customer.entity.id });
      row.name = 'Save E saved';
      await manager.save(row);
    });
    expect(await names('Save E')).toEqual(['Save E saved']);
  });

  it('refuses a transaction begun beside Database.transaction on SQLite, naming the call, and serves on', async () => {
    const msp = await api().makeMsp();
    const customer = await msp.addCustomer({ name: 'Save F' });
    const row = await api().db.manager.findOneByOrFail(AccountEntity, { id: customer.entity.id });
    row.name = 'Save F saved';
    if (api().engine === 'sqlite') {
      await expect(api().db.manager.save(row)).rejects.toThrow(/outside Database\.transaction\(\).*manager\.save\(\)/);
      await expect(api().db.manager.transaction(async () => undefined)).rejects.toThrow(/Database\.transaction\(\)/);
      expect(await names('Save F')).toEqual(['Save F']);
    } else {
      await api().db.manager.save(row);
      expect(await names('Save F')).toEqual(['Save F saved']);
    }
    expect(await api().db.transaction((manager) => manager.count(AccountEntity))).toBeGreaterThan(0);
  });
});

/** A request's deadline reaches Database.transaction: past it nothing commits, and the transaction rolls back. */
describeEachEngine('transactions under a request deadline', (api) => {
  it('rolls back a transaction whose request deadline passes before its commit', async () => {
    const msp = await api().makeMsp();
    const customer = await msp.addCustomer({ name: 'Deadline G' });
    const scope = newRequestScope(200);
    const outcome = runInRequestScope(scope, () =>
      api().db.transaction(async (manager) => {
        await manager.update(AccountEntity, { id: customer.entity.id }, { name: 'Deadline G late' });
        await new Promise((resolve) => setTimeout(resolve, 400));
      }),
    );
    await expect(outcome).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(scope.commits).toBe(0);
    expect((await api().db.manager.findOneByOrFail(AccountEntity, { id: customer.entity.id })).name).toBe('Deadline G');
  });

  it('refuses statements once the deadline has passed, and commits within it', async () => {
    const msp = await api().makeMsp();
    const customer = await msp.addCustomer({ name: 'Deadline H' });
    const late = newRequestScope(100);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await expect(runInRequestScope(late, () => api().db.manager.count(AccountEntity))).rejects.toMatchObject({ code: 'TIMEOUT' });
    const inTime = newRequestScope(5000);
    await runInRequestScope(inTime, () => api().db.transaction((manager) => manager.update(AccountEntity, { id: customer.entity.id }, { name: 'Deadline H ok' })));
    expect(inTime.commits).toBe(1);
    expect((await api().db.manager.findOneByOrFail(AccountEntity, { id: customer.entity.id })).name).toBe('Deadline H ok');
  });
});

/**
 * Detached work (mail delivered after a commit) must stay outside the transaction and request it
 * was started from, all the way through. Node 20's AsyncLocalStorage.exit() only disables the
 * storage while its callback starts; a run() inside re-enables it, and the callback's later
 * continuations saw the caller's store again: mail delivery then wrote through addCustomer's
 * released query runner and the mail stayed unsent.
 */
describe('detached work', () => {
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('stays outside the request it was started from, after a scope of its own', async () => {
    const seen = await runInRequestScope(newRequestScope(10_000), () =>
      outsideRequest(async () => {
        await runInRequestScope(newRequestScope(10_000), tick);
        await tick();
        return currentScope();
      }),
    );
    expect(seen).toBeUndefined();
  });
});

// MySQL only: on SQLite transactions are queued in the process, so detached work waits for the outer one.
describeOnMysql('detached transactions', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.start('mysql');
  });
  afterAll(async () => {
    await api.close();
  });

  it('never join the transaction they were started from, even after a transaction of their own', async () => {
    const db = api.db;
    await db.transaction(async (outer) => {
      const runners = await db.detached(async () => {
        const first = await db.transaction(async (manager) => manager.queryRunner);
        const second = await db.transaction(async (manager) => manager.queryRunner);
        return [first, second];
      });
      expect(runners[0]).not.toBe(outer.queryRunner);
      expect(runners[1]).not.toBe(outer.queryRunner);
    });
  });
});

/**
 * MySQL: every transaction is READ COMMITTED (each connection's session default, set once when
 * the pool first hands the connection out), also on a connection the pool opens to replace one
 * that died. What READ COMMITTED means here: a second read in the same transaction sees a row
 * another connection committed in between (REPEATABLE READ, the server's default, would not).
 */
describeOnMysql('transaction isolation', () => {
  it('is READ COMMITTED on the pool\'s first connection and on one that replaces a killed one', async () => {
    const database = await freshDatabase('mysql');
    const db = await openDatabase({ url: database.url, poolSize: 1 });
    const admin = await createConnection(database.url as string);
    try {
      await admin.query('CREATE TABLE isolation_probe (n INT NOT NULL) ENGINE=InnoDB');
      await admin.query('INSERT INTO isolation_probe VALUES (0)');
      /** How far the value moved between two reads in one transaction while another connection committed a change. */
      const seenMove = () =>
        db.transaction(async (manager) => {
          const [first] = await manager.query('SELECT n FROM isolation_probe');
          await admin.query('UPDATE isolation_probe SET n = n + 1');
          const [second] = await manager.query('SELECT n FROM isolation_probe');
          return Number(second.n) - Number(first.n);
        });
      const connectionId = async () => Number((await db.manager.query('SELECT CONNECTION_ID() AS id'))[0].id);

      expect(await seenMove()).toBe(1);
      const killed = await connectionId();
      await admin.query(`KILL ${killed}`);
      // The pool drops the dead connection once it notices; a statement meanwhile may fail.
      let replacement: number | undefined;
      for (let i = 0; i < 50 && (replacement === undefined || replacement === killed); i++) {
        replacement = await connectionId().catch(() => undefined);
        if (replacement === undefined || replacement === killed) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(replacement).toBeDefined();
      expect(replacement).not.toBe(killed);
      expect(await seenMove()).toBe(1);
    } finally {
      await admin.end();
      await db.close();
      await database.drop();
    }
  });
});
