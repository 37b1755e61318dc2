import { ApiKeyRole } from '../src/entities';
import { toGlobalId } from '../src/services/global-id';
import { TestApi, TestCustomer, TestMsp, describeEachEngine } from './support/harness';

/**
 * The isolation matrix of issue 3: every query and mutation that takes an id, called with a
 * second MSP's keys on the first MSP's objects, answers exactly as it does for an id that does
 * not exist, and changes nothing anywhere (every table compared before and after).
 */

interface Case {
  name: string;
  query: string;
  /** Variables naming MSP A's object, and the same for an object that does not exist. */
  theirs: () => Record<string, unknown>;
  unknown: Record<string, unknown>;
}

const UNKNOWN_CUSTOMER = toGlobalId('CustomerAccount', '10000001');
const UNKNOWN_USER = toGlobalId('MonitoredUser', 999_999_999);
const UNKNOWN_KEY = toGlobalId('ApiKey', 999_999_999);
const UNKNOWN_REQUEST = toGlobalId('SupportRequest', 999_999_999);

const PAYLOAD = 'userErrors { field message code }';

function mutation(name: string, input: string, payload = PAYLOAD): string {
  return `mutation($input: ${input}!) { ${name}(input: $input) { ${payload} } }`;
}

/** Everything stored, minus what the refused caller's own requests legitimately write. */
async function everything(api: TestApi): Promise<string> {
  const tables: Record<string, string> = {
    accounts: 'SELECT * FROM accounts ORDER BY id',
    monitored_users: 'SELECT * FROM monitored_users ORDER BY id',
    api_keys: 'SELECT id, prefix, role, msp_id, name, revoked_at FROM api_keys ORDER BY id',
    msp_rollups: 'SELECT * FROM msp_rollups ORDER BY msp_id',
    idempotency_keys: 'SELECT * FROM idempotency_keys ORDER BY id',
    support_requests: 'SELECT * FROM support_requests ORDER BY id',
    email_verifications: 'SELECT * FROM email_verifications ORDER BY id',
    mail_outbox: 'SELECT id, account_id, recipient, subject, body FROM mail_outbox ORDER BY id',
    audit_events: "SELECT * FROM audit_events WHERE action <> 'AUTHORIZATION_REFUSED' ORDER BY id",
  };
  const snapshot: Record<string, unknown> = {};
  for (const [table, sql] of Object.entries(tables)) snapshot[table] = await api.db.dataSource.query(sql);
  return JSON.stringify(snapshot);
}

