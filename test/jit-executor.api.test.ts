import { FastifyInstance } from 'fastify';
import { BODY_LIMIT_DEFAULT } from '../src/config/config';
import { JitExecutor } from '../src/graphql/jit-executor';
import { buildApp } from '../src/http/app';
import { DAY_MS } from '../src/services/clock';
import { START, TestMsp, describeEachEngine } from './support/harness';

const DASHBOARD = `query Dashboard($state: SubscriptionState, $first: Int, $after: String) {
  msp {
    __typename id name
    customerCounts { paid activeTrials expiredTrials total }
    billableMonitoredUsers activeTrialMonitoredUsers expiredTrialMonitoredUsers
    customers(state: $state, first: $first, after: $after) {
      totalCount monitoredUserTotal
      pageInfo { startCursor endCursor hasNextPage hasPreviousPage }
      edges { cursor node { id accountNumber organizationName subscriptionState plan trialEndsAt trialDaysRemaining
        licensedSeats seatOverage userCount monitoredUserCount monitoredUserLimit createdAt removedAt adminEmailVerified } }
    }
  }
}`;

/** What may differ between two servers answering the same request: the request id, and each one's own rate-limit budget. */
function comparable(body: string): unknown {
  const parsed = JSON.parse(body);
  for (const error of parsed.errors ?? []) delete error.extensions?.requestId;
  delete parsed.extensions?.cost?.throttleStatus;
  return parsed;
}

/**
 * graphql-jit executes queries; the answers must be the ones graphql-js gives, data and errors
 * alike. Every request below goes to two apps on the same services and database, one with each
 * executor, and the two responses must be equal (status and body).
 */
