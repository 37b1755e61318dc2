import { ApiKeyRole } from '../src/entities';
import { DAY_MS } from '../src/services/clock';
import { Principal } from '../src/services/principal';
import { describeEachEngine } from './support/harness';
import { CREATE_ENDPOINT, Receiver, settleDeliveries } from './support/webhooks';

const STAFF: Principal = { keyId: 0, keyPrefix: 'staff', role: ApiKeyRole.STAFF, mspId: null };
const HOUR = 60 * 60 * 1000;

describeEachEngine('trial scheduler events', (api) => {
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await Receiver.start();
  });
  afterEach(async () => {
    await settleDeliveries(api().db);
    await receiver.close();
  });

  test('trial.expiring 3 days before the end and trial.expired after it, once per trial end; an extension emits again', async () => {
    // Far from START, where the file's other tests add their trials: the scheduler's counts cover
    // every MSP, and trials that ended long before its look-back are not reported.
    api().clock.set(new Date(api().clock.now().getTime() + 100 * DAY_MS));
    const msp = await api().makeMsp();
    await api().ok(msp.key, CREATE_ENDPOINT, { input: { url: receiver.url, events: ['TRIAL_EXPIRING', 'TRIAL_EXPIRED', 'TRIAL_EXTENDED'] } });
    const start = api().clock.now().getTime();
    const customer = await msp.addCustomer(); // 14-day trial
    const paid = await msp.addCustomer();
    await paid.makePaid(3);
    const scheduler = api().services.trialNotices;
    const types = async () => {
      await api().services.webhookDelivery.deliverDue();
      return receiver.bodies().map((b) => b.type);
    };

    api().clock.set(new Date(start + 11 * DAY_MS - HOUR)); // 3 days and 1 hour left
    expect(await scheduler.run()).toBe(0);
    api().clock.set(new Date(start + 11 * DAY_MS + HOUR));
    expect(await scheduler.run()).toBe(1);
    expect(await scheduler.run()).toBe(0);
    expect(await types()).toEqual(['trial.expiring']);
    expect(receiver.bodies()[0].data).toMatchObject({ customer: { id: customer.id, state: 'ACTIVE_TRIAL' }, trialEndsAt: new Date(start + 14 * DAY_MS).toISOString() });

    api().clock.set(new Date(start + 14 * DAY_MS)); // the end itself: expired (the rule: end <= now)
    expect(await scheduler.run()).toBe(1);
    expect(await scheduler.run()).toBe(0);
    expect(await types()).toEqual(['trial.expiring', 'trial.expired']);
    expect(receiver.bodies()[1].data.customer.state).toBe('EXPIRED_TRIAL');

    const newEnd = new Date(start + 20 * DAY_MS);
    expect((await api().services.staffOperations.setTrialEnd(STAFF, { customerId: customer.id, trialEndsAt: newEnd })).ok).toBe(true);
    expect(await scheduler.run()).toBe(0);
    await types(); // delivered one step at a time: parallel sends do not keep their order
    api().clock.set(new Date(start + 17 * DAY_MS + HOUR));
    expect(await scheduler.run()).toBe(1);
    await types();
    api().clock.set(new Date(start + 20 * DAY_MS + HOUR));
    expect(await scheduler.run()).toBe(1);
    expect(await scheduler.run()).toBe(0);
    expect(await types()).toEqual(['trial.expiring', 'trial.expired', 'trial.extended', 'trial.expiring', 'trial.expired']);
    expect(receiver.bodies()[4].data.trialEndsAt).toBe(newEnd.toISOString());
  });

  test('a trial that ended long before the scheduler ran is not reported; a removed customer is not reported', async () => {
    const msp = await api().makeMsp();
    await api().ok(msp.key, CREATE_ENDPOINT, { input: { url: receiver.url, events: ['TRIAL_EXPIRING', 'TRIAL_EXPIRED'] } });
    const start = api().clock.now().getTime();
    await msp.addCustomer();
    const removed = await msp.addCustomer();
    expect((await api().services.staffOperations.removeCustomer(STAFF, { customerId: removed.id })).ok).toBe(true);
    api().clock.set(new Date(start + 30 * DAY_MS)); // 16 days after the end, beyond the 7-day look-back
    expect(await api().services.trialNotices.run()).toBe(0);
    api().clock.set(new Date(start + 13 * DAY_MS));
    expect(await api().services.trialNotices.run()).toBe(1); // only the current customer's trial.expiring
  });
});
