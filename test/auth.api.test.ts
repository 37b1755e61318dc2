import { ApiKeyRole } from '../src/entities';
import { GqlResponse, START, TestApi, TestMsp, describeEachEngine } from './support/harness';

const MSP_QUERY = `{ msp { name customerCounts { total } } }`;
const ADD_CUSTOMER = `mutation($input: AddCustomerInput!) { addCustomer(input: $input) { customer { accountNumber } userErrors { code } } }`;

/** The prefix of a full key `cc_<prefix>_<secret>`. */
const prefixOf = (key: string) => key.split('_')[1];
/** The secret part of a full key. */
const secretOf = (key: string) => key.split('_')[2];

/** A POST to /graphql with a raw Authorization header (or none), as any client could send. */
async function postWithHeader(api: TestApi, authorization: string | undefined, query: string, variables?: Record<string, unknown>) {
  const response = await api.app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
    payload: JSON.stringify({ query, variables }),
  });
  return { status: response.statusCode, headers: response.headers, text: response.body, body: response.json() as GqlResponse['body'] };
}

/** `last_used_at` of a key as an instant; SQLite hands back TypeORM's UTC text, MySQL a Date. */
async function lastUsedAt(api: TestApi, key: string): Promise<Date | null> {
  const rows: Array<{ last_used_at: string | Date | null }> = await api.db.dataSource.query('SELECT last_used_at FROM api_keys WHERE prefix = ?', [prefixOf(key)]);
  const value = rows[0].last_used_at;
  if (value === null) return null;
  return value instanceof Date ? value : new Date(`${value.replace(' ', 'T')}Z`);
}

