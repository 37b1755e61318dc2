import { ApiKeyRole } from '../src/entities/enums';
import { FIELDS_BEYOND_LISTED } from '../src/graphql/types/customer-account.type';
import { CustomerListReads, CustomerListService } from '../src/services/customers/customer-list.service';
import { Principal } from '../src/services/principal';
import { DAY_MS } from '../src/services/clock';
import { START, TestMsp, describeEachEngine } from './support/harness';

interface IntrospectedType {
  kind: string;
  name: string | null;
  ofType: IntrospectedType | null;
}
interface IntrospectedField {
  name: string;
  type: IntrospectedType;
}

const named = (type: IntrospectedType): IntrospectedType => (type.ofType ? named(type.ofType) : type);

/**
 * A page of customers is read with fewer columns when the operation asks for no field that needs
 * the rest (FIELDS_BEYOND_LISTED). Every field of CustomerAccount must then answer in a list as
 * it does for the same customer read whole (`nodes(ids:)`): a getter that reads a column the
 * list leaves out fails here until its field is added to FIELDS_BEYOND_LISTED.
 */
describeEachEngine('the columns a customer list reads', (api) => {
  let msp: TestMsp;
  let staffKey: string;
  let ids: string[];
  let fields: IntrospectedField[];
  let leafOf: Map<string, string>;
  let columnsAsked: Array<CustomerListReads['columns']>;

  beforeAll(async () => {
    msp = await api().makeMsp();
    staffKey = await api().makeKey(ApiKeyRole.STAFF);
    api().clock.set(new Date(START.getTime() - 30 * DAY_MS));
    const expired = await msp.addCustomer({ name: 'Expired Co', users: 5, externalId: 'ext-1' });
    api().clock.set(START);
    const paid = await msp.addCustomer({ name: 'Paid Co', users: 4 });
    await paid.makePaid(2);
    const verified = await msp.addCustomer({ name: 'Verified Co', users: 1 });
    await api().db.dataSource.query(`UPDATE accounts SET admin_email_verified_at = created_at WHERE account_number = '${verified.accountNumber}'`);
    const removed = await msp.addCustomer({ name: 'Removed Co', users: 2 });
    const staff: Principal = { keyId: 0, keyPrefix: 'test', role: ApiKeyRole.STAFF, mspId: null };
    const outcome = await api().services.staffOperations.removeCustomer(staff, { customerId: removed.id, reason: 'asked to leave' });
    expect(outcome.ok).toBe(true);
    ids = [expired.id, paid.id, verified.id, removed.id];

    const types = await api().gql(staffKey, `{ __schema { types { name fields { name type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }`);
    const all: Array<{ name: string; fields: IntrospectedField[] | null }> = types.body.data.__schema.types;
    fields = all.find((t) => t.name === 'CustomerAccount')!.fields!;
    // An object-typed field is asked for with one of its own leaf fields.
    leafOf = new Map(all.flatMap((t) => {
      const leaf = t.fields?.find((f) => ['SCALAR', 'ENUM'].includes(named(f.type).kind));
      return leaf ? [[t.name, leaf.name] as const] : [];
    }));
  });

  beforeEach(() => {
    columnsAsked = [];
    const original = CustomerListService.prototype.listCustomers;
    jest.spyOn(CustomerListService.prototype, 'listCustomers').mockImplementation(function (this: CustomerListService, ...args) {
      columnsAsked.push(args[5].columns);
      return original.apply(this, args);
    });
  });

  afterEach(() => jest.restoreAllMocks());

  const selectionOf = (field: IntrospectedField) => {
    const type = named(field.type);
    return ['SCALAR', 'ENUM'].includes(type.kind) ? field.name : `${field.name} { ${leafOf.get(type.name!)} }`;
  };

  it('answers every field of a listed customer as the customer read whole, with the fewer columns where it can', async () => {
    expect(fields.length).toBeGreaterThan(15);
    for (const field of fields) {
      const selection = `id ${selectionOf(field)}`;
      const listed = await api().gql(staffKey, `query($msp: String!) { msp(accountNumber: $msp) { customers(first: 10, includeRemoved: true, orderBy: { field: ORGANIZATION_NAME, direction: ASC }) { nodes { ${selection} } } } }`, {
        msp: msp.entity.accountNumber,
      });
      const whole = await api().gql(staffKey, `query($ids: [ID!]!) { nodes(ids: $ids) { ... on CustomerAccount { ${selection} } } }`, { ids });
      expect(listed.body.errors).toBeUndefined();
      expect(whole.body.errors).toBeUndefined();
      const byId = (nodes: Array<{ id: string }>) => [...nodes].sort((a, b) => a.id.localeCompare(b.id));
      expect({ field: field.name, nodes: byId(listed.body.data.msp.customers.nodes) }).toEqual({ field: field.name, nodes: byId(whole.body.data.nodes) });
      expect({ field: field.name, columns: columnsAsked.at(-1) }).toEqual({ field: field.name, columns: FIELDS_BEYOND_LISTED.has(field.name) ? 'all' : 'listed' });
    }
  });

  it('reads every column when the operation asks for such a field anywhere: in a fragment, or beside the list', async () => {
    const spread = await api().gql(msp.key, `{ msp { customers(first: 10) { nodes { ...Contact } } } } fragment Contact on CustomerAccount { organizationName adminEmail externalId }`);
    expect(spread.body.errors).toBeUndefined();
    expect(spread.body.data.msp.customers.nodes).toContainEqual({ organizationName: 'Expired Co', adminEmail: expect.stringContaining('@'), externalId: 'ext-1' });
    const beside = await api().gql(msp.key, `query($id: ID!) { msp { customers(first: 10) { nodes { id monitoredUsers(first: 1) { totalCount } } } } node(id: $id) { ... on CustomerAccount { adminEmail } } }`, { id: ids[0] });
    expect(beside.body.errors).toBeUndefined();
    expect(beside.body.data.node.adminEmail).toContain('@');
    expect(columnsAsked).toEqual(['all', 'all']);
    const dashboard = await api().gql(msp.key, `{ msp { customers(first: 10, state: PAID) { totalCount nodes { id organizationName subscriptionState trialEndsAt monitoredUserCount } } } }`);
    expect(dashboard.body.data.msp.customers.nodes).toEqual([expect.objectContaining({ organizationName: 'Paid Co', subscriptionState: 'PAID', monitoredUserCount: 4 })]);
    expect(columnsAsked).toEqual(['all', 'all', 'listed']);
  });
});

