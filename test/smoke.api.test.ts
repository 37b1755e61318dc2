import { describeEachEngine } from './support/harness';

describeEachEngine('smoke', (api) => {
  it('adds a customer and sees it among active trials with the totals', async () => {
    const msp = await api().makeMsp();
    const added = await api().ok(msp.key, `mutation($input: AddCustomerInput!) { addCustomer(input: $input) { customer { organizationName subscriptionState } userErrors { code } } }`, {
      input: { adminEmail: 'Acme@MSP.example', organizationName: 'Acme, Inc' },
    });
    expect(added.addCustomer).toEqual({ customer: { organizationName: 'Acme, Inc', subscriptionState: 'ACTIVE_TRIAL' }, userErrors: [] });
    const data = await api().ok(msp.key, `{ msp { customerCounts { activeTrials total } customers(state: ACTIVE_TRIAL) { totalCount nodes { adminEmail } } } }`);
    expect(data.msp.customerCounts).toEqual({ activeTrials: 1, total: 1 });
    expect(data.msp.customers.nodes).toEqual([{ adminEmail: 'Acme@MSP.example' }]);
  });
});
