import { ApiKeyRole } from '../src/entities';
import { DAY_MS } from '../src/services/clock';
import { rowIdOf, toGlobalId } from '../src/services/global-id';
import { Principal } from '../src/services/principal';
import { START, TestCustomer, TestMsp, describeEachEngine } from './support/harness';

const CUSTOMER_FIELDS = `id accountNumber organizationName adminEmail externalId subscriptionState plan trialEndsAt trialDaysRemaining
  licensedSeats seatOverage userCount monitoredUserCount removedAt`;

const mutation = (name: string) => `mutation($input: ${name[0].toUpperCase()}${name.slice(1)}Input!) {
  ${name}(input: $input) { customer { ${CUSTOMER_FIELDS} } userErrors { field message code } } }`;

const UPGRADE = mutation('upgradeToPaid');
const SEATS = mutation('setLicensedSeats');
const TRIAL_END = mutation('setTrialEnd');
const REMOVE = mutation('removeCustomer');
const RESTORE = mutation('restoreCustomer');
const PURGE = mutation('purgeCustomer');
const LINK = `mutation($input: LinkStandaloneAccountInput!) { linkStandaloneAccount(input: $input) {
  customer { ${CUSTOMER_FIELDS} msp { accountNumber } } userErrors { field message code } } }`;

const DASHBOARD = `{ msp {
  customerCounts { paid activeTrials expiredTrials total }
  billableMonitoredUsers activeTrialMonitoredUsers expiredTrialMonitoredUsers
  customers(first: 100) { totalCount monitoredUserTotal nodes { accountNumber } }
  searched: customers(search: "@", first: 100) { totalCount monitoredUserTotal nodes { accountNumber } }
} }`;
const CUSTOMER = `query($n: String!) { customer(accountNumber: $n) { ${CUSTOMER_FIELDS} monitoredUsers(first: 10) { nodes { identity displayName monitored } } } }`;
const STAFF_CUSTOMER = `query($n: String!) { customer(accountNumber: $n) { ${CUSTOMER_FIELDS} removalReason } }`;
const NODE = `query($id: ID!) { node(id: $id) { id ... on CustomerAccount { removedAt } } }`;
const STAFF_LIST = `query($msp: String!, $includeRemoved: Boolean) { msp(accountNumber: $msp) {
  customers(first: 100, includeRemoved: $includeRemoved) { totalCount monitoredUserTotal nodes { accountNumber removedAt } } } }`;
const OWN_LIST = `query($includeRemoved: Boolean) { msp { customers(first: 100, includeRemoved: $includeRemoved) { totalCount } } }`;
const ADD_CUSTOMER = `mutation($input: AddCustomerInput!) { addCustomer(input: $input) {
  customer { accountNumber organizationName externalId } userErrors { field code } } }`;

/** Account numbers are 8 digits: a 7-digit one never exists. */
const NO_SUCH_NUMBER = '1234567';

type Payload = { customer: Record<string, any> | null; userErrors: Array<{ field: string[]; message: string; code: string }> };

let serial = 0;
/** A tag unique within this file, so tests sharing one database never collide on emails or names. */
const tag = () => `s${++serial}`;

