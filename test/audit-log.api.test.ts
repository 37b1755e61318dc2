import { ApiKeyRole, AuditEventEntity } from '../src/entities';
import { DAY_MS } from '../src/services/clock';
import { rowIdOf, toGlobalId } from '../src/services/global-id';
import { START, TestMsp, describeEachEngine } from './support/harness';

const EVENT = 'id action actor { keyPrefix role } target createdAt requestId';
const PAGE = `totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { ${EVENT} }`;
const MSP_EVENTS = `query($n: String, $first: Int, $after: String, $last: Int, $before: String, $action: AuditAction) {
  msp(accountNumber: $n) { auditEvents(first: $first, after: $after, last: $last, before: $before, action: $action) { ${PAGE} } } }`;
const ALL_EVENTS = `query($msp: String, $first: Int, $after: String, $action: AuditAction) {
  auditEvents(mspAccountNumber: $msp, first: $first, after: $after, action: $action) { ${PAGE} } }`;
const ADD_CUSTOMER = `mutation($input: AddCustomerInput!) { addCustomer(input: $input) { customer { id } userErrors { code } } }`;
const REGISTER = `mutation($input: RegisterMonitoredUserInput!) { registerMonitoredUser(input: $input) { monitoredUser { id } userErrors { code } } }`;
const REMOVE = `mutation($input: RemoveMonitoredUserInput!) { removeMonitoredUser(input: $input) { monitoredUser { id } userErrors { code } } }`;

/** Account numbers are 8 digits: a 7-digit one never exists. */
const NO_SUCH_NUMBER = '1234567';

interface Event {
  id: string;
  action: string;
  actor: { keyPrefix: string; role: string } | null;
  target: string | null;
  createdAt: string;
  requestId: string | null;
}

const prefixOf = (key: string) => key.split('_')[1];

let serial = 0;
const tag = () => `a${++serial}`;

