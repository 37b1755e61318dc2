import { In } from 'typeorm';
import { AccountEntity, MonitoredUserEntity, MspRollupEntity, StoredPlan } from '../src/entities';
import {
  FREEMIUM_USER_LIMIT,
  activeTrialAtSql,
  SqlFragment,
  SubscriptionState,
  freemiumMonitoredIds,
  freemiumUserCount,
  freemiumUserCountSql,
  mayAddMonitoredUser,
  mayAddMonitoredUserSql,
  monitoredUserCount,
  monitoredUserCountSql,
  rankedUsersSql,
  subscriptionState,
  subscriptionStateSql,
  trialEndedAroundWatermarkSql,
  trialEndedBetween,
  trialEndedBetweenSql,
} from '../src/services/subscription/subscription-rule';
import { START, describeEachEngine } from './support/harness';

const ms = (offset: number) => new Date(START.getTime() + offset);
const DAY = 24 * 60 * 60 * 1000;

/** Every stored combination the rule distinguishes, around the instant START. */
const TRIAL_ENDS = [null, ms(-DAY), ms(-1), ms(0), ms(1), ms(DAY)];
const USER_COUNTS = [0, FREEMIUM_USER_LIMIT - 1, FREEMIUM_USER_LIMIT, FREEMIUM_USER_LIMIT + 1, 10];
/** Instants to judge at: the boundary itself, either side of it, and far away. */
const INSTANTS = [ms(-DAY), ms(-1), ms(0), ms(1), ms(2 * DAY)];

/**
 * The subscription rule's two forms, TypeScript over loaded rows and SQL over the same stored
 * rows, must agree on every row: state, monitored users, whether a user may be added, which
 * trials ended in a range, and which users Freemium keeps.
 */
