import { DAY_MS } from '../src/services/clock';
import { RollupService } from '../src/services/subscription/rollup.service';
import { ApiKeyRole } from '../src/entities/enums';
import { START, TestApi, TestCustomer, TestMsp, describeEachEngine } from './support/harness';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const TRIAL_MS = 14 * DAY_MS;

const CUSTOMER = `
  id subscriptionState plan trialEndsAt trialDaysRemaining licensedSeats seatOverage
  userCount monitoredUserCount monitoredUserLimit
  monitoredUsers(first: 10) { totalCount nodes { identity monitored } }`;

const VIEW = `query($id: ID!) {
  node(id: $id) { ... on CustomerAccount { ${CUSTOMER} } }
  msp {
    customerCounts { paid activeTrials expiredTrials total }
    billableMonitoredUsers activeTrialMonitoredUsers expiredTrialMonitoredUsers
    paid: customers(state: PAID) { totalCount monitoredUserTotal nodes { id } }
    active: customers(state: ACTIVE_TRIAL) { totalCount monitoredUserTotal nodes { id } }
    expired: customers(state: EXPIRED_TRIAL) { totalCount monitoredUserTotal nodes { id } }
    all: customers { totalCount monitoredUserTotal }
  }
}`;

const TOTALS = `{ msp {
  customerCounts { paid activeTrials expiredTrials total }
  billableMonitoredUsers activeTrialMonitoredUsers expiredTrialMonitoredUsers
  active: customers(state: ACTIVE_TRIAL, first: 100) { totalCount monitoredUserTotal nodes { id subscriptionState } }
  expired: customers(state: EXPIRED_TRIAL, first: 100) { totalCount monitoredUserTotal nodes { id subscriptionState } }
  paid: customers(state: PAID, first: 100) { totalCount monitoredUserTotal nodes { id subscriptionState } }
} }`;

const REGISTER = `mutation($input: RegisterMonitoredUserInput!) {
  registerMonitoredUser(input: $input) { monitoredUser { id } userErrors { code } }
}`;

/** Every stored row the clock could tempt the server to rewrite, in a stable order. */
async function snapshot(api: TestApi) {
  const rows = (sql: string) => api.db.dataSource.query(sql);
  return {
    accounts: await rows('SELECT * FROM accounts ORDER BY id'),
    monitoredUsers: await rows('SELECT * FROM monitored_users ORDER BY id'),
    rollups: await rows('SELECT * FROM msp_rollups ORDER BY msp_id'),
  };
}

/** A DATETIME as the driver returns it: a Date on MySQL, a UTC 'YYYY-MM-DD HH:MM:SS.SSS' string on SQLite. */
function asDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(`${String(value).replace(' ', 'T')}Z`);
}

/** Registers users through the API, one clock minute apart, so their first-seen order is clear. */
async function registerOneMinuteApart(api: TestApi, msp: TestMsp, customer: TestCustomer, identities: string[]): Promise<void> {
  for (const identity of identities) {
    api.clock.advance(MINUTE);
    const data = await api.ok(msp.key, REGISTER, { input: { customerId: customer.id, identity } });
    expect(data.registerMonitoredUser.userErrors).toEqual([]);
  }
}

