import { toGlobalId } from '../src/services/global-id';
import { describeOnMysql } from './support/engines';
import { GqlResponse, TestApi, TestMsp } from './support/harness';
import { seededRandom } from './support/random';

/**
 * Issue 7, "Integrity under concurrency, across instances": two server instances, each with its
 * own connection pool, on one MariaDB database, as two processes behind a load balancer. The
 * guarantees rest on MySQL's row locks and unique indexes across connections, which the
 * embedded engine (one process, one connection) cannot show, so this file runs on MariaDB only.
 */

const ADD = `mutation($input: AddCustomerInput!) {
  addCustomer(input: $input) { customer { id accountNumber msp { id } } userErrors { field code } }
}`;

const TOTALS = `{ msp {
  customerCounts { paid activeTrials expiredTrials total }
  billableMonitoredUsers activeTrialMonitoredUsers expiredTrialMonitoredUsers
  customers(first: 1) { totalCount monitoredUserTotal }
} }`;

interface Input {
  adminEmail: string;
  organizationName: string;
  idempotencyKey?: string;
}

type AddResponse = GqlResponse<{ addCustomer: { customer: { id: string; accountNumber: string; msp: { id: string } } | null; userErrors: Array<{ field: string[]; code: string }> } }>;


function shuffle<T>(items: T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** The address with letters upper-cased where the bits of `variant` say: one mailbox, four spellings. */
function mixedCase(email: string, variant: number): string {
  let letter = 0;
  return [...email].map((c) => (/[a-z]/.test(c) && ((variant >> letter++ % 3) & 1) === 1 ? c.toUpperCase() : c)).join('');
}

/** Runs `jobs` with at most `limit` in flight. */
async function bounded<T>(jobs: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}

interface Totals {
  customerCounts: { paid: number; activeTrials: number; expiredTrials: number; total: number };
  billableMonitoredUsers: number;
  activeTrialMonitoredUsers: number;
  expiredTrialMonitoredUsers: number;
  customers: { totalCount: number; monitoredUserTotal: number };
}

/** Per MSP, straight from the accounts table with DESIGN.md's rules (the clock stands at START). */
async function bruteForce(api: TestApi, mspIds: number[]): Promise<Map<number, { totals: Totals; rollup: number[] }>> {
  const rows: Array<{ msp_id: number; plan: string; trial_ends_at: Date | null; user_count: number }> = await api.db.dataSource.query(
    `SELECT msp_id, plan, trial_ends_at, user_count FROM accounts WHERE kind = 'CUSTOMER' AND removed_at IS NULL AND msp_id IN (${mspIds.map(() => '?').join(',')})`,
    mspIds,
  );
  const now = api.clock.now().getTime();
  const out = new Map<number, { totals: Totals; rollup: number[] }>();
  for (const id of mspIds) {
    const mine = rows.filter((r) => Number(r.msp_id) === id);
    const paid = mine.filter((r) => r.plan === 'PAID');
    const active = mine.filter((r) => r.plan !== 'PAID' && r.trial_ends_at !== null && new Date(r.trial_ends_at).getTime() > now);
    const expired = mine.filter((r) => !paid.includes(r) && !active.includes(r));
    const users = (list: typeof mine, cap = Infinity) => list.reduce((sum, r) => sum + Math.min(Number(r.user_count), cap), 0);
    out.set(id, {
      totals: {
        customerCounts: { paid: paid.length, activeTrials: active.length, expiredTrials: expired.length, total: mine.length },
        billableMonitoredUsers: users(paid),
        activeTrialMonitoredUsers: users(active),
        expiredTrialMonitoredUsers: users(expired, 3),
        customers: { totalCount: mine.length, monitoredUserTotal: users(paid) + users(active) + users(expired, 3) },
      },
      rollup: [paid.length, users(paid), active.length, users(active), expired.length, users(expired, 3)],
    });
  }
  return out;
}

/** The stored rollup counters of each MSP, in bruteForce's `rollup` order. */
async function storedRollups(api: TestApi, mspIds: number[]): Promise<Map<number, number[]>> {
  const rows: Array<Record<string, number | string>> = await api.db.dataSource.query(
    `SELECT msp_id, paid_count, paid_users, active_count, active_users, expired_count, expired_users FROM msp_rollups WHERE msp_id IN (${mspIds.map(() => '?').join(',')})`,
    mspIds,
  );
  return new Map(
    rows.map((r) => [Number(r.msp_id), ['paid_count', 'paid_users', 'active_count', 'active_users', 'expired_count', 'expired_users'].map((c) => Number(r[c]))]),
  );
}

/** Every MSP's totals as each instance reports them, against the brute-force count and the stored rollups. */
async function expectTotalsRight(instances: TestApi[], msps: TestMsp[]): Promise<void> {
  const ids = msps.map((m) => m.entity.id);
  const truth = await bruteForce(instances[0], ids);
  const stored = await storedRollups(instances[0], ids);
  for (const msp of msps) {
    const want = truth.get(msp.entity.id)!;
    expect({ msp: msp.entity.id, rollup: stored.get(msp.entity.id) }).toEqual({ msp: msp.entity.id, rollup: want.rollup });
    for (const [n, instance] of instances.entries()) {
      const reported = (await instance.ok(msp.key, TOTALS)).msp;
      expect({ msp: msp.entity.id, instance: n, reported }).toEqual({ msp: msp.entity.id, instance: n, reported: want.totals });
    }
  }
}

/** Rows of a table per account, for the "nothing half-written" checks. */
async function perAccount(api: TestApi, sql: string): Promise<Map<string, number>> {
  const rows: Array<{ k: string | number; n: number | string }> = await api.db.dataSource.query(sql);
  return new Map(rows.map((r) => [String(r.k), Number(r.n)]));
}

describeOnMysql('integrity across two instances', () => {
  let one: TestApi;
  let two: TestApi;

  // What is checked here is integrity, not latency (the timeout has its own tests): 200 adds at
  // once, 40 per MSP behind one row lock, took over 10 s on a 2-core machine at load 17 and 58
  // answered 503 TIMEOUT. The instances get a timeout well above that, and statement and pool-wait
  // limits to match (a busy shared database made requests wait over 3 s for a connection), so a
  // 5xx here means a fault.
  const options = { requestTimeoutMs: 120_000, dbLimits: { statementTimeoutMs: 60_000, acquireTimeoutMs: 60_000 } };

  beforeAll(async () => {
    one = await TestApi.start('mysql', options);
    two = await one.anotherInstance(options);
  });

  afterAll(async () => {
    await two?.services.mail.idle();
    await one?.services.mail.idle();
    await two?.close();
    await one?.close();
  });

  it('200 concurrent adds of 50 emails, each sent 4 times in mixed case over both instances: exactly 50 accounts, nothing half-written', async () => {
    const msps: TestMsp[] = [];
    for (let i = 0; i < 5; i++) msps.push(await one.makeMsp());
    const accountsBefore = await one.rowCount('accounts');
    // The file's other test writes to the same database (in either order): look at these MSPs only.
    const inMsps = msps.map((m) => m.entity.id).join(',');

    // Per email, one of three shapes (i % 3):
    //   0: one MSP sends the same request 4 times with one idempotency key: one customer, 3 replays;
    //   1: 4 different MSPs race for the address, no key: one customer, 3 EMAIL_TAKEN;
    //   2: one MSP, 2 sends with one key and the same input, 2 without a key and other names:
    //      one customer; the keyed twin of a keyed winner replays it, every other call EMAIL_TAKEN.
    interface Call {
      email: number;
      instance: TestApi;
      msp: TestMsp;
      input: Input;
    }
    const calls: Call[] = [];
    for (let i = 0; i < 50; i++) {
      for (let j = 0; j < 4; j++) {
        const shape = i % 3;
        const msp = shape === 1 ? msps[(i + j) % 5] : msps[i % 5];
        const adminEmail = mixedCase(`owner${i}@integrity.example`, j);
        const keyed = shape === 0 || (shape === 2 && j < 2);
        const organizationName = shape === 0 || keyed ? `Company ${i}` : `Company ${i} ${j}`;
        calls.push({
          email: i,
          instance: (i + j) % 2 === 0 ? one : two,
          msp,
          input: { adminEmail, organizationName, ...(keyed ? { idempotencyKey: `idem-${i}` } : {}) },
        });
      }
    }
    const order = shuffle(calls, seededRandom(7));

    const started = Date.now();
    let slowest = 0;
    const responses = (await Promise.all(
      order.map(async (c) => {
        const response = await c.instance.gql(c.msp.key, ADD, { input: c.input });
        slowest = Math.max(slowest, Date.now() - started);
        return response;
      }),
    )) as AddResponse[];
    const seconds = (Date.now() - started) / 1000;

    // No 5xx, no request-level error: every call answered with a payload.
    const refused = responses.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.body.errors?.map((e) => e.extensions?.code).join(',')}`);
    expect(refused).toEqual([]);
    expect(responses.filter((r) => r.body.errors !== undefined).map((r) => r.body.errors)).toEqual([]);

    const outcome = { created: 0, replayed: 0, taken: 0 };
    const winners = new Map<number, { id: string; msp: string; keyed: boolean }>();
    for (let i = 0; i < 50; i++) {
      const mine = order.map((c, k) => ({ call: c, payload: responses[k].body.data!.addCustomer })).filter((x) => x.call.email === i);
      expect(mine).toHaveLength(4);
      const succeeded = mine.filter((x) => x.payload.customer !== null);
      const ids = new Set(succeeded.map((x) => x.payload.customer!.id));
      // One customer per address, whoever asked and however it was spelled.
      expect({ email: i, customers: ids.size }).toEqual({ email: i, customers: 1 });
      for (const x of mine) {
        if (x.payload.customer === null) {
          expect({ email: i, userErrors: x.payload.userErrors }).toEqual({ email: i, userErrors: [{ field: ['input', 'adminEmail'], code: 'EMAIL_TAKEN' }] });
        } else {
          expect(x.payload.userErrors).toEqual([]);
          // A success names the customer of the MSP that asked.
          expect(x.payload.customer.msp.id).toBe(x.call.msp.id);
        }
      }
      // More than one success only as replays of one keyed request.
      const unkeyedWins = succeeded.filter((x) => x.call.input.idempotencyKey === undefined);
      expect(unkeyedWins.length + (succeeded.length > unkeyedWins.length ? 1 : 0)).toBe(1);
      if (i % 3 === 0) expect(succeeded).toHaveLength(4);
      if (i % 3 === 1) expect(succeeded).toHaveLength(1);
      if (i % 3 === 2) expect(succeeded).toHaveLength(unkeyedWins.length === 1 ? 1 : 2);
      outcome.created += 1;
      outcome.replayed += succeeded.length - 1;
      outcome.taken += 4 - succeeded.length;
      winners.set(i, { id: [...ids][0], msp: succeeded[0].call.msp.id, keyed: unkeyedWins.length === 0 });
    }
    expect(outcome.created + outcome.replayed + outcome.taken).toBe(200);

    // Exactly 50 accounts, one per address, each the one its callers were told about.
    const customers: Array<{ id: number; account_number: string; msp_id: number; admin_email_key: string }> = await one.db.dataSource.query(
      `SELECT id, account_number, msp_id, admin_email_key FROM accounts WHERE kind = 'CUSTOMER' AND msp_id IN (${inMsps}) ORDER BY id`,
    );
    expect(await one.rowCount('accounts')).toBe(accountsBefore + 50);
    expect(customers).toHaveLength(50);
    expect(new Set(customers.map((c) => c.admin_email_key)).size).toBe(50);
    expect(customers.map((c) => toGlobalId('CustomerAccount', c.account_number)).sort()).toEqual([...winners.values()].map((w) => w.id).sort());
    const mspById = new Map(msps.map((m) => [m.entity.id, m.id]));
    for (const c of customers) {
      const winner = [...winners.values()].find((w) => w.id === toGlobalId('CustomerAccount', c.account_number))!;
      expect(mspById.get(Number(c.msp_id))).toBe(winner.msp);
    }

    // Nothing half-written: each account has its audit entry, its verification link and its mail;
    // each stored idempotency key points at an account that exists.
    const audited = await perAccount(one, `SELECT target AS k, COUNT(*) AS n FROM audit_events WHERE action = 'CUSTOMER_ADDED' AND msp_id IN (${inMsps}) GROUP BY target`);
    const links = await perAccount(one, 'SELECT account_id AS k, COUNT(*) AS n FROM email_verifications GROUP BY account_id');
    const mails = await perAccount(one, 'SELECT account_id AS k, COUNT(*) AS n FROM mail_outbox WHERE account_id IS NOT NULL GROUP BY account_id');
    for (const c of customers) {
      const target = toGlobalId('CustomerAccount', c.account_number);
      expect({ target, audit: audited.get(target), links: links.get(String(c.id)), mails: mails.get(String(c.id)) }).toEqual({ target, audit: 1, links: 1, mails: 1 });
    }
    expect([...audited.values()].reduce((a, b) => a + b, 0)).toBe(50);
    const keys: Array<{ account_id: number }> = await one.db.dataSource.query(`SELECT account_id FROM idempotency_keys WHERE msp_id IN (${inMsps})`);
    expect(keys).toHaveLength([...winners.values()].filter((w) => w.keyed).length);
    const customerIds = new Set(customers.map((c) => Number(c.id)));
    expect(keys.filter((k) => !customerIds.has(Number(k.account_id)))).toEqual([]);

    // The MSPs' counters equal a recount, as stored and as either instance reports them.
    await expectTotalsRight([one, two], msps);
    console.log(
      `integrity: 200 concurrent addCustomer over 2 instances in ${seconds.toFixed(2)} s (slowest answer ${slowest} ms): ` +
        `${outcome.created} created, ${outcome.replayed} idempotent replays, ${outcome.taken} EMAIL_TAKEN, 0 non-200`,
    );
  }, 120_000);

  it('soak: 2,000 distinct adds across 10 MSPs over both instances, 16 at once: none lost, none duplicated, every total right', async () => {
    const msps: TestMsp[] = [];
    for (let i = 0; i < 10; i++) msps.push(await one.makeMsp());
    const ids = msps.map((m) => m.entity.id);
    const countIn = async () =>
      Number((await one.db.dataSource.query(`SELECT COUNT(*) AS n FROM accounts WHERE msp_id IN (${ids.join(',')})`))[0].n);
    expect(await countIn()).toBe(0);

    const jobs = Array.from({ length: 2000 }, (_, n) => {
      const msp = msps[n % 10];
      const instance = n % 2 === 0 ? one : two;
      const input: Input = { adminEmail: `soak${n}@soak.example`, organizationName: `Soak ${n}`, ...(n % 4 === 0 ? { idempotencyKey: `soak-${n}` } : {}) };
      return async () => ({ n, msp, response: (await instance.gql(msp.key, ADD, { input })) as AddResponse });
    });
    const started = Date.now();
    const results = await bounded(jobs, 16);
    const seconds = (Date.now() - started) / 1000;

    const failed = results.filter((r) => r.response.status !== 200 || r.response.body.errors || r.response.body.data?.addCustomer.userErrors.length);
    expect(failed.map((r) => ({ n: r.n, status: r.response.status, body: r.response.body }))).toEqual([]);
    const told = results.map((r) => r.response.body.data!.addCustomer.customer!);
    expect(new Set(told.map((c) => c.id)).size).toBe(2000);
    for (const r of results) expect(r.response.body.data!.addCustomer.customer!.msp.id).toBe(r.msp.id);

    // 2,000 rows: none lost (every answered customer is stored), none duplicated.
    const rows: Array<{ account_number: string; admin_email_key: string; msp_id: number }> = await one.db.dataSource.query(
      `SELECT account_number, admin_email_key, msp_id FROM accounts WHERE msp_id IN (${ids.join(',')})`,
    );
    const stored = new Set(rows.map((r) => toGlobalId('CustomerAccount', r.account_number)));
    const lost = told.filter((c) => !stored.has(c.id)).length;
    const duplicated = rows.length - new Set(rows.map((r) => r.admin_email_key)).size;
    expect({ rows: rows.length, lost, duplicated }).toEqual({ rows: 2000, lost: 0, duplicated: 0 });
    for (const msp of msps) expect(rows.filter((r) => Number(r.msp_id) === msp.entity.id)).toHaveLength(200);

    await expectTotalsRight([one, two], msps);
    console.log(
      `soak: 2000 addCustomer over 2 instances, 10 MSPs, 16 in flight: ${seconds.toFixed(1)} s, ${(2000 / seconds).toFixed(0)} adds/s; ` +
        `${rows.length} rows, ${lost} lost, ${duplicated} duplicated`,
    );
  }, 180_000);
  it('an add that meets a rename of the same name behind the MSP lock deadlocks, is retried, and answers cleanly', async () => {
    // addCustomer takes the MSP's lock last; a change holding that lock and writing the same name
    // waits for the add's uncommitted row while the add waits for the lock: MariaDB breaks the
    // cycle by rolling one back, and Database.transaction retries an add that was.
    const msp = await one.makeMsp();
    const other = await msp.addCustomer({ name: 'Before Rename' });
    const runner = one.db.dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      await runner.query('UPDATE msp_rollups SET version = version + 1 WHERE msp_id = ?', [msp.entity.id]);
      // Heavier than the add (more rows written), so MariaDB picks the add to roll back.
      for (let i = 0; i < 20; i++) {
        await runner.query(`INSERT INTO audit_events (msp_id, actor_key_prefix, actor_role, action, target, details, request_id, client_address, created_at)
          VALUES (?, 'test', 'STAFF', 'CUSTOMER_UPDATED', 'x', '{}', 'deadlock-test', '127.0.0.1', NOW(3))`, [msp.entity.id]);
      }
      const added = one.gql(msp.key, ADD, { input: { adminEmail: 'cycle@integrity.example', organizationName: 'Cycle Co' } }) as Promise<AddResponse>;
      // The add has written its account and waits for the lock this transaction holds.
      for (let waited = 0; ; waited += 50) {
        const [row] = await runner.query("SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND INFO LIKE '%UPDATE `msp_rollups`%'");
        if (Number(row.n) > 0) break;
        if (waited > 10_000) throw new Error('the add never waited for the MSP lock');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      let renamed = true;
      try {
        await runner.query(`UPDATE accounts SET name = 'Cycle Co', name_normalized = 'cycle co', name_key = 'cycle co' WHERE id = ?`, [other.entity.id]);
        await runner.commitTransaction();
      } catch (error) {
        expect((error as { driverError?: { code?: string } }).driverError?.code).toBe('ER_LOCK_DEADLOCK');
        renamed = false;
        await runner.rollbackTransaction();
      }
      const response = await added;
      expect(response.status).toBe(200);
      const payload = response.body.data!.addCustomer;
      // The add was rolled back and retried after the rename committed: it met the name taken.
      expect(renamed).toBe(true);
      if (renamed) expect(payload).toEqual({ customer: null, userErrors: [{ field: ['input', 'organizationName'], code: 'ORGANIZATION_NAME_TAKEN' }] });
      else expect(payload.userErrors).toEqual([]);
    } finally {
      await runner.release();
    }
    await expectTotalsRight([one], [msp]);
  }, 60_000);
  it("gives an add's webhook event its id under the MSP lock, so events(after:) from a partner's cursor misses none", async () => {
    // Another change of the same MSP holds the lock and writes its event while an add waits for
    // the lock: the add's event must come after it in id order (the order events(after:) pages in).
    const msp = await one.makeMsp();
    const runner = one.db.dataSource.createQueryRunner();
    let other: number;
    let added: Promise<AddResponse>;
    try {
      await runner.startTransaction();
      await runner.query('UPDATE msp_rollups SET version = version + 1 WHERE msp_id = ?', [msp.entity.id]);
      added = one.gql(msp.key, ADD, { input: { adminEmail: 'ordered@integrity.example', organizationName: 'Ordered Co' } }) as Promise<AddResponse>;
      for (let waited = 0; ; waited += 50) {
        const [row] = await runner.query("SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND INFO LIKE '%UPDATE `msp_rollups`%'");
        if (Number(row.n) > 0) break;
        if (waited > 10_000) throw new Error('the add never waited for the MSP lock');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const inserted = await runner.query(
        `INSERT INTO webhook_events (message_id, msp_id, type, data, created_at) VALUES ('msg_ordering_test_other', ?, 'customer.updated', '{}', NOW(3))`,
        [msp.entity.id],
      );
      other = Number(inserted.insertId);
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
    const response = await added!;
    expect(response.body.data?.addCustomer.userErrors).toEqual([]);
    const [event] = await one.db.dataSource.query(`SELECT id FROM webhook_events WHERE msp_id = ? AND type = 'customer.created'`, [msp.entity.id]);
    expect(Number(event.id)).toBeGreaterThan(other!);
  }, 60_000);
});
