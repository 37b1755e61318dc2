import { ApiKeyRole } from '../src/entities';
import { toGlobalId } from '../src/services/global-id';
import { TestApi, TestCustomer, TestMsp, describeEachEngine } from './support/harness';

/** Account numbers are 8 digits: a 7-digit one never exists. */
const NO_SUCH_NUMBER = '1234567';

const CUSTOMER = `query($n: String!) { customer(accountNumber: $n) { id accountNumber organizationName } }`;
const NODE = `query($id: ID!) { node(id: $id) { __typename id
  ... on Msp { accountNumber name }
  ... on CustomerAccount { accountNumber organizationName userCount }
  ... on MonitoredUser { identity monitored } } }`;
const NODES = `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`;
const MSP = `query($n: String) { msp(accountNumber: $n) { accountNumber } }`;
const DASHBOARD = `query($search: String) { msp {
  accountNumber
  customerCounts { paid activeTrials expiredTrials total }
  billableMonitoredUsers activeTrialMonitoredUsers expiredTrialMonitoredUsers
  customers(search: $search, first: 100) {
    totalCount monitoredUserTotal
    nodes { accountNumber organizationName msp { accountNumber } monitoredUsers(first: 5) { totalCount nodes { identity } } }
  }
} }`;
const REGISTER = `mutation($input: RegisterMonitoredUserInput!) { registerMonitoredUser(input: $input) {
  monitoredUser { id identity } userErrors { field message code } } }`;
const REMOVE = `mutation($input: RemoveMonitoredUserInput!) { removeMonitoredUser(input: $input) {
  monitoredUser { id identity } userErrors { field message code } } }`;

