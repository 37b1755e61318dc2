import { ApiKeyRole } from '../src/entities';
import { DAY_MS } from '../src/services/clock';
import { toGlobalId } from '../src/services/global-id';
import { START, TestApi, TestCustomer, TestMsp, describeEachEngine } from './support/harness';

const TRIAL_MS = 14 * DAY_MS;
const AFTER_TRIAL = new Date(START.getTime() + TRIAL_MS + DAY_MS);

const USER = 'id identity displayName firstSeenAt lastSeenAt';

const REGISTER = `mutation($input: RegisterMonitoredUserInput!) {
  registerMonitoredUser(input: $input) { monitoredUser { ${USER} } userErrors { field message code } }
}`;

const REMOVE = `mutation($input: RemoveMonitoredUserInput!) {
  removeMonitoredUser(input: $input) { monitoredUser { ${USER} } userErrors { field message code } }
}`;

const STATE = `query($id: ID!) {
  node(id: $id) { ... on CustomerAccount {
    subscriptionState userCount monitoredUserCount
    monitoredUsers(first: 20) { totalCount nodes { identity monitored } }
  } }
  msp { customerCounts { total } billableMonitoredUsers activeTrialMonitoredUsers expiredTrialMonitoredUsers }
}`;

async function register(api: TestApi, key: string, customerId: string, identity: string, displayName?: string | null) {
  const data = await api.ok(key, REGISTER, { input: { customerId, identity, displayName } });
  return data.registerMonitoredUser as { monitoredUser: Record<string, string> | null; userErrors: Array<{ field: string[]; code: string }> };
}

async function state(api: TestApi, msp: TestMsp, customer: TestCustomer) {
  return api.ok(msp.key, STATE, { id: customer.id });
}

/** What a refused mutation must leave untouched. */
async function stored(api: TestApi) {
  const rows = (sql: string) => api.db.dataSource.query(sql);
  return {
    accounts: await rows('SELECT id, user_count, plan, trial_ends_at FROM accounts ORDER BY id'),
    monitoredUsers: await rows('SELECT * FROM monitored_users ORDER BY id'),
    rollups: await rows('SELECT * FROM msp_rollups ORDER BY msp_id'),
  };
}

const limitReached = [expect.objectContaining({ field: ['input', 'identity'], code: 'FREEMIUM_LIMIT_REACHED' })];

