import { DAY_MS } from '../src/services/clock';
import { START, TestApi, TestCustomer, TestMsp, describeEachEngine } from './support/harness';
import { seededRandom } from './support/random';

/**
 * The dashboard's counts and totals come from per-MSP rollups corrected at read time. Here a
 * fixed pseudo-random sequence of changes, clock moves (both ways, onto trial ends exactly)
 * and expiry passes is checked after every step against a brute-force count of the accounts
 * table with the rules of DESIGN.md.
 */

const SEED = 20260302;
const STEPS = 60;
const FREEMIUM_LIMIT = 3;


interface Reported {
  customerCounts: { paid: number; activeTrials: number; expiredTrials: number; total: number };
  billableMonitoredUsers: number;
  activeTrialMonitoredUsers: number;
  expiredTrialMonitoredUsers: number;
}

const DASHBOARD = `query($search: String) { msp {
  customerCounts { paid activeTrials expiredTrials total }
  billableMonitoredUsers activeTrialMonitoredUsers expiredTrialMonitoredUsers
  paid: customers(state: PAID) { totalCount monitoredUserTotal }
  active: customers(state: ACTIVE_TRIAL) { totalCount monitoredUserTotal }
  expired: customers(state: EXPIRED_TRIAL) { totalCount monitoredUserTotal }
  searched: customers(state: EXPIRED_TRIAL, search: $search) { totalCount monitoredUserTotal }
} }`;

const REGISTER = `mutation($input: RegisterMonitoredUserInput!) {
  registerMonitoredUser(input: $input) { monitoredUser { id } userErrors { code } }
}`;

const REMOVE = `mutation($input: RemoveMonitoredUserInput!) {
  removeMonitoredUser(input: $input) { monitoredUser { id } userErrors { code } }
}`;

function asDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(`${String(value).replace(' ', 'T')}Z`);
}

/** Every current customer of the MSP, read straight from the table and judged by DESIGN.md's rules. */
async function bruteForce(api: TestApi, mspId: number): Promise<Reported> {
  const rows: Array<{ plan: string; trial_ends_at: unknown; user_count: number | string }> = await api.db.dataSource.query(
    "SELECT plan, trial_ends_at, user_count FROM accounts WHERE kind = 'CUSTOMER' AND removed_at IS NULL AND msp_id = ?",
    [mspId],
  );
  const now = api.clock.now().getTime();
  const result: Reported = {
    customerCounts: { paid: 0, activeTrials: 0, expiredTrials: 0, total: 0 },
    billableMonitoredUsers: 0,
    activeTrialMonitoredUsers: 0,
    expiredTrialMonitoredUsers: 0,
  };
  for (const row of rows) {
    const users = Number(row.user_count);
    const ends = asDate(row.trial_ends_at);
    result.customerCounts.total += 1;
    if (row.plan === 'PAID') {
      result.customerCounts.paid += 1;
      result.billableMonitoredUsers += users;
    } else if (ends !== null && ends.getTime() > now) {
      result.customerCounts.activeTrials += 1;
      result.activeTrialMonitoredUsers += users;
    } else {
      result.customerCounts.expiredTrials += 1;
      result.expiredTrialMonitoredUsers += Math.min(users, FREEMIUM_LIMIT);
    }
  }
  return result;
}

interface Tracked {
  msp: TestMsp;
  customers: Array<{ customer: TestCustomer; paid: boolean; users: Map<string, string>; next: number }>;
}

