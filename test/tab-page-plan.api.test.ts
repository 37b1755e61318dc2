import { AccountEntity, AccountKind, StoredPlan } from '../src/entities';
import { DAY_MS } from '../src/services/clock';
import { describeEachEngine } from './support/harness';

/** The customers the large MSP of the benchmark has per 10: 3 paid, 4 active trials, 3 expired trials. */
const SIZE = 2000;

const PAGE = `query($first: Int!) { msp { customers(state: ACTIVE_TRIAL, first: $first) { totalCount nodes { id } } } }`;

/**
 * A tab's page on a large MSP must be read in index order, not by sorting all of the MSP's
 * trials (bench/RESULTS.md: MariaDB picked IDX_accounts_msp_state and sorted 4,000 rows on
 * every request, a cost that grows with the MSP).
 */
describeEachEngine('a tab page of a large MSP', (api, engine) => {
  it('walks IDX_accounts_msp_plan_created in order, without sorting the MSP\'s trials, for pages of 10, 50 and 100', async () => {
    const msp = await api().makeMsp();
    const now = api().clock.now().getTime();
    const db = api().db;
    for (let start = 0; start < SIZE; start += 500) {
      const rows: Partial<AccountEntity>[] = [];
      for (let i = start; i < start + 500; i++) {
        const kind = i % 10 < 3 ? 'paid' : i % 10 < 7 ? 'active' : 'expired';
        const name = `tab customer ${String(i).padStart(5, '0')}`;
        const email = `tab${i}@customer.example`;
        rows.push({
          accountNumber: `9${String(i).padStart(8, '0')}`,
          kind: AccountKind.CUSTOMER,
          mspId: msp.entity.id,
          name,
          nameNormalized: name,
          nameKey: name,
          adminEmail: email,
          adminEmailKey: email,
          adminEmailVerifiedAt: null,
          externalId: null,
          externalIdKey: null,
          plan: kind === 'paid' ? StoredPlan.PAID : StoredPlan.TRIAL,
          trialEndsAt: new Date(now + (kind === 'expired' ? -1 - (i % 20) : 1 + (i % 13)) * DAY_MS),
          licensedSeats: kind === 'paid' ? 5 : null,
          userCount: 0,
          removedAt: null,
          removalReason: null,
          purgedAt: null,
          createdAt: new Date(now - (SIZE - i) * 60_000),
        });
      }
      await db.manager.insert(AccountEntity, rows);
    }
    if (engine === 'mysql') await db.dataSource.query('ANALYZE TABLE accounts');
    else await db.dataSource.query('ANALYZE');

    for (const first of [10, 50, 100]) {
      const seen: Array<{ sql: string; parameters: unknown[] }> = [];
      const logger = db.dataSource.logger;
      const original = logger.logQuery.bind(logger);
      const spy = jest.spyOn(logger, 'logQuery').mockImplementation((sql, parameters, runner) => {
        seen.push({ sql, parameters: Array.isArray(parameters) ? parameters : [] });
        return original(sql, parameters, runner);
      });
      const data = await api().ok(msp.key, PAGE, { first });
      spy.mockRestore();
      expect(data.msp.customers.nodes).toHaveLength(first);
      const page = seen.filter(({ sql }) => /FROM [`"]?accounts[`"]?\s/.test(sql) && /ORDER BY/.test(sql) && /LIMIT/.test(sql));
      expect(page).toHaveLength(1);
      const { sql, parameters } = page[0];
      if (engine === 'mysql') {
        const plan: Array<{ table: string; key: string | null; Extra: string | null }> = await db.dataSource.query(`EXPLAIN ${sql}`, parameters);
        expect(plan.map((row) => ({ key: row.key, sorts: /filesort/.test(row.Extra ?? '') }))).toEqual([{ key: 'IDX_accounts_msp_plan_created', sorts: false }]);
      } else {
        const plan: Array<{ detail: string }> = await db.dataSource.query(`EXPLAIN QUERY PLAN ${sql}`, parameters);
        const details = plan.map((row) => row.detail);
        expect(details.some((d) => d.includes('IDX_accounts_msp_plan_created'))).toBe(true);
        expect(details.filter((d) => /TEMP B-TREE/.test(d))).toEqual([]);
      }
    }
  });
});