describeEachEngine('monitored users', (api) => {
  describe('registerMonitoredUser and removeMonitoredUser', () => {
    it('registers a trimmed identity, and re-registering it in another case only updates last seen', async () => {
      api().clock.set(START);
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();

      const first = await register(api(), msp.key, customer.id, '  CORP\\alice  ');
      expect(first.userErrors).toEqual([]);
      expect(first.monitoredUser).toEqual({
        id: expect.any(String),
        identity: 'CORP\\alice',
        displayName: 'CORP\\alice',
        firstSeenAt: START.toISOString(),
        lastSeenAt: START.toISOString(),
      });

      api().clock.advance(3_600_000);
      const again = await register(api(), msp.key, customer.id, 'corp\\ALICE', '  Alice Liddell ');
      expect(again.userErrors).toEqual([]);
      expect(again.monitoredUser).toEqual({
        id: first.monitoredUser!.id,
        identity: 'CORP\\alice',
        displayName: 'Alice Liddell',
        firstSeenAt: START.toISOString(),
        lastSeenAt: new Date(START.getTime() + 3_600_000).toISOString(),
      });
      const after = await state(api(), msp, customer);
      expect(after.node).toMatchObject({ userCount: 1, monitoredUserCount: 1, monitoredUsers: { totalCount: 1 } });
      expect(after.msp.activeTrialMonitoredUsers).toBe(1);

      const read = await api().ok(msp.key, `query($id: ID!) { node(id: $id) { ... on MonitoredUser { ${USER} } } }`, { id: first.monitoredUser!.id });
      expect(read.node).toEqual(again.monitoredUser);
    });

    it('keeps userCount, monitoredUserCount and the MSP totals in step with each add and removal', async () => {
      api().clock.set(START);
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      const ids: string[] = [];
      for (const [i, identity] of ['ann', 'bob', 'cyd', 'dee', 'eve'].entries()) {
        api().clock.advance(60_000);
        ids.push((await register(api(), msp.key, customer.id, identity)).monitoredUser!.id);
        const now = await state(api(), msp, customer);
        expect(now.node).toMatchObject({ userCount: i + 1, monitoredUserCount: i + 1, monitoredUsers: { totalCount: i + 1 } });
        expect(now.msp).toEqual({ customerCounts: { total: 1 }, billableMonitoredUsers: 0, activeTrialMonitoredUsers: i + 1, expiredTrialMonitoredUsers: 0 });
      }

      const removed = await api().ok(msp.key, REMOVE, { input: { id: ids[1] } });
      expect(removed.removeMonitoredUser).toEqual({
        monitoredUser: { id: ids[1], identity: 'bob', displayName: 'bob', firstSeenAt: expect.any(String), lastSeenAt: expect.any(String) },
        userErrors: [],
      });
      expect((await api().ok(msp.key, `query($id: ID!) { node(id: $id) { id } }`, { id: ids[1] })).node).toBeNull();
      const afterRemoval = await state(api(), msp, customer);
      expect(afterRemoval.node).toMatchObject({ userCount: 4, monitoredUserCount: 4 });
      expect(afterRemoval.node.monitoredUsers.nodes.map((u: { identity: string }) => u.identity)).toEqual(['ann', 'cyd', 'dee', 'eve']);
      expect(afterRemoval.msp.activeTrialMonitoredUsers).toBe(4);

      const twice = await api().ok(msp.key, REMOVE, { input: { id: ids[1] } });
      expect(twice.removeMonitoredUser).toEqual({ monitoredUser: null, userErrors: [expect.objectContaining({ field: ['input', 'id'], code: 'NOT_FOUND' })] });

      // On Freemium, removing a monitored user lets the next one by first seen be monitored.
      api().clock.set(AFTER_TRIAL);
      const expired = await state(api(), msp, customer);
      expect(expired.node.monitoredUsers.nodes.map((u: { monitored: boolean }) => u.monitored)).toEqual([true, true, true, false]);
      expect(expired.msp.expiredTrialMonitoredUsers).toBe(3);
      await api().ok(msp.key, REMOVE, { input: { id: ids[0] } });
      const promoted = await state(api(), msp, customer);
      expect(promoted.node).toMatchObject({ subscriptionState: 'EXPIRED_TRIAL', userCount: 3, monitoredUserCount: 3 });
      expect(promoted.node.monitoredUsers.nodes).toEqual([
        { identity: 'cyd', monitored: true },
        { identity: 'dee', monitored: true },
        { identity: 'eve', monitored: true },
      ]);
      await api().ok(msp.key, REMOVE, { input: { id: ids[2] } });
      const fewer = await state(api(), msp, customer);
      expect(fewer.node).toMatchObject({ userCount: 2, monitoredUserCount: 2 });
      expect(fewer.msp).toEqual({ customerCounts: { total: 1 }, billableMonitoredUsers: 0, activeTrialMonitoredUsers: 0, expiredTrialMonitoredUsers: 2 });
    });

    it("pages a customer's users by first seen, and refuses bad page sizes and forged cursors", async () => {
      api().clock.set(START);
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      for (const identity of ['u1', 'u2', 'u3', 'u4', 'u5']) {
        api().clock.advance(1000);
        await customer.registerUser(identity);
      }
      const page = (args: string) =>
        api().gql(msp.key, `query($id: ID!) { node(id: $id) { ... on CustomerAccount { monitoredUsers(${args}) {
          totalCount pageInfo { hasNextPage hasPreviousPage endCursor startCursor } nodes { identity } } } } }`, { id: customer.id });
      const names = (r: Awaited<ReturnType<typeof page>>) => r.body.data.node.monitoredUsers.nodes.map((u: { identity: string }) => u.identity);

      const one = await page('first: 2');
      expect(names(one)).toEqual(['u1', 'u2']);
      expect(one.body.data.node.monitoredUsers).toMatchObject({ totalCount: 5, pageInfo: { hasNextPage: true, hasPreviousPage: false } });
      const two = await page(`first: 2, after: "${one.body.data.node.monitoredUsers.pageInfo.endCursor}"`);
      expect(names(two)).toEqual(['u3', 'u4']);
      const back = await page(`last: 2, before: "${two.body.data.node.monitoredUsers.pageInfo.startCursor}"`);
      expect(names(back)).toEqual(['u1', 'u2']);
      expect(names(await page('last: 2'))).toEqual(['u4', 'u5']);

      const forged = Buffer.from(JSON.stringify(['FIRST_SEEN', 'not a date', 1])).toString('base64url');
      for (const args of ['first: 0', 'first: 101', 'first: 1, last: 1', `first: 2, after: "${forged}"`, 'first: 2, after: "garbage"']) {
        const refused = await page(args);
        expect({ args, codes: refused.body.errors?.map((e) => e.extensions?.code) }).toEqual({ args, codes: ['BAD_USER_INPUT'] });
      }
    });

    it('refuses invalid identities, display names and unknown customers, writing nothing', async () => {
      api().clock.set(START);
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer({ users: 1 });
      const other = await (await api().makeMsp()).addCustomer({ users: 1 });
      const userId = await customer.registerUser('someone');
      const theirs = await other.registerUser('theirs');
      const cases: Array<[Record<string, unknown>, string, string]> = [
        [{ identity: '' }, 'identity', 'INVALID_IDENTITY'],
        [{ identity: '   ' }, 'identity', 'INVALID_IDENTITY'],
        [{ identity: 'x'.repeat(256) }, 'identity', 'INVALID_IDENTITY'],
        [{ identity: 'tab\there' }, 'identity', 'INVALID_IDENTITY'],
        [{ identity: 'new\nline' }, 'identity', 'INVALID_IDENTITY'],
        [{ identity: 'nul\u0000' }, 'identity', 'INVALID_IDENTITY'],
        [{ identity: 'del\u007f' }, 'identity', 'INVALID_IDENTITY'],
        [{ identity: 'ok', displayName: '' }, 'displayName', 'INVALID_DISPLAY_NAME'],
        [{ identity: 'ok', displayName: '  ' }, 'displayName', 'INVALID_DISPLAY_NAME'],
        [{ identity: 'ok', displayName: 'd'.repeat(201) }, 'displayName', 'INVALID_DISPLAY_NAME'],
        [{ identity: 'ok', displayName: 'bell\u0007' }, 'displayName', 'INVALID_DISPLAY_NAME'],
        [{ identity: 'ok', customerId: 'not-an-id' }, 'customerId', 'NOT_FOUND'],
        [{ identity: 'ok', customerId: '' }, 'customerId', 'NOT_FOUND'],
        [{ identity: 'ok', customerId: toGlobalId('CustomerAccount', '99999999999') }, 'customerId', 'NOT_FOUND'],
        [{ identity: 'ok', customerId: toGlobalId('Msp', msp.entity.accountNumber) }, 'customerId', 'NOT_FOUND'],
        [{ identity: 'ok', customerId: userId }, 'customerId', 'NOT_FOUND'],
        [{ identity: 'ok', customerId: other.id }, 'customerId', 'NOT_FOUND'],
      ];
      const before = await stored(api());
      for (const [input, field, code] of cases) {
        const data = await api().ok(msp.key, REGISTER, { input: { customerId: customer.id, ...input } });
        expect({ input, payload: data.registerMonitoredUser }).toEqual({
          input,
          payload: { monitoredUser: null, userErrors: [{ field: ['input', field], code, message: expect.any(String) }] },
        });
      }
      // Another MSP's user answers as one that does not exist.
      const foreign = await api().ok(msp.key, REMOVE, { input: { id: theirs } });
      expect(foreign.removeMonitoredUser.userErrors).toEqual([expect.objectContaining({ field: ['input', 'id'], code: 'NOT_FOUND' })]);
      for (const id of ['garbage', toGlobalId('MonitoredUser', 99999999), customer.id]) {
        const refused = await api().ok(msp.key, REMOVE, { input: { id } });
        expect(refused.removeMonitoredUser).toEqual({ monitoredUser: null, userErrors: [expect.objectContaining({ code: 'NOT_FOUND' })] });
      }
      expect(await stored(api())).toEqual(before);

      // The limits themselves are allowed.
      const longest = await register(api(), msp.key, customer.id, 'i'.repeat(255), 'n'.repeat(200));
      expect(longest.userErrors).toEqual([]);
      expect(longest.monitoredUser).toMatchObject({ identity: 'i'.repeat(255), displayName: 'n'.repeat(200) });
    });

    it('lets MSP_ADMIN and STAFF register and remove, and refuses MSP_READ and APP keys', async () => {
      api().clock.set(START);
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      const userId = await customer.registerUser('existing');
      const before = await stored(api());
      for (const role of [ApiKeyRole.MSP_READ, ApiKeyRole.APP]) {
        const key = await api().makeKey(role, role === ApiKeyRole.MSP_READ ? msp : undefined);
        for (const [query, input] of [
          [REGISTER, { customerId: customer.id, identity: 'intruder' }],
          [REMOVE, { id: userId }],
        ] as const) {
          const response = await api().gql(key, query, { input });
          expect(response.status).toBe(200);
          expect(response.body.data).toBeNull();
          expect(response.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
        }
      }
      expect(await stored(api())).toEqual(before);

      const staff = await api().makeKey(ApiKeyRole.STAFF);
      const byStaff = await register(api(), staff, customer.id, 'by-support');
      expect(byStaff.userErrors).toEqual([]);
      const removed = await api().ok(staff, REMOVE, { input: { id: byStaff.monitoredUser!.id } });
      expect(removed.removeMonitoredUser.userErrors).toEqual([]);
    });
  });

  describe('the Freemium cap', () => {
    it('lets an expired trial with 2 users reach 3, refuses a new 4th, and still accepts known identities', async () => {
      api().clock.set(START);
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer({ users: 2 });
      api().clock.set(AFTER_TRIAL);

      const third = await register(api(), msp.key, customer.id, 'third');
      expect(third.userErrors).toEqual([]);
      expect((await state(api(), msp, customer)).node).toMatchObject({ subscriptionState: 'EXPIRED_TRIAL', userCount: 3, monitoredUserCount: 3 });

      const before = await stored(api());
      const fourth = await register(api(), msp.key, customer.id, 'fourth');
      expect(fourth).toEqual({ monitoredUser: null, userErrors: limitReached });
      expect(await stored(api())).toEqual(before);

      api().clock.advance(60_000);
      const known = await register(api(), msp.key, customer.id, 'USER1');
      expect(known.userErrors).toEqual([]);
      expect(known.monitoredUser).toMatchObject({ identity: 'user1', lastSeenAt: api().clock.now().toISOString() });
      const now = await state(api(), msp, customer);
      expect(now.node).toMatchObject({ userCount: 3, monitoredUserCount: 3 });
      expect(now.msp.expiredTrialMonitoredUsers).toBe(3);
    });

    it('accepts an unmonitored known user of a 5-user expired trial but refuses a new one', async () => {
      api().clock.set(START);
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      const ids: string[] = [];
      for (let i = 1; i <= 5; i++) {
        api().clock.advance(60_000);
        ids.push(await customer.registerUser(`user${i}`));
      }
      api().clock.set(AFTER_TRIAL);

      const before = await stored(api());
      const fresh = await register(api(), msp.key, customer.id, 'newcomer');
      expect(fresh).toEqual({ monitoredUser: null, userErrors: limitReached });
      expect(await stored(api())).toEqual(before);

      const seen = await register(api(), msp.key, customer.id, 'User5');
      expect(seen.userErrors).toEqual([]);
      expect(seen.monitoredUser).toMatchObject({ id: ids[4], identity: 'user5', lastSeenAt: AFTER_TRIAL.toISOString() });
      const now = await state(api(), msp, customer);
      expect(now.node).toMatchObject({ userCount: 5, monitoredUserCount: 3 });
      // Being seen again does not change who is monitored: that goes by first seen.
      expect(now.node.monitoredUsers.nodes.map((u: { monitored: boolean }) => u.monitored)).toEqual([true, true, true, false, false]);
    });

    it('lets exactly 2 of 10 concurrent new identities onto an expired trial with 1 user', async () => {
      api().clock.set(START);
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer({ users: 1 });
      api().clock.set(AFTER_TRIAL);

      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => register(api(), msp.key, customer.id, `racer${i}`)));
      const accepted = results.filter((r) => r.userErrors.length === 0);
      const refused = results.filter((r) => r.userErrors.length > 0);
      expect(accepted).toHaveLength(2);
      expect(refused).toHaveLength(8);
      for (const r of refused) expect(r).toEqual({ monitoredUser: null, userErrors: limitReached });

      const now = await state(api(), msp, customer);
      expect(now.node).toMatchObject({ userCount: 3, monitoredUserCount: 3, monitoredUsers: { totalCount: 3 } });
      expect(now.node.monitoredUsers.nodes.map((u: { identity: string }) => u.identity).sort()).toEqual(
        ['user1', ...accepted.map((r) => r.monitoredUser!.identity)].sort(),
      );
      expect(now.msp.expiredTrialMonitoredUsers).toBe(3);
      const rows = await api().db.dataSource.query('SELECT COUNT(*) AS n FROM monitored_users WHERE account_id = ?', [customer.entity.id]);
      expect(Number(rows[0].n)).toBe(3);
    });

    it('registers one identity sent 6 times at once, in different cases, exactly once', async () => {
      api().clock.set(AFTER_TRIAL);
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      const spellings = ['dup', 'DUP', 'Dup', 'dUp', 'duP', ' dup '];
      const results = await Promise.all(spellings.map((identity) => register(api(), msp.key, customer.id, identity)));
      expect(results.map((r) => r.userErrors)).toEqual(spellings.map(() => []));
      expect(new Set(results.map((r) => r.monitoredUser!.id)).size).toBe(1);
      expect((await state(api(), msp, customer)).node).toMatchObject({ userCount: 1, monitoredUsers: { totalCount: 1 } });
    });

    it('does not cap active trials or paid customers, even past the old trial end', async () => {
      api().clock.set(START);
      const msp = await api().makeMsp();
      const trial = await msp.addCustomer();
      const paid = await msp.addCustomer();
      await paid.makePaid(2);
      for (let i = 1; i <= 6; i++) expect((await register(api(), msp.key, trial.id, `t${i}`)).userErrors).toEqual([]);
      expect((await state(api(), msp, trial)).node).toMatchObject({ subscriptionState: 'ACTIVE_TRIAL', userCount: 6, monitoredUserCount: 6 });

      api().clock.set(AFTER_TRIAL);
      for (let i = 1; i <= 6; i++) expect((await register(api(), msp.key, paid.id, `p${i}`)).userErrors).toEqual([]);
      const now = await state(api(), msp, paid);
      expect(now.node).toMatchObject({ subscriptionState: 'PAID', userCount: 6, monitoredUserCount: 6 });
      // All six listed, every one monitored (a paid plan has no cap).
      expect(now.node.monitoredUsers.nodes).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6'].map((identity) => ({ identity, monitored: true })));
      expect(now.msp).toEqual({ customerCounts: { total: 2 }, billableMonitoredUsers: 6, activeTrialMonitoredUsers: 0, expiredTrialMonitoredUsers: 3 });
      // The trial that expired with 6 refuses a 7th.
      expect(await register(api(), msp.key, trial.id, 't7')).toEqual({ monitoredUser: null, userErrors: limitReached });
    });
  });
});