describeEachEngine('subscription state by the clock', (api) => {
  it('expires a 5-user trial by the clock alone: Freemium, capped at 3, totals follow, nothing rewritten', async () => {
    api().clock.set(START);
    const msp = await api().makeMsp();
    const customer = await msp.addCustomer({ name: 'Initech' });
    await registerOneMinuteApart(api(), msp, customer, ['ann', 'bob', 'cyd', 'dee', 'eve']);
    const trialEndsAt = new Date(START.getTime() + TRIAL_MS);

    const before = await api().ok(msp.key, VIEW, { id: customer.id });
    expect(before.node).toEqual({
      id: customer.id,
      subscriptionState: 'ACTIVE_TRIAL',
      plan: 'TRIAL',
      trialEndsAt: trialEndsAt.toISOString(),
      trialDaysRemaining: 14,
      licensedSeats: null,
      seatOverage: null,
      userCount: 5,
      monitoredUserCount: 5,
      monitoredUserLimit: null,
      monitoredUsers: {
        totalCount: 5,
        nodes: ['ann', 'bob', 'cyd', 'dee', 'eve'].map((identity) => ({ identity, monitored: true })),
      },
    });
    expect(before.msp).toEqual({
      customerCounts: { paid: 0, activeTrials: 1, expiredTrials: 0, total: 1 },
      billableMonitoredUsers: 0,
      activeTrialMonitoredUsers: 5,
      expiredTrialMonitoredUsers: 0,
      paid: { totalCount: 0, monitoredUserTotal: 0, nodes: [] },
      active: { totalCount: 1, monitoredUserTotal: 5, nodes: [{ id: customer.id }] },
      expired: { totalCount: 0, monitoredUserTotal: 0, nodes: [] },
      all: { totalCount: 1, monitoredUserTotal: 5 },
    });

    const stored = await snapshot(api());
    api().clock.set(new Date(trialEndsAt.getTime() + DAY_MS));

    const after = await api().ok(msp.key, VIEW, { id: customer.id });
    expect(after.node).toEqual({
      id: customer.id,
      subscriptionState: 'EXPIRED_TRIAL',
      plan: 'FREEMIUM',
      trialEndsAt: trialEndsAt.toISOString(),
      trialDaysRemaining: 0,
      licensedSeats: null,
      seatOverage: null,
      userCount: 5,
      monitoredUserCount: 3,
      monitoredUserLimit: 3,
      monitoredUsers: {
        totalCount: 5,
        nodes: [
          { identity: 'ann', monitored: true },
          { identity: 'bob', monitored: true },
          { identity: 'cyd', monitored: true },
          { identity: 'dee', monitored: false },
          { identity: 'eve', monitored: false },
        ],
      },
    });
    expect(after.msp).toEqual({
      customerCounts: { paid: 0, activeTrials: 0, expiredTrials: 1, total: 1 },
      billableMonitoredUsers: 0,
      activeTrialMonitoredUsers: 0,
      expiredTrialMonitoredUsers: 3,
      paid: { totalCount: 0, monitoredUserTotal: 0, nodes: [] },
      active: { totalCount: 0, monitoredUserTotal: 0, nodes: [] },
      expired: { totalCount: 1, monitoredUserTotal: 3, nodes: [{ id: customer.id }] },
      all: { totalCount: 1, monitoredUserTotal: 3 },
    });
    // The same answers through the other ways in: the customer query and a page of one.
    const direct = await api().ok(msp.key, `query($n: String!) { customer(accountNumber: $n) { subscriptionState monitoredUserCount } }`, {
      n: customer.accountNumber,
    });
    expect(direct.customer).toEqual({ subscriptionState: 'EXPIRED_TRIAL', monitoredUserCount: 3 });

    expect(await snapshot(api())).toEqual(stored);
  });

  it('rounds trialDaysRemaining up to whole days and expires at the exact end instant', async () => {
    const createdAt = new Date(START.getTime() + 3 * MINUTE + 7);
    api().clock.set(createdAt);
    const msp = await api().makeMsp();
    const customer = await msp.addCustomer();
    const end = createdAt.getTime() + TRIAL_MS;
    const at = async (time: number) => {
      api().clock.set(new Date(time));
      const data = await api().ok(msp.key, `query($id: ID!) { node(id: $id) { ... on CustomerAccount { subscriptionState plan trialDaysRemaining } } }`, {
        id: customer.id,
      });
      return data.node;
    };
    const active = (days: number) => ({ subscriptionState: 'ACTIVE_TRIAL', plan: 'TRIAL', trialDaysRemaining: days });
    expect(await at(createdAt.getTime())).toEqual(active(14));
    expect(await at(createdAt.getTime() + 1)).toEqual(active(14));
    expect(await at(createdAt.getTime() + DAY_MS - 1)).toEqual(active(14));
    expect(await at(createdAt.getTime() + DAY_MS)).toEqual(active(13));
    expect(await at(end - DAY_MS - 1)).toEqual(active(2));
    expect(await at(end - DAY_MS)).toEqual(active(1));
    expect(await at(end - 1)).toEqual(active(1));
    expect(await at(end)).toEqual({ subscriptionState: 'EXPIRED_TRIAL', plan: 'FREEMIUM', trialDaysRemaining: 0 });
    expect(await at(end + 30 * DAY_MS)).toEqual({ subscriptionState: 'EXPIRED_TRIAL', plan: 'FREEMIUM', trialDaysRemaining: 0 });

    // The state filter draws the line at the same instant as the customer's own state.
    api().clock.set(new Date(end - 1));
    expect((await api().ok(msp.key, TOTALS)).msp.active.nodes).toEqual([{ id: customer.id, subscriptionState: 'ACTIVE_TRIAL' }]);
    api().clock.set(new Date(end));
    const atEnd = (await api().ok(msp.key, TOTALS)).msp;
    expect(atEnd.active.nodes).toEqual([]);
    expect(atEnd.expired.nodes).toEqual([{ id: customer.id, subscriptionState: 'EXPIRED_TRIAL' }]);
    expect(atEnd.customerCounts).toEqual({ paid: 0, activeTrials: 0, expiredTrials: 1, total: 1 });
  });

  it('reuses the trials it knows have ended only until the next one ends, the clock moves back, or the MSP changes', async () => {
    api().clock.set(START);
    const msp = await api().makeMsp();
    const first = await msp.addCustomer({ users: 5 });
    api().clock.advance(HOUR);
    const second = await msp.addCustomer({ users: 1 });
    const firstEnd = START.getTime() + TRIAL_MS;
    const secondEnd = firstEnd + HOUR;
    const COUNTS = `{ msp { customerCounts { activeTrials expiredTrials } activeTrialMonitoredUsers expiredTrialMonitoredUsers } }`;
    // How often the range of ended trials is read (the rollup row itself is read every time).
    const rangeReads = jest.spyOn(RollupService.prototype as unknown as { bucketsNow: () => unknown }, 'bucketsNow');
    const at = async (time: number) => {
      api().clock.set(new Date(time));
      rangeReads.mockClear();
      const m = (await api().ok(msp.key, COUNTS)).msp;
      return { active: m.customerCounts.activeTrials, expired: m.customerCounts.expiredTrials, users: [m.activeTrialMonitoredUsers, m.expiredTrialMonitoredUsers], statements: rangeReads.mock.calls.length + 1 };
    };
    const both = { active: 2, expired: 0, users: [6, 0] };
    const one = { active: 1, expired: 1, users: [1, 3] };
    const none = { active: 0, expired: 2, users: [0, 4] };
    // `statements`: the rollup row, and the range of ended trials once more whenever what was known no longer holds.
    expect(await at(firstEnd - 2 * HOUR)).toEqual({ ...both, statements: 2 });
    expect(await at(firstEnd - 1)).toEqual({ ...both, statements: 1 });
    expect(await at(firstEnd)).toEqual({ ...one, statements: 2 });
    expect(await at(firstEnd + 1)).toEqual({ ...one, statements: 1 });
    expect(await at(secondEnd)).toEqual({ ...none, statements: 2 });
    expect(await at(secondEnd + DAY_MS)).toEqual({ ...none, statements: 1 });
    // The clock moved back before what was known.
    expect(await at(firstEnd + 1)).toEqual({ ...one, statements: 2 });
    // A change to the MSP's customers (a user registered, a trial's end set by support) counts its version up.
    expect((await api().ok(msp.key, REGISTER, { input: { customerId: second.id, identity: 'late' } })).registerMonitoredUser.userErrors).toEqual([]);
    expect(await at(firstEnd + 2)).toEqual({ ...one, users: [2, 3], statements: 2 });
    expect(await at(firstEnd + 3)).toEqual({ ...one, users: [2, 3], statements: 1 });
    const staff = { keyId: 0, keyPrefix: 'test', role: ApiKeyRole.STAFF, mspId: null };
    const extended = await api().services.staffOperations.setTrialEnd(staff, { customerId: first.id, trialEndsAt: new Date(secondEnd + DAY_MS) });
    expect(extended.ok).toBe(true);
    expect(await at(firstEnd + 4)).toEqual({ ...both, users: [7, 0], statements: 2 });
    expect(await at(secondEnd)).toEqual({ active: 1, expired: 1, users: [5, 2], statements: 2 });
    // The expiry pass moves the watermark: the rollup row changes, and nothing is left to move.
    await api().services.rollups.advance();
    expect(await at(secondEnd + 1)).toEqual({ active: 1, expired: 1, users: [5, 2], statements: 2 });
    expect(await at(secondEnd + 2)).toEqual({ active: 1, expired: 1, users: [5, 2], statements: 1 });
    rangeReads.mockRestore();
  });

  it('makes an expired trial active again when the clock moves back before its end', async () => {
    api().clock.set(START);
    const msp = await api().makeMsp();
    const customer = await msp.addCustomer();
    await registerOneMinuteApart(api(), msp, customer, ['u1', 'u2', 'u3', 'u4', 'u5']);
    const end = START.getTime() + TRIAL_MS;

    // The expiry pass moves the rollup's watermark past the end; then the clock goes back before it.
    api().clock.set(new Date(end + 5 * DAY_MS));
    await api().services.rollups.advance();
    api().clock.set(new Date(end - DAY_MS / 2));
    const back = await api().ok(msp.key, VIEW, { id: customer.id });
    expect(back.node).toMatchObject({
      subscriptionState: 'ACTIVE_TRIAL',
      plan: 'TRIAL',
      trialDaysRemaining: 1,
      userCount: 5,
      monitoredUserCount: 5,
      monitoredUserLimit: null,
    });
    expect(back.node.monitoredUsers.nodes).toEqual(['u1', 'u2', 'u3', 'u4', 'u5'].map((identity) => ({ identity, monitored: true })));
    expect(back.msp).toMatchObject({
      customerCounts: { paid: 0, activeTrials: 1, expiredTrials: 0, total: 1 },
      activeTrialMonitoredUsers: 5,
      expiredTrialMonitoredUsers: 0,
      active: { totalCount: 1, monitoredUserTotal: 5, nodes: [{ id: customer.id }] },
      expired: { totalCount: 0, monitoredUserTotal: 0, nodes: [] },
    });
  });

  it('the expiry pass rewrites the stored rollup but changes nothing the API reports, wherever the clock stands', async () => {
    api().clock.set(START);
    const msp = await api().makeMsp();
    await msp.addCustomer({ users: 5 });
    api().clock.set(new Date(START.getTime() + 3 * DAY_MS));
    await msp.addCustomer({ users: 2 });
    const paid = await msp.addCustomer({ users: 4 });
    await paid.makePaid(3);
    const earlyEnd = START.getTime() + TRIAL_MS;
    const lateEnd = earlyEnd + 3 * DAY_MS;
    const rollupRow = async () =>
      (await api().db.dataSource.query('SELECT * FROM msp_rollups WHERE msp_id = ?', [msp.entity.id]))[0] as Record<string, unknown>;

    const positions = [
      earlyEnd - DAY_MS, // both active
      earlyEnd, // the early one ends at this very instant
      earlyEnd + DAY_MS, // between the two ends
      lateEnd + 10 * DAY_MS, // both expired
      earlyEnd + 1, // back between the two ends
      START.getTime() - DAY_MS, // before either customer was added
      lateEnd, // the late one ends at this very instant
    ];
    const expected: Record<number, { active: number; expired: number; activeUsers: number; expiredUsers: number }> = {
      [positions[0]]: { active: 2, expired: 0, activeUsers: 7, expiredUsers: 0 },
      [positions[1]]: { active: 1, expired: 1, activeUsers: 2, expiredUsers: 3 },
      [positions[2]]: { active: 1, expired: 1, activeUsers: 2, expiredUsers: 3 },
      [positions[3]]: { active: 0, expired: 2, activeUsers: 0, expiredUsers: 5 },
      [positions[4]]: { active: 1, expired: 1, activeUsers: 2, expiredUsers: 3 },
      [positions[5]]: { active: 2, expired: 0, activeUsers: 7, expiredUsers: 0 },
      [positions[6]]: { active: 0, expired: 2, activeUsers: 0, expiredUsers: 5 },
    };
    let correctedAtReadTime = 0;
    for (const position of positions) {
      api().clock.set(new Date(position));
      const reported = await api().ok(msp.key, TOTALS);
      const want = expected[position];
      expect(reported.msp.customerCounts).toEqual({ paid: 1, activeTrials: want.active, expiredTrials: want.expired, total: 3 });
      expect(reported.msp.billableMonitoredUsers).toBe(4);
      expect(reported.msp.activeTrialMonitoredUsers).toBe(want.activeUsers);
      expect(reported.msp.expiredTrialMonitoredUsers).toBe(want.expiredUsers);
      expect(reported.msp.active.totalCount).toBe(want.active);
      expect(reported.msp.active.nodes).toHaveLength(want.active);
      expect(reported.msp.expired.totalCount).toBe(want.expired);
      expect(reported.msp.expired.nodes).toHaveLength(want.expired);

      if (Number((await rollupRow()).active_count) !== want.active) correctedAtReadTime += 1;
      await api().services.rollups.advance();
      // The pass folds what the readers corrected into the stored buckets and moves the watermark to now.
      const stored = await rollupRow();
      expect(asDate(stored.as_of).getTime()).toBe(position);
      expect([stored.active_count, stored.expired_count, stored.active_users, stored.expired_users].map(Number)).toEqual([
        want.active,
        want.expired,
        want.activeUsers,
        want.expiredUsers,
      ]);
      expect(await api().ok(msp.key, TOTALS)).toEqual(reported);
    }
    // The read-time correction was exercised in both directions, not just skipped.
    expect(correctedAtReadTime).toBeGreaterThanOrEqual(4);
  });

  it('keeps a paid customer paid past its old trial end, with seats, overage and billable users', async () => {
    api().clock.set(START);
    const msp = await api().makeMsp();
    const over = await msp.addCustomer({ name: 'Over', users: 5 });
    const under = await msp.addCustomer({ name: 'Under', users: 2 });
    const trial = await msp.addCustomer({ name: 'Trial', users: 4 });
    const lapsed = await msp.addCustomer({ name: 'Lapsed', users: 6 });
    await over.makePaid(3);
    await under.makePaid(10);
    const end = START.getTime() + TRIAL_MS;
    const fields = `query($id: ID!) { node(id: $id) { ... on CustomerAccount {
      subscriptionState plan trialEndsAt trialDaysRemaining licensedSeats seatOverage userCount monitoredUserCount monitoredUserLimit
      monitoredUsers { nodes { monitored } } } } }`;

    for (const time of [START.getTime(), end + 40 * DAY_MS]) {
      api().clock.set(new Date(time));
      const o = (await api().ok(msp.key, fields, { id: over.id })).node;
      expect(o).toEqual({
        subscriptionState: 'PAID',
        plan: 'PAID',
        trialEndsAt: new Date(end).toISOString(),
        trialDaysRemaining: null,
        licensedSeats: 3,
        seatOverage: 2,
        userCount: 5,
        monitoredUserCount: 5,
        monitoredUserLimit: null,
        monitoredUsers: { nodes: Array(5).fill({ monitored: true }) },
      });
      const u = (await api().ok(msp.key, fields, { id: under.id })).node;
      expect(u).toMatchObject({ subscriptionState: 'PAID', licensedSeats: 10, seatOverage: 0, monitoredUserCount: 2 });
      const t = (await api().ok(msp.key, fields, { id: trial.id })).node;
      expect(t).toMatchObject({ licensedSeats: null, seatOverage: null });
    }

    // Trials never count towards what the MSP is billed for, active or expired.
    api().clock.set(new Date(end - DAY_MS));
    const activeNow = (await api().ok(msp.key, TOTALS)).msp;
    expect(activeNow).toMatchObject({
      customerCounts: { paid: 2, activeTrials: 2, expiredTrials: 0, total: 4 },
      billableMonitoredUsers: 7,
      activeTrialMonitoredUsers: 10,
      expiredTrialMonitoredUsers: 0,
      paid: { totalCount: 2, monitoredUserTotal: 7 },
    });
    api().clock.set(new Date(end + DAY_MS));
    const expiredNow = (await api().ok(msp.key, TOTALS)).msp;
    expect(expiredNow).toMatchObject({
      customerCounts: { paid: 2, activeTrials: 0, expiredTrials: 2, total: 4 },
      billableMonitoredUsers: 7,
      activeTrialMonitoredUsers: 0,
      expiredTrialMonitoredUsers: 6,
      expired: { totalCount: 2, monitoredUserTotal: 6 },
    });
    expect(expiredNow.expired.nodes.map((n: { id: string }) => n.id).sort()).toEqual([trial.id, lapsed.id].sort());

    // Upgrading the expired 6-user trial: all six count again, now as billable.
    await lapsed.makePaid(6);
    const upgraded = (await api().ok(msp.key, TOTALS)).msp;
    expect(upgraded).toMatchObject({
      customerCounts: { paid: 3, activeTrials: 0, expiredTrials: 1, total: 4 },
      billableMonitoredUsers: 13,
      expiredTrialMonitoredUsers: 3,
    });
    const l = (await api().ok(msp.key, fields, { id: lapsed.id })).node;
    expect(l).toMatchObject({ subscriptionState: 'PAID', monitoredUserCount: 6, seatOverage: 0, monitoredUsers: { nodes: Array(6).fill({ monitored: true }) } });
  });
});
