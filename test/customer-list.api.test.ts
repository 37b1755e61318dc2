import { randomBytes } from 'node:crypto';
import { ApiKeyRole } from '../src/entities';
import { DAY_MS } from '../src/services/clock';
import { toGlobalId } from '../src/services/global-id';
import { encodeCursor } from '../src/services/pagination';
import { TestApi, TestMsp, describeEachEngine } from './support/harness';

const LIST = `query List($state: SubscriptionState, $search: String, $orderBy: CustomerOrder, $first: Int, $after: String, $last: Int, $before: String) {
  msp {
    customers(state: $state, search: $search, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      monitoredUserTotal
      edges { cursor node { accountNumber } }
      nodes { accountNumber organizationName subscriptionState userCount monitoredUserCount }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}`;

type Field = 'ORGANIZATION_NAME' | 'CREATED_AT' | 'USER_COUNT';
type Direction = 'ASC' | 'DESC';
const ORDERS: Array<[Field, Direction]> = [
  ['ORGANIZATION_NAME', 'ASC'],
  ['ORGANIZATION_NAME', 'DESC'],
  ['CREATED_AT', 'ASC'],
  ['CREATED_AT', 'DESC'],
  ['USER_COUNT', 'ASC'],
  ['USER_COUNT', 'DESC'],
];

/** What the fixture knows about a customer, to compute the expected order independently. */
interface Known {
  id: number;
  email: string;
  accountNumber: string;
  name: string;
  createdAt: number;
  users: number;
}

/** Letters only, so no email can contain an account number's digits. */
const tag = () =>
  [...randomBytes(8)].map((b) => String.fromCharCode(97 + (b % 26))).join('');

function expectedOrder(known: Known[], field: Field, direction: Direction): string[] {
  const key = (k: Known): string | number =>
    field === 'ORGANIZATION_NAME' ? k.name.toLowerCase() : field === 'CREATED_AT' ? k.createdAt : k.users;
  const sorted = [...known].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    if (x !== y) return x < y ? -1 : 1;
    return a.id - b.id;
  });
  if (direction === 'DESC') sorted.reverse();
  return sorted.map((k) => k.accountNumber);
}

async function list(api: TestApi, key: string, variables: Record<string, unknown>) {
  return (await api.ok(key, LIST, variables)).msp.customers;
}

/** The top-level error of a request that must fail with BAD_USER_INPUT. */
async function badInput(api: TestApi, key: string, query: string, variables?: Record<string, unknown>) {
  const response = await api.gql(key, query, variables);
  expect(response.body.errors).toHaveLength(1);
  const [error] = response.body.errors!;
  expect(error.extensions?.code).toBe('BAD_USER_INPUT');
  return { status: response.status, message: error.message, data: response.body.data };
}

/** Pages forward with `first` until the end; checks each page's shape on the way. */
async function pageForward(api: TestApi, key: string, variables: Record<string, unknown>, size: number, total: number) {
  const seen: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 50; page++) {
    const c = await list(api, key, { ...variables, first: size, after });
    checkPageShape(c, total);
    expect(c.pageInfo.hasPreviousPage).toBe(after !== null);
    seen.push(...c.nodes.map((n: { accountNumber: string }) => n.accountNumber));
    expect(c.pageInfo.hasNextPage).toBe(seen.length < total);
    if (!c.pageInfo.hasNextPage) return seen;
    expect(c.nodes).toHaveLength(size);
    after = c.pageInfo.endCursor;
  }
  throw new Error('paging forward never ended');
}

/** Pages backward with `last` from the end; returns items in the order they were met (reversed). */
async function pageBackward(api: TestApi, key: string, variables: Record<string, unknown>, size: number, total: number) {
  const met: string[] = [];
  let before: string | null = null;
  for (let page = 0; page < 50; page++) {
    const c = await list(api, key, { ...variables, last: size, before });
    checkPageShape(c, total);
    expect(c.pageInfo.hasNextPage).toBe(before !== null);
    met.push(...c.nodes.map((n: { accountNumber: string }) => n.accountNumber).reverse());
    expect(c.pageInfo.hasPreviousPage).toBe(met.length < total);
    if (!c.pageInfo.hasPreviousPage) return met;
    expect(c.nodes).toHaveLength(size);
    before = c.pageInfo.startCursor;
  }
  throw new Error('paging backward never ended');
}

