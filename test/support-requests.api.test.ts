import { ApiKeyRole } from '../src/entities';
import { DAY_MS } from '../src/services/clock';
import { toGlobalId } from '../src/services/global-id';
import { GqlResponse, START, TestCustomer, TestMsp, describeEachEngine } from './support/harness';

const REQUEST_FIELDS = `id kind status note licensedSeats days createdAt resolvedAt resolution customer { id }`;
const REQUEST_UPGRADE = `mutation($input: RequestUpgradeInput!) { requestUpgrade(input: $input) {
  supportRequest { ${REQUEST_FIELDS} } userErrors { field message code } } }`;
const REQUEST_EXTENSION = `mutation($input: RequestTrialExtensionInput!) { requestTrialExtension(input: $input) {
  supportRequest { ${REQUEST_FIELDS} } userErrors { field message code } } }`;
const REQUEST_REMOVAL = `mutation($input: RequestRemovalInput!) { requestRemoval(input: $input) {
  supportRequest { ${REQUEST_FIELDS} } userErrors { field message code } } }`;
const APPROVE = `mutation($input: ApproveSupportRequestInput!) { approveSupportRequest(input: $input) {
  supportRequest { ${REQUEST_FIELDS} } userErrors { field message code } } }`;
const REJECT = `mutation($input: RejectSupportRequestInput!) { rejectSupportRequest(input: $input) {
  supportRequest { ${REQUEST_FIELDS} } userErrors { field message code } } }`;
const MSP_REQUESTS = `query($n: String, $status: SupportRequestStatus, $first: Int, $after: String, $last: Int, $before: String) { msp(accountNumber: $n) {
  supportRequests(status: $status, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    edges { cursor node { id } }
    nodes { id kind status customer { id } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  } } }`;
const ALL_REQUESTS = `query($status: SupportRequestStatus, $first: Int, $after: String) {
  supportRequests(status: $status, first: $first, after: $after) {
    totalCount
    nodes { id kind status customer { id msp { accountNumber } } }
    pageInfo { hasNextPage endCursor }
  } }`;
const CUSTOMER = `query($n: String!) { customer(accountNumber: $n) {
  id subscriptionState plan licensedSeats seatOverage trialEndsAt monitoredUserCount } }`;
const DASHBOARD = `{ msp {
  customerCounts { paid activeTrials expiredTrials total }
  billableMonitoredUsers activeTrialMonitoredUsers expiredTrialMonitoredUsers
  customers(first: 100) { totalCount nodes { id } }
} }`;

const MUTATIONS = {
  requestUpgrade: REQUEST_UPGRADE,
  requestTrialExtension: REQUEST_EXTENSION,
  requestRemoval: REQUEST_REMOVAL,
} as const;
type RequestMutation = keyof typeof MUTATIONS;

interface UserErrorShape {
  field: string[];
  message: string;
  code: string;
}

/** Account numbers are 8 digits: a 7-digit one never exists. */
const NO_SUCH_CUSTOMER = toGlobalId('CustomerAccount', '1234567');
const NO_SUCH_REQUEST = toGlobalId('SupportRequest', 2_000_000_000);

