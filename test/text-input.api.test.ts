import { ApiKeyRole } from '../src/entities';
import { START, TestApi, describeEachEngine } from './support/harness';

/**
 * Input that means one thing (issue 7): emails, organization names and identities compared in
 * one form on both engines (NFKC, full case folding, NFKC), text that is not well-formed UTF-16
 * refused everywhere, invisible and direction-changing characters refused where texts are
 * compared, and searches that the engines would read differently refused.
 */

const ADD = `mutation($input: AddCustomerInput!) { addCustomer(input: $input) {
  customer { id accountNumber organizationName adminEmail } userErrors { field message code } } }`;
const UPDATE = `mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) {
  customer { id organizationName adminEmail } userErrors { field code } } }`;
const REGISTER = `mutation($input: RegisterMonitoredUserInput!) { registerMonitoredUser(input: $input) {
  monitoredUser { id identity } userErrors { field code } } }`;
const USERS = `query($id: ID!) { node(id: $id) { ... on CustomerAccount { userCount monitoredUsers(first: 20) { nodes { identity } } } } }`;
const AVAILABILITY = `query($email: String!) { checkAdminEmailAvailability(email: $email) { available reason } }`;
const SEARCH = `query($search: String) { msp { customers(search: $search, first: 50) { totalCount nodes { organizationName } } } }`;
const STAFF_SEARCH = `query($search: String) { msps(search: $search, first: 50) { totalCount nodes { name } } }`;
const REMOVE = `mutation($input: RemoveCustomerInput!) { removeCustomer(input: $input) { customer { id } userErrors { field code } } }`;
const STAFF_CUSTOMER = `query($n: String!) { customer(accountNumber: $n) { removalReason } }`;
const REQUEST_UPGRADE = `mutation($input: RequestUpgradeInput!) { requestUpgrade(input: $input) { supportRequest { note } userErrors { field code } } }`;
const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret userErrors { field code } } }`;

/** `İ` (U+0130) and its full case folding `i̇` (i, U+0307), which is also its lower case. */
const DOTTED_I = '\u0130';
const I_DOT = 'i\u0307';

let serial = 0;
const tag = () => `x${++serial}`;

/**
 * POSTs a hand-written JSON body, so a lone surrogate travels as the JSON escape `\ud800` a
 * client would send (JSON.stringify would write the same, but this leaves no doubt).
 */
async function rawPost(api: TestApi, key: string, body: string) {
  const response = await api.app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    payload: body,
  });
  return { status: response.statusCode, body: response.json() };
}

const fullwidth = (ascii: string) => [...ascii].map((c) => (/[!-~]/.test(c) ? String.fromCodePoint(c.codePointAt(0)! + 0xfee0) : c)).join('');

describeEachEngine('text input', (api) => {
  beforeEach(() => api().clock.set(START));

  const add = async (key: string, organizationName: string, adminEmail: string) =>
    (await api().ok(key, ADD, { input: { organizationName, adminEmail } })).addCustomer as {
      customer: { id: string; accountNumber: string; organizationName: string; adminEmail: string } | null;
      userErrors: Array<{ field: string[]; code: string }>;
    };
  const codes = (payload: { userErrors: Array<{ field: string[]; code: string }> }) => payload.userErrors.map((e) => `${e.field.join('.')}:${e.code}`);
  const availability = async (key: string, email: string) => (await api().ok(key, AVAILABILITY, { email })).checkAdminEmailAvailability;

  describe('texts far past their limits', () => {
    it('answer with the field\'s user error, whatever the length (no cap other than the body limit changes the shape)', async () => {
      const msp = await api().makeMsp();
      const long = 'x'.repeat(10_000);
      const before = await api().rowCount('accounts');
      expect(codes(await add(msp.key, long, `long-${tag()}@x.example`))).toEqual(['input.organizationName:INVALID_ORGANIZATION_NAME']);
      expect(codes(await add(msp.key, `Long ${tag()}`, `${long}@x.example`))).toEqual(['input.adminEmail:INVALID_EMAIL']);
      const customer = await msp.addCustomer();
      const register = (await api().ok(msp.key, REGISTER, { input: { customerId: customer.id, identity: long } })).registerMonitoredUser;
      expect(codes(register)).toEqual(['input.identity:INVALID_IDENTITY']);
      // A malformed id of any length is an unknown id.
      const unknown = (await api().ok(msp.key, REGISTER, { input: { customerId: long, identity: 'someone' } })).registerMonitoredUser;
      expect(codes(unknown)).toEqual(['input.customerId:NOT_FOUND']);
      expect(await api().rowCount('accounts')).toBe(before + 1);
    });
  });

  describe('one comparison form (NFKC, full case folding)', () => {
    it(`takes ${DOTTED_I}NFO@ and ${I_DOT}nfo@ for one address: EMAIL_TAKEN either way, and the availability check agrees`, async () => {
      const msp = await api().makeMsp();
      const t = tag();
      const upper = `${DOTTED_I}NFO-${t}@x.example`;
      const lower = `${I_DOT}nfo-${t}@x.example`;
      expect(codes(await add(msp.key, `Dotted ${t}`, upper))).toEqual([]);
      expect(await availability(msp.key, lower)).toEqual({ available: false, reason: 'TAKEN' });
      expect(codes(await add(msp.key, `Dotted two ${t}`, lower))).toEqual(['input.adminEmail:EMAIL_TAKEN']);

      const u = tag();
      expect(codes(await add(msp.key, `Dotless ${u}`, `${I_DOT}nfo-${u}@x.example`))).toEqual([]);
      expect(await availability(msp.key, `${DOTTED_I}NFO-${u}@x.example`)).toEqual({ available: false, reason: 'TAKEN' });
      expect(codes(await add(msp.key, `Dotless two ${u}`, `${DOTTED_I}NFO-${u}@x.example`))).toEqual(['input.adminEmail:EMAIL_TAKEN']);
    });

    it(`takes "${DOTTED_I}STANBUL" and "${I_DOT}stanbul" for one name in one MSP (ORGANIZATION_NAME_TAKEN), on add and on update`, async () => {
      const msp = await api().makeMsp();
      const t = tag();
      expect(codes(await add(msp.key, `${DOTTED_I}STANBUL ${t}`, `ist-${t}@x.example`))).toEqual([]);
      expect(codes(await add(msp.key, `${I_DOT}stanbul ${t}`, `ist2-${t}@x.example`))).toEqual(['input.organizationName:ORGANIZATION_NAME_TAKEN']);
      const other = (await add(msp.key, `Ankara ${t}`, `ank-${t}@x.example`)).customer!;
      const renamed = (await api().ok(msp.key, UPDATE, { input: { customerId: other.id, organizationName: `${I_DOT}stanbul ${t}` } })).updateCustomer;
      expect(codes(renamed)).toEqual(['input.organizationName:ORGANIZATION_NAME_TAKEN']);
    });

    it('folds ß to ss and final sigma to sigma, which lower-casing does not', async () => {
      const msp = await api().makeMsp();
      const t = tag();
      expect(codes(await add(msp.key, `Stra\u00dfe ${t}`, `stra\u00dfe-${t}@x.example`))).toEqual([]);
      expect(codes(await add(msp.key, `Other ${t}`, `STRASSE-${t}@x.example`))).toEqual(['input.adminEmail:EMAIL_TAKEN']);
      expect(codes(await add(msp.key, `STRASSE ${t}`, `other-${t}@x.example`))).toEqual(['input.organizationName:ORGANIZATION_NAME_TAKEN']);
      expect(codes(await add(msp.key, `\u03a3\u039f\u03a6\u039f\u03a3 ${t}`, `sophos-${t}@x.example`))).toEqual([]);
      expect(codes(await add(msp.key, `\u03c3\u03bf\u03c6\u03bf\u03c2 ${t}`, `sophos2-${t}@x.example`))).toEqual(['input.organizationName:ORGANIZATION_NAME_TAKEN']);
    });

    it('takes fullwidth letters for their ASCII selves in emails and names', async () => {
      const msp = await api().makeMsp();
      const t = tag();
      expect(codes(await add(msp.key, `Acme Wide ${t}`, `jane-${t}@wide.example`))).toEqual([]);
      expect(await availability(msp.key, `${fullwidth(`JANE-${t}`)}@wide.example`)).toEqual({ available: false, reason: 'TAKEN' });
      expect(codes(await add(msp.key, `Other Wide ${t}`, `${fullwidth(`jane-${t}`)}@wide.example`))).toEqual(['input.adminEmail:EMAIL_TAKEN']);
      expect(codes(await add(msp.key, fullwidth(`ACME WIDE ${t}`), `wide2-${t}@wide.example`))).toEqual(['input.organizationName:ORGANIZATION_NAME_TAKEN']);
    });

    it('takes identities for one monitored user whatever their case folding or width', async () => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      const register = async (identity: string) =>
        (await api().ok(msp.key, REGISTER, { input: { customerId: customer.id, identity } })).registerMonitoredUser as {
          monitoredUser: { id: string; identity: string } | null;
          userErrors: unknown[];
        };
      const first = await register(`${DOTTED_I}NFO@corp.example`);
      expect(first.userErrors).toEqual([]);
      for (const same of [`${I_DOT}nfo@corp.example`, `${I_DOT}NFO@CORP.EXAMPLE`, fullwidth(`${I_DOT}nfo@corp.example`)]) {
        expect(await register(same)).toEqual({ monitoredUser: first.monitoredUser, userErrors: [] });
      }
      const second = await register('Stra\u00dfe');
      expect(await register('STRASSE')).toEqual({ monitoredUser: second.monitoredUser, userErrors: [] });
      const state = (await api().ok(msp.key, USERS, { id: customer.id })).node;
      expect(state.userCount).toBe(2);
      expect(state.monitoredUsers.nodes.map((n: { identity: string }) => n.identity).sort()).toEqual([`${DOTTED_I}NFO@corp.example`, 'Stra\u00dfe'].sort());
    });

    it('searches in the same form as the stored keys', async () => {
      const msp = await api().makeMsp();
      const t = tag();
      await add(msp.key, `${I_DOT}stanbul Dental ${t}`, `dental-${t}@x.example`);
      await add(msp.key, `Gro\u00dfhandel ${t}`, `handel-${t}@x.example`);
      const found = async (search: string) =>
        (await api().ok(msp.key, SEARCH, { search })).msp.customers.nodes.map((n: { organizationName: string }) => n.organizationName);
      expect(await found(`${DOTTED_I}STANBUL DENTAL ${t}`)).toEqual([`${I_DOT}stanbul Dental ${t}`]);
      expect(await found(`GROSSHANDEL ${t}`)).toEqual([`Gro\u00dfhandel ${t}`]);
      expect(await found(fullwidth(`dental ${t}`))).toEqual([`${I_DOT}stanbul Dental ${t}`]);
    });
  });

  describe('lone surrogates are refused in every text input', () => {
    const LONE = 'Lone\\ud800Sur';

    it.each([
      ['organizationName', `"organizationName": "${LONE}", "adminEmail": "lone-org-%T@x.example"`, 'input.organizationName:INVALID_ORGANIZATION_NAME'],
      ['adminEmail', `"organizationName": "Lone email %T", "adminEmail": "${LONE}-%T@x.example"`, 'input.adminEmail:INVALID_EMAIL'],
      ['externalId', `"organizationName": "Lone ext %T", "adminEmail": "lone-ext-%T@x.example", "externalId": "${LONE}"`, 'input.externalId:INVALID_EXTERNAL_ID'],
      ['idempotencyKey', `"organizationName": "Lone idem %T", "adminEmail": "lone-idem-%T@x.example", "idempotencyKey": "${LONE}"`, 'input.idempotencyKey:INVALID_IDEMPOTENCY_KEY'],
    ])('addCustomer %s, sent as the JSON escape \\ud800, and writes nothing', async (_field, fields, expected) => {
      const msp = await api().makeMsp();
      const accounts = await api().rowCount('accounts');
      const body = `{"query": ${JSON.stringify(ADD)}, "variables": {"input": {${fields.replace(/%T/g, tag())}}}}`;
      expect(body).toContain('\\ud800');
      const response = await rawPost(api(), msp.key, body);
      expect(response.status).toBe(200);
      expect(response.body.data.addCustomer.customer).toBeNull();
      expect(codes(response.body.data.addCustomer)).toEqual([expected]);
      expect(await api().rowCount('accounts')).toBe(accounts);
    });

    it('registerMonitoredUser identity and display name, updateCustomer, a note, a removal reason and an API key name', async () => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      const staff = await api().makeKey(ApiKeyRole.STAFF);
      const send = async (key: string, query: string, input: string) =>
        (await rawPost(api(), key, `{"query": ${JSON.stringify(query)}, "variables": {"input": {${input}}}}`)).body.data;
      const id = JSON.stringify(customer.id);
      const before = { users: await api().rowCount('monitored_users'), requests: await api().rowCount('support_requests'), keys: await api().rowCount('api_keys') };
      expect(codes((await send(msp.key, REGISTER, `"customerId": ${id}, "identity": "${LONE}"`)).registerMonitoredUser)).toEqual(['input.identity:INVALID_IDENTITY']);
      expect(codes((await send(msp.key, REGISTER, `"customerId": ${id}, "identity": "ok", "displayName": "${LONE}"`)).registerMonitoredUser)).toEqual([
        'input.displayName:INVALID_DISPLAY_NAME',
      ]);
      expect(codes((await send(msp.key, UPDATE, `"customerId": ${id}, "organizationName": "${LONE}"`)).updateCustomer)).toEqual([
        'input.organizationName:INVALID_ORGANIZATION_NAME',
      ]);
      expect(codes((await send(msp.key, REQUEST_UPGRADE, `"customerId": ${id}, "licensedSeats": 5, "note": "${LONE}"`)).requestUpgrade)).toEqual(['input.note:INVALID_NOTE']);
      expect(codes((await send(staff, REMOVE, `"customerId": ${id}, "reason": "${LONE}"`)).removeCustomer)).toEqual(['input.reason:INVALID_NOTE']);
      expect(codes((await send(msp.key, CREATE_KEY, `"name": "${LONE}", "role": "MSP_READ"`)).createApiKey)).toEqual(['input.name:INVALID_KEY_NAME']);
      const after = { users: await api().rowCount('monitored_users'), requests: await api().rowCount('support_requests'), keys: await api().rowCount('api_keys') };
      expect(after).toEqual(before);
    });
  });

  describe('invisible and direction-changing characters are refused in emails and names', () => {
    const INVISIBLE: Array<[string, string]> = [
      ['zero-width space U+200B', '\u200b'],
      ['zero-width non-joiner U+200C', '\u200c'],
      ['zero-width joiner U+200D', '\u200d'],
      ['word joiner U+2060', '\u2060'],
      ['byte order mark U+FEFF', '\ufeff'],
      ['right-to-left override U+202E', '\u202e'],
      ['left-to-right isolate U+2066', '\u2066'],
      ['right-to-left mark U+200F', '\u200f'],
      ['Arabic letter mark U+061C', '\u061c'],
      ['soft hyphen U+00AD', '\u00ad'],
    ];

    it.each(INVISIBLE)('%s: INVALID_EMAIL and INVALID_ORGANIZATION_NAME, nothing written, and availability says INVALID', async (_name, char) => {
      const msp = await api().makeMsp();
      const t = tag();
      expect(codes(await add(msp.key, `Look Alike ${t}`, `look-${t}@alike.example`))).toEqual([]);
      const accounts = await api().rowCount('accounts');
      const payload = await add(msp.key, `Look${char} Alike ${t}`, `lo${char}ok-${t}@alike.example`);
      expect(codes(payload).sort()).toEqual(['input.adminEmail:INVALID_EMAIL', 'input.organizationName:INVALID_ORGANIZATION_NAME']);
      expect(await availability(msp.key, `lo${char}ok-${t}@alike.example`)).toEqual({ available: false, reason: 'INVALID' });
      expect(await api().rowCount('accounts')).toBe(accounts);
    });

    it('still accepts direction marks in a display name (free text that is never compared)', async () => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      const registered = (await api().ok(msp.key, REGISTER, { input: { customerId: customer.id, identity: 'rtl-user', displayName: '\u200fשלום\u200f' } }))
        .registerMonitoredUser;
      expect(registered.userErrors).toEqual([]);
    });
  });

  describe('search', () => {
    it.each([
      ['a NUL', '\u0000'],
      ['a NUL inside a term', 'acme\u0000'],
      ['a line feed', 'a\nb'],
      ['a lone surrogate', 'Lone\ud800Sur'],
    ])('with %s is BAD_USER_INPUT at the top level, for the customer list and the staff MSP list', async (_name, search) => {
      const msp = await api().makeMsp();
      await msp.addCustomer();
      const staff = await api().makeKey(ApiKeyRole.STAFF);
      for (const [key, query] of [
        [msp.key, SEARCH],
        [staff, STAFF_SEARCH],
      ]) {
        const response = await api().gql(key, query, { search });
        expect(response.body.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
        expect(response.body.errors?.[0].message).toMatch(/control characters/);
      }
    });
  });

  describe('removal reason', () => {
    it('is NFC-normalized like a note: a decomposed é is stored composed', async () => {
      const msp = await api().makeMsp();
      const customer = await msp.addCustomer();
      const staff = await api().makeKey(ApiKeyRole.STAFF);
      const removed = (await api().ok(staff, REMOVE, { input: { customerId: customer.id, reason: '  Cafe\u0301 closed  ' } })).removeCustomer;
      expect(removed.userErrors).toEqual([]);
      const reason = (await api().ok(staff, STAFF_CUSTOMER, { n: customer.accountNumber })).customer.removalReason;
      expect(reason).toBe('Caf\u00e9 closed');
      const upgrade = (await api().ok(msp.key, REQUEST_UPGRADE, { input: { customerId: (await msp.addCustomer()).id, licensedSeats: 5, note: 'Cafe\u0301' } })).requestUpgrade;
      expect(upgrade.supportRequest.note).toBe('Caf\u00e9');
    });
  });
});
