import { ApiKeyRole } from '../src/entities';
import { DAY_MS } from '../src/services/clock';
import { START, describeEachEngine } from './support/harness';

type UserError = { field: string[]; code: string; message: string };

/**
 * A user error that several operations return is one error: the same field, code and message
 * from each of them, so that a client can handle it once.
 */
describeEachEngine('user errors shared by several operations', (api) => {
  let staff: string;

  beforeAll(async () => {
    staff = await api().makeKey(ApiKeyRole.STAFF);
  });
  beforeEach(() => api().clock.set(START));

  /** Runs a one-input mutation and returns its payload's user errors. */
  async function errorsOf(key: string, name: string, input: Record<string, unknown>): Promise<UserError[]> {
    const type = `${name[0].toUpperCase()}${name.slice(1)}Input`;
    const data = await api().ok(key, `mutation($input: ${type}!) { ${name}(input: $input) { userErrors { field code message } } }`, { input });
    return data[name].userErrors;
  }

  it('NOT_FOUND on a customer, from every operation that names one', async () => {
    const msp = await api().makeMsp();
    const other = await (await api().makeMsp()).addCustomer();
    const unknown = other.id; // another MSP's customer: not one this MSP may act on
    const answers = [
      await errorsOf(msp.key, 'updateCustomer', { customerId: unknown, organizationName: 'X' }),
      await errorsOf(msp.key, 'registerMonitoredUser', { customerId: unknown, identity: 'someone' }),
      await errorsOf(msp.key, 'accessCustomer', { customerId: unknown }),
      await errorsOf(msp.key, 'requestUpgrade', { customerId: unknown, licensedSeats: 2 }),
      await errorsOf(msp.key, 'resendVerificationEmail', { customerId: unknown }),
      await errorsOf(staff, 'upgradeToPaid', { customerId: 'no-such-id', licensedSeats: 2 }),
    ];
    for (const errors of answers) {
      expect(errors).toEqual([{ field: ['input', 'customerId'], code: 'NOT_FOUND', message: 'No customer with this id.' }]);
    }
  });

  it('ALREADY_PAID and NOT_A_TRIAL: the same from the staff operation and the MSP request for it', async () => {
    const msp = await api().makeMsp();
    const paid = await msp.addCustomer();
    await paid.makePaid(3);
    const requestUpgrade = await errorsOf(msp.key, 'requestUpgrade', { customerId: paid.id, licensedSeats: 2 });
    const upgradeToPaid = await errorsOf(staff, 'upgradeToPaid', { customerId: paid.id, licensedSeats: 2 });
    expect(requestUpgrade).toEqual([{ field: ['input', 'customerId'], code: 'ALREADY_PAID', message: expect.any(String) }]);
    expect(upgradeToPaid).toEqual(requestUpgrade);

    const requestExtension = await errorsOf(msp.key, 'requestTrialExtension', { customerId: paid.id, days: 5 });
    const setTrialEnd = await errorsOf(staff, 'setTrialEnd', {
      customerId: paid.id,
      trialEndsAt: new Date(START.getTime() + 5 * DAY_MS).toISOString(),
    });
    expect(requestExtension).toEqual([{ field: ['input', 'customerId'], code: 'NOT_A_TRIAL', message: expect.any(String) }]);
    expect(setTrialEnd).toEqual(requestExtension);
  });

  it('INVALID_SEATS: the same from the staff operation and the MSP request for it', async () => {
    const msp = await api().makeMsp();
    const customer = await msp.addCustomer();
    for (const seats of [0, 1_000_001]) {
      const requested = await errorsOf(msp.key, 'requestUpgrade', { customerId: customer.id, licensedSeats: seats });
      const upgraded = await errorsOf(staff, 'upgradeToPaid', { customerId: customer.id, licensedSeats: seats });
      expect(requested).toEqual([{ field: ['input', 'licensedSeats'], code: 'INVALID_SEATS', message: expect.any(String) }]);
      expect(upgraded).toEqual(requested);
    }
  });
});
