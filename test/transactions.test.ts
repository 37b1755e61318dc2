import { AccountEntity } from '../src/entities';
import { describeEachEngine } from './support/harness';

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