describeEachEngine('tenant isolation', (api) => {
  let a: TestMsp;
  let b: TestMsp;
  let aCustomer: TestCustomer;
  let aUserId: string;
  let bCustomer: TestCustomer;
  let bKeys: Array<[string, string]>;
  let staff: string;

  beforeAll(async () => {
    a = await api().makeMsp({ name: 'Alpha IT' });
    b = await api().makeMsp({ name: 'Bravo IT' });
    // The same organization name at both MSPs: allowed, and a search must still see only one.
    aCustomer = await a.addCustomer({ name: 'Shared Name Ltd', email: 'it@shared-a.example', users: 2 });
    aUserId = await aCustomer.registerUser('alice');
    await a.addCustomer({ name: 'Alpha Only Co', email: 'admin@alpha-only.example', users: 1 });
    bCustomer = await b.addCustomer({ name: 'Shared Name Ltd', email: 'it@shared-b.example', users: 1 });
    bKeys = [
      ['MSP_ADMIN', b.key],
      ['MSP_READ', await api().makeKey(ApiKeyRole.MSP_READ, b)],
    ];
    staff = await api().makeKey(ApiKeyRole.STAFF);
  });

  /** The response for `foreign` must equal the one for `missing`, and be that of nothing found. */
  async function sameAsMissing(key: string, query: string, foreign: Record<string, unknown>, missing: Record<string, unknown>) {
    const seen = await api().gql(key, query, foreign);
    const unknown = await api().gql(key, query, missing);
    expect(seen.status).toBe(200);
    expect(seen.body).toEqual(unknown.body);
    return seen.body;
  }

  it("shows MSP A's objects to A and to staff (so the nulls below mean something)", async () => {
    for (const key of [a.key, staff]) {
      expect((await api().ok(key, CUSTOMER, { n: aCustomer.accountNumber })).customer).toMatchObject({ id: aCustomer.id });
      const nodes = await api().ok(key, NODES, { ids: [a.id, aCustomer.id, aUserId] });
      expect(nodes.nodes.map((n: { __typename: string } | null) => n?.__typename)).toEqual(['Msp', 'CustomerAccount', 'MonitoredUser']);
    }
    expect((await api().ok(staff, MSP, { n: a.entity.accountNumber })).msp).toEqual({ accountNumber: a.entity.accountNumber });
  });

  it.each(['MSP_ADMIN', 'MSP_READ'])("gives MSP B's %s key null for every A object, exactly as for one that does not exist", async (role) => {
    const key = bKeys.find(([r]) => r === role)![1];
    expect(await sameAsMissing(key, CUSTOMER, { n: aCustomer.accountNumber }, { n: NO_SUCH_NUMBER })).toEqual({ data: { customer: null } });
    expect(await sameAsMissing(key, MSP, { n: a.entity.accountNumber }, { n: NO_SUCH_NUMBER })).toEqual({ data: { msp: null } });

    const pairs: Array<[string, string]> = [
      [aCustomer.id, toGlobalId('CustomerAccount', NO_SUCH_NUMBER)],
      [a.id, toGlobalId('Msp', NO_SUCH_NUMBER)],
      [aUserId, toGlobalId('MonitoredUser', 2_000_000_000)],
    ];
    for (const [foreign, missing] of pairs) {
      expect(await sameAsMissing(key, NODE, { id: foreign }, { id: missing })).toEqual({ data: { node: null } });
    }
    const foreignIds = pairs.map(([foreign]) => foreign);
    const body = await sameAsMissing(key, NODES, { ids: foreignIds }, { ids: pairs.map(([, missing]) => missing) });
    expect(body).toEqual({ data: { nodes: [null, null, null] } });

    // In one request with B's own objects: B's resolve, A's stay null.
    const mixed = await api().ok(key, NODES, { ids: [b.id, aCustomer.id, bCustomer.id, a.id, aUserId] });
    expect(mixed.nodes).toEqual([
      { __typename: 'Msp', id: b.id },
      null,
      { __typename: 'CustomerAccount', id: bCustomer.id },
      null,
      null,
    ]);
  });

  it.each(['MSP_ADMIN', 'MSP_READ'])("lists and counts only B's customers for B's %s key, whatever it searches", async (role) => {
    const key = bKeys.find(([r]) => r === role)![1];
    const all = await api().ok(key, DASHBOARD, {});
    expect(all.msp).toEqual({
      accountNumber: b.entity.accountNumber,
      customerCounts: { paid: 0, activeTrials: 1, expiredTrials: 0, total: 1 },
      billableMonitoredUsers: 0,
      activeTrialMonitoredUsers: 1,
      expiredTrialMonitoredUsers: 0,
      customers: {
        totalCount: 1,
        monitoredUserTotal: 1,
        nodes: [
          {
            accountNumber: bCustomer.accountNumber,
            organizationName: 'Shared Name Ltd',
            msp: { accountNumber: b.entity.accountNumber },
            monitoredUsers: { totalCount: 1, nodes: [{ identity: 'user1' }] },
          },
        ],
      },
    });
    for (const search of ['shared name', 'it@shared', 'ALPHA']) {
      const found = await api().ok(key, DASHBOARD, { search });
      expect(found.msp.customers.nodes.map((n: { accountNumber: string }) => n.accountNumber)).toEqual(
        search === 'ALPHA' ? [] : [bCustomer.accountNumber],
      );
      expect(found.msp.customers.totalCount).toBe(found.msp.customers.nodes.length);
      expect(found.msp.customers.monitoredUserTotal).toBe(search === 'ALPHA' ? 0 : 1);
    }
    for (const search of [aCustomer.accountNumber, 'shared-a.example', a.entity.accountNumber]) {
      const found = await api().ok(key, DASHBOARD, { search });
      expect(found.msp.customers).toEqual({ totalCount: 0, monitoredUserTotal: 0, nodes: [] });
    }
    // Control: A's own key finds A's customers with the same searches.
    const own = await api().ok(a.key, DASHBOARD, { search: aCustomer.accountNumber });
    expect(own.msp.customers.nodes.map((n: { accountNumber: string }) => n.accountNumber)).toEqual([aCustomer.accountNumber]);
  });

  /** Rows and A's figures that a refused mutation must leave as they were. */
  async function snapshot(api: TestApi) {
    const seen = await api.ok(a.key, `query($n: String!) { customer(accountNumber: $n) { userCount monitoredUsers(first: 100) { nodes { id identity } } }
      msp { activeTrialMonitoredUsers customers { monitoredUserTotal } } }`, { n: aCustomer.accountNumber });
    return { rows: await api.rowCount('monitored_users'), accounts: await api.rowCount('accounts'), seen };
  }

  it("refuses B's mutations on A's ids with NOT_FOUND on the id field, as for unknown ids, changing nothing", async () => {
    const before = await snapshot(api());
    expect(before.seen.customer.userCount).toBe(3);

    const registerBody = await sameAsMissing(
      b.key,
      REGISTER,
      { input: { customerId: aCustomer.id, identity: 'mallory' } },
      { input: { customerId: toGlobalId('CustomerAccount', NO_SUCH_NUMBER), identity: 'mallory' } },
    );
    expect(registerBody).toEqual({
      data: { registerMonitoredUser: { monitoredUser: null, userErrors: [{ field: ['input', 'customerId'], message: expect.any(String), code: 'NOT_FOUND' }] } },
    });
    // Re-registering an identity A already has must not count as "seen" either.
    const seenAgain = await sameAsMissing(
      b.key,
      REGISTER,
      { input: { customerId: aCustomer.id, identity: 'alice', displayName: 'Changed' } },
      { input: { customerId: 'not-an-id', identity: 'alice', displayName: 'Changed' } },
    );
    expect(seenAgain).toEqual(registerBody);

    const removeBody = await sameAsMissing(
      b.key,
      REMOVE,
      { input: { id: aUserId } },
      { input: { id: toGlobalId('MonitoredUser', 2_000_000_000) } },
    );
    expect(removeBody).toEqual({
      data: { removeMonitoredUser: { monitoredUser: null, userErrors: [{ field: ['input', 'id'], message: expect.any(String), code: 'NOT_FOUND' }] } },
    });
    expect((await api().gql(b.key, REMOVE, { input: { id: 'garbage' } })).body).toEqual(removeBody);
    // A's customer id where a user id is expected: the wrong type is an unknown id too.
    expect((await api().gql(b.key, REMOVE, { input: { id: aCustomer.id } })).body).toEqual(removeBody);

    // B's read-only key may not write at all.
    const reader = bKeys.find(([r]) => r === 'MSP_READ')![1];
    for (const [query, variables] of [
      [REGISTER, { input: { customerId: aCustomer.id, identity: 'mallory' } }],
      [REMOVE, { input: { id: aUserId } }],
    ] as const) {
      const response = await api().gql(reader, query, variables);
      expect(response.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    }

    const after = await snapshot(api());
    expect(after).toEqual(before);
    const alice = after.seen.customer.monitoredUsers.nodes.find((u: { identity: string }) => u.identity === 'alice');
    expect(alice).toEqual({ id: aUserId, identity: 'alice' });
    const aliceNode = await api().ok(a.key, NODE, { id: aUserId });
    expect(aliceNode.node).toMatchObject({ identity: 'alice' });
    expect((await api().ok(a.key, `query($id: ID!) { node(id: $id) { ... on MonitoredUser { displayName } } }`, { id: aUserId })).node).toEqual({
      displayName: 'alice',
    });
  });

  it("lets B's admin key change only B's own customers (control for the refusals above)", async () => {
    const added = await api().ok(b.key, REGISTER, { input: { customerId: bCustomer.id, identity: 'bob' } });
    expect(added.registerMonitoredUser.userErrors).toEqual([]);
    const removed = await api().ok(b.key, REMOVE, { input: { id: added.registerMonitoredUser.monitoredUser.id } });
    expect(removed.removeMonitoredUser).toEqual({ monitoredUser: { id: added.registerMonitoredUser.monitoredUser.id, identity: 'bob' }, userErrors: [] });
  });
});
