import { ApiKeyRole } from '../src/entities';
import { toGlobalId } from '../src/services/global-id';
import { GqlResponse, START, TestCustomer, TestMsp, describeEachEngine } from './support/harness';

const UPDATE = `mutation($input: UpdateCustomerInput!) {
  updateCustomer(input: $input) {
    customer { id accountNumber organizationName externalId adminEmail adminEmailVerified subscriptionState }
    userErrors { field message code }
  }
}`;
const VERIFY = `mutation($input: VerifyAdminEmailInput!) { verifyAdminEmail(input: $input) { verified userErrors { code } } }`;
const SEARCH = `query($search: String) { msp { customers(search: $search, first: 50, orderBy: { field: ORGANIZATION_NAME, direction: ASC }) {
  totalCount nodes { id organizationName } } } }`;
const ADD_CUSTOMER = `mutation($input: AddCustomerInput!) { addCustomer(input: $input) { customer { id } userErrors { field code } } }`;
const AVAILABILITY = `query($email: String!) { checkAdminEmailAvailability(email: $email) { available reason } }`;

const LINK = /http:\/\/app\.test\/#\/verify-email\?token=([A-Za-z0-9_-]+)/;

interface Input {
  customerId: string;
  organizationName?: string | null;
  externalId?: string | null;
  adminEmail?: string | null;
}

interface AccountRow {
  name: string;
  nameNormalized: string;
  nameKey: string | null;
  adminEmail: string;
  adminEmailKey: string;
  externalId: string | null;
  externalIdKey: string | null;
}

let serial = 0;
const tag = () => `u${++serial}`;

