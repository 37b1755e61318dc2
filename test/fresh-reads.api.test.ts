import { ApiKeyRole } from '../src/entities';
import { DAY_MS } from '../src/services/clock';
import { START, TestMsp, describeEachEngine } from './support/harness';

/**
 * Root mutation fields run one after another, and each one's payload is read after its change:
 * a later mutation in the same document must never answer from what an earlier one's payload
 * cached (DataLoaders live per request).
 */
describeEachEngine('fresh reads after each mutation in one document', (api) => {
  let staff: string;
  let serial = 0;
  const tag = () => `f${++serial}`;

  beforeAll(async () => {
    staff = await api().makeKey(ApiKeyRole.STAFF);
  });
  beforeEach(() => api().clock.set(START));

  const ADD_TWO = `mutation($a: AddCustomerInput!, $b: AddCustomerInput!) {
    a: addCustomer(input: $a) { customer { msp { customerCounts { activeTrials total } } } userErrors { code } }
    b: addCustomer(input: $b) { customer { msp { customerCounts { activeTrials total } } } userErrors { code } }
  }`;

  it('two addCustomer: each payload counts the customers added so far', async () => {
    const msp = await api().makeMsp();
    await msp.addCustomer();
    await msp.addCustomer();
    const t = tag();
    const data = await api().ok(msp.key, ADD_TWO, {
      a: { adminEmail: `a-${t}@example.com`, organizationName: `A ${t}` },
      b: { adminEmail: `b-${t}@example.com`, organizationName: `B ${t}` },
    });
    expect(data.a).toEqual({ customer: { msp: { customerCounts: { activeTrials: 3, total: 3 } } }, userErrors: [] });
    expect(data.b).toEqual({ customer: { msp: { customerCounts: { activeTrials: 4, total: 4 } } }, userErrors: [] });
  });

  const UPGRADE_TWO = `mutation($a: UpgradeToPaidInput!, $b: UpgradeToPaidInput!) {
    a: upgradeToPaid(input: $a) { customer { msp { customerCounts { paid activeTrials } billableMonitoredUsers activeTrialMonitoredUsers } } }
    b: upgradeToPaid(input: $b) { customer { msp { customerCounts { paid activeTrials } billableMonitoredUsers activeTrialMonitoredUsers } } }
  }`;

  it('two upgradeToPaid: the second payload shows both upgrades in the totals', async () => {
    const msp: TestMsp = await api().makeMsp();
    const first = await msp.addCustomer({ users: 2 });
    const second = await msp.addCustomer({ users: 3 });
    const data = await api().ok(staff, UPGRADE_TWO, {
      a: { customerId: first.id, licensedSeats: 5 },
      b: { customerId: second.id, licensedSeats: 5 },
    });
    expect(data.a.customer.msp).toEqual({ customerCounts: { paid: 1, activeTrials: 1 }, billableMonitoredUsers: 2, activeTrialMonitoredUsers: 3 });
    expect(data.b.customer.msp).toEqual({ customerCounts: { paid: 2, activeTrials: 0 }, billableMonitoredUsers: 5, activeTrialMonitoredUsers: 0 });
  });

  const TRIAL_END_TWO = `mutation($a: SetTrialEndInput!, $b: SetTrialEndInput!) {
    a: setTrialEnd(input: $a) { customer { subscriptionState monitoredUsers(first: 10) { nodes { monitored } } } }
    b: setTrialEnd(input: $b) { customer { subscriptionState monitoredUsers(first: 10) { nodes { monitored } } } }
  }`;

  it("ending a trial then extending it: the second payload's users are all monitored again", async () => {
    const msp = await api().makeMsp();
    const customer = await msp.addCustomer({ users: 5 });
    const at = (days: number) => new Date(START.getTime() + days * DAY_MS).toISOString();
    const data = await api().ok(staff, TRIAL_END_TWO, {
      a: { customerId: customer.id, trialEndsAt: at(-1) },
      b: { customerId: customer.id, trialEndsAt: at(10) },
    });
    const flags = (payload: { customer: { monitoredUsers: { nodes: Array<{ monitored: boolean }> } } }) =>
      payload.customer.monitoredUsers.nodes.map((n) => n.monitored);
    expect(data.a.customer.subscriptionState).toBe('EXPIRED_TRIAL');
    expect(flags(data.a)).toEqual([true, true, true, false, false]);
    expect(data.b.customer.subscriptionState).toBe('ACTIVE_TRIAL');
    expect(flags(data.b)).toEqual([true, true, true, true, true]);
  });

  const UPDATE_AND_READ = `mutation($a: UpdateCustomerInput!, $b: UpdateCustomerInput!) {
    a: updateCustomer(input: $a) { customer { organizationName msp { customerCounts { total } } } userErrors { code } }
    b: updateCustomer(input: $b) { customer { organizationName externalId } userErrors { code } }
  }`;

  it('two updateCustomer on one customer: the second sees the first one', async () => {
    const msp = await api().makeMsp();
    const customer = await msp.addCustomer();
    const t = tag();
    const data = await api().ok(msp.key, UPDATE_AND_READ, {
      a: { customerId: customer.id, organizationName: `Renamed ${t}` },
      b: { customerId: customer.id, externalId: `ext-${t}` },
    });
    expect(data.a).toEqual({ customer: { organizationName: `Renamed ${t}`, msp: { customerCounts: { total: 1 } } }, userErrors: [] });
    expect(data.b).toEqual({ customer: { organizationName: `Renamed ${t}`, externalId: `ext-${t}` }, userErrors: [] });
  });
});
