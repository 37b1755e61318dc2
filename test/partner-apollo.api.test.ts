import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { AddressInfo } from 'node:net';
import { createApolloClient } from '../examples/partner-client/src/apollo';
import { AddCustomer, CustomersPage, DashboardHeader, DashboardTabs } from '../examples/partner-client/src/operations';
import { ENGINES } from './support/engines';
import { TestApi, TestMsp } from './support/harness';

/**
 * The Apollo Client setup the docs recommend (docs/apollo-and-relay.md), run against a real
 * server: the claims partners rely on, each next to what happens without the setting.
 */
describe.each(ENGINES)('Apollo Client with the documented cache setup [%s]', (engine) => {
  let api: TestApi;
  let url: string;
  let warnings: string[];
  let warn: jest.SpyInstance;
  beforeAll(async () => {
    api = await TestApi.start(engine);
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => api.close());
  beforeEach(() => {
    warnings = [];
    warn = jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void warnings.push(args.map(String).join(' ')));
  });
  afterEach(() => warn.mockRestore());

  async function mspWithCustomers(n: number): Promise<TestMsp> {
    const msp = await api.makeMsp();
    for (let i = 0; i < n; i++) await msp.addCustomer({ users: 1 });
    return msp;
  }

  it('two queries selecting different customerCounts fields both stay cached, without a warning', async () => {
    const msp = await mspWithCustomers(2);
    const client = createApolloClient(url, msp.key);
    await client.query({ query: DashboardHeader });
    await client.query({ query: DashboardTabs });
    expect(client.readQuery({ query: DashboardHeader })?.msp?.customerCounts).toEqual({ __typename: 'CustomerCounts', paid: 0, total: 2 });
    expect(client.readQuery({ query: DashboardTabs })?.msp?.customerCounts).toEqual({ __typename: 'CustomerCounts', activeTrials: 2, expiredTrials: 0 });
    expect(warnings.filter((text) => /customerCounts|data may be lost/i.test(text))).toEqual([]);

    // Without the type policy Apollo replaces the object: the first query's fields are gone.
    const bare = new ApolloClient({ cache: new InMemoryCache(), link: new HttpLink({ uri: url, headers: { authorization: `Bearer ${msp.key}` } }) });
    await bare.query({ query: DashboardHeader });
    await bare.query({ query: DashboardTabs });
    expect(bare.readQuery({ query: DashboardHeader })).toBeNull();
  });

  it('pages fetched with fetchMore accumulate in one cached list (edges + relayStylePagination)', async () => {
    const msp = await mspWithCustomers(5);
    const client = createApolloClient(url, msp.key);
    const first = await client.query({ query: CustomersPage, variables: { first: 2, after: null, state: null } });
    const page1 = first.data?.msp?.customers;
    expect(page1?.edges).toHaveLength(2);
    const watch = client.watchQuery({ query: CustomersPage, variables: { first: 2, after: null, state: null } });
    const subscription = watch.subscribe(() => undefined);
    try {
      await watch.fetchMore({ variables: { after: page1?.pageInfo.endCursor } });
    } finally {
      subscription.unsubscribe();
    }
    const more = client.readQuery({ query: CustomersPage, variables: { first: 2, after: null, state: null } });
    expect(more?.msp?.customers.edges).toHaveLength(4);
    const ids = more?.msp?.customers.edges.map((edge) => edge.node.id) ?? [];
    expect(new Set(ids).size).toBe(4);
    expect(more?.msp?.customers.totalCount).toBe(5);
    // Another filter is another list.
    const expired = await client.query({ query: CustomersPage, variables: { first: 2, after: null, state: 'EXPIRED_TRIAL' } });
    expect(expired.data?.msp?.customers.edges).toHaveLength(0);
    expect(client.readQuery({ query: CustomersPage, variables: { first: 2, after: null, state: null } })?.msp?.customers.edges).toHaveLength(4);
  });

  it('addCustomer selecting customer { msp { customerCounts } } updates the cached totals without a refetch', async () => {
    const msp = await mspWithCustomers(1);
    const client = createApolloClient(url, msp.key);
    await client.query({ query: DashboardHeader });
    await client.query({ query: DashboardTabs });
    const result = await client.mutate({ mutation: AddCustomer, variables: { input: { adminEmail: `apollo-${Date.now()}-${engine}@partner.example`, organizationName: `Apollo ${engine}` } } });
    expect(result.data?.addCustomer.userErrors).toEqual([]);
    // Read from the cache only: the mutation's payload is what changed it.
    expect(client.readQuery({ query: DashboardTabs })?.msp?.customerCounts.activeTrials).toBe(2);
    expect(client.readQuery({ query: DashboardHeader })?.msp?.customerCounts.total).toBe(2);
  });
});