function expectForbidden(response: GqlResponse) {
  expect(response.status).toBe(200);
  expect(response.body.data ?? null).toBeNull();
  expect(response.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
}

describeEachEngine('support requests', (api) => {
  let staff: string;

  beforeAll(async () => {
    staff = await api().makeKey(ApiKeyRole.STAFF);
  });
  beforeEach(() => api().clock.set(START));

  const rows = async (table: string) => JSON.parse(JSON.stringify(await api().db.dataSource.query(`SELECT * FROM ${table} ORDER BY id`)));
  /** Everything filing or resolving a request could write. */
  const snapshot = async () => ({
    requests: await api().rowCount('support_requests'),
    audit: await api().rowCount('audit_events'),
    requestRows: await rows('support_requests'),
    accounts: await rows('accounts'),
    rollups: JSON.parse(JSON.stringify(await api().db.dataSource.query('SELECT * FROM msp_rollups ORDER BY msp_id'))),
  });

  const file = async (key: string, mutation: RequestMutation, input: Record<string, unknown>) =>
    (await api().ok(key, MUTATIONS[mutation], { input }))[mutation];

  /** Files and expects the request to be created; returns it. */
  const filed = async (key: string, mutation: RequestMutation, input: Record<string, unknown>) => {
    const payload = await file(key, mutation, input);
    expect(payload.userErrors).toEqual([]);
    return payload.supportRequest;
  };

  /** Files and expects exactly one user error and nothing written; returns the error. */
  const refused = async (key: string, mutation: RequestMutation, input: Record<string, unknown>): Promise<UserErrorShape> => {
    const before = await snapshot();
    const payload = await file(key, mutation, input);
    expect(payload.supportRequest).toBeNull();
    expect(payload.userErrors).toHaveLength(1);
    expect(await snapshot()).toEqual(before);
    return payload.userErrors[0];
  };

  const approve = async (input: Record<string, unknown>, key = staff) => (await api().ok(key, APPROVE, { input })).approveSupportRequest;
  const reject = async (input: Record<string, unknown>, key = staff) => (await api().ok(key, REJECT, { input })).rejectSupportRequest;

  /** Staff operations refusing with one user error must leave everything as it was. */
  const refusedResolution = async (run: () => Promise<{ supportRequest: unknown; userErrors: UserErrorShape[] }>) => {
    const before = await snapshot();
    const payload = await run();
    expect(payload.supportRequest).toBeNull();
    expect(payload.userErrors).toHaveLength(1);
    expect(await snapshot()).toEqual(before);
    return payload.userErrors[0];
  };


  const auditRows = async (target: string) =>
    (await api().db.dataSource.query('SELECT action, actor_role, msp_id, details FROM audit_events WHERE target = ? ORDER BY id', [target])).map(
      (row: { action: string; actor_role: string; msp_id: number; details: string | null }) => ({
        action: row.action,
        role: row.actor_role,
        mspId: Number(row.msp_id),
        details: row.details ? JSON.parse(row.details) : null,
      }),
    );

  const customerOf = async (key: string, customer: TestCustomer) => (await api().ok(key, CUSTOMER, { n: customer.accountNumber })).customer;

  describe('requestUpgrade', () => {
    it('files an open request for an active trial, audited, with what was asked', async () => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer({ users: 2 });
      api().clock.advance(1234);
      const request = await filed(msp.key, 'requestUpgrade', { customerId: customer.id, licensedSeats: 10, note: '  Signed the order form.  ' });
      expect(request).toEqual({
        id: expect.any(String),
        kind: 'UPGRADE',
        status: 'OPEN',
        note: 'Signed the order form.',
        licensedSeats: 10,
        days: null,
        createdAt: new Date(START.getTime() + 1234).toISOString(),
        resolvedAt: null,
        resolution: null,
        customer: { id: customer.id },
      });
      expect(await auditRows(request.id)).toEqual([
        {
          action: 'SUPPORT_REQUEST_FILED',
          role: 'MSP_ADMIN',
          mspId: msp.entity.id,
          details: { kind: 'UPGRADE', customer: customer.id, licensedSeats: 10 },
        },
      ]);
      // Filing changes nothing about the customer.
      expect(await customerOf(msp.key, customer)).toMatchObject({ subscriptionState: 'ACTIVE_TRIAL', licensedSeats: null });
    });

    it('files for an expired trial too, with no note', async () => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      api().clock.advance(15 * DAY_MS);
      const request = await filed(msp.key, 'requestUpgrade', { customerId: customer.id, licensedSeats: 1 });
      expect(request).toMatchObject({ kind: 'UPGRADE', status: 'OPEN', note: null, licensedSeats: 1 });
    });

    it('refuses a paid customer with ALREADY_PAID', async () => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      await customer.makePaid(5);
      expect(await refused(msp.key, 'requestUpgrade', { customerId: customer.id, licensedSeats: 3 })).toMatchObject({
        field: ['input', 'customerId'],
        code: 'ALREADY_PAID',
      });
    });

    it.each([0, -1, 1_000_001])('refuses %d seats with INVALID_SEATS', async (seats) => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      expect(await refused(msp.key, 'requestUpgrade', { customerId: customer.id, licensedSeats: seats })).toMatchObject({
        field: ['input', 'licensedSeats'],
        code: 'INVALID_SEATS',
      });
    });
  });

  describe('requestTrialExtension', () => {
    it.each([
      ['an active', 0],
      ['an expired', 20 * DAY_MS],
    ])('files an open request for %s trial', async (_, elapsed) => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      api().clock.advance(elapsed);
      const request = await filed(msp.key, 'requestTrialExtension', { customerId: customer.id, days: 30, note: 'Still evaluating.' });
      expect(request).toMatchObject({ kind: 'TRIAL_EXTENSION', status: 'OPEN', days: 30, licensedSeats: null, note: 'Still evaluating.' });
      expect((await auditRows(request.id)).map((r: { action: string }) => r.action)).toEqual(['SUPPORT_REQUEST_FILED']);
    });

    it.each([1, 90])('accepts %d days', async (days) => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      expect((await filed(msp.key, 'requestTrialExtension', { customerId: customer.id, days })).days).toBe(days);
    });

    it.each([0, 91, -5])('refuses %d days with INVALID_DAYS', async (days) => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      expect(await refused(msp.key, 'requestTrialExtension', { customerId: customer.id, days })).toMatchObject({
        field: ['input', 'days'],
        code: 'INVALID_DAYS',
      });
    });

    it('refuses a paid customer with NOT_A_TRIAL', async () => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      await customer.makePaid(5);
      expect(await refused(msp.key, 'requestTrialExtension', { customerId: customer.id, days: 10 })).toMatchObject({
        field: ['input', 'customerId'],
        code: 'NOT_A_TRIAL',
      });
    });
  });

  describe('requestRemoval', () => {
    it('files an open request for an expired trial', async () => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      api().clock.advance(14 * DAY_MS);
      const request = await filed(msp.key, 'requestRemoval', { customerId: customer.id, note: 'Customer left.' });
      expect(request).toMatchObject({ kind: 'REMOVAL', status: 'OPEN', note: 'Customer left.', days: null, licensedSeats: null });
    });

    it('refuses an active trial and a paid customer with NOT_EXPIRED', async () => {
      const msp = await api().makeMsp();
      const active = await msp.addCustomer();
      const paid = await msp.addCustomer();
      await paid.makePaid(5);
      api().clock.advance(14 * DAY_MS - 1);
      for (const customer of [active, paid]) {
        expect(await refused(msp.key, 'requestRemoval', { customerId: customer.id })).toMatchObject({
          field: ['input', 'customerId'],
          code: 'NOT_EXPIRED',
        });
      }
    });
  });

  describe('notes and ids', () => {
    it('keeps a note of exactly 1,000 characters and treats a blank one as none', async () => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      const note = `${'é'.repeat(500)}${'x'.repeat(500)}`;
      expect((await filed(msp.key, 'requestUpgrade', { customerId: customer.id, licensedSeats: 2, note })).note).toBe(note);
      expect((await filed(msp.key, 'requestTrialExtension', { customerId: customer.id, days: 2, note: '   ' })).note).toBeNull();
    });

    it.each([
      ['1,001 characters', 'n'.repeat(1001)],
      ['a control character', 'line one\u0007'],
    ])('refuses a note of %s with INVALID_NOTE, for every kind', async (_, note) => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      api().clock.advance(15 * DAY_MS);
      const inputs: Array<[RequestMutation, Record<string, unknown>]> = [
        ['requestUpgrade', { customerId: customer.id, licensedSeats: 2, note }],
        ['requestTrialExtension', { customerId: customer.id, days: 2, note }],
        ['requestRemoval', { customerId: customer.id, note }],
      ];
      for (const [mutation, input] of inputs) {
        expect(await refused(msp.key, mutation, input)).toMatchObject({ field: ['input', 'note'], code: 'INVALID_NOTE' });
      }
    });

    it.each([
      ['an unknown customer', NO_SUCH_CUSTOMER],
      ['a malformed id', 'not-an-id'],
      ['an id of another type', toGlobalId('Msp', '12345678')],
    ])('refuses %s with NOT_FOUND on customerId', async (_, customerId) => {
      const msp = await api().makeMsp();
      const error = await refused(msp.key, 'requestTrialExtension', { customerId, days: 5 });
      expect(error).toEqual({ field: ['input', 'customerId'], code: 'NOT_FOUND', message: 'No customer with this id.' });
    });
  });

  describe('roles', () => {
    it.each([ApiKeyRole.MSP_READ, ApiKeyRole.STAFF, ApiKeyRole.APP])('refuses a %s key every request kind with FORBIDDEN', async (role) => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      api().clock.advance(15 * DAY_MS);
      const key = await api().makeKey(role, role === ApiKeyRole.MSP_READ ? msp : undefined);
      const requests = await api().rowCount('support_requests');
      expectForbidden(await api().gql(key, REQUEST_UPGRADE, { input: { customerId: customer.id, licensedSeats: 2 } }));
      expectForbidden(await api().gql(key, REQUEST_EXTENSION, { input: { customerId: customer.id, days: 2 } }));
      expectForbidden(await api().gql(key, REQUEST_REMOVAL, { input: { customerId: customer.id } }));
      expect(await api().rowCount('support_requests')).toBe(requests);
      // The same requests from the MSP's admin key go through: the refusals above were about the role.
      await filed(msp.key, 'requestRemoval', { customerId: customer.id });
    });

    it.each([ApiKeyRole.MSP_ADMIN, ApiKeyRole.MSP_READ, ApiKeyRole.APP])(
      'refuses a %s key approve, reject and the all-MSP list with FORBIDDEN',
      async (role) => {
        const msp = await api().makeMsp();
        const customer = await msp.addCustomer();
        const request = await filed(msp.key, 'requestUpgrade', { customerId: customer.id, licensedSeats: 2 });
        const key = role === ApiKeyRole.MSP_ADMIN ? msp.key : await api().makeKey(role, role === ApiKeyRole.MSP_READ ? msp : undefined);
        const before = await api().rowCount('support_requests');
        expectForbidden(await api().gql(key, APPROVE, { input: { id: request.id } }));
        expectForbidden(await api().gql(key, REJECT, { input: { id: request.id } }));
        expectForbidden(await api().gql(key, ALL_REQUESTS, {}));
        expect(await api().rowCount('support_requests')).toBe(before);
        const list = await api().ok(msp.key, MSP_REQUESTS, {});
        expect(list.msp.supportRequests.nodes).toEqual([{ id: request.id, kind: 'UPGRADE', status: 'OPEN', customer: { id: customer.id } }]);
      },
    );
  });

  describe('duplicates', () => {
    it('refuses a second open request of the same kind for the same customer, and allows other kinds and customers', async () => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      const other = await msp.addCustomer();
      await filed(msp.key, 'requestTrialExtension', { customerId: customer.id, days: 7 });
      expect(await refused(msp.key, 'requestTrialExtension', { customerId: customer.id, days: 30, note: 'again' })).toMatchObject({
        field: ['input', 'customerId'],
        code: 'DUPLICATE_REQUEST',
      });
      await filed(msp.key, 'requestUpgrade', { customerId: customer.id, licensedSeats: 3 });
      expect(await refused(msp.key, 'requestUpgrade', { customerId: customer.id, licensedSeats: 4 })).toMatchObject({ code: 'DUPLICATE_REQUEST' });
      await filed(msp.key, 'requestTrialExtension', { customerId: other.id, days: 7 });
    });

    it('allows a new request once the previous one was rejected', async () => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      const first = await filed(msp.key, 'requestUpgrade', { customerId: customer.id, licensedSeats: 3 });
      expect(await refused(msp.key, 'requestUpgrade', { customerId: customer.id, licensedSeats: 3 })).toMatchObject({ code: 'DUPLICATE_REQUEST' });
      expect((await reject({ id: first.id })).userErrors).toEqual([]);
      const second = await filed(msp.key, 'requestUpgrade', { customerId: customer.id, licensedSeats: 3 });
      expect(second.id).not.toBe(first.id);
    });

    it('creates exactly one of 20 concurrent extension requests for one customer', async () => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      const before = await snapshot();
      const payloads = await Promise.all(
        Array.from({ length: 20 }, (_, i) => file(msp.key, 'requestTrialExtension', { customerId: customer.id, days: i + 1 })),
      );
      const created = payloads.filter((p) => p.supportRequest !== null);
      expect(created).toHaveLength(1);
      expect(created[0].userErrors).toEqual([]);
      const codes = payloads.filter((p) => p.supportRequest === null).map((p) => p.userErrors.map((e: UserErrorShape) => e.code));
      expect(codes).toEqual(Array.from({ length: 19 }, () => ['DUPLICATE_REQUEST']));
      const after = await snapshot();
      expect(after.requests).toBe(before.requests + 1);
      expect(after.audit).toBe(before.audit + 1);
      const list = await api().ok(msp.key, MSP_REQUESTS, {});
      expect(list.msp.supportRequests.nodes.map((n: { id: string }) => n.id)).toEqual([created[0].supportRequest.id]);
    });
  });

  describe('lists', () => {
    /** An MSP with 5 requests filed a minute apart (the last two at the same instant); the newest first. */
    const fiveRequests = async (msp: TestMsp) => {
      const customers = [await msp.addCustomer(), await msp.addCustomer(), await msp.addCustomer()];
      const ids: string[] = [];
      const add = async (mutation: RequestMutation, input: Record<string, unknown>) => ids.push((await filed(msp.key, mutation, input)).id);
      await add('requestUpgrade', { customerId: customers[0].id, licensedSeats: 2 });
      api().clock.advance(60_000);
      await add('requestTrialExtension', { customerId: customers[0].id, days: 5 });
      api().clock.advance(60_000);
      await add('requestUpgrade', { customerId: customers[1].id, licensedSeats: 2 });
      api().clock.advance(60_000);
      await add('requestTrialExtension', { customerId: customers[1].id, days: 5 });
      await add('requestUpgrade', { customerId: customers[2].id, licensedSeats: 2 });
      return ids.reverse();
    };

    it('lists the MSP\'s requests newest first (ties by id), in pages with keyset cursors', async () => {
      const msp = await api().makeMsp();
      const newestFirst = await fiveRequests(msp);
      const all = (await api().ok(msp.key, MSP_REQUESTS, {})).msp.supportRequests;
      expect(all.totalCount).toBe(5);
      expect(all.nodes.map((n: { id: string }) => n.id)).toEqual(newestFirst);

      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 3; page++) {
        const data: { msp: { supportRequests: any } } = await api().ok(msp.key, MSP_REQUESTS, { first: 2, after });
        const list = data.msp.supportRequests;
        expect(list.totalCount).toBe(5);
        seen.push(...list.nodes.map((n: { id: string }) => n.id));
        expect(list.pageInfo.hasNextPage).toBe(page < 2);
        expect(list.pageInfo.hasPreviousPage).toBe(page > 0);
        after = list.pageInfo.endCursor;
      }
      expect(seen).toEqual(newestFirst);

      const { supportRequests: back } = (await api().ok(msp.key, MSP_REQUESTS, { last: 2, before: all.edges[3].cursor })).msp;
      expect(back.nodes.map((n: { id: string }) => n.id)).toEqual(newestFirst.slice(1, 3));
    });

    it('filters by status, and counts only what it lists', async () => {
      const msp = await api().makeMsp();
      const newestFirst = await fiveRequests(msp);
      await reject({ id: newestFirst[1] });
      const open = (await api().ok(msp.key, MSP_REQUESTS, { status: 'OPEN' })).msp.supportRequests;
      expect(open.totalCount).toBe(4);
      expect(open.nodes.map((n: { id: string }) => n.id)).toEqual(newestFirst.filter((_, i) => i !== 1));
      const rejected = (await api().ok(msp.key, MSP_REQUESTS, { status: 'REJECTED' })).msp.supportRequests;
      expect(rejected).toMatchObject({ totalCount: 1, nodes: [{ id: newestFirst[1], status: 'REJECTED' }] });
      expect((await api().ok(msp.key, MSP_REQUESTS, { status: 'APPROVED' })).msp.supportRequests).toMatchObject({ totalCount: 0, nodes: [] });
    });

    it('shows the list to the MSP\'s read key and to staff through msp(accountNumber)', async () => {
      const msp = await api().makeMsp();
      const newestFirst = await fiveRequests(msp);
      const read = await api().makeKey(ApiKeyRole.MSP_READ, msp);
      for (const [key, n] of [[read, null], [staff, msp.entity.accountNumber]] as const) {
        const list = (await api().ok(key, MSP_REQUESTS, { n })).msp.supportRequests;
        expect(list.nodes.map((node: { id: string }) => node.id)).toEqual(newestFirst);
      }
    });

    it('refuses a cursor made for another list', async () => {
      const msp = await api().makeMsp();
      await msp.addCustomer();
      const customers = await api().ok(msp.key, `{ msp { customers(first: 1) { pageInfo { endCursor } } } }`);
      const response = await api().gql(msp.key, MSP_REQUESTS, { first: 2, after: customers.msp.customers.pageInfo.endCursor });
      expect(response.body.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    });

    it('lists every MSP\'s requests for staff, filtered by status', async () => {
      const a = await api().makeMsp();
      const b = await api().makeMsp();
      const aCustomer = await a.addCustomer();
      const bCustomer = await b.addCustomer();
      // Later than any other test's requests, so these two are the newest.
      api().clock.advance(365 * DAY_MS);
      const aRequest = await filed(a.key, 'requestUpgrade', { customerId: aCustomer.id, licensedSeats: 2 });
      api().clock.advance(1);
      const bRequest = await filed(b.key, 'requestUpgrade', { customerId: bCustomer.id, licensedSeats: 2 });
      const all = (await api().ok(staff, ALL_REQUESTS, { first: 2 })).supportRequests;
      expect(all.nodes).toEqual([
        { id: bRequest.id, kind: 'UPGRADE', status: 'OPEN', customer: { id: bCustomer.id, msp: { accountNumber: b.entity.accountNumber } } },
        { id: aRequest.id, kind: 'UPGRADE', status: 'OPEN', customer: { id: aCustomer.id, msp: { accountNumber: a.entity.accountNumber } } },
      ]);
      expect(all.totalCount).toBe(await api().rowCount('support_requests'));
      await reject({ id: aRequest.id });
      const rejected = (await api().ok(staff, ALL_REQUESTS, { status: 'REJECTED', first: 100 })).supportRequests;
      expect(rejected.nodes.map((n: { id: string }) => n.id)).toContain(aRequest.id);
      expect(rejected.nodes.map((n: { id: string }) => n.id)).not.toContain(bRequest.id);
      expect(rejected.nodes.every((n: { status: string }) => n.status === 'REJECTED')).toBe(true);
    });
  });

  describe('isolation', () => {
    let a: TestMsp;
    let b: TestMsp;
    let aCustomer: TestCustomer;
    let aRequest: { id: string };

    beforeAll(async () => {
      a = await api().makeMsp();
      b = await api().makeMsp();
      api().clock.set(START);
      aCustomer = await a.addCustomer();
      await b.addCustomer();
      aRequest = await filed(a.key, 'requestUpgrade', { customerId: aCustomer.id, licensedSeats: 2 });
    });

    it.each([
      ['requestUpgrade', { licensedSeats: 2 }],
      ['requestTrialExtension', { days: 5 }],
      ['requestRemoval', {}],
    ] as const)("answers MSP B's %s for A's customer exactly as for an unknown one", async (mutation, extra) => {
      api().clock.advance(15 * DAY_MS);
      const before = await snapshot();
      const foreign = await file(b.key, mutation, { customerId: aCustomer.id, ...extra });
      const unknown = await file(b.key, mutation, { customerId: NO_SUCH_CUSTOMER, ...extra });
      expect(foreign).toEqual(unknown);
      expect(foreign).toEqual({ supportRequest: null, userErrors: [{ field: ['input', 'customerId'], code: 'NOT_FOUND', message: 'No customer with this id.' }] });
      expect(await snapshot()).toEqual(before);
    });

    it("never shows A's requests to B, and shows both MSPs' to staff", async () => {
      const bRequest = await filed(b.key, 'requestTrialExtension', { customerId: (await b.addCustomer()).id, days: 3 });
      const bList = (await api().ok(b.key, MSP_REQUESTS, {})).msp.supportRequests;
      expect(bList.nodes.map((n: { id: string }) => n.id)).toEqual([bRequest.id]);
      expect(bList.totalCount).toBe(1);
      expect((await api().ok(b.key, MSP_REQUESTS, { n: a.entity.accountNumber })).msp).toBeNull();
      const staffIds = (await api().ok(staff, ALL_REQUESTS, { first: 100 })).supportRequests.nodes.map((n: { id: string }) => n.id);
      expect(staffIds).toEqual(expect.arrayContaining([aRequest.id, bRequest.id]));
      const aList = (await api().ok(staff, MSP_REQUESTS, { n: a.entity.accountNumber })).msp.supportRequests;
      expect(aList.nodes.map((n: { id: string }) => n.id)).toEqual([aRequest.id]);
    });
  });

  describe('rejectSupportRequest', () => {
    it('rejects an open request with a note, changes nothing else, and audits it', async () => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer({ users: 2 });
      const request = await filed(msp.key, 'requestUpgrade', { customerId: customer.id, licensedSeats: 2 });
      const dashboard = await api().ok(msp.key, DASHBOARD);
      api().clock.advance(3_600_000);
      const payload = await reject({ id: request.id, note: ' Please order through your distributor. ' });
      expect(payload.userErrors).toEqual([]);
      expect(payload.supportRequest).toEqual({
        ...request,
        status: 'REJECTED',
        resolvedAt: new Date(START.getTime() + 3_600_000).toISOString(),
        resolution: 'Please order through your distributor.',
      });
      expect(await api().ok(msp.key, DASHBOARD)).toEqual(dashboard);
      expect(await customerOf(msp.key, customer)).toMatchObject({ subscriptionState: 'ACTIVE_TRIAL' });
      expect(await auditRows(request.id)).toEqual([
        expect.objectContaining({ action: 'SUPPORT_REQUEST_FILED', role: 'MSP_ADMIN' }),
        { action: 'SUPPORT_REQUEST_REJECTED', role: 'STAFF', mspId: msp.entity.id, details: { kind: 'UPGRADE', customer: customer.id } },
      ]);
      const list = (await api().ok(msp.key, MSP_REQUESTS, {})).msp.supportRequests;
      expect(list.nodes).toEqual([{ id: request.id, kind: 'UPGRADE', status: 'REJECTED', customer: { id: customer.id } }]);
    });

    it('refuses an unknown, malformed or wrong-type id with NOT_FOUND, and a note that is too long with INVALID_NOTE', async () => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      const request = await filed(msp.key, 'requestUpgrade', { customerId: customer.id, licensedSeats: 2 });
      for (const id of [NO_SUCH_REQUEST, 'garbage', customer.id]) {
        for (const run of [reject, approve]) {
          expect(await refusedResolution(() => run({ id }))).toEqual({ field: ['input', 'id'], code: 'NOT_FOUND', message: 'No support request with this id.' });
        }
      }
      for (const run of [reject, approve]) {
        expect(await refusedResolution(() => run({ id: request.id, note: 'z'.repeat(1001) }))).toMatchObject({
          field: ['input', 'note'],
          code: 'INVALID_NOTE',
        });
      }
    });

    it('refuses to approve or reject a request that is no longer open with REQUEST_NOT_OPEN', async () => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      const request = await filed(msp.key, 'requestTrialExtension', { customerId: customer.id, days: 5 });
      await reject({ id: request.id });
      for (const run of [reject, approve]) {
        expect(await refusedResolution(() => run({ id: request.id }))).toMatchObject({ field: ['input', 'id'], code: 'REQUEST_NOT_OPEN' });
      }
    });
  });

  describe('approveSupportRequest', () => {
    it('upgrades the customer: PAID with the seats, billed in the next response', async () => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer({ users: 4 });
      const request = await filed(msp.key, 'requestUpgrade', { customerId: customer.id, licensedSeats: 3 });
      const before = (await api().ok(msp.key, DASHBOARD)).msp;
      expect(before).toMatchObject({ billableMonitoredUsers: 0, activeTrialMonitoredUsers: 4 });
      api().clock.advance(60_000);
      const payload = await approve({ id: request.id, note: 'Welcome aboard.' });
      expect(payload.userErrors).toEqual([]);
      expect(payload.supportRequest).toEqual({
        ...request,
        status: 'APPROVED',
        resolvedAt: new Date(START.getTime() + 60_000).toISOString(),
        resolution: 'Welcome aboard.',
      });
      expect(await customerOf(msp.key, customer)).toMatchObject({ subscriptionState: 'PAID', plan: 'PAID', licensedSeats: 3, seatOverage: 1 });
      const after = (await api().ok(msp.key, DASHBOARD)).msp;
      expect(after).toMatchObject({
        customerCounts: { paid: 1, activeTrials: 0, expiredTrials: 0, total: 1 },
        billableMonitoredUsers: 4,
        activeTrialMonitoredUsers: 0,
      });
      expect((await auditRows(request.id)).map((r: { action: string }) => r.action)).toEqual(['SUPPORT_REQUEST_FILED', 'SUPPORT_REQUEST_APPROVED']);
      expect((await auditRows(customer.id)).map((r: { action: string }) => r.action)).toContain('CUSTOMER_UPGRADED');
      // Resolved: a new upgrade request is judged on the customer as it is now.
      expect(await refused(msp.key, 'requestUpgrade', { customerId: customer.id, licensedSeats: 5 })).toMatchObject({ code: 'ALREADY_PAID' });
    });

    it('extends an active trial from its end: old end + days', async () => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      api().clock.advance(4 * DAY_MS);
      const request = await filed(msp.key, 'requestTrialExtension', { customerId: customer.id, days: 30 });
      expect((await approve({ id: request.id })).userErrors).toEqual([]);
      const expected = new Date(START.getTime() + (14 + 30) * DAY_MS).toISOString();
      expect(await customerOf(msp.key, customer)).toMatchObject({ subscriptionState: 'ACTIVE_TRIAL', trialEndsAt: expected });
      expect((await auditRows(request.id)).map((r: { action: string }) => r.action)).toEqual(['SUPPORT_REQUEST_FILED', 'SUPPORT_REQUEST_APPROVED']);
      expect((await auditRows(customer.id)).map((r: { action: string }) => r.action)).toContain('TRIAL_END_SET');
      // Resolved: the same kind may be requested again.
      await filed(msp.key, 'requestTrialExtension', { customerId: customer.id, days: 1 });
    });

    it('extends an expired trial from now: now + days, and its users beyond 3 count again', async () => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer({ users: 5 });
      api().clock.advance(20 * DAY_MS);
      const request = await filed(msp.key, 'requestTrialExtension', { customerId: customer.id, days: 7 });
      expect((await api().ok(msp.key, DASHBOARD)).msp).toMatchObject({ expiredTrialMonitoredUsers: 3, activeTrialMonitoredUsers: 0 });
      api().clock.advance(DAY_MS);
      expect((await approve({ id: request.id })).userErrors).toEqual([]);
      const expected = new Date(START.getTime() + (21 + 7) * DAY_MS).toISOString();
      expect(await customerOf(msp.key, customer)).toMatchObject({ subscriptionState: 'ACTIVE_TRIAL', trialEndsAt: expected, monitoredUserCount: 5 });
      expect((await api().ok(msp.key, DASHBOARD)).msp).toMatchObject({
        customerCounts: { paid: 0, activeTrials: 1, expiredTrials: 0, total: 1 },
        expiredTrialMonitoredUsers: 0,
        activeTrialMonitoredUsers: 5,
      });
    });

    it("removes an expired trial: gone from the MSP's lists and totals; the MSP's request shows no customer, staff's does", async () => {
      const msp = await api().makeMsp();
      const kept = await msp.addCustomer({ users: 1 });
      const customer = await msp.addCustomer({ users: 2 });
      api().clock.advance(15 * DAY_MS);
      const request = await filed(msp.key, 'requestRemoval', { customerId: customer.id, note: 'Customer cancelled.' });
      expect((await api().ok(msp.key, DASHBOARD)).msp).toMatchObject({ customerCounts: { expiredTrials: 2, total: 2 }, expiredTrialMonitoredUsers: 3 });
      const payload = await approve({ id: request.id });
      expect(payload.userErrors).toEqual([]);
      expect(payload.supportRequest).toMatchObject({ status: 'APPROVED', customer: { id: customer.id } });
      const after = (await api().ok(msp.key, DASHBOARD)).msp;
      expect(after).toMatchObject({
        customerCounts: { paid: 0, activeTrials: 0, expiredTrials: 1, total: 1 },
        expiredTrialMonitoredUsers: 1,
        customers: { totalCount: 1, nodes: [{ id: kept.id }] },
      });
      expect(await customerOf(msp.key, customer)).toBeNull();
      const mspView = (await api().ok(msp.key, MSP_REQUESTS, {})).msp.supportRequests.nodes;
      expect(mspView).toEqual([{ id: request.id, kind: 'REMOVAL', status: 'APPROVED', customer: null }]);
      const staffView = (await api().ok(staff, MSP_REQUESTS, { n: msp.entity.accountNumber })).msp.supportRequests.nodes;
      expect(staffView).toEqual([{ id: request.id, kind: 'REMOVAL', status: 'APPROVED', customer: { id: customer.id } }]);
      const [removal] = await api().db.dataSource.query('SELECT removal_reason FROM accounts WHERE id = ?', [customer.entity.id]);
      expect(removal.removal_reason).toBe('Customer cancelled.');
      expect((await auditRows(customer.id)).map((r: { action: string }) => r.action)).toContain('CUSTOMER_REMOVED');
      expect((await auditRows(request.id)).map((r: { action: string }) => r.action)).toEqual(['SUPPORT_REQUEST_FILED', 'SUPPORT_REQUEST_APPROVED']);
    });

    it('gives a removal without a note the reason "Requested by the MSP"', async () => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      api().clock.advance(15 * DAY_MS);
      const request = await filed(msp.key, 'requestRemoval', { customerId: customer.id });
      expect((await approve({ id: request.id })).userErrors).toEqual([]);
      const [removal] = await api().db.dataSource.query('SELECT removal_reason FROM accounts WHERE id = ?', [customer.entity.id]);
      expect(removal.removal_reason).toBe('Requested by the MSP');
    });

    it('removes on a note of 1,000 characters, keeping all of it as the reason', async () => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      api().clock.advance(15 * DAY_MS);
      const note = `${'ü'.repeat(499)}${'x'.repeat(501)}`;
      const request = await filed(msp.key, 'requestRemoval', { customerId: customer.id, note });
      expect((await approve({ id: request.id })).userErrors).toEqual([]);
      const [removal] = await api().db.dataSource.query('SELECT removal_reason FROM accounts WHERE id = ?', [customer.entity.id]);
      expect(removal.removal_reason).toBe(note);
      expect(await customerOf(msp.key, customer)).toBeNull();
    });

    it("keeps the request OPEN and writes nothing when the operation's rules refuse it now", async () => {
      const msp = await api().makeMsp();
      const upgraded = await msp.addCustomer();
      const upgrade = await filed(msp.key, 'requestUpgrade', { customerId: upgraded.id, licensedSeats: 2 });
      const extension = await filed(msp.key, 'requestTrialExtension', { customerId: upgraded.id, days: 5 });
      await upgraded.makePaid(5);
      expect(await refusedResolution(() => approve({ id: upgrade.id }))).toMatchObject({ field: ['input', 'id'], code: 'ALREADY_PAID' });
      expect(await refusedResolution(() => approve({ id: extension.id }))).toMatchObject({ field: ['input', 'id'], code: 'NOT_A_TRIAL' });

      // A removal requested for an expired trial that has been extended since is not removed.
      const extended = await msp.addCustomer();
      api().clock.advance(15 * DAY_MS);
      const removal = await filed(msp.key, 'requestRemoval', { customerId: extended.id });
      const extend = await filed(msp.key, 'requestTrialExtension', { customerId: extended.id, days: 10 });
      expect((await approve({ id: extend.id })).userErrors).toEqual([]);
      expect(await refusedResolution(() => approve({ id: removal.id }))).toMatchObject({ field: ['input', 'id'], code: 'NOT_EXPIRED' });

      const open = (await api().ok(msp.key, MSP_REQUESTS, { status: 'OPEN' })).msp.supportRequests.nodes.map((n: { id: string }) => n.id);
      expect(open).toEqual(expect.arrayContaining([upgrade.id, extension.id, removal.id]));
      // Still open, so it can be rejected.
      expect((await reject({ id: upgrade.id })).supportRequest).toMatchObject({ status: 'REJECTED' });
    });

    it('approves a request only once when two staff members approve it at the same time', async () => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      const request = await filed(msp.key, 'requestTrialExtension', { customerId: customer.id, days: 10 });
      const payloads = await Promise.all([approve({ id: request.id }), approve({ id: request.id }), reject({ id: request.id })]);
      expect(payloads.filter((p) => p.userErrors.length === 0)).toHaveLength(1);
      expect(payloads.filter((p) => p.userErrors.length === 0)[0].supportRequest).not.toBeNull();
      for (const p of payloads.filter((x) => x.userErrors.length > 0)) expect(p.userErrors.map((e: UserErrorShape) => e.code)).toEqual(['REQUEST_NOT_OPEN']);
      const ends = (await customerOf(msp.key, customer)).trialEndsAt;
      const approved = payloads.some((p) => p.supportRequest?.status === 'APPROVED');
      expect(ends).toBe(new Date(START.getTime() + (approved ? 24 : 14) * DAY_MS).toISOString());
    });
  });
});