function expectForbidden(response: GqlResponse) {
  expect(response.status).toBe(200);
  expect(response.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  expect(JSON.stringify(response.body)).not.toContain('UNAUTHORIZED');
}

describeEachEngine('authentication', (api) => {
  let msp: TestMsp;
  let wrongSecret: string;
  let revoked: string;

  beforeAll(async () => {
    msp = await api().makeMsp();
    wrongSecret = `cc_${prefixOf(msp.key)}_${'A'.repeat(32)}`;
    revoked = await api().makeKey(ApiKeyRole.MSP_ADMIN, msp);
    await api().services.apiKeys.revokeByPrefix(prefixOf(revoked));
  });

  const badCredentials: Array<[string, () => string | undefined]> = [
    ['no Authorization header', () => undefined],
    ['an empty Authorization header', () => ''],
    ['a malformed header (no scheme)', () => msp.key],
    ['a malformed key', () => 'Bearer cc_short_key'],
    ['a Bearer scheme with nothing after it', () => 'Bearer'],
    ['Basic credentials', () => `Basic ${Buffer.from(`user:${msp.key}`).toString('base64')}`],
    ['a well-formed key with an unknown prefix', () => `Bearer cc_Zz9Zz9Zz_${'b'.repeat(32)}`],
    ['a known prefix with the wrong secret', () => `Bearer ${wrongSecret}`],
    ['a revoked key', () => `Bearer ${revoked}`],
  ];

  it.each(badCredentials)('answers a query with %s: HTTP 401 UNAUTHENTICATED, no data', async (_case, header) => {
    const response = await postWithHeader(api(), header(), MSP_QUERY);
    expect(response.status).toBe(401);
    expect(response.body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(response.body.data).toBeUndefined();
    expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it.each(badCredentials)('refuses a mutation with %s and writes nothing', async (_case, header) => {
    const accounts = await api().rowCount('accounts');
    const idempotencyKeys = await api().rowCount('idempotency_keys');
    const used = await lastUsedAt(api(), msp.key);
    const response = await postWithHeader(api(), header(), ADD_CUSTOMER, {
      input: { adminEmail: 'intruder@example.com', organizationName: 'Intruder', idempotencyKey: 'intruder' },
    });
    expect(response.status).toBe(401);
    expect(response.body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(response.body.data).toBeUndefined();
    expect(await api().rowCount('accounts')).toBe(accounts);
    expect(await api().rowCount('idempotency_keys')).toBe(idempotencyKeys);
    expect(await lastUsedAt(api(), msp.key)).toEqual(used);
  });

  it('serves a valid key, whatever the case of the Bearer scheme', async () => {
    for (const scheme of ['Bearer', 'bearer']) {
      const response = await postWithHeader(api(), `${scheme} ${msp.key}`, MSP_QUERY);
      expect(response.status).toBe(200);
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data).toEqual({ msp: { name: msp.entity.name, customerCounts: { total: 0 } } });
    }
  });

  it('stops serving a key once it is revoked', async () => {
    const key = await api().makeKey(ApiKeyRole.MSP_READ, msp);
    expect((await api().gql(key, MSP_QUERY)).status).toBe(200);
    await api().services.apiKeys.revokeByPrefix(prefixOf(key));
    const response = await api().gql(key, MSP_QUERY);
    expect(response.status).toBe(401);
    expect(response.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('never shows a key secret in a response, neither on success nor on failure', async () => {
    const responses = [
      await postWithHeader(api(), `Bearer ${msp.key}`, `{ msp { id accountNumber name adminEmail } }`),
      await postWithHeader(api(), `Bearer ${msp.key}`, `{ msps(first: 1) { totalCount } }`),
      await postWithHeader(api(), `Bearer ${msp.key}`, `{ msp { nope } }`),
      await postWithHeader(api(), `Bearer ${wrongSecret}`, MSP_QUERY),
      await postWithHeader(api(), `Bearer ${revoked}`, MSP_QUERY),
      await postWithHeader(api(), msp.key, MSP_QUERY),
    ];
    for (const response of responses) {
      const everything = response.text + JSON.stringify(response.headers);
      for (const key of [msp.key, wrongSecret, revoked]) expect(everything).not.toContain(secretOf(key));
    }
  });

  it('records when a key was last used at most once a minute', async () => {
    const key = await api().makeKey(ApiKeyRole.MSP_READ, msp);
    const t0 = new Date(START.getTime() + 100 * 24 * 3_600_000);
    api().clock.set(t0);
    expect(await lastUsedAt(api(), key)).toBeNull();

    await api().ok(key, MSP_QUERY);
    expect(await lastUsedAt(api(), key)).toEqual(t0);

    api().clock.advance(59_000);
    await api().ok(key, MSP_QUERY);
    await api().ok(key, MSP_QUERY);
    expect(await lastUsedAt(api(), key)).toEqual(t0);

    api().clock.advance(1_000);
    const t1 = api().clock.now();
    await api().ok(key, MSP_QUERY);
    expect(await lastUsedAt(api(), key)).toEqual(t1);

    api().clock.advance(30_000);
    await api().ok(key, MSP_QUERY);
    expect(await lastUsedAt(api(), key)).toEqual(t1);
  });

  it('counts one statement per request for a key used within the minute (no write)', async () => {
    const key = await api().makeKey(ApiKeyRole.MSP_READ, msp);
    await api().ok(key, `{ __typename }`);
    const { statements } = await api().countStatements(() => api().ok(key, `{ __typename }`));
    expect(statements).toBe(1);
  });
});

describeEachEngine('roles', (api) => {
  let msp: TestMsp;
  let other: TestMsp;
  let customerId: string;
  let customerNumber: string;
  let userId: string;
  let readKey: string;
  let staffKey: string;
  let appKey: string;

  beforeAll(async () => {
    msp = await api().makeMsp({ name: 'Roles MSP' });
    other = await api().makeMsp({ name: 'Other MSP' });
    const customer = await msp.addCustomer({ name: 'Roles Customer', users: 2 });
    customerId = customer.id;
    customerNumber = customer.accountNumber;
    userId = await customer.registerUser('user3');
    readKey = await api().makeKey(ApiKeyRole.MSP_READ, msp);
    staffKey = await api().makeKey(ApiKeyRole.STAFF);
    appKey = await api().makeKey(ApiKeyRole.APP);
  });

  const reads = () => ({
    msp: { query: `{ msp { accountNumber customers { totalCount } } }`, data: { msp: { accountNumber: msp.entity.accountNumber, customers: { totalCount: 1 } } } },
    customer: { query: `query($n: String!) { customer(accountNumber: $n) { id } }`, variables: { n: customerNumber }, data: { customer: { id: customerId } } },
    node: { query: `query($id: ID!) { node(id: $id) { id } }`, variables: { id: customerId }, data: { node: { id: customerId } } },
    nodes: { query: `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, variables: { ids: [customerId, userId] }, data: { nodes: [{ id: customerId }, { id: userId }] } },
  });

  const writes = () => ({
    addCustomer: { query: ADD_CUSTOMER, variables: { input: { adminEmail: 'role-check@example.com', organizationName: 'Role Check' } } },
    registerMonitoredUser: {
      query: `mutation($input: RegisterMonitoredUserInput!) { registerMonitoredUser(input: $input) { monitoredUser { id } userErrors { code } } }`,
      variables: { input: { customerId, identity: 'role-check' } },
    },
    removeMonitoredUser: {
      query: `mutation($input: RemoveMonitoredUserInput!) { removeMonitoredUser(input: $input) { monitoredUser { id } userErrors { code } } }`,
      variables: { input: { id: userId } },
    },
    checkAdminEmailAvailability: {
      query: `query($email: String!) { checkAdminEmailAvailability(email: $email) { available reason } }`,
      variables: { email: 'free@example.com' },
    },
  });

  const msps = { query: `{ msps(first: 100) { totalCount nodes { accountNumber } } }` };

  describe('MSP_READ', () => {
    it.each(['msp', 'customer', 'node', 'nodes'] as const)('reads %s', async (name) => {
      const read = reads()[name];
      expect(await api().ok(readKey, read.query, 'variables' in read ? read.variables : undefined)).toEqual(read.data);
    });

    it.each(['addCustomer', 'registerMonitoredUser', 'removeMonitoredUser', 'checkAdminEmailAvailability'] as const)(
      'is FORBIDDEN %s, and nothing is written',
      async (name) => {
        const before = [await api().rowCount('accounts'), await api().rowCount('monitored_users')];
        const write = writes()[name];
        const response = await api().gql(readKey, write.query, write.variables);
        expectForbidden(response);
        expect([await api().rowCount('accounts'), await api().rowCount('monitored_users')]).toEqual(before);
      },
    );

    it('is FORBIDDEN msps', async () => {
      expectForbidden(await api().gql(readKey, msps.query));
    });
  });

  describe('MSP_ADMIN', () => {
    it.each(['msp', 'customer', 'node', 'nodes'] as const)('reads %s', async (name) => {
      const read = reads()[name];
      expect(await api().ok(msp.key, read.query, 'variables' in read ? read.variables : undefined)).toEqual(read.data);
    });

    it('checks email availability', async () => {
      const check = writes().checkAdminEmailAvailability;
      expect(await api().ok(msp.key, check.query, check.variables)).toEqual({ checkAdminEmailAvailability: { available: true, reason: null } });
    });

    it('adds a customer, registers and removes a monitored user', async () => {
      // An MSP of its own: the shared fixture's counts stay as the read tests expect them.
      const writer = await api().makeMsp();
      const added = await api().ok(writer.key, ADD_CUSTOMER, { input: { adminEmail: 'admin-role@example.com', organizationName: 'Admin Role Co' } });
      expect(added.addCustomer.userErrors).toEqual([]);
      const { addCustomer } = added;
      const newCustomerId = (await api().ok(writer.key, `query($n: String!) { customer(accountNumber: $n) { id } }`, { n: addCustomer.customer.accountNumber })).customer.id;
      const registered = await api().ok(writer.key, writes().registerMonitoredUser.query, { input: { customerId: newCustomerId, identity: 'someone' } });
      expect(registered.registerMonitoredUser.userErrors).toEqual([]);
      const removed = await api().ok(writer.key, writes().removeMonitoredUser.query, { input: { id: registered.registerMonitoredUser.monitoredUser.id } });
      expect(removed.removeMonitoredUser).toEqual({ monitoredUser: { id: registered.registerMonitoredUser.monitoredUser.id }, userErrors: [] });
    });

    it('is FORBIDDEN msps (staff only)', async () => {
      expectForbidden(await api().gql(msp.key, msps.query));
    });
  });

  describe('STAFF', () => {
    it('reads any MSP by account number', async () => {
      for (const target of [msp, other]) {
        const data = await api().ok(staffKey, `query($n: String) { msp(accountNumber: $n) { accountNumber name } }`, { n: target.entity.accountNumber });
        expect(data.msp).toEqual({ accountNumber: target.entity.accountNumber, name: target.entity.name });
      }
      const customers = await api().ok(staffKey, `query($n: String) { msp(accountNumber: $n) { customers { nodes { id } } } }`, { n: msp.entity.accountNumber });
      expect(customers.msp.customers.nodes).toContainEqual({ id: customerId });
    });

    it('gets null for an account number that is no MSP', async () => {
      const data = await api().ok(staffKey, `query($n: String) { msp(accountNumber: $n) { name } }`, { n: customerNumber });
      expect(data.msp).toBeNull();
    });

    it('must name the MSP: BAD_USER_INPUT without accountNumber', async () => {
      const response = await api().gql(staffKey, `{ msp { name } }`);
      expect(response.status).toBe(200);
      expect(response.body.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      expect(response.body.errors?.[0].message).toContain('accountNumber');
      expect(response.body.data).toEqual({ msp: null });
    });

    it('lists every MSP through msps', async () => {
      const data = await api().ok(staffKey, msps.query);
      const numbers = data.msps.nodes.map((n: { accountNumber: string }) => n.accountNumber);
      // The suite's own database: exactly the MSPs its fixture and tests made.
      const made = (await api().db.dataSource.query(`SELECT account_number AS n FROM accounts WHERE kind = 'MSP'`)) as Array<{ n: string }>;
      expect(made.map((r) => r.n)).toEqual(expect.arrayContaining([msp.entity.accountNumber, other.entity.accountNumber]));
      expect([...numbers].sort()).toEqual(made.map((r) => r.n).sort());
      expect(data.msps.totalCount).toBe(made.length);
    });

    it('reads any customer by global id', async () => {
      expect(await api().ok(staffKey, reads().node.query, reads().node.variables)).toEqual(reads().node.data);
    });
  });

  describe('APP', () => {
    const everything = () => ({ ...reads(), ...writes(), msps });
    it.each(['msp', 'customer', 'node', 'nodes', 'msps', 'addCustomer', 'registerMonitoredUser', 'removeMonitoredUser', 'checkAdminEmailAvailability'] as const)(
      'is FORBIDDEN %s',
      async (name) => {
        const before = [await api().rowCount('accounts'), await api().rowCount('monitored_users')];
        const operation = everything()[name];
        const response = await api().gql(appKey, operation.query, 'variables' in operation ? operation.variables : undefined);
        expectForbidden(response);
        expect([await api().rowCount('accounts'), await api().rowCount('monitored_users')]).toEqual(before);
      },
    );
  });

  describe('an MSP key naming another MSP', () => {
    it('gets null, for MSP_ADMIN and MSP_READ alike', async () => {
      for (const key of [msp.key, readKey]) {
        const data = await api().ok(key, `query($n: String) { msp(accountNumber: $n) { name } }`, { n: other.entity.accountNumber });
        expect(data.msp).toBeNull();
      }
    });
  });
});