describeEachEngine('rollup consistency under a random sequence', (api) => {
  it(`matches a brute-force count after each of ${STEPS} steps`, async () => {
    const next = seededRandom(SEED);
    const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)];
    api().clock.set(START);
    const tracked: Tracked[] = [];
    for (let i = 0; i < 2; i++) tracked.push({ msp: await api().makeMsp(), customers: [] });
    const trialEnds = () =>
      tracked.flatMap((t) => t.customers.map((c) => new Date(c.customer.entity.createdAt.getTime() + 14 * DAY_MS).getTime()));
    const log: string[] = [];

    const operations: Array<[number, () => Promise<string>]> = [
      [
        3,
        async () => {
          const t = pick(tracked);
          const customer = await t.msp.addCustomer({ name: `Seq ${tracked.indexOf(t)}-${t.customers.length}` });
          t.customers.push({ customer, paid: false, users: new Map(), next: 1 });
          return `add customer to MSP ${tracked.indexOf(t)}`;
        },
      ],
      [
        6,
        async () => {
          const c = pick(tracked.flatMap((t) => t.customers.map((x) => ({ t, x }))));
          if (!c) return 'register: no customer yet';
          const outcomes: string[] = [];
          for (let n = 1 + Math.floor(next() * 4); n > 0; n--) {
            const identity = c.x.users.size > 0 && next() < 0.25 ? pick([...c.x.users.keys()]).toUpperCase() : `u${c.x.next++}`;
            const data = await api().ok(c.t.msp.key, REGISTER, { input: { customerId: c.x.customer.id, identity } });
            const { monitoredUser, userErrors } = data.registerMonitoredUser;
            if (monitoredUser) c.x.users.set(identity.toLowerCase(), monitoredUser.id);
            outcomes.push(`${identity} ${userErrors.map((e: { code: string }) => e.code).join(',') || 'ok'}`);
          }
          return `register: ${outcomes.join(', ')}`;
        },
      ],
      [
        2,
        async () => {
          const c = pick(tracked.flatMap((t) => t.customers.filter((x) => x.users.size > 0).map((x) => ({ t, x }))));
          if (!c) return 'remove: no users yet';
          const identity = pick([...c.x.users.keys()]);
          const data = await api().ok(c.t.msp.key, REMOVE, { input: { id: c.x.users.get(identity) } });
          expect(data.removeMonitoredUser.userErrors).toEqual([]);
          c.x.users.delete(identity);
          return `remove ${identity}`;
        },
      ],
      [
        1,
        async () => {
          const c = pick(tracked.flatMap((t) => t.customers.filter((x) => !x.paid).map((x) => ({ t, x }))));
          if (!c) return 'make paid: no trial';
          await c.x.customer.makePaid(1 + Math.floor(next() * 5));
          c.x.paid = true;
          return 'make paid';
        },
      ],
      [
        3,
        async () => {
          const ms = Math.floor(next() * 8 * DAY_MS) * (next() < 0.6 ? 1 : -1);
          api().clock.advance(ms);
          return `clock ${ms > 0 ? '+' : ''}${(ms / DAY_MS).toFixed(2)} d`;
        },
      ],
      [
        2,
        async () => {
          const ends = trialEnds();
          if (ends.length === 0) return 'clock to trial end: none';
          const offset = pick([-1, 0, 0, 1]);
          api().clock.set(new Date(pick(ends) + offset));
          return `clock to a trial end ${offset >= 0 ? '+' : ''}${offset} ms`;
        },
      ],
      [
        2,
        async () => {
          await api().services.rollups.advance();
          return 'expiry pass';
        },
      ],
    ];
    const weights = operations.reduce((sum, [w]) => sum + w, 0);
    const choose = () => {
      let roll = next() * weights;
      for (const [weight, run] of operations) {
        if ((roll -= weight) < 0) return run;
      }
      return operations[operations.length - 1][1];
    };

    const seen = new Set<string>();

    for (let step = 1; step <= STEPS; step++) {
      const what = step <= 4 ? await operations[0][1]() : await choose()();
      log.push(`${step}: ${what} @ ${api().clock.now().toISOString()}`);
      seen.add(what.split(/[ :]/)[0]);
      for (const t of tracked) {
        const expected = await bruteForce(api(), t.msp.entity.id);
        const data = await api().ok(t.msp.key, DASHBOARD, { search: 'seq' });
        const { paid, active, expired, searched, ...reported } = data.msp;
        const context = { step, log: log.slice(-6) };
        expect({ ...context, reported }).toEqual({ ...context, reported: expected });
        expect({ ...context, lists: { paid, active, expired, searched } }).toEqual({
          ...context,
          lists: {
            paid: { totalCount: expected.customerCounts.paid, monitoredUserTotal: expected.billableMonitoredUsers },
            active: { totalCount: expected.customerCounts.activeTrials, monitoredUserTotal: expected.activeTrialMonitoredUsers },
            expired: { totalCount: expected.customerCounts.expiredTrials, monitoredUserTotal: expected.expiredTrialMonitoredUsers },
            searched: { totalCount: expected.customerCounts.expiredTrials, monitoredUserTotal: expected.expiredTrialMonitoredUsers },
          },
        });
      }
    }

    // The stored counters agree with the rows they count.
    const drift = await api().db.dataSource.query(
      `SELECT a.id, a.user_count, (SELECT COUNT(*) FROM monitored_users u WHERE u.account_id = a.id) AS actual
       FROM accounts a WHERE a.kind = 'CUSTOMER' AND a.user_count <> (SELECT COUNT(*) FROM monitored_users u WHERE u.account_id = a.id)`,
    );
    expect(drift).toEqual([]);
    // The sequence really exercised every kind of step, including refusals by the Freemium cap.
    expect([...seen].sort()).toEqual(['add', 'clock', 'expiry', 'make', 'register', 'remove'].sort());
    expect(log.some((line) => line.includes('FREEMIUM_LIMIT_REACHED'))).toBe(true);
    expect(log.some((line) => line.includes('clock -'))).toBe(true);
  });

  it('buckets a customer added while the clock stands before the watermark by more than a trial against that watermark', async () => {
    const msp = await api().makeMsp();
    const counts = async () => {
      const { paid, active, expired, searched, ...reported } = (await api().ok(msp.key, DASHBOARD, { search: 'seq' })).msp;
      return { reported, expected: await bruteForce(api(), msp.entity.id) };
    };
    // The expiry pass moves the watermark 30 days ahead; then the clock goes back to START.
    api().clock.set(new Date(START.getTime() + 30 * DAY_MS));
    await api().services.rollups.advance();
    api().clock.set(START);
    await msp.addCustomer({ name: 'Seq early', users: 2 });
    const now = await counts();
    expect(now.reported.customerCounts).toEqual({ paid: 0, activeTrials: 1, expiredTrials: 0, total: 1 });
    expect(now.reported).toEqual(now.expected);
    // At the watermark, the same trial (ended 16 days before it) is expired.
    api().clock.set(new Date(START.getTime() + 30 * DAY_MS));
    const later = await counts();
    expect(later.reported.customerCounts).toEqual({ paid: 0, activeTrials: 0, expiredTrials: 1, total: 1 });
    expect(later.reported).toEqual(later.expected);
  });
});