describeEachEngine('isolation matrix', (api) => {
  let a: TestMsp;
  let b: TestMsp;
  let customer: TestCustomer;
  let userId: string;
  let keyId: string;
  let requestId: string;
  let auditId: string;
  let bRead: string;

  beforeAll(async () => {
    a = await api().makeMsp();
    b = await api().makeMsp();
    customer = await a.addCustomer({ name: 'Isolated Co', externalId: 'iso-1' });
    userId = await customer.registerUser('alice');
    const created = await api().ok(a.key, `mutation { createApiKey(input: { name: "A's reader", role: MSP_READ }) { apiKey { id } } }`);
    keyId = created.createApiKey.apiKey.id;
    const filed = await api().ok(a.key, mutation('requestTrialExtension', 'RequestTrialExtensionInput', 'supportRequest { id }'), {
      input: { customerId: customer.id, days: 5 },
    });
    requestId = filed.requestTrialExtension.supportRequest.id;
    const events = await api().ok(a.key, `{ msp { auditEvents(first: 1) { nodes { id } } } }`);
    auditId = events.msp.auditEvents.nodes[0].id;
    bRead = await api().makeKey(ApiKeyRole.MSP_READ, b);
  });

  const mutations: Case[] = [
    {
      name: 'registerMonitoredUser',
      query: mutation('registerMonitoredUser', 'RegisterMonitoredUserInput', `monitoredUser { id } ${PAYLOAD}`),
      theirs: () => ({ input: { customerId: customer.id, identity: 'mallory' } }),
      unknown: { input: { customerId: UNKNOWN_CUSTOMER, identity: 'mallory' } },
    },
    {
      name: 'removeMonitoredUser',
      query: mutation('removeMonitoredUser', 'RemoveMonitoredUserInput', `monitoredUser { id } ${PAYLOAD}`),
      theirs: () => ({ input: { id: userId } }),
      unknown: { input: { id: UNKNOWN_USER } },
    },
    {
      name: 'updateCustomer',
      query: mutation('updateCustomer', 'UpdateCustomerInput', `customer { id } ${PAYLOAD}`),
      theirs: () => ({ input: { customerId: customer.id, organizationName: 'Hijacked' } }),
      unknown: { input: { customerId: UNKNOWN_CUSTOMER, organizationName: 'Hijacked' } },
    },
    {
      name: 'resendVerificationEmail',
      query: mutation('resendVerificationEmail', 'ResendVerificationEmailInput', `customer { id } ${PAYLOAD}`),
      theirs: () => ({ input: { customerId: customer.id } }),
      unknown: { input: { customerId: UNKNOWN_CUSTOMER } },
    },
    {
      name: 'accessCustomer',
      query: mutation('accessCustomer', 'AccessCustomerInput', `token url ${PAYLOAD}`),
      theirs: () => ({ input: { customerId: customer.id } }),
      unknown: { input: { customerId: UNKNOWN_CUSTOMER } },
    },
    {
      name: 'requestUpgrade',
      query: mutation('requestUpgrade', 'RequestUpgradeInput', `supportRequest { id } ${PAYLOAD}`),
      theirs: () => ({ input: { customerId: customer.id, licensedSeats: 3 } }),
      unknown: { input: { customerId: UNKNOWN_CUSTOMER, licensedSeats: 3 } },
    },
    {
      name: 'requestTrialExtension',
      query: mutation('requestTrialExtension', 'RequestTrialExtensionInput', `supportRequest { id } ${PAYLOAD}`),
      theirs: () => ({ input: { customerId: customer.id, days: 7 } }),
      unknown: { input: { customerId: UNKNOWN_CUSTOMER, days: 7 } },
    },
    {
      name: 'requestRemoval',
      query: mutation('requestRemoval', 'RequestRemovalInput', `supportRequest { id } ${PAYLOAD}`),
      theirs: () => ({ input: { customerId: customer.id } }),
      unknown: { input: { customerId: UNKNOWN_CUSTOMER } },
    },
    {
      name: 'revokeApiKey',
      query: mutation('revokeApiKey', 'RevokeApiKeyInput', `apiKey { id } ${PAYLOAD}`),
      theirs: () => ({ input: { id: keyId } }),
      unknown: { input: { id: UNKNOWN_KEY } },
    },
  ];

  /** Staff-only mutations: an MSP key is refused whatever id it names. */
  const staffOnly: Case[] = [
    ['upgradeToPaid', 'UpgradeToPaidInput', { licensedSeats: 2 }],
    ['setLicensedSeats', 'SetLicensedSeatsInput', { licensedSeats: 2 }],
    ['setTrialEnd', 'SetTrialEndInput', { trialEndsAt: '2026-12-01T00:00:00Z' }],
    ['removeCustomer', 'RemoveCustomerInput', { reason: 'x' }],
    ['restoreCustomer', 'RestoreCustomerInput', {}],
    ['purgeCustomer', 'PurgeCustomerInput', {}],
  ].map(([name, input, extra]) => ({
    name: name as string,
    query: mutation(name as string, input as string, `customer { id } ${PAYLOAD}`),
    theirs: () => ({ input: { customerId: customer.id, ...(extra as object) } }),
    unknown: { input: { customerId: UNKNOWN_CUSTOMER, ...(extra as object) } },
  }));
  staffOnly.push(
    ...['approveSupportRequest', 'rejectSupportRequest'].map((name) => ({
      name,
      query: mutation(name, `${name[0].toUpperCase()}${name.slice(1)}Input`, `supportRequest { id } ${PAYLOAD}`),
      theirs: () => ({ input: { id: requestId } }),
      unknown: { input: { id: UNKNOWN_REQUEST } },
    })),
  );

  const queries: Case[] = [
    {
      name: 'customer(accountNumber)',
      query: 'query($n: String!) { customer(accountNumber: $n) { id adminEmail } }',
      theirs: () => ({ n: customer.accountNumber }),
      unknown: { n: '10000001' },
    },
    {
      name: 'msp(accountNumber)',
      query: 'query($n: String) { msp(accountNumber: $n) { id } }',
      theirs: () => ({ n: a.entity.accountNumber }),
      unknown: { n: '10000001' },
    },
    ...(
      [
        ['node(customer)', () => customer.id, UNKNOWN_CUSTOMER],
        ['node(msp)', () => a.id, toGlobalId('Msp', '10000001')],
        ['node(monitored user)', () => userId, UNKNOWN_USER],
        ['node(api key)', () => keyId, UNKNOWN_KEY],
        ['node(support request)', () => requestId, UNKNOWN_REQUEST],
        ['node(audit event)', () => auditId, toGlobalId('AuditEvent', 999_999_999)],
      ] as Array<[string, () => string, string]>
    ).map(([name, theirs, unknown]) => ({
      name,
      query: 'query($id: ID!) { node(id: $id) { id __typename } }',
      theirs: () => ({ id: theirs() }),
      unknown: { id: unknown },
    })),
    {
      name: 'nodes',
      query: 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }',
      theirs: () => ({ ids: [customer.id, a.id, userId, keyId, requestId] }),
      unknown: { ids: [UNKNOWN_CUSTOMER, toGlobalId('Msp', '10000001'), UNKNOWN_USER, UNKNOWN_KEY, UNKNOWN_REQUEST] },
    },
  ];

  /**
   * One row per case and key: another MSP's key naming A's object answers exactly as for an id
   * that does not exist, and changes nothing. The MSP_READ key may not write at all, so its
   * mutation rows would answer FORBIDDEN for both ids and prove nothing about tenancy: it gets
   * the reads, which it is allowed to make and where a leak would show.
   */
  const rows: Array<[string, () => string, Case[]]> = [
    ['MSP_ADMIN', () => b.key, [...mutations, ...staffOnly, ...queries]],
    ['MSP_READ', () => bRead, queries],
  ];

  for (const [role, key, cases] of rows) {
    describe(`another MSP's ${role} key`, () => {
      it.each(cases.map((c) => [c.name, c] as const))(
        '%s: answers as for an unknown id and changes nothing',
        async (_name, c) => {
          const before = await everything(api());
          const theirs = await api().gql(key(), c.query, c.theirs());
          const afterTheirs = await everything(api());
          const unknown = await api().gql(key(), c.query, c.unknown);
          expect(theirs.status).toBe(unknown.status);
          expect(theirs.body).toEqual(unknown.body);
          expect(afterTheirs).toEqual(before);
          // Never a success: the answer is null, NOT_FOUND or FORBIDDEN.
          const text = JSON.stringify(theirs.body);
          expect(text).not.toContain(customer.entity.adminEmail);
          expect(text).not.toContain('Isolated Co');
        },
      );
    });
  }

  /** The global ids a read case names, as its answer shows them. */
  const ownIds = (c: Case): string[] => {
    const variables = c.theirs();
    if (c.name === 'customer(accountNumber)') return [customer.id];
    if (c.name === 'msp(accountNumber)') return [a.id];
    return 'ids' in variables ? (variables.ids as string[]) : [variables.id as string];
  };

  describe("A's own MSP_READ key (the read rows are not vacuous)", () => {
    let aRead: string;
    beforeAll(async () => {
      aRead = await api().makeKey(ApiKeyRole.MSP_READ, a);
    });

    it.each(queries.map((c) => [c.name, c] as const))('%s: reads its own object, which the unknown id does not', async (_name, c) => {
      const own = await api().gql(aRead, c.query, c.theirs());
      const unknown = await api().gql(aRead, c.query, c.unknown);
      expect(own.status).toBe(200);
      expect(own.body.errors).toBeUndefined();
      expect(own.body).not.toEqual(unknown.body);
      // Every object asked for comes back, under its own id.
      const text = JSON.stringify(own.body.data);
      for (const id of ownIds(c)) expect(text).toContain(`"id":"${id}"`);
    });
  });

  it('refuses every mutation to an MSP_READ key, FORBIDDEN for its own objects too, and changes nothing', async () => {
    const aRead = await api().makeKey(ApiKeyRole.MSP_READ, a);
    for (const c of [...mutations, ...staffOnly]) {
      const before = await everything(api());
      const response = await api().gql(aRead, c.query, c.theirs());
      expect({ name: c.name, codes: response.body.errors?.map((e) => e.extensions?.code) }).toEqual({ name: c.name, codes: ['FORBIDDEN'] });
      expect(await everything(api())).toEqual(before);
    }
  });

  it('lets the owner see and change the same objects (the matrix is not vacuous)', async () => {
    const seen = await api().ok(a.key, 'query($id: ID!) { node(id: $id) { id } }', { id: customer.id });
    expect(seen.node).toEqual({ id: customer.id });
    // Every global id refetches through node(id), for the owner and for staff.
    const staff = await api().makeKey(ApiKeyRole.STAFF);
    const ids: Array<[string, string]> = [
      [customer.id, 'CustomerAccount'],
      [a.id, 'Msp'],
      [userId, 'MonitoredUser'],
      [keyId, 'ApiKey'],
      [requestId, 'SupportRequest'],
      [auditId, 'AuditEvent'],
    ];
    for (const key of [a.key, staff]) {
      const fetched = await api().ok(key, 'query($ids: [ID!]!) { nodes(ids: $ids) { id __typename } }', { ids: ids.map(([id]) => id) });
      expect(fetched.nodes).toEqual(ids.map(([id, type]) => ({ id, __typename: type })));
    }
    const updated = await api().ok(a.key, mutation('updateCustomer', 'UpdateCustomerInput', `customer { organizationName } ${PAYLOAD}`), {
      input: { customerId: customer.id, organizationName: 'Isolated Co Renamed' },
    });
    expect(updated.updateCustomer).toEqual({ customer: { organizationName: 'Isolated Co Renamed' }, userErrors: [] });
    await api().ok(a.key, mutation('updateCustomer', 'UpdateCustomerInput', `customer { organizationName } ${PAYLOAD}`), {
      input: { customerId: customer.id, organizationName: 'Isolated Co' },
    });
  });
});
