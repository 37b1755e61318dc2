import { apiSchema } from '../src/graphql/schema';
import { describeEachEngine } from './support/harness';

/**
 * Apollo wraps every field's resolver, and calls every plugin's `willResolveField` on every
 * field of every answer, as soon as one plugin has that hook (its default cache-control plugin
 * does). Nothing here uses per-field hooks, so the schema must stay unwrapped: Apollo marks a
 * wrapped schema with the symbol it checks before wrapping (utils/schemaInstrumentation.js).
 */
describeEachEngine('per-field plugin hooks', (api) => {
  it('are off: answering a list leaves the schema\'s resolvers unwrapped', async () => {
    const msp = await api().makeMsp();
    await msp.addCustomer({ users: 1 });
    const data = await api().ok(msp.key, `{ msp { customers(first: 10) { nodes { id organizationName } } } }`);
    expect(data.msp.customers.nodes).toHaveLength(1);
    const marks = Object.getOwnPropertySymbols(apiSchema()).map((symbol) => symbol.description);
    expect(marks).not.toContain('apolloServerPluginsEnabled');
  });
});