describeEachEngine('staff operations', (api) => {
  let staff: string;

  beforeAll(async () => {
    staff = await api().makeKey(ApiKeyRole.STAFF);
  });
  beforeEach(() => api().clock.set(START));

  const in_ = (days: number) => new Date(api().clock.now().getTime() + days * DAY_MS).toISOString();

  /** Runs a mutation with a staff key and returns its payload. */
  async function run(query: string, input: Record<string, unknown>, key = staff): Promise<Payload> {
    const data = await api().ok(key, query, { input });
    return Object.values(data)[0] as Payload;
  }

  async function succeed(query: string, input: Record<string, unknown>): Promise<Record<string, any>> {
    const payload = await run(query, input);
    expect(payload.userErrors).toEqual([]);
    expect(payload.customer).not.toBeNull();
    return payload.customer!;
  }

  /** Everything a staff operation could write: accounts, users, rollups (without the lock counter), audit rows. */
  async function snapshot() {
    const q = (sql: string) => api().db.dataSource.query(sql);
    const rollups = (await q('SELECT * FROM msp_rollups ORDER BY msp_id')) as Array<Record<string, unknown>>;
    return JSON.parse(
      JSON.stringify({
        accounts: await q('SELECT * FROM accounts ORDER BY id'),
        users: await q('SELECT * FROM monitored_users ORDER BY id'),
        verifications: await api().rowCount('email_verifications'),
        rollups: rollups.map(({ version: _version, ...rest }) => rest),
        audit: await q("SELECT COUNT(*) AS n FROM audit_events WHERE action <> 'AUTHORIZATION_REFUSED'"),
      }),
    );
  }

  /** Expects exactly these user errors (code and field), and that nothing was written. */
  async function refused(query: string, input: Record<string, unknown>, expected: Array<[code: string, field: string]>): Promise<void> {
    const before = await snapshot();
    const payload = await run(query, input);
    expect(payload.customer).toBeNull();
    expect(payload.userErrors.map((e) => [e.code, e.field.join('.')])).toEqual(expected.map(([code, field]) => [code, `input.${field}`]));
    for (const error of payload.userErrors) expect(error.message).toMatch(/\w/);
    expect(await snapshot()).toEqual(before);
  }

  const dashboard = async (msp: TestMsp) => (await api().ok(msp.key, DASHBOARD)).msp;

  /** The audit rows of one action on one target. */
  async function audited(action: string, target: string): Promise<Array<{ msp_id: number; actor_role: string; details: string | null }>> {
    const rows = await api().db.dataSource.query('SELECT msp_id, actor_role, details FROM audit_events WHERE action = ? AND target = ?', [action, target]);
    return rows.map((r: Record<string, unknown>) => ({ ...r, msp_id: Number(r.msp_id) }));
  }

  async function expectAudited(action: string, customer: TestCustomer, role = 'STAFF') {
    const rows = await audited(action, customer.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ msp_id: customer.msp.entity.id, actor_role: role });
    return rows;
  }

  const staffPrincipal: Principal = { keyId: 0, keyPrefix: 'cc_staff00', role: ApiKeyRole.STAFF, mspId: null };

  async function paidCustomer(msp: TestMsp, users: number, seats = 10): Promise<TestCustomer> {
    const customer = await msp.addCustomer({ users });
    const outcome = await api().services.staffOperations.upgradeToPaid(staffPrincipal, { customerId: customer.id, licensedSeats: seats });
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
    return customer;
  }

  async function removedCustomer(msp: TestMsp, overrides: { users?: number; name?: string; externalId?: string; email?: string } = {}) {
    const customer = await msp.addCustomer(overrides);
    const outcome = await api().services.staffOperations.removeCustomer(staffPrincipal, { customerId: customer.id, reason: 'test removal' });
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
    return customer;
  }

  /** Ids that name no customer: unknown, malformed, and another type's id. */
  const unknownIds = (msp: TestMsp) => [toGlobalId('CustomerAccount', NO_SUCH_NUMBER), 'not-an-id', msp.id];

  describe('roles', () => {
    it.each([ApiKeyRole.MSP_ADMIN, ApiKeyRole.MSP_READ, ApiKeyRole.APP])('answers FORBIDDEN to %s keys for every staff operation, writing nothing', async (role) => {
      const msp = await api().makeMsp();
      const key = role === ApiKeyRole.MSP_ADMIN ? msp.key : await api().makeKey(role, role === ApiKeyRole.APP ? undefined : msp);
      const trial = await msp.addCustomer({ users: 1 });
      const paid = await paidCustomer(msp, 1);
      const removed = await removedCustomer(msp);
      const standalone = await api().services.msps.signup(`Sign-up ${tag()}`, `${tag()}@signup.example`);
      if (!standalone.ok) throw new Error('signup failed');
      const attempts: Array<[string, Record<string, unknown>]> = [
        [UPGRADE, { customerId: trial.id, licensedSeats: 5 }],
        [SEATS, { customerId: paid.id, licensedSeats: 9 }],
        [TRIAL_END, { customerId: trial.id, trialEndsAt: in_(30) }],
        [REMOVE, { customerId: trial.id, reason: 'no' }],
        [RESTORE, { customerId: removed.id }],
        [PURGE, { customerId: removed.id }],
        [LINK, { accountNumber: standalone.value.accountNumber, mspAccountNumber: msp.entity.accountNumber }],
      ];
      const before = await snapshot();
      for (const [query, input] of attempts) {
        const response = await api().gql(key, query, { input });
        expect(response.status).toBe(200);
        expect(response.body.data).toBeNull();
        expect(response.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      }
      expect(await snapshot()).toEqual(before);
    });

    it('refuses the services themselves to a non-staff principal', async () => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      await expect(api().services.staffOperations.upgradeToPaid(msp.principal, { customerId: customer.id, licensedSeats: 1 })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
    });
  });

  describe('upgradeToPaid', () => {
    it('moves the monitored users from the trial total to the billable total in the next response', async () => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer({ users: 4 });
      await msp.addCustomer({ users: 1 });
      expect(await dashboard(msp)).toMatchObject({
        customerCounts: { paid: 0, activeTrials: 2, expiredTrials: 0, total: 2 },
        billableMonitoredUsers: 0,
        activeTrialMonitoredUsers: 5,
      });

      const upgraded = await succeed(UPGRADE, { customerId: customer.id, licensedSeats: 2 });
      expect(upgraded).toMatchObject({
        id: customer.id,
        subscriptionState: 'PAID',
        plan: 'PAID',
        licensedSeats: 2,
        seatOverage: 2,
        trialDaysRemaining: null,
        monitoredUserCount: 4,
        trialEndsAt: customer.entity.trialEndsAt!.toISOString(),
      });
      expect(await dashboard(msp)).toMatchObject({
        customerCounts: { paid: 1, activeTrials: 1, expiredTrials: 0, total: 2 },
        billableMonitoredUsers: 4,
        activeTrialMonitoredUsers: 1,
        customers: { totalCount: 2, monitoredUserTotal: 5 },
        searched: { totalCount: 2, monitoredUserTotal: 5 },
      });
      const [row] = await expectAudited('CUSTOMER_UPGRADED', customer);
      expect(JSON.parse(row.details!)).toMatchObject({ from: 'ACTIVE_TRIAL', licensedSeats: 2 });
    });

    it('upgrades an expired trial: all its users count as billable at once', async () => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer({ users: 5 });
      api().clock.advance(15 * DAY_MS);
      await api().services.rollups.advance(); // the expiry pass has run: the stored totals know it expired
      expect(await dashboard(msp)).toMatchObject({ expiredTrialMonitoredUsers: 3, billableMonitoredUsers: 0 });

      const upgraded = await succeed(UPGRADE, { customerId: customer.id, licensedSeats: 10 });
      expect(upgraded).toMatchObject({ subscriptionState: 'PAID', monitoredUserCount: 5, seatOverage: 0, licensedSeats: 10 });
      expect(await dashboard(msp)).toMatchObject({
        customerCounts: { paid: 1, activeTrials: 0, expiredTrials: 0, total: 1 },
        billableMonitoredUsers: 5,
        expiredTrialMonitoredUsers: 0,
      });
    });

    it('refuses a paid customer, seats out of range, unknown ids and removed customers, writing nothing', async () => {
      const msp = await api().makeMsp();
      const paid = await paidCustomer(msp, 1);
      const trial = await msp.addCustomer();
      const removed = await removedCustomer(msp);
      await refused(UPGRADE, { customerId: paid.id, licensedSeats: 3 }, [['ALREADY_PAID', 'customerId']]);
      for (const seats of [0, -3, 1_000_001]) {
        await refused(UPGRADE, { customerId: trial.id, licensedSeats: seats }, [['INVALID_SEATS', 'licensedSeats']]);
      }
      for (const id of unknownIds(msp)) await refused(UPGRADE, { customerId: id, licensedSeats: 3 }, [['NOT_FOUND', 'customerId']]);
      await refused(UPGRADE, { customerId: removed.id, licensedSeats: 3 }, [['CUSTOMER_REMOVED', 'customerId']]);
    });
  });

  describe('setLicensedSeats', () => {
    it("changes a paid customer's seats and overage, leaving the billable total alone", async () => {
      const msp = await api().makeMsp();
      const customer = await paidCustomer(msp, 3, 5);
      const changed = await succeed(SEATS, { customerId: customer.id, licensedSeats: 2 });
      expect(changed).toMatchObject({ subscriptionState: 'PAID', licensedSeats: 2, seatOverage: 1 });
      expect((await api().ok(msp.key, CUSTOMER, { n: customer.accountNumber })).customer).toMatchObject({ licensedSeats: 2, seatOverage: 1 });
      expect(await dashboard(msp)).toMatchObject({ billableMonitoredUsers: 3 });
      const [row] = await expectAudited('LICENSED_SEATS_SET', customer);
      expect(JSON.parse(row.details!)).toEqual({ from: 5, licensedSeats: 2 });
    });

    it('refuses trials, seats out of range, unknown ids and removed customers, writing nothing', async () => {
      const msp = await api().makeMsp();
      const paid = await paidCustomer(msp, 1);
      const trial = await msp.addCustomer();
      const removed = await removedCustomer(msp);
      await refused(SEATS, { customerId: trial.id, licensedSeats: 3 }, [['NOT_PAID', 'customerId']]);
      await refused(SEATS, { customerId: paid.id, licensedSeats: 0 }, [['INVALID_SEATS', 'licensedSeats']]);
      for (const id of unknownIds(msp)) await refused(SEATS, { customerId: id, licensedSeats: 3 }, [['NOT_FOUND', 'customerId']]);
      await refused(SEATS, { customerId: removed.id, licensedSeats: 3 }, [['CUSTOMER_REMOVED', 'customerId']]);
    });
  });

  describe('setTrialEnd', () => {
    it('extending an expired trial with 5 users makes all 5 monitored again', async () => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer({ users: 5 });
      api().clock.advance(15 * DAY_MS);
      await api().services.rollups.advance(); // the expiry pass has run: the stored totals know it expired
      const expired = (await api().ok(msp.key, CUSTOMER, { n: customer.accountNumber })).customer;
      expect(expired).toMatchObject({ subscriptionState: 'EXPIRED_TRIAL', monitoredUserCount: 3 });
      expect(expired.monitoredUsers.nodes.map((u: { monitored: boolean }) => u.monitored)).toEqual([true, true, true, false, false]);

      const extended = await succeed(TRIAL_END, { customerId: customer.id, trialEndsAt: in_(7) });
      expect(extended).toMatchObject({ subscriptionState: 'ACTIVE_TRIAL', plan: 'TRIAL', trialEndsAt: in_(7), trialDaysRemaining: 7, monitoredUserCount: 5 });
      const now = (await api().ok(msp.key, CUSTOMER, { n: customer.accountNumber })).customer;
      expect(now.monitoredUsers.nodes.map((u: { monitored: boolean }) => u.monitored)).toEqual([true, true, true, true, true]);
      expect(await dashboard(msp)).toMatchObject({
        customerCounts: { paid: 0, activeTrials: 1, expiredTrials: 0, total: 1 },
        activeTrialMonitoredUsers: 5,
        expiredTrialMonitoredUsers: 0,
        customers: { monitoredUserTotal: 5 },
      });
      // And the Freemium cap no longer applies: a 6th user registers.
      await customer.registerUser('user6');
      const [row] = await expectAudited('TRIAL_END_SET', customer);
      expect(JSON.parse(row.details!)).toEqual({ from: customer.entity.trialEndsAt!.toISOString(), trialEndsAt: in_(7) });
    });

    it('ending a trial early (a time in the past) moves it to expired', async () => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer({ users: 4 });
      const ended = await succeed(TRIAL_END, { customerId: customer.id, trialEndsAt: new Date(START.getTime() - 60_000).toISOString() });
      expect(ended).toMatchObject({ subscriptionState: 'EXPIRED_TRIAL', plan: 'FREEMIUM', trialDaysRemaining: 0, monitoredUserCount: 3 });
      expect(await dashboard(msp)).toMatchObject({
        customerCounts: { paid: 0, activeTrials: 0, expiredTrials: 1, total: 1 },
        activeTrialMonitoredUsers: 0,
        expiredTrialMonitoredUsers: 3,
      });
    });

    it('refuses paid customers, ends more than a year away, unknown ids and removed customers, writing nothing', async () => {
      const msp = await api().makeMsp();
      const paid = await paidCustomer(msp, 1);
      const trial = await msp.addCustomer();
      const removed = await removedCustomer(msp);
      await refused(TRIAL_END, { customerId: paid.id, trialEndsAt: in_(10) }, [['NOT_A_TRIAL', 'customerId']]);
      for (const days of [366, -366]) {
        await refused(TRIAL_END, { customerId: trial.id, trialEndsAt: in_(days) }, [['INVALID_TRIAL_END', 'trialEndsAt']]);
      }
      for (const id of unknownIds(msp)) await refused(TRIAL_END, { customerId: id, trialEndsAt: in_(10) }, [['NOT_FOUND', 'customerId']]);
      await refused(TRIAL_END, { customerId: removed.id, trialEndsAt: in_(10) }, [['CUSTOMER_REMOVED', 'customerId']]);
    });
  });

  describe('removeCustomer and restoreCustomer', () => {
    it('a removal drops the customer from every total; a restore brings it back', async () => {
      const msp = await api().makeMsp();
      await msp.addCustomer({ users: 2 });
      const paid = await paidCustomer(msp, 3);
      const before = await dashboard(msp);
      expect(before).toMatchObject({ customerCounts: { paid: 1, activeTrials: 1, total: 2 }, billableMonitoredUsers: 3 });

      api().clock.advance(60_000);
      const removed = await succeed(REMOVE, { customerId: paid.id, reason: '  Churned: contract ended.  ' });
      expect(removed).toMatchObject({ id: paid.id, removedAt: api().clock.now().toISOString(), userCount: 3 });
      expect(await dashboard(msp)).toMatchObject({
        customerCounts: { paid: 0, activeTrials: 1, expiredTrials: 0, total: 1 },
        billableMonitoredUsers: 0,
        activeTrialMonitoredUsers: 2,
        customers: { totalCount: 1, monitoredUserTotal: 2 },
        searched: { totalCount: 1, monitoredUserTotal: 2 },
      });
      const listed = (await dashboard(msp)).customers.nodes.map((n: { accountNumber: string }) => n.accountNumber);
      expect(listed).not.toContain(paid.accountNumber);
      expect((await api().ok(staff, STAFF_CUSTOMER, { n: paid.accountNumber })).customer).toMatchObject({
        removalReason: 'Churned: contract ended.',
        removedAt: removed.removedAt,
      });
      const [row] = await expectAudited('CUSTOMER_REMOVED', paid);
      expect(JSON.parse(row.details!)).toEqual({ reason: 'Churned: contract ended.' });

      const restored = await succeed(RESTORE, { customerId: paid.id });
      expect(restored).toMatchObject({ removedAt: null, subscriptionState: 'PAID', licensedSeats: 10 });
      expect(await dashboard(msp)).toEqual(before);
      expect((await api().ok(staff, STAFF_CUSTOMER, { n: paid.accountNumber })).customer.removalReason).toBeNull();
      await expectAudited('CUSTOMER_RESTORED', paid);
    });

    it("hides a removed customer from its MSP's keys (as if it did not exist) and shows it to staff", async () => {
      const msp = await api().makeMsp();
      const other = await api().makeMsp();
      const current = await msp.addCustomer({ users: 1 });
      const removed = await removedCustomer(msp, { users: 2 });
      const keys = [msp.key, await api().makeKey(ApiKeyRole.MSP_READ, msp), other.key];
      for (const key of keys) {
        const seen = await api().gql(key, CUSTOMER, { n: removed.accountNumber });
        expect(seen.body).toEqual({ data: { customer: null } });
        expect(seen.body).toEqual((await api().gql(key, CUSTOMER, { n: NO_SUCH_NUMBER })).body);
        expect((await api().gql(key, NODE, { id: removed.id })).body).toEqual({ data: { node: null } });
      }
      expect((await api().ok(msp.key, OWN_LIST, { includeRemoved: false })).msp.customers.totalCount).toBe(1);

      expect((await api().ok(staff, STAFF_CUSTOMER, { n: removed.accountNumber })).customer).toMatchObject({
        id: removed.id,
        removalReason: 'test removal',
        removedAt: START.toISOString(),
      });
      expect((await api().ok(staff, NODE, { id: removed.id })).node).toEqual({ id: removed.id, removedAt: START.toISOString() });
      const all = (await api().ok(staff, STAFF_LIST, { msp: msp.entity.accountNumber, includeRemoved: true })).msp.customers;
      expect(all).toMatchObject({ totalCount: 2, monitoredUserTotal: 3 });
      expect(all.nodes).toEqual(
        expect.arrayContaining([
          { accountNumber: removed.accountNumber, removedAt: START.toISOString() },
          { accountNumber: current.accountNumber, removedAt: null },
        ]),
      );
      const listed = (await api().ok(staff, STAFF_LIST, { msp: msp.entity.accountNumber })).msp.customers;
      expect(listed).toEqual({ totalCount: 1, monitoredUserTotal: 1, nodes: [{ accountNumber: current.accountNumber, removedAt: null }] });
    });

    it('answers FORBIDDEN (audited) to MSP keys asking for removed customers or a removal reason', async () => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      for (const key of [msp.key, await api().makeKey(ApiKeyRole.MSP_READ, msp)]) {
        const refusals = await api().rowCount("audit_events WHERE action = 'AUTHORIZATION_REFUSED'");
        const listed = await api().gql(key, OWN_LIST, { includeRemoved: true });
        expect(listed.body.data).toEqual({ msp: null });
        expect(listed.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
        const reason = await api().gql(key, STAFF_CUSTOMER, { n: customer.accountNumber });
        expect(reason.body.data?.customer).toMatchObject({ id: customer.id, removalReason: null });
        expect(reason.body.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([['FORBIDDEN', ['customer', 'removalReason']]]);
        expect(await api().rowCount("audit_events WHERE action = 'AUTHORIZATION_REFUSED'")).toBe(refusals + 2);
      }
    });

    it('frees the organization name and external id but not the email; a restore then fails with ORGANIZATION_NAME_TAKEN', async () => {
      const msp = await api().makeMsp();
      const t = tag();
      const customer = await msp.addCustomer({ name: `Northwind ${t}`, externalId: `crm-${t}`, email: `it@northwind-${t}.example` });
      await succeed(REMOVE, { customerId: customer.id });

      const sameEmail = await api().ok(msp.key, ADD_CUSTOMER, {
        input: { organizationName: `Other ${t}`, adminEmail: `it@northwind-${t}.example` },
      });
      expect(sameEmail.addCustomer.userErrors.map((e: { code: string }) => e.code)).toEqual(['EMAIL_TAKEN']);
      const again = await api().ok(msp.key, ADD_CUSTOMER, {
        input: { organizationName: `NORTHWIND ${t}`, externalId: `crm-${t}`, adminEmail: `new@northwind-${t}.example` },
      });
      expect(again.addCustomer).toMatchObject({ userErrors: [], customer: { organizationName: `NORTHWIND ${t}`, externalId: `crm-${t}` } });

      await refused(RESTORE, { customerId: customer.id }, [
        ['ORGANIZATION_NAME_TAKEN', 'customerId'],
        ['EXTERNAL_ID_TAKEN', 'customerId'],
      ]);
      const replacement = toGlobalId('CustomerAccount', again.addCustomer.customer.accountNumber);
      await succeed(REMOVE, { customerId: replacement });
      expect(await succeed(RESTORE, { customerId: customer.id })).toMatchObject({ organizationName: `Northwind ${t}`, externalId: `crm-${t}`, removedAt: null });
    });

    it('refuses a paid customer without a reason, bad reasons, removed or listed customers and unknown ids, writing nothing', async () => {
      const msp = await api().makeMsp();
      const paid = await paidCustomer(msp, 1);
      const trial = await msp.addCustomer();
      const removed = await removedCustomer(msp);
      await refused(REMOVE, { customerId: paid.id }, [['REASON_REQUIRED', 'reason']]);
      await refused(REMOVE, { customerId: paid.id, reason: '   ' }, [['REASON_REQUIRED', 'reason']]);
      await refused(REMOVE, { customerId: trial.id, reason: 'x'.repeat(1001) }, [['INVALID_NOTE', 'reason']]);
      await refused(REMOVE, { customerId: trial.id, reason: 'bad\u0000reason' }, [['INVALID_NOTE', 'reason']]);
      await refused(REMOVE, { customerId: removed.id, reason: 'again' }, [['CUSTOMER_REMOVED', 'customerId']]);
      await refused(RESTORE, { customerId: trial.id }, [['NOT_REMOVED', 'customerId']]);
      for (const id of unknownIds(msp)) {
        await refused(REMOVE, { customerId: id, reason: 'r' }, [['NOT_FOUND', 'customerId']]);
        await refused(RESTORE, { customerId: id }, [['NOT_FOUND', 'customerId']]);
      }
    });
  });

  it('keeps a reason of the full 1,000 characters, on every engine', async () => {
    const msp = await api().makeMsp();
    const paid = await paidCustomer(msp, 1);
    const reason = `${'é'.repeat(500)}${'x'.repeat(500)}`;
    expect(await succeed(REMOVE, { customerId: paid.id, reason })).toMatchObject({ removedAt: expect.any(String) });
    const [row] = await api().db.dataSource.query('SELECT removal_reason FROM accounts WHERE id = ?', [paid.entity.id]);
    expect(row.removal_reason).toBe(reason);
  });

  describe('purgeCustomer', () => {
    it('replaces the personal data with placeholders, keeps the counts and the audit trail, and frees the email', async () => {
      const msp = await api().makeMsp();
      const t = tag();
      const email = `Admin@Purge-${t}.example`;
      const customer = await removedCustomer(msp, { users: 2, name: `Purge Me ${t}`, externalId: `ext-${t}`, email });
      const id = customer.entity.id;
      const dashboardBefore = await dashboard(msp);
      expect(await api().rowCount(`email_verifications WHERE account_id = ${id}`)).toBeGreaterThan(0);

      const purged = await succeed(PURGE, { customerId: customer.id });
      const number = customer.accountNumber;
      expect(purged).toMatchObject({
        id: customer.id,
        organizationName: `Purged customer ${number}`,
        adminEmail: `purged-${number}@purged.invalid`,
        externalId: null,
        userCount: 2,
        removedAt: START.toISOString(),
      });

      const [account] = await api().db.dataSource.query(
        'SELECT name, name_normalized, name_key, admin_email, admin_email_key, external_id, external_id_key, user_count, purged_at FROM accounts WHERE id = ?',
        [id],
      );
      expect({ ...account, user_count: Number(account.user_count), purged_at: account.purged_at === null ? null : 'set' }).toEqual({
        name: `Purged customer ${number}`,
        name_normalized: `purged customer ${number}`,
        name_key: null,
        admin_email: `purged-${number}@purged.invalid`,
        admin_email_key: `purged-${number}@purged.invalid`,
        external_id: null,
        external_id_key: null,
        user_count: 2,
        purged_at: 'set',
      });
      const users = await api().db.dataSource.query('SELECT id, identity, identity_key, display_name FROM monitored_users WHERE account_id = ? ORDER BY id', [id]);
      expect(users).toHaveLength(2);
      for (const user of users) {
        const placeholder = `purged-user-${user.id}`;
        expect(user).toEqual({ id: user.id, identity: placeholder, identity_key: placeholder, display_name: placeholder });
      }
      expect(await api().rowCount(`email_verifications WHERE account_id = ${id}`)).toBe(0);
      // The verification mail sent when it was added named the address and the organization.
      const mail = await api().db.dataSource.query('SELECT recipient, subject, body FROM mail_outbox WHERE account_id = ?', [id]);
      expect(mail.length).toBeGreaterThan(0);
      const everything = JSON.stringify([await api().db.dataSource.query('SELECT * FROM accounts WHERE id = ?', [id]), mail]);
      for (const secret of [email.toLowerCase(), `Purge Me ${t}`, `ext-${t}`]) expect(everything.toLowerCase()).not.toContain(secret.toLowerCase());

      // The audit trail stays, with the purge in it; the MSP's totals did not move.
      await expectAudited('CUSTOMER_ADDED', customer, 'MSP_ADMIN');
      await expectAudited('CUSTOMER_REMOVED', customer);
      await expectAudited('CUSTOMER_PURGED', customer);
      expect(await dashboard(msp)).toEqual(dashboardBefore);

      const reused = await api().ok(msp.key, ADD_CUSTOMER, { input: { organizationName: `Purge Me ${t}`, adminEmail: email, externalId: `ext-${t}` } });
      expect(reused.addCustomer.userErrors).toEqual([]);
      // Its data is gone, so it stays removed: no placeholder comes back into the MSP's lists.
      await refused(RESTORE, { customerId: customer.id }, [['CUSTOMER_PURGED', 'customerId']]);
    });

    it("purges users whose identities read like another user's placeholder", async () => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      const registered = [await customer.registerUser('alice')];
      const [row] = await api().db.dataSource.query('SELECT id FROM monitored_users WHERE account_id = ? ORDER BY id', [customer.entity.id]);
      registered.push(await customer.registerUser(`purged-user-${row.id}`));
      registered.push(await customer.registerUser(`purged-user-${Number(row.id) + 1}`));
      const ids = registered.map((id) => Number(rowIdOf(id, 'MonitoredUser')));
      // The identities collide with the placeholders only if the ids are consecutive, as they are here.
      expect(ids).toEqual([Number(row.id), Number(row.id) + 1, Number(row.id) + 2]);
      expect((await api().services.staffOperations.removeCustomer(staffPrincipal, { customerId: customer.id, reason: 'test' })).ok).toBe(true);
      expect(await succeed(PURGE, { customerId: customer.id })).toMatchObject({ userCount: 3 });
      const users = await api().db.dataSource.query('SELECT id, identity, identity_key FROM monitored_users WHERE account_id = ? ORDER BY id', [customer.entity.id]);
      // The same three rows, each with its own placeholder (none deleted, none left with a real identity).
      expect(users.map((u: { id: number | string; identity: string; identity_key: string }) => [Number(u.id), u.identity, u.identity_key])).toEqual(
        ids.map((id) => [id, `purged-user-${id}`, `purged-user-${id}`]),
      );
    });

    it('refuses a customer that is not removed and unknown ids, writing nothing', async () => {
      const msp = await api().makeMsp();
      const listed = await msp.addCustomer({ users: 1 });
      await refused(PURGE, { customerId: listed.id }, [['NOT_REMOVED', 'customerId']]);
      for (const id of unknownIds(msp)) await refused(PURGE, { customerId: id }, [['NOT_FOUND', 'customerId']]);
    });
  });

  describe('linkStandaloneAccount', () => {
    it("makes a sign-up page account a customer of the MSP, in its lists and totals", async () => {
      const msp = await api().makeMsp();
      await msp.addCustomer({ users: 1 });
      const t = tag();
      const signup = await api().services.msps.signup(`Contoso ${t}`, `owner@contoso-${t}.example`);
      if (!signup.ok) throw new Error('signup failed');
      const number = signup.value.accountNumber;
      // Before the link, no MSP sees it.
      expect((await api().gql(msp.key, CUSTOMER, { n: number })).body).toEqual({ data: { customer: null } });

      const linked = await succeed(LINK, { accountNumber: ` ${number} `, mspAccountNumber: msp.entity.accountNumber });
      expect(linked).toMatchObject({
        id: toGlobalId('CustomerAccount', number),
        accountNumber: number,
        organizationName: `Contoso ${t}`,
        adminEmail: `owner@contoso-${t}.example`,
        subscriptionState: 'ACTIVE_TRIAL',
        msp: { accountNumber: msp.entity.accountNumber },
      });
      expect((await api().ok(msp.key, CUSTOMER, { n: number })).customer).toMatchObject({ accountNumber: number });
      expect(await dashboard(msp)).toMatchObject({ customerCounts: { activeTrials: 2, total: 2 }, customers: { totalCount: 2 } });
      const rows = await audited('STANDALONE_ACCOUNT_LINKED', toGlobalId('CustomerAccount', number));
      expect(rows).toEqual([{ msp_id: msp.entity.id, actor_role: 'STAFF', details: JSON.stringify({ msp: msp.id }) }]);
      // The name is now taken at this MSP, like any customer's.
      const clash = await api().ok(msp.key, ADD_CUSTOMER, { input: { organizationName: `contoso ${t}`, adminEmail: `x@contoso-${t}.example` } });
      expect(clash.addCustomer.userErrors.map((e: { code: string }) => e.code)).toEqual(['ORGANIZATION_NAME_TAKEN']);
    });

    it('refuses accounts that are not standalone, unknown numbers and a name the MSP already has, writing nothing', async () => {
      const msp = await api().makeMsp();
      const otherMsp = await api().makeMsp();
      const t = tag();
      const customer = await msp.addCustomer({ name: `Fabrikam ${t}` });
      const signup = await api().services.msps.signup(`FABRIKAM ${t}`, `owner@fabrikam-${t}.example`);
      if (!signup.ok) throw new Error('signup failed');
      const standalone = signup.value.accountNumber;
      const mspNumber = msp.entity.accountNumber;

      await refused(LINK, { accountNumber: standalone, mspAccountNumber: mspNumber }, [['ORGANIZATION_NAME_TAKEN', 'accountNumber']]);
      await refused(LINK, { accountNumber: customer.accountNumber, mspAccountNumber: otherMsp.entity.accountNumber }, [['NOT_STANDALONE', 'accountNumber']]);
      await refused(LINK, { accountNumber: otherMsp.entity.accountNumber, mspAccountNumber: mspNumber }, [['NOT_STANDALONE', 'accountNumber']]);
      await refused(LINK, { accountNumber: NO_SUCH_NUMBER, mspAccountNumber: mspNumber }, [['NOT_FOUND', 'accountNumber']]);
      await refused(LINK, { accountNumber: standalone, mspAccountNumber: NO_SUCH_NUMBER }, [['NOT_FOUND', 'mspAccountNumber']]);
      await refused(LINK, { accountNumber: standalone, mspAccountNumber: customer.accountNumber }, [['NOT_FOUND', 'mspAccountNumber']]);

      // Linked once, it is no longer standalone.
      await succeed(LINK, { accountNumber: standalone, mspAccountNumber: otherMsp.entity.accountNumber });
      await refused(LINK, { accountNumber: standalone, mspAccountNumber: otherMsp.entity.accountNumber }, [['NOT_STANDALONE', 'accountNumber']]);
    });
  });

  describe("inside a caller's transaction (an approved support request)", () => {
    it('writes there, and reports user errors without throwing or writing', async () => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer({ users: 2 });
      const paid = await paidCustomer(msp, 1);
      const before = await snapshot();
      const support = api().services.staffOperations;
      const rollback = new Error('caller rolls back');
      await expect(
        api().db.transaction(async (manager) => {
          const refusal = await support.upgradeToPaid(staffPrincipal, { customerId: paid.id, licensedSeats: 1 }, manager);
          expect(refusal).toEqual({ ok: false, errors: [expect.objectContaining({ code: 'ALREADY_PAID' })] });
          const done = await support.upgradeToPaid(staffPrincipal, { customerId: customer.id, licensedSeats: 1 }, manager);
          expect(done).toMatchObject({ ok: true, value: { plan: 'PAID', licensedSeats: 1 } });
          // The same lock again in the same transaction, and the change is visible there.
          const seats = await support.setLicensedSeats(staffPrincipal, { customerId: customer.id, licensedSeats: 4 }, manager);
          expect(seats).toMatchObject({ ok: true, value: { licensedSeats: 4 } });
          throw rollback;
        }),
      ).rejects.toBe(rollback);
      expect(await snapshot()).toEqual(before);
    });
  });
});