describeEachEngine('subscription rule: the TypeScript and SQL forms agree', (api) => {
  let rows: AccountEntity[];

  beforeAll(async () => {
    api().clock.set(START);
    const msp = await api().makeMsp();
    const ids: number[] = [];
    for (const plan of [StoredPlan.PAID, StoredPlan.TRIAL]) {
      for (const trialEndsAt of TRIAL_ENDS) {
        for (const userCount of USER_COUNTS) {
          const customer = await msp.addCustomer();
          await api().db.manager.update(AccountEntity, { id: customer.entity.id }, { plan, trialEndsAt, userCount });
          ids.push(customer.entity.id);
        }
      }
    }
    rows = await api().db.manager.find(AccountEntity, { where: { id: In(ids) } });
    expect(rows).toHaveLength(2 * TRIAL_ENDS.length * USER_COUNTS.length);
  });

  /** Each row's value of an SQL condition or expression, by id. */
  async function sqlValues(fragment: SqlFragment, asCondition: boolean): Promise<Map<number, number>> {
    const expression = asCondition ? `CASE WHEN ${fragment.sql} THEN 1 ELSE 0 END` : fragment.sql;
    const raw = await api()
      .db.manager.createQueryBuilder(AccountEntity, 'a')
      .select('a.id', 'id')
      .addSelect(expression, 'value')
      .where({ id: In(rows.map((r) => r.id)) })
      .setParameters(fragment.parameters)
      .getRawMany<{ id: number; value: number | string }>();
    return new Map(raw.map((r) => [Number(r.id), Number(r.value)]));
  }

  const describeRow = (r: AccountEntity) => `${r.plan} ends ${r.trialEndsAt?.toISOString() ?? 'null'} users ${r.userCount}`;

  function expectSame(sql: Map<number, number>, ts: (row: AccountEntity) => number, what: string): void {
    const mismatches = rows.filter((r) => sql.get(r.id) !== ts(r)).map((r) => `${what}: ${describeRow(r)}: SQL ${sql.get(r.id)}, TS ${ts(r)}`);
    expect(mismatches).toEqual([]);
  }

  it.each(INSTANTS.map((at) => [at.toISOString(), at] as const))('state at %s', async (_label, at) => {
    for (const state of Object.values(SubscriptionState)) {
      expectSame(await sqlValues(subscriptionStateSql(state, at), true), (r) => Number(subscriptionState(r, at) === state), state);
    }
  });

  it.each(INSTANTS.map((at) => [at.toISOString(), at] as const))('monitored users and the Freemium cap at %s', async (_label, at) => {
    expectSame(await sqlValues(monitoredUserCountSql(at), false), (r) => monitoredUserCount(r.userCount, subscriptionState(r, at)), 'monitored');
    expectSame(await sqlValues(mayAddMonitoredUserSql(at, 'a'), true), (r) => Number(mayAddMonitoredUser(r, at)), 'may add');
  });

  it('Freemium user count', async () => {
    expectSame(await sqlValues({ sql: freemiumUserCountSql('a'), parameters: {} }, false), (r) => freemiumUserCount(r.userCount), 'capped');
  });

  it('trials that ended between two instants, in either order and with equal ends', async () => {
    for (const from of INSTANTS) {
      for (const to of INSTANTS) {
        expectSame(
          await sqlValues(trialEndedBetweenSql(from, to, 'a', 'x'), true),
          (r) => Number(trialEndedBetween(r, from, to)),
          `ended in (${from.toISOString()}, ${to.toISOString()}]`,
        );
      }
    }
    // The boundary row (ends exactly at START) ended in (START - 1 ms, START], not in (START, START + 1 ms].
    const boundary = rows.find((r) => r.plan === StoredPlan.TRIAL && r.trialEndsAt?.getTime() === START.getTime())!;
    expect(trialEndedBetween(boundary, ms(-1), ms(0))).toBe(true);
    expect(trialEndedBetween(boundary, ms(0), ms(1))).toBe(false);
  });

  it("trials that ended between a rollup's watermark and now, whichever comes first", async () => {
    for (const watermark of INSTANTS) {
      for (const now of INSTANTS) {
        const [earlier, later] = watermark < now ? [watermark, now] : [now, watermark];
        const fragment = trialEndedAroundWatermarkSql(':testWatermark', now, 'a');
        expectSame(
          await sqlValues({ sql: fragment.sql, parameters: { ...fragment.parameters, testWatermark: watermark } }, true),
          (r) => Number(trialEndedBetween(r, earlier, later)),
          `ended around watermark ${watermark.toISOString()}, now ${now.toISOString()}`,
        );
      }
    }
  });

  it('whether known facts are an active trial at a stored instant (a rollup watermark)', async () => {
    const msp = await api().makeMsp();
    const mismatches: string[] = [];
    for (const at of INSTANTS) {
      await api().db.manager.update(MspRollupEntity, { mspId: msp.entity.id }, { asOf: at });
      for (const r of rows) {
        const fragment = activeTrialAtSql(r, 'r.as_of', 'x');
        const [value] = await api()
          .db.manager.createQueryBuilder(MspRollupEntity, 'r')
          .select(`CASE WHEN ${fragment.sql} THEN 1 ELSE 0 END`, 'value')
          .where('r.msp_id = :mspId', { mspId: msp.entity.id })
          .setParameters(fragment.parameters)
          .getRawMany<{ value: number | string }>();
        const ts = Number(subscriptionState(r, at) === SubscriptionState.ACTIVE_TRIAL);
        if (Number(value.value) !== ts) mismatches.push(`at ${at.toISOString()}: ${describeRow(r)}: SQL ${value.value}, TS ${ts}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('the users Freemium keeps: the first 3 by (first seen, id), ties on first seen included', async () => {
    const accounts = rows.slice(0, 3).map((r) => r.id);
    const seen = [ms(5), ms(1), ms(1), ms(3), ms(1), ms(2)];
    for (const accountId of accounts) {
      for (const [i, firstSeenAt] of seen.entries()) {
        if (accountId === accounts[2] && i >= 2) break; // one account below the cap
        await api().db.manager.insert(MonitoredUserEntity, {
          accountId,
          identity: `u${i}`,
          identityKey: `u${i}`,
          displayName: `u${i}`,
          firstSeenAt,
          lastSeenAt: firstSeenAt,
        });
      }
    }
    const users = await api().db.manager.find(MonitoredUserEntity, { where: { accountId: In(accounts) } });
    const ranked: Array<{ id: number; account_id: number }> = await api().db.manager.query(
      `SELECT id, account_id FROM (${rankedUsersSql(accounts.map(() => '?').join(', '))}) ranked WHERE position <= ${FREEMIUM_USER_LIMIT}`,
      accounts,
    );
    for (const accountId of accounts) {
      const sql = new Set(ranked.filter((r) => Number(r.account_id) === accountId).map((r) => Number(r.id)));
      const ts = freemiumMonitoredIds(users.filter((u) => u.accountId === accountId));
      expect([...sql].sort()).toEqual([...ts].sort());
      expect(ts.size).toBe(accountId === accounts[2] ? 2 : FREEMIUM_USER_LIMIT);
    }
  });
});
