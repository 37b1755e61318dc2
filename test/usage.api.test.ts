import { ApiKeyRole } from '../src/entities';
import { describeEachEngine } from './support/harness';

const USAGE = `query($from: Date!, $to: Date!) { msp { usage(from: $from, to: $to) {
  date recorded billableTotal customers { customerId state licensedSeats userCount monitoredUsers billable } } } }`;

describeEachEngine('usage history', (api) => {
  test('daily snapshots across a month with upgrades and expiries give each day its billable total and per-customer figures', async () => {
    const noon = (day: number) => new Date(Date.UTC(2026, 2, day, 12));
    api().clock.set(noon(2)); // every trial of this test ends on 2026-03-16 12:00
    const msp = await api().makeMsp();
    const other = await api().makeMsp();
    await other.addCustomer({ users: 2 }).then((c) => c.makePaid(2));
    const a = await msp.addCustomer({ users: 2 });
    const b = await msp.addCustomer({ users: 5 });
    const c = await msp.addCustomer({ users: 4 });
    for (let day = 2; day <= 31; day++) {
      api().clock.set(noon(day));
      if (day === 10) await b.makePaid(4);
      if (day === 20) await a.makePaid(10);
      if (day === 25) await b.registerUser('late joiner');
      expect(await api().services.usage.recordSnapshots()).toBeGreaterThanOrEqual(4); // 3 of this MSP, 1 of the other, others' of this file
      expect(await api().services.usage.recordSnapshots()).toBe(0); // once a day
    }
    const data = await api().ok(msp.key, USAGE, { from: '2026-03-01', to: '2026-03-31' });
    const days = data.msp.usage as Array<{ date: string; recorded: boolean; billableTotal: number; customers: any[] }>;
    expect(days).toHaveLength(31);
    expect(days[0]).toEqual({ date: '2026-03-01', recorded: false, billableTotal: 0, customers: [] });
    const totals = Object.fromEntries(days.map((d) => [d.date.slice(8), d.billableTotal]));
    for (let day = 2; day <= 31; day++) {
      const expected = day < 10 ? 0 : day < 20 ? 5 : day < 25 ? 7 : 8;
      expect([day, totals[String(day).padStart(2, '0')]]).toEqual([day, expected]);
    }
    expect(days.reduce((sum, d) => sum + d.billableTotal, 0)).toBe(10 * 5 + 5 * 7 + 7 * 8);
    const of = (date: string, id: string) => days.find((d) => d.date === date)!.customers.find((x) => x.customerId === id);
    expect(of('2026-03-15', c.id)).toEqual({ customerId: c.id, state: 'ACTIVE_TRIAL', licensedSeats: null, userCount: 4, monitoredUsers: 4, billable: 0 });
    expect(of('2026-03-16', c.id)).toEqual({ customerId: c.id, state: 'EXPIRED_TRIAL', licensedSeats: null, userCount: 4, monitoredUsers: 3, billable: 0 });
    expect(of('2026-03-19', a.id)).toMatchObject({ state: 'EXPIRED_TRIAL', monitoredUsers: 2, billable: 0 });
    expect(of('2026-03-20', a.id)).toMatchObject({ state: 'PAID', licensedSeats: 10, billable: 2 });
    expect(of('2026-03-31', b.id)).toMatchObject({ state: 'PAID', licensedSeats: 4, userCount: 6, billable: 6 });
    expect(days.every((d) => d.customers.length === (d.recorded ? 3 : 0))).toBe(true);
  });

  test('the range is bounded (at most 92 days, to not before from): BAD_USER_INPUT', async () => {
    const msp = await api().makeMsp();
    for (const [from, to] of [['2026-01-01', '2026-04-03'], ['2026-03-02', '2026-03-01']]) {
      const response = await api().gql(msp.key, USAGE, { from, to });
      expect(response.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
    const ok = await api().ok(msp.key, USAGE, { from: '2026-01-01', to: '2026-04-02' });
    expect(ok.msp.usage).toHaveLength(92);
  });

  test("staff take today's snapshot on demand (replacing today's); MSP keys may not", async () => {
    const msp = await api().makeMsp();
    const customer = await msp.addCustomer({ users: 1 });
    api().clock.set(new Date(Date.UTC(2026, 5, 1, 9)));
    await api().services.usage.recordSnapshots();
    await customer.makePaid(1);
    const staff = await api().makeKey(ApiKeyRole.STAFF);
    const recorded = await api().ok(staff, `mutation { recordUsageSnapshot }`);
    expect(recorded.recordUsageSnapshot).toBeGreaterThanOrEqual(1);
    const data = await api().ok(msp.key, USAGE, { from: '2026-06-01', to: '2026-06-01' });
    expect(data.msp.usage[0]).toMatchObject({ recorded: true, billableTotal: 1, customers: [{ customerId: customer.id, state: 'PAID', billable: 1 }] });
    const denied = await api().gql(msp.key, `mutation { recordUsageSnapshot }`);
    expect(denied.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
