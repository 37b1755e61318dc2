import { InjectOptions } from 'fastify';
import { getIntrospectionQuery } from 'graphql';
import { BODY_LIMIT_DEFAULT, LIMIT_DEFAULTS, loadConfig } from '../src/config/config';
import { ENGINES } from './support/engines';
import { TestApi, TestMsp, describeEachEngine } from './support/harness';

interface Raw {
  status: number;
  body: any;
  ms: number;
}

/** POSTs a body (object or raw text) and times the answer. */
async function post(api: TestApi, key: string | null, body: unknown): Promise<Raw> {
  const options: InjectOptions = {
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  };
  const started = performance.now();
  const response = await api.app.inject(options);
  return { status: response.statusCode, body: response.json(), ms: performance.now() - started };
}

function expectRefused(response: Raw, status: number, code: string): Record<string, unknown> {
  expect({ status: response.status, code: response.body.errors?.[0]?.extensions?.code }).toEqual({ status, code });
  // Refused before execution: no data at all, not a null.
  expect(response.body).not.toHaveProperty('data');
  expect(JSON.stringify(response.body)).not.toMatch(/Maximum call stack|RangeError|\bat .+:\d+:\d+/);
  return response.body.errors[0].extensions;
}

/** Finding 1: customers → msp → customers … `levels` connections deep (depth 3 × levels + 2). */
function nestedCustomers(levels: number, first = 20): string {
  let inner = 'name';
  for (let i = 0; i < levels; i++) inner = `customers(first: ${first}) { nodes { msp { ${inner} } } }`;
  return `{ msp { ${inner} } }`;
}

/** `count` aliases of the dashboard's MSP query (the attack's form: `aN: msp(accountNumber: "1") {…}`). */
function aliases(count: number, selection = 'msp(accountNumber: "1") { name }'): string {
  const parts: string[] = [];
  for (let i = 0; i < count; i++) parts.push(`a${i}: ${selection}`);
  return `{ ${parts.join(' ')} }`;
}

/** A chain of `count` fragments, each spreading the next. */
function nestedFragments(count: number): string {
  const parts = ['query { ...F0 }'];
  for (let i = 0; i < count - 1; i++) parts.push(`fragment F${i} on Query { ...F${i + 1} }`);
  parts.push(`fragment F${count - 1} on Query { __typename }`);
  return parts.join('\n');
}

const DASHBOARD = `query Dashboard { msp {
  customerCounts { paid activeTrials expiredTrials total }
  billableMonitoredUsers activeTrialMonitoredUsers expiredTrialMonitoredUsers
  customers(first: 50) { totalCount nodes { id organizationName subscriptionState monitoredUserCount } } } }`;

const heapMb = () => process.memoryUsage().heapUsed / 1_048_576;