function checkPageShape(c: any, total: number): void {
  expect(c.totalCount).toBe(total);
  expect(c.edges.map((e: any) => e.node.accountNumber)).toEqual(c.nodes.map((n: any) => n.accountNumber));
  expect(new Set(c.edges.map((e: any) => e.cursor)).size).toBe(c.edges.length);
  expect(c.pageInfo.startCursor).toBe(c.edges[0]?.cursor ?? null);
  expect(c.pageInfo.endCursor).toBe(c.edges[c.edges.length - 1]?.cursor ?? null);
}

const NAMES = [
  'delta', 'Alpha', 'echo', 'Charlie', 'bravo', 'FOXTROT', 'golf', 'Hotel', 'india', 'Juliett', 'kilo', 'LIMA', 'mike',
  'November', 'oscar', 'Papa', 'quebec', 'Romeo', 'sierra', 'Tango', 'uniform', 'Victor', 'whiskey', 'X-ray', 'yankee',
];
// Creation order differs from name order, and from user-count order.
const CREATION = [7, 19, 2, 24, 11, 0, 15, 4, 22, 9, 13, 1, 17, 5, 20, 3, 10, 23, 8, 14, 6, 18, 12, 21, 16];

describeEachEngine('customer lists', (api) => {
  let big: TestMsp;
  let known: Known[];

  beforeAll(async () => {
    big = await api().makeMsp();
    known = [];
    for (const [i, index] of CREATION.entries()) {
      // Groups of three share a creation instant, so CREATED_AT has ties for the id to break.
      if (i % 3 === 0) api().clock.advance(1000);
      const users = (i * 7) % 5;
      const email = `${NAMES[index].toLowerCase()}@big.example`;
      const customer = await big.addCustomer({ name: NAMES[index], email, users });
      known.push({
        id: customer.entity.id,
        email,
        accountNumber: customer.accountNumber,
        name: NAMES[index],
        createdAt: customer.entity.createdAt.getTime(),
        users,
      });
    }
  });

  it('lists CREATED_AT DESC by default, newest first, ties broken by id', async () => {
    const c = await list(api(), big.key, { first: 100 });
    expect(c.nodes.map((n: any) => n.accountNumber)).toEqual(expectedOrder(known, 'CREATED_AT', 'DESC'));
    // The newest customers were added in the same instant: the last one added comes first.
    expect(c.nodes[0].accountNumber).toBe(known[known.length - 1].accountNumber);
    expect(c.totalCount).toBe(25);
  });

  it.each(ORDERS)('sorts by %s %s', async (field, direction) => {
    const c = await list(api(), big.key, { first: 100, orderBy: { field, direction } });
    expect(c.nodes.map((n: any) => n.accountNumber)).toEqual(expectedOrder(known, field, direction));
  });

  it('sorts organization names case-insensitively', async () => {
    const c = await list(api(), big.key, { first: 6, orderBy: { field: 'ORGANIZATION_NAME', direction: 'ASC' } });
    expect(c.nodes.map((n: any) => n.organizationName)).toEqual(['Alpha', 'bravo', 'Charlie', 'delta', 'echo', 'FOXTROT']);
  });

  it.each([[undefined, undefined] as const, ...ORDERS])(
    'pages forward and backward through every customer exactly once (%s %s)',
    async (field, direction) => {
      const variables = field ? { orderBy: { field, direction } } : {};
      const expected = expectedOrder(known, field ?? 'CREATED_AT', direction ?? 'DESC');
      const forward = await pageForward(api(), big.key, variables, 7, 25);
      expect(forward).toEqual(expected);
      const backward = await pageBackward(api(), big.key, variables, 7, 25);
      expect(backward).toEqual([...expected].reverse());
    },
  );

  it('pages from any edge cursor, both ways', async () => {
    const orderBy = { field: 'USER_COUNT', direction: 'ASC' };
    const expected = expectedOrder(known, 'USER_COUNT', 'ASC');
    const all = await list(api(), big.key, { first: 25, orderBy });
    const cursor = all.edges[9].cursor;
    const after = await list(api(), big.key, { first: 5, after: cursor, orderBy });
    expect(after.nodes.map((n: any) => n.accountNumber)).toEqual(expected.slice(10, 15));
    expect(after.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const before = await list(api(), big.key, { last: 3, before: cursor, orderBy });
    expect(before.nodes.map((n: any) => n.accountNumber)).toEqual(expected.slice(6, 9));
    expect(before.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    expect(before.totalCount).toBe(25);
    const tail = await list(api(), big.key, { last: 100, before: all.edges[2].cursor, orderBy });
    expect(tail.nodes.map((n: any) => n.accountNumber)).toEqual(expected.slice(0, 2));
    expect(tail.pageInfo.hasPreviousPage).toBe(false);
    const end = await list(api(), big.key, { first: 10, after: all.edges[24].cursor, orderBy });
    expect(end).toMatchObject({ nodes: [], edges: [], totalCount: 25 });
    expect(end.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null });
  });

  it('returns 20 customers when `first` is omitted, and allows first: 100', async () => {
    const byDefault = await list(api(), big.key, {});
    expect(byDefault.nodes).toHaveLength(20);
    expect(byDefault.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(byDefault.totalCount).toBe(25);
    const hundred = await list(api(), big.key, { first: 100 });
    expect(hundred.nodes).toHaveLength(25);
    expect(hundred.pageInfo.hasNextPage).toBe(false);
    const lastByDefault = await list(api(), big.key, { before: hundred.pageInfo.endCursor });
    expect(lastByDefault.nodes.map((n: any) => n.accountNumber)).toEqual(
      hundred.nodes.slice(4, 24).map((n: any) => n.accountNumber),
    );
  });

  // Page sizes are checked before execution (400, nothing runs); cursor pairing while resolving (200).
  it.each([
    ['first: 0', { first: 0 }, /`first`.*1 to 100/, 400],
    ['first: 101', { first: 101 }, /`first`.*1 to 100/, 400],
    ['first: -1', { first: -1 }, /`first`.*1 to 100/, 400],
    ['last: 0', { last: 0 }, /`last`.*1 to 100/, 400],
    ['last: 101', { last: 101 }, /`last`.*1 to 100/, 400],
    ['first with last', { first: 5, last: 5 }, /`first` or `last`, not both/, 400],
    ['first with before', { first: 5, before: 'x' }, /`first` with `after`, or `last` with `before`/, 200],
    ['last with after', { last: 5, after: 'x' }, /`first` with `after`, or `last` with `before`/, 200],
  ])('refuses %s with BAD_USER_INPUT', async (_label, variables, message, status) => {
    const refused = await badInput(api(), big.key, LIST, variables);
    expect(refused.status).toBe(status);
    expect(refused.message).toMatch(message);
  });

  it("refuses a search over 1,000 characters through the arguments' validation, naming the field and echoing nothing", async () => {
    const long = 'q'.repeat(1001);
    const response = await api().gql(big.key, LIST, { search: long, first: 5 });
    expect(response.status).toBe(200);
    expect(response.body.errors?.map((e) => [e.extensions?.code, e.extensions?.fields])).toEqual([['BAD_USER_INPUT', ['search']]]);
    expect(response.body.errors?.[0].message).toMatch(/search must be shorter than or equal to 1000 characters/);
    expect(JSON.stringify(response.body)).not.toContain(long);
  });

  it('refuses malformed and forged cursors with BAD_USER_INPUT', async () => {
    const nameCursor = (await list(api(), big.key, { first: 1, orderBy: { field: 'ORGANIZATION_NAME', direction: 'ASC' } }))
      .pageInfo.endCursor;
    const usersCursor = (await list(api(), big.key, { first: 1, orderBy: { field: 'USER_COUNT', direction: 'ASC' } })).pageInfo
      .endCursor;
    const cases: Array<Record<string, unknown>> = [
      { after: 'not a cursor' },
      { after: '' },
      { before: '!!!' },
      { after: Buffer.from('{"a":1}').toString('base64url') },
      // A cursor is bound to the order it was made for: direction and field both count.
      { after: nameCursor, orderBy: { field: 'ORGANIZATION_NAME', direction: 'DESC' } },
      { after: nameCursor },
      { before: usersCursor, orderBy: { field: 'CREATED_AT', direction: 'ASC' } },
      // Well-formed but forged: the value does not fit the order's field.
      { after: encodeCursor('CREATED_AT:DESC', { value: 'yesterday', id: 1 }) },
      { after: encodeCursor('USER_COUNT:ASC', { value: 'many', id: 1 }), orderBy: { field: 'USER_COUNT', direction: 'ASC' } },
      { after: encodeCursor('ORGANIZATION_NAME:ASC', { value: null, id: 1 }), orderBy: { field: 'ORGANIZATION_NAME', direction: 'ASC' } },
    ];
    for (const variables of cases) {
      const size = 'before' in variables ? { last: 2 } : { first: 2 };
      const response = await api().gql(big.key, LIST, { ...size, ...variables });
      expect({ variables, status: response.status, body: response.body }).toEqual({
        variables,
        status: 200,
        body: {
          data: { msp: null },
          errors: [expect.objectContaining({ message: 'The cursor is not valid for this list and order.', extensions: { code: 'BAD_USER_INPUT' } })],
        },
      });
    }
  });

  it('filters by state, with totals over the whole filtered set from rollups and from SQL alike', async () => {
    const msp = await api().makeMsp();
    const t = tag();
    const add = (name: string, local: string, users: number) =>
      msp.addCustomer({ name, email: `${local}@filters-${t}.example`, users });
    const hooli = await add('Hooli Labs', 'hooli', 6);
    const stark = await add('Stark Logistics', 'stark', 2);
    const oldPaid = await add('Old Paid Co', 'oldpaid', 4);
    await oldPaid.makePaid(10);
    api().clock.advance(14 * DAY_MS + 1);
    const fifty = await add('50% Off Ltd', 'deals', 2);
    const five = await add('500 Corp', 'fivehundred', 3);
    const ab = await add('a_b Partners', 'ab', 1);
    const axb = await add('axb Industries', 'axb', 0);
    const globex = await add('Globex', 'globex', 7);
    await globex.makePaid(5);
    const bang = await add('Bang! Studio', 'bang', 1);
    const slash = await add('Back\\slash Ltd', 'backslash', 0);

    const expected = {
      PAID: { count: 2, users: 11, members: [oldPaid, globex] },
      ACTIVE_TRIAL: { count: 6, users: 7, members: [fifty, five, ab, axb, bang, slash] },
      EXPIRED_TRIAL: { count: 2, users: 5, members: [hooli, stark] },
    };
    const counts = await api().ok(msp.key, '{ msp { customerCounts { paid activeTrials expiredTrials total } } }');
    expect(counts.msp.customerCounts).toEqual({ paid: 2, activeTrials: 6, expiredTrials: 2, total: 10 });

    for (const [state, want] of Object.entries(expected)) {
      for (const search of [null, `@filters-${t}.EXAMPLE`]) {
        const c = await list(api(), msp.key, { state, search, first: 100, orderBy: { field: 'CREATED_AT', direction: 'ASC' } });
        expect({ state, search, totalCount: c.totalCount, monitoredUserTotal: c.monitoredUserTotal }).toEqual({
          state,
          search,
          totalCount: want.count,
          monitoredUserTotal: want.users,
        });
        expect(c.nodes.map((n: any) => n.accountNumber)).toEqual(want.members.map((m) => m.accountNumber));
        expect(c.nodes.every((n: any) => n.subscriptionState === state)).toBe(true);
      }
    }
    // The filtered totals cover the whole set, not the page.
    for (const search of [null, `filters-${t}`]) {
      const page = await list(api(), msp.key, { search, first: 1 });
      expect(page).toMatchObject({ totalCount: 10, monitoredUserTotal: 23 });
      const expiredPage = await list(api(), msp.key, { search, state: 'EXPIRED_TRIAL', first: 1 });
      expect(expiredPage).toMatchObject({ totalCount: 2, monitoredUserTotal: 5 });
      expect(expiredPage.nodes).toHaveLength(1);
    }
    const hooliRow = await list(api(), msp.key, { search: 'hooli', first: 5 });
    expect(hooliRow.nodes).toEqual([expect.objectContaining({ userCount: 6, monitoredUserCount: 3, subscriptionState: 'EXPIRED_TRIAL' })]);
    expect(hooliRow.monitoredUserTotal).toBe(3);
  });

  it('searches names and admin emails as literal, case-insensitive substrings, and account numbers exactly', async () => {
    const msp = await api().makeMsp();
    const t = tag();
    const add = (name: string, local: string, users = 0) => msp.addCustomer({ name, email: `${local}@search-${t}.example`, users });
    await add('50% Off Ltd', 'deals', 2);
    const five = await add('500 Corp', 'fivehundred', 3);
    await add('a_b Partners', 'ab');
    await add('axb Industries', 'axb');
    const hooli = await add('Hooli Labs', 'contact', 4);
    await add('Bang! Studio', 'bang');
    await add('Back\\slash Ltd', 'backslash');
    await add(`O'Brien "Quoted" Who? Co`, 'quotes');
    const found = async (search: string, state?: string) => {
      const c = await list(api(), msp.key, { search, state, first: 100, orderBy: { field: 'ORGANIZATION_NAME', direction: 'ASC' } });
      expect(c.totalCount).toBe(c.nodes.length);
      return c.nodes.map((n: any) => n.organizationName);
    };
    expect(await found('HOOLI')).toEqual(['Hooli Labs']);
    expect(await found('  hooli labs  ')).toEqual(['Hooli Labs']);
    expect(await found('oOl')).toEqual(['Hooli Labs']);
    expect(await found(`CONTACT@SEARCH-${t.toUpperCase()}`)).toEqual(['Hooli Labs']);
    expect(await found('50%')).toEqual(['50% Off Ltd']);
    expect(await found('%')).toEqual(['50% Off Ltd']);
    expect(await found('a_b')).toEqual(['a_b Partners']);
    expect(await found('_')).toEqual(['a_b Partners']);
    expect(await found('g!')).toEqual(['Bang! Studio']);
    expect(await found('!')).toEqual(['Bang! Studio']);
    expect(await found('k\\s')).toEqual(['Back\\slash Ltd']);
    // Quotes and the placeholder character are text (values reach MySQL escaped, never as SQL).
    expect(await found("o'brien")).toEqual([`O'Brien "Quoted" Who? Co`]);
    expect(await found('"quoted" who?')).toEqual([`O'Brien "Quoted" Who? Co`]);
    expect(await found("' OR '1'='1")).toEqual([]);
    expect(await found('no such customer')).toEqual([]);
    expect(await found(five.accountNumber)).toEqual(['500 Corp']);
    expect(await found(` ${hooli.accountNumber} `)).toEqual(['Hooli Labs']);
    // An account number matches only exactly.
    expect(await found(five.accountNumber.slice(0, 6))).toEqual([]);
    expect(await found(five.accountNumber.slice(1))).toEqual([]);
    // Search with state.
    expect(await found('LTD', 'ACTIVE_TRIAL')).toEqual(['50% Off Ltd', 'Back\\slash Ltd']);
    expect(await found('LTD', 'PAID')).toEqual([]);
    expect(await found('LTD', 'EXPIRED_TRIAL')).toEqual([]);
    const withUsers = await list(api(), msp.key, { search: '50', first: 1 });
    expect(withUsers).toMatchObject({ totalCount: 2, monitoredUserTotal: 5 });
  });

  it('pages through a searched list exactly once with its totals', async () => {
    const orderBy = { field: 'ORGANIZATION_NAME', direction: 'ASC' };
    // Matches names and emails alike (every email ends in "@big.example", which has no "o").
    const matches = known.filter((k) => `${k.name} ${k.email}`.toLowerCase().includes('o'));
    expect(matches.length).toBeGreaterThan(8);
    expect(matches.length).toBeLessThan(25);
    const expected = expectedOrder(matches, 'ORGANIZATION_NAME', 'ASC');
    const seen = await pageForward(api(), big.key, { search: 'O', orderBy }, 4, expected.length);
    expect(seen).toEqual(expected);
    const back = await pageBackward(api(), big.key, { search: 'O', orderBy }, 4, expected.length);
    expect(back).toEqual([...expected].reverse());
  });

  it('finds a customer by account number, and answers null for any other number', async () => {
    const [first] = known;
    const q = `query($n: String!) { customer(accountNumber: $n) { id accountNumber organizationName msp { accountNumber } } }`;
    const found = await api().ok(big.key, q, { n: first.accountNumber });
    expect(found.customer).toEqual({
      id: toGlobalId('CustomerAccount', first.accountNumber),
      accountNumber: first.accountNumber,
      organizationName: first.name,
      msp: { accountNumber: big.entity.accountNumber },
    });
    const standalone = await api().services.msps.signup('Standalone Co', `owner-${tag()}@standalone.example`);
    if (!standalone.ok) throw new Error('signup refused');
    for (const n of ['1234567', '', 'abc', big.entity.accountNumber, standalone.value.accountNumber]) {
      expect(await api().ok(big.key, q, { n })).toEqual({ customer: null });
    }
  });

  it('resolves node and nodes for each type; wrong-type and malformed ids are null', async () => {
    // Its own MSP: the shared `big` fixture stays read-only.
    const owner = await api().makeMsp();
    const customer = await owner.addCustomer({ name: 'Node Test Co', users: 0 });
    const userId = await customer.registerUser('node\\user');
    const userRowId = Number(Buffer.from(userId, 'base64url').toString('utf8').split(':')[1]);
    const q = `query($id: ID!) { node(id: $id) { __typename id
      ... on Msp { accountNumber }
      ... on CustomerAccount { accountNumber organizationName }
      ... on MonitoredUser { identity monitored } } }`;
    expect((await api().ok(owner.key, q, { id: owner.id })).node).toEqual({ __typename: 'Msp', id: owner.id, accountNumber: owner.entity.accountNumber });
    expect((await api().ok(owner.key, q, { id: customer.id })).node).toEqual({
      __typename: 'CustomerAccount',
      id: customer.id,
      accountNumber: customer.accountNumber,
      organizationName: 'Node Test Co',
    });
    expect((await api().ok(owner.key, q, { id: userId })).node).toEqual({ __typename: 'MonitoredUser', id: userId, identity: 'node\\user', monitored: true });

    const wrongType = [
      toGlobalId('Msp', customer.accountNumber),
      toGlobalId('CustomerAccount', owner.entity.accountNumber),
      toGlobalId('Msp', userRowId),
      toGlobalId('MonitoredUser', Number(customer.accountNumber)),
      toGlobalId('CustomerAccount', 1234567),
    ];
    const malformed = [
      '',
      'abc',
      '!!!',
      Buffer.from(`Customer:${customer.accountNumber}`).toString('base64url'),
      Buffer.from('CustomerAccount:abc').toString('base64url'),
      Buffer.from(`CustomerAccount:${customer.accountNumber}:x`).toString('base64url'),
      Buffer.from(`MonitoredUser:-${userRowId}`).toString('base64url'),
      Buffer.from('MonitoredUser:0').toString('base64url'),
      Buffer.from(`MonitoredUser:${'9'.repeat(30)}`).toString('base64url'),
      toGlobalId('MonitoredUser', '9'.repeat(20)),
      toGlobalId('CustomerAccount', '9'.repeat(20)),
      customer.accountNumber,
      'x'.repeat(5000),
    ];
    for (const id of [...wrongType, ...malformed]) {
      const response = await api().gql(owner.key, q, { id });
      expect({ id, status: response.status, body: response.body }).toEqual({ id, status: 200, body: { data: { node: null } } });
    }

    const nodes = `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`;
    const ids = [userId, 'abc', customer.id, owner.id, toGlobalId('Msp', customer.accountNumber), customer.id];
    expect((await api().ok(owner.key, nodes, { ids })).nodes).toEqual([
      { __typename: 'MonitoredUser', id: userId },
      null,
      { __typename: 'CustomerAccount', id: customer.id },
      { __typename: 'Msp', id: owner.id },
      null,
      { __typename: 'CustomerAccount', id: customer.id },
    ]);
    const hundred = known.slice(0, 20).flatMap((k) => Array(5).fill(toGlobalId('CustomerAccount', k.accountNumber)));
    const many = await api().ok(big.key, nodes, { ids: hundred });
    expect(many.nodes).toHaveLength(100);
    expect(many.nodes.every((n: any) => n?.__typename === 'CustomerAccount')).toBe(true);
    expect((await api().ok(big.key, nodes, { ids: [] })).nodes).toEqual([]);
    const tooMany = await badInput(api(), big.key, nodes, { ids: [...hundred, customer.id] });
    expect(tooMany.message).toMatch(/at most 100/);
  });

  it('answers msp: an MSP key its own, null for another number; staff must name one', async () => {
    const other = await api().makeMsp();
    const reader = await api().makeKey(ApiKeyRole.MSP_READ, big);
    const staff = await api().makeKey(ApiKeyRole.STAFF);
    const q = `query($n: String) { msp(accountNumber: $n) { id accountNumber name } }`;
    const own = { id: big.id, accountNumber: big.entity.accountNumber, name: big.entity.name };
    for (const key of [big.key, reader]) {
      expect((await api().ok(key, q, {})).msp).toEqual(own);
      expect((await api().ok(key, q, { n: big.entity.accountNumber })).msp).toEqual(own);
      const foreign = await api().gql(key, q, { n: other.entity.accountNumber });
      const unknown = await api().gql(key, q, { n: '1234567' });
      expect(foreign.body).toEqual({ data: { msp: null } });
      expect(foreign.body).toEqual(unknown.body);
    }
    const missing = await badInput(api(), staff, q, {});
    expect(missing.message).toMatch(/accountNumber/);
    expect(missing.data).toEqual({ msp: null });
    expect((await api().ok(staff, q, { n: other.entity.accountNumber })).msp).toEqual({
      id: other.id,
      accountNumber: other.entity.accountNumber,
      name: other.entity.name,
    });
    expect((await api().ok(staff, q, { n: '1234567' })).msp).toBeNull();
    expect((await api().ok(staff, q, { n: known[0].accountNumber })).msp).toBeNull();
    // Staff read any MSP's customers through it.
    const listed = await api().ok(staff, `query($n: String) { msp(accountNumber: $n) { customers(first: 1) { totalCount } } }`, {
      n: big.entity.accountNumber,
    });
    expect(listed.msp.customers.totalCount).toBe(await customerTotal(api(), big));
  });

  it('lists MSPs for staff only, with search and paging', async () => {
    const t = tag();
    const names = ['Quokka Echo', 'quokka alpha', 'QUOKKA Delta', 'Quokka bravo', 'Quokka Charlie'];
    const msps: TestMsp[] = [];
    for (const name of names) msps.push(await api().makeMsp({ name: `${name} ${t}`, email: `admin@${name.split(' ')[1].toLowerCase()}-${t}.example` }));
    const byName = [1, 3, 4, 2, 0].map((i) => msps[i].entity.accountNumber);
    const staff = await api().makeKey(ApiKeyRole.STAFF);
    const q = `query($search: String, $first: Int, $after: String, $last: Int, $before: String) {
      msps(search: $search, first: $first, after: $after, last: $last, before: $before) {
        totalCount edges { cursor node { accountNumber } } nodes { id accountNumber name }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;

    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = (await api().ok(staff, q, { search: t.toUpperCase(), first: 2, after })).msps;
      expect(page.totalCount).toBe(5);
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      expect(page.pageInfo.endCursor).toBe(page.edges[page.edges.length - 1].cursor);
      seen.push(...page.nodes.map((n: any) => n.accountNumber));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(byName);
    const back: string[] = [];
    let before: string | null = null;
    for (;;) {
      const page: any = (await api().ok(staff, q, { search: `quokka`, last: 2, before })).msps;
      back.unshift(...page.nodes.map((n: any) => n.accountNumber).filter((n: string) => byName.includes(n)));
      if (!page.pageInfo.hasPreviousPage) break;
      before = page.pageInfo.startCursor;
    }
    expect(back).toEqual(byName);

    const one = (await api().ok(staff, q, { search: `ADMIN@DELTA-${t}` })).msps;
    expect(one).toMatchObject({ totalCount: 1, nodes: [{ id: msps[2].id, accountNumber: msps[2].entity.accountNumber, name: `QUOKKA Delta ${t}` }] });
    const byNumber = (await api().ok(staff, q, { search: msps[4].entity.accountNumber })).msps;
    expect(byNumber.nodes.map((n: any) => n.accountNumber)).toEqual([msps[4].entity.accountNumber]);
    expect((await api().ok(staff, q, { search: `${t}%` })).msps.totalCount).toBe(0);
    expect((await badInput(api(), staff, q, { first: 101 })).message).toMatch(/1 to 100/);
    expect((await badInput(api(), staff, q, { first: 1, after: 'junk' })).message).toMatch(/cursor/);

    for (const key of [msps[0].key, await api().makeKey(ApiKeyRole.MSP_READ, msps[0])]) {
      const response = await api().gql(key, q, {});
      expect(response.status).toBe(200);
      expect(response.body.data).toBeNull();
      expect(response.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    }
  });
});

async function customerTotal(api: TestApi, msp: TestMsp): Promise<number> {
  return (await api.ok(msp.key, '{ msp { customerCounts { total } } }')).msp.customerCounts.total;
}