describeEachEngine('updateCustomer', (api) => {
  let msp: TestMsp;
  beforeAll(async () => {
    msp = await api().makeMsp();
  });
  beforeEach(() => api().clock.set(START));

  const query = <T>(sql: string, params: unknown[] = []) => api().db.dataSource.query(sql, params) as Promise<T[]>;
  const update = async (input: Input, key = msp.key) => (await api().ok(key, UPDATE, { input })).updateCustomer;
  const row = async (customer: TestCustomer) =>
    (
      await query<AccountRow>(
        `SELECT name, name_normalized AS nameNormalized, name_key AS nameKey, admin_email AS adminEmail, admin_email_key AS adminEmailKey,
          external_id AS externalId, external_id_key AS externalIdKey FROM accounts WHERE account_number = ?`,
        [customer.accountNumber],
      )
    )[0];
  const audits = (customer: TestCustomer, action = 'CUSTOMER_UPDATED') =>
    query<{ actorRole: string; details: string }>('SELECT actor_role AS actorRole, details FROM audit_events WHERE target = ? AND action = ? ORDER BY id', [
      customer.id,
      action,
    ]);
  const mailTo = (recipient: string) => query<{ body: string }>('SELECT body FROM mail_outbox WHERE recipient = ? ORDER BY id', [recipient]);
  const latestToken = async (recipient: string) => {
    const mails = await api().delivered(recipient);
    return LINK.exec(mails[mails.length - 1].text)![1];
  };
  /** Everything a refused update must leave as it was. */
  const snapshot = async (customer: TestCustomer) => ({
    row: await row(customer),
    updates: (await audits(customer)).length,
    mails: await api().rowCount('mail_outbox'),
    links: await api().rowCount('email_verifications'),
  });
  /** Expects exactly these user errors and a null customer; returns the messages. */
  const refused = async (input: Input, expected: Array<[string, string]>, key = msp.key) => {
    const payload = await update(input, key);
    expect(payload.customer).toBeNull();
    expect(payload.userErrors.map((e: { field: string[]; code: string }) => [e.field.join('.'), e.code])).toEqual(expected);
    return payload.userErrors.map((e: { message: string }) => e.message) as string[];
  };

  describe('renaming', () => {
    it('renames, trimmed, keeps the sort and search keys in step, and audits what changed', async () => {
      const t = tag();
      const customer = await msp.addCustomer({ name: `Old Name ${t}` });
      const payload = await update({ customerId: customer.id, organizationName: `  Ärzte Praxis ${t}  ` });
      expect(payload.userErrors).toEqual([]);
      expect(payload.customer).toMatchObject({ id: customer.id, organizationName: `Ärzte Praxis ${t}`, subscriptionState: 'ACTIVE_TRIAL' });
      expect(await row(customer)).toMatchObject({ name: `Ärzte Praxis ${t}`, nameNormalized: `ärzte praxis ${t}`, nameKey: `ärzte praxis ${t}` });

      const found = await api().ok(msp.key, SEARCH, { search: `ÄRZTE PRAXIS ${t}` });
      expect(found.msp.customers.nodes).toEqual([{ id: customer.id, organizationName: `Ärzte Praxis ${t}` }]);
      expect((await api().ok(msp.key, SEARCH, { search: `Old Name ${t}` })).msp.customers.totalCount).toBe(0);

      const [entry] = await audits(customer);
      expect(entry.actorRole).toBe('MSP_ADMIN');
      expect(JSON.parse(entry.details)).toEqual({ organizationName: { from: `Old Name ${t}`, to: `Ärzte Praxis ${t}` } });
    });

    it('frees the old name for another customer', async () => {
      const t = tag();
      const customer = await msp.addCustomer({ name: `Freed ${t}` });
      await update({ customerId: customer.id, organizationName: `Renamed ${t}` });
      const added = await api().ok(msp.key, ADD_CUSTOMER, { input: { adminEmail: `freed-${t}@example.com`, organizationName: `FREED ${t}` } });
      expect(added.addCustomer.userErrors).toEqual([]);
    });

    it('accepts a different case of its own name', async () => {
      const t = tag();
      const customer = await msp.addCustomer({ name: `acme ${t}` });
      const payload = await update({ customerId: customer.id, organizationName: `ACME ${t}` });
      expect(payload.userErrors).toEqual([]);
      expect(payload.customer.organizationName).toBe(`ACME ${t}`);
      expect(await row(customer)).toMatchObject({ name: `ACME ${t}`, nameKey: `acme ${t}` });
    });

    it("refuses another current customer's name, compared case-insensitively (ORGANIZATION_NAME_TAKEN)", async () => {
      const t = tag();
      await msp.addCustomer({ name: `Taken ${t}` });
      const customer = await msp.addCustomer();
      const before = await snapshot(customer);
      await refused({ customerId: customer.id, organizationName: ` taken ${t.toUpperCase()} ` }, [['input.organizationName', 'ORGANIZATION_NAME_TAKEN']]);
      expect(await snapshot(customer)).toEqual(before);
    });

    it("allows a name another MSP's customer has", async () => {
      const t = tag();
      const other = await api().makeMsp();
      await other.addCustomer({ name: `Elsewhere ${t}` });
      const customer = await msp.addCustomer();
      expect((await update({ customerId: customer.id, organizationName: `Elsewhere ${t}` })).userErrors).toEqual([]);
    });

    it.each([
      ['empty', ''],
      ['blank', '   '],
      ['over 100 characters', 'x'.repeat(101)],
      ['a control character', 'Bad\u0007Name'],
    ])('refuses a name that is %s (INVALID_ORGANIZATION_NAME)', async (_what, organizationName) => {
      const customer = await msp.addCustomer();
      const before = await snapshot(customer);
      await refused({ customerId: customer.id, organizationName }, [['input.organizationName', 'INVALID_ORGANIZATION_NAME']]);
      expect(await snapshot(customer)).toEqual(before);
    });
  });

  describe('the external id', () => {
    it('sets it, keeps it when omitted or null, and clears it with an empty string, freeing it', async () => {
      const t = tag();
      const customer = await msp.addCustomer();
      expect((await update({ customerId: customer.id, externalId: ` crm-${t} ` })).customer.externalId).toBe(`crm-${t}`);
      expect(await row(customer)).toMatchObject({ externalId: `crm-${t}`, externalIdKey: `crm-${t}` });

      expect((await update({ customerId: customer.id, organizationName: `Kept ${t}` })).customer.externalId).toBe(`crm-${t}`);
      expect((await update({ customerId: customer.id, organizationName: `Kept ${t}`, externalId: null })).customer.externalId).toBe(`crm-${t}`);

      const cleared = await update({ customerId: customer.id, externalId: '' });
      expect(cleared.userErrors).toEqual([]);
      expect(cleared.customer.externalId).toBeNull();
      expect(await row(customer)).toMatchObject({ externalId: null, externalIdKey: null });
      const details = (await audits(customer)).map((a) => JSON.parse(a.details));
      expect(details).toEqual([
        { externalId: { from: null, to: `crm-${t}` } },
        { organizationName: { from: customer.entity.name, to: `Kept ${t}` } },
        { externalId: { from: `crm-${t}`, to: null } },
      ]);

      const another = await msp.addCustomer();
      expect((await update({ customerId: another.id, externalId: `crm-${t}` })).userErrors).toEqual([]);
    });

    it("refuses another customer's external id (EXTERNAL_ID_TAKEN), compared exactly", async () => {
      const t = tag();
      await msp.addCustomer({ externalId: `ext-${t}` });
      const customer = await msp.addCustomer();
      const before = await snapshot(customer);
      await refused({ customerId: customer.id, externalId: `ext-${t}` }, [['input.externalId', 'EXTERNAL_ID_TAKEN']]);
      expect(await snapshot(customer)).toEqual(before);
      expect((await update({ customerId: customer.id, externalId: `EXT-${t}` })).userErrors).toEqual([]);
    });

    it.each([
      ['over 100 characters', 'x'.repeat(101)],
      ['a control character', 'a\nb'],
    ])('refuses an external id with %s (INVALID_EXTERNAL_ID)', async (_what, externalId) => {
      const customer = await msp.addCustomer();
      const before = await snapshot(customer);
      await refused({ customerId: customer.id, externalId }, [['input.externalId', 'INVALID_EXTERNAL_ID']]);
      expect(await snapshot(customer)).toEqual(before);
    });
  });

  describe('correcting the admin email', () => {
    it('changes an unverified email, sends a new link to the new address, and makes the old link useless', async () => {
      const t = tag();
      const customer = await msp.addCustomer({ email: `typo-${t}@exmaple.com` });
      const oldToken = await latestToken(`typo-${t}@exmaple.com`);

      const payload = await update({ customerId: customer.id, adminEmail: ` Right-${t}@Example.com ` });
      expect(payload.userErrors).toEqual([]);
      expect(payload.customer).toMatchObject({ adminEmail: `Right-${t}@Example.com`, adminEmailVerified: false });
      expect(await row(customer)).toMatchObject({ adminEmail: `Right-${t}@Example.com`, adminEmailKey: `right-${t}@example.com` });
      const newToken = await latestToken(`Right-${t}@Example.com`);
      expect(newToken).not.toBe(oldToken);

      const old = await api().gql(null, VERIFY, { input: { token: oldToken } });
      expect(old.body.data.verifyAdminEmail).toEqual({ verified: false, userErrors: [{ code: 'INVALID_TOKEN' }] });
      expect((await api().ok(msp.key, AVAILABILITY, { email: `typo-${t}@exmaple.com` })).checkAdminEmailAvailability.available).toBe(true);
      expect((await api().ok(msp.key, AVAILABILITY, { email: `right-${t}@example.com` })).checkAdminEmailAvailability.reason).toBe('TAKEN');

      const [entry] = await audits(customer);
      expect(JSON.parse(entry.details)).toEqual({ adminEmailCorrected: true });
      const sent = await audits(customer, 'VERIFICATION_EMAIL_SENT');
      expect(sent.map((a) => JSON.parse(a.details))).toEqual([{ reason: 'CUSTOMER_ADDED' }, { reason: 'EMAIL_CORRECTED' }]);
      const allAudit = JSON.stringify(await query('SELECT * FROM audit_events'));
      expect(allAudit).not.toContain(newToken);
      expect(allAudit).not.toContain(oldToken);

      const fresh = await api().gql(null, VERIFY, { input: { token: newToken } });
      expect(fresh.body.data.verifyAdminEmail).toEqual({ verified: true, userErrors: [] });
    });

    it('does not bring an old link back when the address is changed back', async () => {
      const t = tag();
      const customer = await msp.addCustomer({ email: `first-${t}@example.com` });
      const firstToken = await latestToken(`first-${t}@example.com`);
      await update({ customerId: customer.id, adminEmail: `second-${t}@example.com` });
      await update({ customerId: customer.id, adminEmail: `first-${t}@example.com` });
      const response = await api().gql(null, VERIFY, { input: { token: firstToken } });
      expect(response.body.data.verifyAdminEmail.verified).toBe(false);
      const latest = await api().gql(null, VERIFY, { input: { token: await latestToken(`first-${t}@example.com`) } });
      expect(latest.body.data.verifyAdminEmail.verified).toBe(true);
    });

    it('refuses to change a verified email (EMAIL_LOCKED), but accepts the same address in another case as no change', async () => {
      const t = tag();
      const customer = await msp.addCustomer({ email: `locked-${t}@example.com` });
      await api().gql(null, VERIFY, { input: { token: await latestToken(`locked-${t}@example.com`) } });
      const before = await snapshot(customer);
      await refused({ customerId: customer.id, adminEmail: `other-${t}@example.com` }, [['input.adminEmail', 'EMAIL_LOCKED']]);
      expect(await snapshot(customer)).toEqual(before);

      const same = await update({ customerId: customer.id, adminEmail: ` LOCKED-${t}@example.com ` });
      expect(same.userErrors).toEqual([]);
      expect(same.customer).toMatchObject({ adminEmail: `locked-${t}@example.com`, adminEmailVerified: true });
      expect(await snapshot(customer)).toEqual(before);
    });

    it('refuses an address any account holds (EMAIL_TAKEN), never saying which', async () => {
      const t = tag();
      const other = await api().makeMsp({ name: `Holder MSP ${t}`, email: `holder-msp-${t}@example.com` });
      const holder = await other.addCustomer({ name: `Holder ${t}`, email: `holder-${t}@example.com` });
      const customer = await msp.addCustomer();
      const before = await snapshot(customer);
      for (const adminEmail of [` HOLDER-${t}@example.com`, `holder-msp-${t}@example.com`]) {
        const [message] = await refused({ customerId: customer.id, adminEmail }, [['input.adminEmail', 'EMAIL_TAKEN']]);
        expect(message).toBe('This email address is already used by another account. Use a unique address or alias.');
        expect(message).not.toContain(holder.accountNumber);
      }
      expect(await snapshot(customer)).toEqual(before);
    });

    it('lets only one of two MSPs racing for the same address have it; the other gets EMAIL_TAKEN', async () => {
      const other = await api().makeMsp();
      for (let round = 0; round < 5; round++) {
        const t = tag();
        const mine = await msp.addCustomer();
        const theirs = await other.addCustomer();
        const adminEmail = `race-${t}@example.com`;
        const answers = await Promise.all([
          api().gql(msp.key, UPDATE, { input: { customerId: mine.id, adminEmail } }),
          api().gql(other.key, UPDATE, { input: { customerId: theirs.id, adminEmail } }),
        ]);
        const codes = answers.map((a) => a.body.data?.updateCustomer.userErrors.map((e: { code: string }) => e.code).join() ?? a.body.errors?.[0].extensions?.code);
        expect(codes.sort()).toEqual(['', 'EMAIL_TAKEN']);
        expect(await mailTo(adminEmail)).toHaveLength(1);
      }
    });

    it.each([
      ['not an address', 'not-an-email'],
      ['over 254 characters', `${'a'.repeat(250)}@example.com`],
    ])('refuses an email that is %s (INVALID_EMAIL)', async (_what, adminEmail) => {
      const customer = await msp.addCustomer();
      const before = await snapshot(customer);
      await refused({ customerId: customer.id, adminEmail }, [['input.adminEmail', 'INVALID_EMAIL']]);
      expect(await snapshot(customer)).toEqual(before);
    });
  });

  describe('refusals', () => {
    it('refuses an input that changes no field (NOTHING_TO_UPDATE)', async () => {
      const customer = await msp.addCustomer();
      const before = await snapshot(customer);
      await refused({ customerId: customer.id }, [['input', 'NOTHING_TO_UPDATE']]);
      await refused({ customerId: customer.id, organizationName: null, externalId: null, adminEmail: null }, [['input', 'NOTHING_TO_UPDATE']]);
      expect(await snapshot(customer)).toEqual(before);
    });

    it('reports every invalid field at once and changes none of them', async () => {
      const t = tag();
      await msp.addCustomer({ name: `Clash ${t}` });
      const customer = await msp.addCustomer();
      const before = await snapshot(customer);
      await refused({ customerId: customer.id, organizationName: '', externalId: 'x'.repeat(101), adminEmail: 'nope' }, [
        ['input.organizationName', 'INVALID_ORGANIZATION_NAME'],
        ['input.externalId', 'INVALID_EXTERNAL_ID'],
        ['input.adminEmail', 'INVALID_EMAIL'],
      ]);
      // A valid change beside a refused one is not made either.
      await refused({ customerId: customer.id, organizationName: `Clash ${t}`, externalId: `fine-${t}`, adminEmail: `fine-${t}@example.com` }, [
        ['input.organizationName', 'ORGANIZATION_NAME_TAKEN'],
      ]);
      expect(await snapshot(customer)).toEqual(before);
    });

    it('changes nothing, audits nothing and mails nothing when every value is the current one', async () => {
      const t = tag();
      const customer = await msp.addCustomer({ name: `Same ${t}`, email: `same-${t}@example.com`, externalId: `same-${t}` });
      const before = await snapshot(customer);
      const payload = await update({ customerId: customer.id, organizationName: `Same ${t}`, externalId: `same-${t}`, adminEmail: `same-${t}@example.com` });
      expect(payload.userErrors).toEqual([]);
      expect(payload.customer).toMatchObject({ organizationName: `Same ${t}`, externalId: `same-${t}`, adminEmail: `same-${t}@example.com` });
      expect(await snapshot(customer)).toEqual(before);
    });

    it.each([ApiKeyRole.MSP_READ, ApiKeyRole.STAFF, ApiKeyRole.APP])('refuses a %s key with FORBIDDEN and changes nothing', async (role) => {
      const customer = await msp.addCustomer();
      const key = await api().makeKey(role, role === ApiKeyRole.MSP_READ ? msp : undefined);
      const before = await snapshot(customer);
      const response = await api().gql(key, UPDATE, { input: { customerId: customer.id, organizationName: `Forbidden ${tag()}` } });
      expectForbidden(response);
      expect(await snapshot(customer)).toEqual(before);
    });

    it('answers 401 without a key', async () => {
      const customer = await msp.addCustomer();
      const before = await snapshot(customer);
      const response = await api().gql(null, UPDATE, { input: { customerId: customer.id, organizationName: 'No key' } });
      expect(response.status).toBe(401);
      expect(response.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect(await snapshot(customer)).toEqual(before);
    });

    it("answers another MSP's customer exactly like a missing one (NOT_FOUND) and changes nothing", async () => {
      const t = tag();
      const customer = await msp.addCustomer();
      const other = await api().makeMsp();
      const before = await snapshot(customer);
      const accounts = await api().rowCount('accounts');
      const input = { organizationName: `Hijack ${t}`, externalId: `hijack-${t}`, adminEmail: `hijack-${t}@example.com` };
      const answers = [];
      for (const customerId of [customer.id, toGlobalId('CustomerAccount', '1234567'), 'not-an-id', msp.id]) {
        const response = await api().gql(other.key, UPDATE, { input: { customerId, ...input } });
        expect(response.status).toBe(200);
        answers.push(response.body);
      }
      expect(answers[0]).toEqual({
        data: { updateCustomer: { customer: null, userErrors: [{ field: ['input', 'customerId'], code: 'NOT_FOUND', message: 'No customer with this id.' }] } },
      });
      for (const answer of answers) expect(answer).toEqual(answers[0]);
      expect(await snapshot(customer)).toEqual(before);
      expect(await api().rowCount('accounts')).toBe(accounts);
      // Control: the owner's key can make the very same change.
      expect((await update({ customerId: customer.id, ...input })).userErrors).toEqual([]);
    });
  });
});

function expectForbidden(response: GqlResponse) {
  expect(response.status).toBe(200);
  expect(response.body.data ?? null).toBeNull();
  expect(response.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
}