/**
 * Authentication reads the key's MSP without its comparison keys (AUTHENTICATED_MSP_PROPERTIES),
 * and that entity answers the request's own `msp`. Every field of Msp must answer as it does for
 * the same MSP read whole (a staff key naming it).
 */
describeEachEngine("the columns authentication reads of the key's MSP", (api) => {
  it('answers every leaf field of the caller\'s own MSP as the MSP read whole', async () => {
    const msp = await api().makeMsp();
    await msp.addCustomer({ name: 'Some Co', users: 2 });
    const staffKey = await api().makeKey(ApiKeyRole.STAFF);
    const types = await api().gql(staffKey, `{ __type(name: "Msp") { fields { name args { name } type { kind name ofType { kind name ofType { kind name } } } } } }`);
    const leaves: string[] = types.body.data.__type.fields
      .filter((f: IntrospectedField & { args: unknown[] }) => f.args.length === 0 && ['SCALAR', 'ENUM'].includes(named(f.type).kind))
      .map((f: IntrospectedField) => f.name);
    expect(leaves).toEqual(expect.arrayContaining(['id', 'accountNumber', 'name', 'adminEmail', 'createdAt', 'billableMonitoredUsers']));
    const selection = `${leaves.join(' ')} customerCounts { total } customers(first: 5) { totalCount nodes { msp { ${leaves.join(' ')} } } }`;
    const own = await api().gql(msp.key, `{ msp { ${selection} } }`);
    const whole = await api().gql(staffKey, `query($n: String!) { msp(accountNumber: $n) { ${selection} } }`, { n: msp.entity.accountNumber });
    expect(own.body.errors).toBeUndefined();
    expect(whole.body.errors).toBeUndefined();
    expect(own.body.data.msp).toEqual(whole.body.data.msp);
  });
});