describeEachEngine('audit log', (api) => {
  let staff: string;

  beforeAll(async () => {
    staff = await api().makeKey(ApiKeyRole.STAFF);
  });

  /** Every event of an MSP as its own key (or staff) sees it, newest first. */
  const eventsOf = async (key: string, msp: TestMsp, action?: string): Promise<Event[]> => {
    const data = await api().ok(key, MSP_EVENTS, { n: msp.entity.accountNumber, first: 100, action });
    return data.msp.auditEvents.nodes;
  };

  /** addCustomer through HTTP with a fresh email and name. */
  const addCustomer = (key: string | null) =>
    api().gql(key, ADD_CUSTOMER, { input: { adminEmail: `${tag()}@audit.example`, organizationName: `Audited ${tag()}` } });

  /** The cursor of the event at `index` of the MSP's newest-first list. */
  const cursorAt = async (msp: TestMsp, index: number): Promise<string> => {
    const data = await api().ok(msp.key, `{ msp { auditEvents(first: 100) { edges { cursor } } } }`);
    return data.msp.auditEvents.edges[index].cursor;
  };

  it('records addCustomer, registerMonitoredUser and removeMonitoredUser with actor, target and request id, newest first', async () => {
    const msp = await api().makeMsp();
    const added = await addCustomer(msp.key);
    const customerId = added.body.data.addCustomer.customer.id;
    api().clock.advance(1000);
    const registered = await api().gql(msp.key, REGISTER, { input: { customerId, identity: 'alice' } });
    const userId = registered.body.data.registerMonitoredUser.monitoredUser.id;
    api().clock.advance(1000);
    const removed = await api().gql(msp.key, REMOVE, { input: { id: userId } });
    expect(removed.body.data.removeMonitoredUser.userErrors).toEqual([]);

    const actor = { keyPrefix: prefixOf(msp.key), role: 'MSP_ADMIN' };
    const events = await eventsOf(msp.key, msp);
    const mine = events.filter((e) => ['CUSTOMER_ADDED', 'MONITORED_USER_REGISTERED', 'MONITORED_USER_REMOVED'].includes(e.action));
    expect(mine).toEqual([
      { id: expect.any(String), action: 'MONITORED_USER_REMOVED', actor, target: userId, createdAt: new Date(START.getTime() + 2000).toISOString(), requestId: removed.headers['x-request-id'] },
      { id: expect.any(String), action: 'MONITORED_USER_REGISTERED', actor, target: userId, createdAt: new Date(START.getTime() + 1000).toISOString(), requestId: registered.headers['x-request-id'] },
      { id: expect.any(String), action: 'CUSTOMER_ADDED', actor, target: customerId, createdAt: START.toISOString(), requestId: added.headers['x-request-id'] },
    ]);
    expect(new Set(mine.map((e) => e.requestId)).size).toBe(3);
    // addCustomer's two entries (one insert), in the order written: its own, then its link's; listed newest first.
    expect(events.filter((e) => e.requestId === added.headers['x-request-id']).map((e) => [e.action, e.target, e.actor])).toEqual([
      ['VERIFICATION_EMAIL_SENT', customerId, actor],
      ['CUSTOMER_ADDED', customerId, actor],
    ]);
    expect(mine.every((e) => rowIdOf(e.id, 'AuditEvent') !== null)).toBe(true);

    // Only the key's prefix is written: neither the full key nor its secret part appears anywhere.
    const stored = JSON.stringify(await api().db.dataSource.query('SELECT * FROM audit_events'));
    expect(stored).toContain(prefixOf(msp.key));
    expect(stored).not.toContain(msp.key);
    expect(stored).not.toContain(msp.key.split('_')[2]);
  });

  it('writes no event for a mutation refused with user errors', async () => {
    const msp = await api().makeMsp();
    const before = await api().rowCount('audit_events');
    const bad = await api().ok(msp.key, ADD_CUSTOMER, { input: { adminEmail: 'not an email', organizationName: 'Fine Name' } });
    expect(bad.addCustomer.userErrors).toEqual([{ code: 'INVALID_EMAIL' }]);
    const unknown = await api().ok(msp.key, REGISTER, { input: { customerId: toGlobalId('CustomerAccount', NO_SUCH_NUMBER), identity: 'bob' } });
    expect(unknown.registerMonitoredUser.userErrors).toEqual([{ code: 'NOT_FOUND' }]);
    expect(await api().rowCount('audit_events')).toBe(before);
    expect(await eventsOf(msp.key, msp)).toEqual([]);
  });

  it('answers an MSP_READ key calling addCustomer with FORBIDDEN and records the refusal for its MSP', async () => {
    const msp = await api().makeMsp();
    const reader = await api().makeKey(ApiKeyRole.MSP_READ, msp);
    const accounts = await api().rowCount('accounts');
    const refused = await addCustomer(reader);
    expect(refused.status).toBe(200);
    expect(refused.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(await api().rowCount('accounts')).toBe(accounts);

    const events = await eventsOf(msp.key, msp);
    expect(events).toEqual([
      {
        id: expect.any(String),
        action: 'AUTHORIZATION_REFUSED',
        actor: { keyPrefix: prefixOf(reader), role: 'MSP_READ' },
        target: 'Mutation.addCustomer',
        createdAt: expect.any(String),
        requestId: refused.headers['x-request-id'],
      },
    ]);
    // The reader may read its own MSP's log, refusal included.
    expect(await eventsOf(reader, msp, 'AUTHORIZATION_REFUSED')).toEqual(events);
  });

  it('records a field refused for every item of a list once per request, and shows client addresses to staff only', async () => {
    const msp = await api().makeMsp();
    for (let i = 0; i < 3; i++) await addCustomer(msp.key);
    const query = `query($n: String) { msp(accountNumber: $n) { auditEvents(first: 3, action: CUSTOMER_ADDED) { nodes { id clientAddress } } } }`;
    const before = await api().rowCount('audit_events');

    const response = await api().gql(msp.key, query, { n: msp.entity.accountNumber });
    expect(response.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    expect(response.body.data.msp.auditEvents.nodes.map((n: { clientAddress: string | null }) => n.clientAddress)).toEqual([null, null, null]);
    expect(await api().rowCount('audit_events')).toBe(before + 1);
    const refusals = await eventsOf(msp.key, msp, 'AUTHORIZATION_REFUSED');
    expect(refusals.map((e) => [e.target, e.requestId])).toEqual([['AuditEvent.clientAddress', response.headers['x-request-id']]]);

    const seen = await api().ok(staff, query, { n: msp.entity.accountNumber });
    expect(seen.msp.auditEvents.nodes.map((n: { clientAddress: string | null }) => n.clientAddress)).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
  });

  it('still answers FORBIDDEN when the refusal cannot be written', async () => {
    const msp = await api().makeMsp();
    const reader = await api().makeKey(ApiKeyRole.MSP_READ, msp);
    const spy = jest.spyOn(api().services.audit, 'recordAlone').mockRejectedValueOnce(new Error('disk full'));
    try {
      const refused = await addCustomer(reader);
      expect(refused.status).toBe(200);
      expect(refused.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
    expect(await eventsOf(msp.key, msp)).toEqual([]);
  });

  it('writes no event for a request without a valid key (401)', async () => {
    const msp = await api().makeMsp();
    const before = await api().rowCount('audit_events');
    // The last character changed (to one it is not), so the secret no longer matches.
    const wrongSecret = `${msp.key.slice(0, -1)}${msp.key.endsWith('x') ? 'y' : 'x'}`;
    for (const key of [null, 'cc_AAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB', wrongSecret]) {
      const response = await addCustomer(key);
      expect(response.status).toBe(401);
    }
    expect((await api().gql(null, MSP_EVENTS, {})).status).toBe(401);
    expect(await api().rowCount('audit_events')).toBe(before);
  });

  it('filters by action', async () => {
    const msp = await api().makeMsp();
    const customer = await msp.addCustomer({ users: 2 });
    const registered = await api().ok(msp.key, MSP_EVENTS, { first: 100, action: 'MONITORED_USER_REGISTERED' });
    expect(registered.msp.auditEvents.totalCount).toBe(2);
    expect(registered.msp.auditEvents.nodes.map((e: Event) => e.action)).toEqual(['MONITORED_USER_REGISTERED', 'MONITORED_USER_REGISTERED']);
    const added = await api().ok(msp.key, MSP_EVENTS, { first: 100, action: 'CUSTOMER_ADDED' });
    // Added through the service, outside HTTP: no request id.
    expect(added.msp.auditEvents.nodes).toEqual([expect.objectContaining({ target: customer.id, requestId: null })]);
    expect((await api().ok(msp.key, MSP_EVENTS, { first: 100, action: 'CUSTOMER_PURGED' })).msp.auditEvents).toMatchObject({ totalCount: 0, nodes: [] });
  });

  it('pages newest first by time then id, with no gap or repeat in either direction', async () => {
    const msp = await api().makeMsp();
    const customer = await msp.addCustomer();
    // Pairs of events share a time, so the id must break ties.
    for (let i = 0; i < 6; i++) {
      if (i % 2 === 0) api().clock.advance(60_000);
      await customer.registerUser(`pager${i}`);
    }
    const all: Event[] = (await api().ok(msp.key, MSP_EVENTS, { first: 100 })).msp.auditEvents.nodes;
    // Its CUSTOMER_ADDED, VERIFICATION_EMAIL_SENT and the six registrations.
    expect(all).toHaveLength(8);
    const key = (e: Event) => [Date.parse(e.createdAt), rowIdOf(e.id, 'AuditEvent')!] as const;
    const sorted = [...all].sort((x, y) => key(y)[0] - key(x)[0] || key(y)[1] - key(x)[1]);
    expect(all.map((e) => e.id)).toEqual(sorted.map((e) => e.id));

    const forward: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = (await api().ok(msp.key, MSP_EVENTS, { first: 2, after })).msp.auditEvents;
      expect(page.totalCount).toBe(all.length);
      forward.push(...page.nodes.map((e: Event) => e.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(forward).toEqual(all.map((e) => e.id));

    const oldest = (await api().ok(msp.key, MSP_EVENTS, { last: 2 })).msp.auditEvents;
    expect(oldest.nodes.map((e: Event) => e.id)).toEqual(all.slice(-2).map((e) => e.id));
    const before = (await api().ok(msp.key, MSP_EVENTS, { last: 3, before: await cursorAt(msp, all.length - 2) })).msp.auditEvents;
    expect(before.pageInfo.hasNextPage).toBe(true);
    expect(before.nodes.map((e: Event) => e.id)).toEqual(all.slice(-5, -2).map((e) => e.id));

    // A cursor of another list is refused.
    const customers = await api().ok(msp.key, `{ msp { customers(first: 1) { pageInfo { endCursor } } } }`);
    const wrong = await api().gql(msp.key, MSP_EVENTS, { first: 2, after: customers.msp.customers.pageInfo.endCursor });
    expect(wrong.body.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });

  describe('isolation', () => {
    let a: TestMsp;
    let b: TestMsp;
    let aEvents: Event[];
    let bEvents: Event[];

    beforeAll(async () => {
      api().clock.set(START);
      a = await api().makeMsp();
      b = await api().makeMsp();
      await a.addCustomer({ users: 1 });
      await addCustomer(a.key);
      await b.addCustomer({ users: 2 });
      aEvents = await eventsOf(a.key, a);
      bEvents = await eventsOf(b.key, b);
    });

    it("never shows MSP B any of A's events", async () => {
      expect(aEvents.map((e) => e.action).sort()).toEqual(['CUSTOMER_ADDED', 'CUSTOMER_ADDED', 'MONITORED_USER_REGISTERED', 'VERIFICATION_EMAIL_SENT', 'VERIFICATION_EMAIL_SENT']);
      expect(bEvents.map((e) => e.action).sort()).toEqual(['CUSTOMER_ADDED', 'MONITORED_USER_REGISTERED', 'MONITORED_USER_REGISTERED', 'VERIFICATION_EMAIL_SENT']);
      const aIds = new Set(aEvents.map((e) => e.id));
      expect(bEvents.filter((e) => aIds.has(e.id))).toEqual([]);
      for (const key of [b.key, await api().makeKey(ApiKeyRole.MSP_READ, b)]) {
        expect((await api().ok(key, MSP_EVENTS, { n: a.entity.accountNumber, first: 100 })).msp).toBeNull();
        expect((await api().ok(key, MSP_EVENTS, { first: 100 })).msp.auditEvents.nodes.map((e: Event) => e.id)).toEqual(bEvents.map((e) => e.id));
      }
    });

    it('shows staff every MSP, and one MSP when asked (an unknown one: nothing)', async () => {
      const ids = async (msp?: string) => (await api().ok(staff, ALL_EVENTS, { msp, first: 100 })).auditEvents.nodes.map((e: Event) => e.id);
      expect(await ids(a.entity.accountNumber)).toEqual(aEvents.map((e) => e.id));
      expect(await ids(b.entity.accountNumber)).toEqual(bEvents.map((e) => e.id));
      expect((await eventsOf(staff, a)).map((e) => e.id)).toEqual(aEvents.map((e) => e.id));
      expect(await api().ok(staff, ALL_EVENTS, { msp: NO_SUCH_NUMBER, first: 100 })).toEqual({
        auditEvents: { totalCount: 0, pageInfo: { hasNextPage: false, hasPreviousPage: false, endCursor: null }, nodes: [] },
      });
      // Without an MSP: every event of both, however many other tests wrote (paged to the end).
      const everything = new Set<string>();
      let after: string | null = null;
      for (;;) {
        const page: any = (await api().ok(staff, ALL_EVENTS, { first: 100, after })).auditEvents;
        for (const e of page.nodes) everything.add(e.id);
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(everything.size).toBe(await api().rowCount('audit_events'));
      expect([...aEvents, ...bEvents].filter((e) => !everything.has(e.id))).toEqual([]);
    });

    it('answers FORBIDDEN to MSP and APP keys on Query.auditEvents, and lists refusals of keys without an MSP for staff only', async () => {
      // Refusals are written to the refused key's MSP: a fresh one, so A's fixture log stays as read.
      const c = await api().makeMsp();
      const app = await api().makeKey(ApiKeyRole.APP);
      for (const key of [c.key, await api().makeKey(ApiKeyRole.MSP_READ, c), app]) {
        const response = await api().gql(key, ALL_EVENTS, { first: 5 });
        expect(response.status).toBe(200);
        expect(response.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
        expect(response.body.data).toBeNull();
      }
      // C's two refusals land in C's log; the APP key's has no MSP.
      const cRefusals = await eventsOf(c.key, c, 'AUTHORIZATION_REFUSED');
      expect(cRefusals.map((e) => [e.actor?.role, e.target])).toEqual([
        ['MSP_READ', 'Query.auditEvents'],
        ['MSP_ADMIN', 'Query.auditEvents'],
      ]);
      const all: Event[] = (await api().ok(staff, ALL_EVENTS, { action: 'AUTHORIZATION_REFUSED', first: 100 })).auditEvents.nodes;
      const appRefusal = all.find((e) => e.actor?.keyPrefix === prefixOf(app));
      expect(appRefusal).toMatchObject({ target: 'Query.auditEvents', actor: { role: 'APP' } });
      expect(cRefusals.map((e) => e.id)).not.toContain(appRefusal!.id);
      expect((await eventsOf(b.key, b, 'AUTHORIZATION_REFUSED'))).toEqual([]);
    });
  });

  it('has no mutation that changes or deletes audit events', async () => {
    const data = await api().ok(staff, `{ __schema { mutationType { fields { name } } } auditEvent: __type(name: "AuditEvent") { name } }`);
    expect(data.auditEvent).toEqual({ name: 'AuditEvent' });
    const names: string[] = data.__schema.mutationType.fields.map((f: { name: string }) => f.name);
    expect(names).toContain('addCustomer');
    expect(names.filter((name) => /audit/i.test(name))).toEqual([]);
  });
});

describeEachEngine('audit log retention', (api) => {
  it('deletes entries older than AUDIT_RETENTION_DAYS (365) and keeps the rest', async () => {
    const msp = await api().makeMsp();
    const customer = await msp.addCustomer({ users: 2 });
    // Many old entries, so the purge has to go through several batches.
    const old = Array.from({ length: 2500 }, (_, i) => ({
      mspId: null, actorKeyPrefix: null, actorRole: null, action: 'CUSTOMER_ADDED', target: null, details: null,
      requestId: `old-${i}`, clientAddress: null, createdAt: START,
    }));
    await api().db.manager.insert(AuditEventEntity, old);
    api().clock.set(new Date(START.getTime() + 200 * DAY_MS));
    await customer.registerUser('recent');
    const before = await api().rowCount('audit_events');

    api().clock.set(new Date(START.getTime() + 365 * DAY_MS));
    expect(await api().services.audit.purgeExpired()).toBe(0);
    expect(await api().rowCount('audit_events')).toBe(before);

    api().clock.advance(1);
    const startEvents = before - 1;
    expect(await api().services.audit.purgeExpired()).toBe(startEvents);
    expect(await api().rowCount('audit_events')).toBe(1);
    const left = (await api().ok(msp.key, MSP_EVENTS, { first: 100 })).msp.auditEvents;
    expect(left.totalCount).toBe(1);
    expect(left.nodes).toEqual([expect.objectContaining({ action: 'MONITORED_USER_REGISTERED', createdAt: new Date(START.getTime() + 200 * DAY_MS).toISOString() })]);
  });
});