describeEachEngine('abuse limits', (api) => {
  let msp: TestMsp;

  beforeAll(async () => {
    msp = await api().makeMsp();
    const customer = await msp.addCustomer({ users: 2 });
    await customer.makePaid(5);
    await msp.addCustomer({ users: 1 });
  });

  describe('document shape (graphql-armor), refused with 400 QUERY_TOO_COMPLEX before anything runs', () => {
    it("refuses finding 1's 20-level query at once, and keeps memory flat over repeats", async () => {
      const query = nestedCustomers(20);
      const before = heapMb();
      const times: number[] = [];
      for (let i = 0; i < 20; i++) {
        const response = await post(api(), msp.key, { query });
        const extensions = expectRefused(response, 400, 'QUERY_TOO_COMPLEX');
        expect(extensions).toMatchObject({ rule: 'depth', limit: 10 });
        times.push(response.ms);
      }
      const grown = heapMb() - before;
      const median = [...times].sort((x, y) => x - y)[10];
      console.log(`finding 1 (depth 20, ${query.length} bytes): refused in ${median.toFixed(1)} ms median, ${Math.max(...times).toFixed(1)} ms at worst of 20, heap ${grown >= 0 ? '+' : ''}${grown.toFixed(1)} MB`);
      expect(Math.max(...times)).toBeLessThan(1000);
      expect(grown).toBeLessThan(64);
      // The server still answers.
      expect((await post(api(), msp.key, { query: '{ msp { name } }' })).status).toBe(200);
    });

    it('serves the dashboard (depth 4) and the deepest list the API has (depth 8)', async () => {
      expect((await post(api(), msp.key, { query: DASHBOARD })).status).toBe(200);
      const deep = `{ msp { customers(first: 5) { edges { node { monitoredUsers(first: 5) { edges { node { identity } } } } } } } }`;
      const response = await post(api(), msp.key, { query: deep });
      expect(response.status).toBe(200);
      expect(response.body.errors).toBeUndefined();
    });

    it('refuses depth 11, 16 aliases and 11 directives, and serves 10, 15 and 10', async () => {
      const eleven = '{ msp { customers(first: 1) { nodes { msp { customers(first: 1) { edges { node { monitoredUsers(first: 1) { edges { node { identity } } } } } } } } } } }';
      expect(expectRefused(await post(api(), msp.key, { query: eleven }), 400, 'QUERY_TOO_COMPLEX')).toMatchObject({ rule: 'depth', limit: 10 });
      const ten = '{ msp { customers(first: 1) { nodes { msp { customers(first: 1) { edges { node { msp { customerCounts { total } } } } } } } } } }';
      expect((await post(api(), msp.key, { query: ten })).status).toBe(200);

      expect(expectRefused(await post(api(), msp.key, { query: aliases(16, 'msp { name }') }), 400, 'QUERY_TOO_COMPLEX')).toMatchObject({ rule: 'aliases', limit: 15 });
      expect((await post(api(), msp.key, { query: aliases(15, 'msp { name }') })).status).toBe(200);

      const directives = (n: number) => `query($t: Boolean = true) { msp { ${Array.from({ length: n }, (_, i) => `n${i}: name @include(if: $t)`).join(' ')} } }`;
      expect(expectRefused(await post(api(), msp.key, { query: directives(11) }), 400, 'QUERY_TOO_COMPLEX')).toMatchObject({ rule: 'directives', limit: 10 });
      expect((await post(api(), msp.key, { query: directives(10) })).status).toBe(200);
    });

    it('refuses a document over 2,000 tokens: the 1,000-alias dashboard', async () => {
      const query = aliases(1000, 'msp { name customerCounts { total } }');
      const response = await post(api(), msp.key, { query });
      expect(expectRefused(response, 400, 'QUERY_TOO_COMPLEX')).toMatchObject({ rule: 'tokens', limit: 2000 });
      console.log(`1,000-alias dashboard (${query.length} bytes): refused in ${response.ms.toFixed(1)} ms`);
      expect(response.ms).toBeLessThan(1000);
    });

    it('refuses the 24,500-alias 1 MB document: 413 at the 100 KB body limit, 400 on the token count when the body limit is raised', async () => {
      const query = aliases(24_500);
      expect(query.length).toBeGreaterThan(900_000);
      const atLimit = await post(api(), msp.key, { query });
      expectRefused(atLimit, 413, 'PAYLOAD_TOO_LARGE');
      console.log(`24,500 aliases (${(query.length / 1_048_576).toFixed(2)} MB), default body limit: 413 in ${atLimit.ms.toFixed(1)} ms`);
      expect(atLimit.ms).toBeLessThan(1000);

      const roomy = await TestApi.start(api().engine, { bodyLimitBytes: 4 * 1_048_576 });
      try {
        const key = (await roomy.makeMsp()).key;
        const before = heapMb();
        const times: number[] = [];
        for (let i = 0; i < 5; i++) {
          const response = await post(roomy, key, { query });
          expect(expectRefused(response, 400, 'QUERY_TOO_COMPLEX')).toMatchObject({ rule: 'tokens' });
          times.push(response.ms);
        }
        const grown = heapMb() - before;
        console.log(`24,500 aliases, 4 MB body limit: 400 in ${Math.max(...times).toFixed(1)} ms at worst of 5, heap ${grown >= 0 ? '+' : ''}${grown.toFixed(1)} MB`);
        expect(Math.max(...times)).toBeLessThan(1000);
        expect(grown).toBeLessThan(64);
      } finally {
        await roomy.close();
      }
    });

    it('answers 10,000 nested fragments cleanly: 413 at the body limit, 400 QUERY_TOO_COMPLEX above it, never a stack overflow', async () => {
      const query = nestedFragments(10_000);
      expectRefused(await post(api(), msp.key, { query }), 413, 'PAYLOAD_TOO_LARGE');
      const roomy = await TestApi.start(api().engine, { bodyLimitBytes: 4 * 1_048_576 });
      try {
        const response = await post(roomy, (await roomy.makeMsp()).key, { query });
        expect(expectRefused(response, 400, 'QUERY_TOO_COMPLEX')).toMatchObject({ rule: 'tokens' });
        console.log(`10,000 nested fragments (${query.length} bytes): 400 in ${response.ms.toFixed(1)} ms`);
      } finally {
        await roomy.close();
      }
      // Within the token limit, armor counts each spread as depth: a chain of 240 is refused on depth, 4 answer.
      expect(expectRefused(await post(api(), msp.key, { query: nestedFragments(240) }), 400, 'QUERY_TOO_COMPLEX')).toMatchObject({ rule: 'depth' });
      expect((await post(api(), msp.key, { query: nestedFragments(4) })).body).toMatchObject({ data: { __typename: 'Query' } });
      const shallow = `query { msp { ...A } } fragment A on Msp { customers(first: 1) { ...B } } fragment B on CustomerAccountConnection { nodes { msp { customers(first: 1) { nodes { msp { customers(first: 1) { nodes { msp { name } } } } } } } } }`;
      expect(expectRefused(await post(api(), msp.key, { query: shallow }), 400, 'QUERY_TOO_COMPLEX')).toMatchObject({ rule: 'depth' });
    });

    it('lets the standard introspection query through (partners generate clients from it)', async () => {
      const response = await post(api(), msp.key, { query: getIntrospectionQuery() });
      expect(response.status).toBe(200);
      expect(response.body.data.__schema.queryType.name).toBe('Query');
    });
  });

  describe('query cost (one estimator for the cap and the budget)', () => {
    it('charges 0 per scalar, 1 per object and first × node + 1 per connection, and reports it', async () => {
      const cases: Array<[string, number]> = [
        ['{ msp { name } }', 1],
        ['{ msp { name customerCounts { total } } }', 2],
        ['{ msp { customers { totalCount } } }', 1 + 1], // no node selected: 20 × 0 + 1
        ['{ msp { customers(first: 50) { nodes { name: organizationName } } } }', 1 + 50 * 1 + 1],
        ['{ msp { customers(last: 3) { nodes { monitoredUsers(first: 10) { nodes { identity } } } } } }', 1 + 3 * (1 + (10 * 1 + 1)) + 1],
        [DASHBOARD, 1 + 1 + (50 * 1 + 1)],
      ];
      for (const [query, cost] of cases) {
        const response = await api().gql(msp.key, query);
        expect({ query, status: response.status, cost: response.extensions?.cost?.requestedQueryCost }).toEqual({ query, status: 200, cost });
      }
    });

    it('refuses finding 1 within the depth limit (two levels, pages of 50) on its cost, with the cost and the limit', async () => {
      const response = await post(api(), msp.key, { query: nestedCustomers(2, 50) });
      const extensions = expectRefused(response, 400, 'QUERY_TOO_COMPLEX');
      expect(extensions).toMatchObject({ rule: 'cost', limit: LIMIT_DEFAULTS.maxQueryCost, cost: 1 + 50 * (1 + 1 + (50 * (1 + 1) + 1)) + 1 });
      expect(response.body.errors[0].message).toMatch(/costs \d+, above MAX_QUERY_COST of 1000/);
      expect(response.ms).toBeLessThan(1000);
    });

    it('prices pages asked through variables and nodes(ids) by their size', async () => {
      const query = 'query($n: Int) { msp { customers(first: $n) { nodes { monitoredUsers(first: $n) { nodes { identity } } } } } }';
      expect((await api().gql(msp.key, query, { n: 20 })).extensions?.cost?.requestedQueryCost).toBe(1 + 20 * (1 + 21) + 1);
      expect(expectRefused(await post(api(), msp.key, { query, variables: { n: 100 } }), 400, 'QUERY_TOO_COMPLEX')).toMatchObject({ cost: 1 + 100 * 102 + 1 });
      const ids = Array(60).fill(msp.id);
      const nodes = 'query($ids: [ID!]!) { nodes(ids: $ids) { ... on Msp { customers(first: 20) { nodes { id } } } } }';
      expect(expectRefused(await post(api(), msp.key, { query: nodes, variables: { ids } }), 400, 'QUERY_TOO_COMPLEX')).toMatchObject({ cost: 60 * 21 + 1 });
    });
  });

  describe('argument ranges: 400 BAD_USER_INPUT before execution', () => {
    it('refuses first: 500 inside msp.customers without blanking the rest of the dashboard', async () => {
      const response = await post(api(), msp.key, { query: '{ msp { customerCounts { total } customers(first: 500) { totalCount } } }' });
      expectRefused(response, 400, 'BAD_USER_INPUT');
      expect(response.body.errors[0].message).toBe('`first` must be from 1 to 100.');
    });

    it('refuses literal and variable page sizes out of 1..100, first with last, and lists over 100 items', async () => {
      const literal = [
        ['{ msp { customers(first: 0) { totalCount } } }', '`first` must be from 1 to 100.'],
        ['{ msp { customers(last: 101) { totalCount } } }', '`last` must be from 1 to 100.'],
        ['{ msp { customers(first: 5, last: 5) { totalCount } } }', 'Pass `first` or `last`, not both.'],
        [`{ nodes(ids: [${Array(101).fill('"x"').join(',')}]) { id } }`, '`ids` takes at most 100 items.'],
      ];
      for (const [query, message] of literal) {
        const response = await post(api(), msp.key, { query });
        expectRefused(response, 400, 'BAD_USER_INPUT');
        expect(response.body.errors[0].message).toBe(message);
      }
      const variables: Array<[string, Record<string, unknown>, string]> = [
        ['query($n: Int) { msp { customers(first: $n) { totalCount } } }', { n: 500 }, '`first` must be from 1 to 100.'],
        ['query($n: Int) { msp { customers(last: $n) { totalCount } } }', { n: 0 }, '`last` must be from 1 to 100.'],
        ['query($a: Int, $b: Int) { msp { customers(first: $a, last: $b) { totalCount } } }', { a: 1, b: 1 }, 'Pass `first` or `last`, not both.'],
        ['query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: Array(101).fill('x') }, '`ids` takes at most 100 items.'],
      ];
      for (const [query, values, message] of variables) {
        const response = await post(api(), msp.key, { query, variables: values });
        expectRefused(response, 400, 'BAD_USER_INPUT');
        expect(response.body.errors[0].message).toBe(message);
      }
      // 100 is fine.
      expect((await post(api(), msp.key, { query: 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }', variables: { ids: Array(100).fill(msp.id) } })).status).toBe(200);
    });
  });

  describe('requests', () => {
    it(`refuses a body over ${BODY_LIMIT_DEFAULT} bytes (100 KB) with 413 PAYLOAD_TOO_LARGE, and serves one just under`, async () => {
      const padding = (size: number) => JSON.stringify({ query: '{ msp { name } }', variables: { pad: 'x'.repeat(size) } });
      const over = padding(BODY_LIMIT_DEFAULT);
      expect(over.length).toBeGreaterThan(BODY_LIMIT_DEFAULT);
      expectRefused(await post(api(), msp.key, over), 413, 'PAYLOAD_TOO_LARGE');
      const under = padding(BODY_LIMIT_DEFAULT - 200);
      expect(under.length).toBeLessThanOrEqual(BODY_LIMIT_DEFAULT);
      expect((await post(api(), msp.key, under)).status).toBe(200);
    });
  });
});

describe.each(ENGINES.filter((e) => e === 'sqlite'))('production mode and introspection [%s]', (engine) => {
  let production: TestApi;
  let development: TestApi;
  let closed: TestApi;

  beforeAll(async () => {
    production = await TestApi.start(engine, { production: true });
    development = await TestApi.start(engine);
    closed = await TestApi.start(engine, { introspection: false });
  });

  afterAll(async () => {
    await production?.close();
    await development?.close();
    await closed?.close();
  });

  const ADD = 'mutation($input: AddCustomerInput!) { addCustomer(input: $input) { userErrors { code } } }';
  const STATE = 'query($s: SubscriptionState) { msp { customers(state: $s) { totalCount } } }';
  const misspelled: Array<[string, string, Record<string, unknown> | undefined]> = [
    ['a field in a query', '{ msp { nam } }', undefined],
    ['an input field in variables', ADD, { input: { adminEmal: 'x@example.com', organizationName: 'X' } }],
    ['an enum value in variables', STATE, { s: 'PAIDD' }],
    ['an enum value in a query', '{ msp { customers(state: PAIDD) { totalCount } } }', undefined],
    ['an argument in a query', '{ msp { customers(frist: 2) { totalCount } } }', undefined],
  ];

  it.each(misspelled)('in production, suggests no name for a misspelled %s (development does)', async (_what, query, variables) => {
    const prodKey = (await production.makeMsp()).key;
    const devKey = (await development.makeMsp()).key;
    const prod = await post(production, prodKey, { query, variables });
    const dev = await post(development, devKey, { query, variables });
    expect(prod.status).toBe(400);
    expect(JSON.stringify(prod.body)).not.toMatch(/Did you mean|\[Suggestion hidden\]/);
    expect(JSON.stringify(prod.body)).not.toMatch(/adminEmail"|"PAID"|"name"|"first"/);
    expect(dev.status).toBe(400);
    expect(JSON.stringify(dev.body)).toMatch(/Did you mean/);
  });

  it('answers introspection by default and refuses it with INTROSPECTION=false', async () => {
    const query = '{ __schema { queryType { name } } }';
    expect((await post(development, (await development.makeMsp()).key, { query })).body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const refused = await post(closed, (await closed.makeMsp()).key, { query });
    expectRefused(refused, 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(loadConfig({ DATA_DIR: '/tmp/unused', ACCESS_TOKEN_SECRET: 'x'.repeat(32) }).introspection).toBe(true);
    expect(loadConfig({ DATA_DIR: '/tmp/unused', ACCESS_TOKEN_SECRET: 'x'.repeat(32), INTROSPECTION: 'false' }).introspection).toBe(false);
  });

  it('reads the limits from the environment, with the documented defaults', () => {
    const base = { DATA_DIR: '/tmp/unused', ACCESS_TOKEN_SECRET: 'x'.repeat(32) };
    const defaults = loadConfig(base);
    expect({ body: defaults.bodyLimitBytes, ...defaults.limits }).toEqual({
      body: 102_400,
      maxQueryCost: 1000,
      rateLimitPoints: 2000,
      rateLimitWindowS: 20,
      maxInFlightPerKey: 8,
      redisUrl: undefined,
    });
    const set = loadConfig({ ...base, MAX_QUERY_COST: '500', RATE_LIMIT_POINTS: '900', RATE_LIMIT_WINDOW_S: '60', MAX_IN_FLIGHT_PER_KEY: '3', REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(set.limits).toEqual({ maxQueryCost: 500, rateLimitPoints: 900, rateLimitWindowS: 60, maxInFlightPerKey: 3, redisUrl: 'redis://127.0.0.1:6379' });
    expect(() => loadConfig({ ...base, MAX_IN_FLIGHT_PER_KEY: '0' })).toThrow(/MAX_IN_FLIGHT_PER_KEY/);
    expect(() => loadConfig({ ...base, REDIS_URL: 'http://x' })).toThrow(/REDIS_URL/);
  });
});