describeEachEngine('the graphql-jit executor', (api) => {
  let interpreted: FastifyInstance;
  let msp: TestMsp;
  let other: TestMsp;
  let ids: { paid: string; trial: string; expired: string; user: string; otherCustomer: string };

  beforeAll(async () => {
    interpreted = await buildApp({
      services: api().services,
      production: false,
      introspection: true,
      requestTimeoutMs: 10_000,
      bodyLimitBytes: BODY_LIMIT_DEFAULT,
      logger: false,
      limits: { rateLimitPoints: 100_000_000, maxInFlightPerKey: 10_000 },
      executor: 'graphql-js',
    });
    msp = await api().makeMsp();
    other = await api().makeMsp();
    // Added 30 days ago: its trial has ended by START, the instant every test runs at.
    api().clock.set(new Date(START.getTime() - 30 * DAY_MS));
    const expired = await msp.addCustomer({ name: 'Expired Co', users: 5 });
    api().clock.set(START);
    const paid = await msp.addCustomer({ name: 'Paid Co', users: 4 });
    await paid.makePaid(2);
    const trial = await msp.addCustomer({ name: 'Trial Co', users: 2 });
    for (let i = 0; i < 4; i++) await msp.addCustomer({ name: `Filler ${i}` });
    const user = await trial.registerUser('someone');
    const foreign = await other.addCustomer({ name: 'Not Yours' });
    ids = { paid: paid.id, trial: trial.id, expired: expired.id, user, otherCustomer: foreign.id };
  });

  afterAll(async () => {
    await interpreted?.close();
  });

  async function expectSameAnswer(key: string, query: string, variables?: Record<string, unknown>, operationName?: string) {
    const request = {
      method: 'POST' as const,
      url: '/graphql',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ query, variables, operationName }),
    };
    const [jit, js] = await Promise.all([api().app.inject(request), interpreted.inject(request)]);
    expect({ status: jit.statusCode, body: comparable(jit.body) }).toEqual({ status: js.statusCode, body: comparable(js.body) });
    return JSON.parse(jit.body);
  }

  it('compiles queries, and answers the dashboard, its pages and tabs as graphql-js does', async () => {
    const compile = jest.spyOn(JitExecutor.prototype as unknown as { compile: () => unknown }, 'compile');
    const first = await expectSameAnswer(msp.key, DASHBOARD, { first: 3 });
    expect(compile).toHaveBeenCalled();
    expect(first.data.msp.customerCounts).toEqual({ paid: 1, activeTrials: 5, expiredTrials: 1, total: 7 });
    expect(first.data.msp.customers.edges).toHaveLength(3);
    await expectSameAnswer(msp.key, DASHBOARD, { first: 3, after: first.data.msp.customers.pageInfo.endCursor });
    for (const state of ['PAID', 'ACTIVE_TRIAL', 'EXPIRED_TRIAL']) await expectSameAnswer(msp.key, DASHBOARD, { state, first: 10 });
  });

  it('answers fragments, aliases, directives and abstract types alike', async () => {
    const query = `query Q($with: Boolean!, $ids: [ID!]!) {
      a: node(id: "${ids.trial}") { __typename id ...Customer }
      b: nodes(ids: $ids) { __typename id ... on MonitoredUser { identity monitored } ...Customer }
      m: msp { name @include(if: $with) id @skip(if: $with) }
    }
    fragment Customer on CustomerAccount { organizationName monitoredUsers(first: 10) { totalCount nodes { identity monitored } } }`;
    const answer = await expectSameAnswer(msp.key, query, { with: true, ids: [ids.paid, ids.expired, ids.user, ids.otherCustomer, 'bogus'] });
    expect(answer.data.b.map((n: { __typename: string } | null) => n?.__typename ?? null)).toEqual(['CustomerAccount', 'CustomerAccount', 'MonitoredUser', null, null]);
    await expectSameAnswer(msp.key, query, { with: false, ids: [ids.trial] });
  });

  it('answers errors alike: a refused field, a bad cursor, bad variables, an unknown operation', async () => {
    const refused = await expectSameAnswer(msp.key, `{ customer(accountNumber: "none") { id } msp { customers(first: 2) { nodes { organizationName removalReason } } } }`);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await expectSameAnswer(msp.key, DASHBOARD, { first: 3, after: 'not-a-cursor' });
    await expectSameAnswer(msp.key, DASHBOARD, { first: 'three' });
    await expectSameAnswer(msp.key, `query A { msp { id } } query B { msp { name } }`, undefined, 'B');
    await expectSameAnswer(msp.key, `query A { msp { id } } query B { msp { name } }`, undefined, 'C');
  });

  it('uses the default of an omitted non-null variable, as graphql-js does', async () => {
    const answer = await expectSameAnswer(msp.key, `query Q($first: Int! = 2, $state: SubscriptionState! = ACTIVE_TRIAL) {
      msp { customers(first: $first, state: $state) { totalCount nodes { subscriptionState } } } }`);
    expect(answer.data.msp.customers.nodes).toEqual([{ subscriptionState: 'ACTIVE_TRIAL' }, { subscriptionState: 'ACTIVE_TRIAL' }]);
    await expectSameAnswer(msp.key, `query Q($first: Int = 2) { msp { customers(first: $first) { nodes { id } } } }`);
  });

  it("keeps each MSP to its own customers, and leaves introspection and mutations to graphql-js's execute", async () => {
    const foreign = await expectSameAnswer(other.key, `{ node(id: "${ids.paid}") { id } msp { customers { totalCount } } }`);
    expect(foreign.data).toEqual({ node: null, msp: { customers: { totalCount: 1 } } });
    const compile = jest.spyOn(JitExecutor.prototype as unknown as { compile: () => unknown }, 'compile');
    await expectSameAnswer(msp.key, `{ __schema { queryType { name } } __type(name: "Msp") { name } }`);
    const third = await api().makeMsp();
    const added = await api().gql(third.key, `mutation { addCustomer(input: { organizationName: "Jit Co", adminEmail: "jit@example.com" }) { customer { organizationName } userErrors { code } } }`);
    expect(added.body.data.addCustomer).toEqual({ customer: { organizationName: 'Jit Co' }, userErrors: [] });
    expect(compile).not.toHaveBeenCalled();
  });
});
