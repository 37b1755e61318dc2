import { ApiKeyRole } from '../src/entities';
import { DAY_MS } from '../src/services/clock';
import { START, TestMsp, describeEachEngine } from './support/harness';

const ADD_CUSTOMER = `mutation($input: AddCustomerInput!) {
  addCustomer(input: $input) {
    customer {
      id accountNumber organizationName adminEmail adminEmailVerified externalId
      subscriptionState plan trialEndsAt trialDaysRemaining monitoredUserLimit
      userCount monitoredUserCount licensedSeats seatOverage createdAt
      msp { id }
    }
    userErrors { field message code }
  }
}`;

const DASHBOARD = `{
  msp {
    customerCounts { paid activeTrials expiredTrials total }
    billableMonitoredUsers activeTrialMonitoredUsers expiredTrialMonitoredUsers
    customers(first: 50) { totalCount monitoredUserTotal nodes { id organizationName } }
    activeTrials: customers(state: ACTIVE_TRIAL, first: 50) { totalCount nodes { id } }
  }
}`;

const AVAILABILITY = `query($email: String!) { checkAdminEmailAvailability(email: $email) { available reason } }`;

interface Input {
  adminEmail: string;
  organizationName: string;
  externalId?: string | null;
  idempotencyKey?: string | null;
}

let serial = 0;
/** A tag unique within this file, so tests sharing one database never collide on emails or names. */
const tag = () => `t${++serial}`;

describeEachEngine('addCustomer', (api) => {
  beforeEach(() => api().clock.set(START));

  const add = async (key: string, input: Input) => (await api().ok(key, ADD_CUSTOMER, { input })).addCustomer;

  it('reads no account row back after inserting it: the insert\'s own result gives the id', async () => {
    const msp = await api().makeMsp();
    const seen: string[] = [];
    const logger = api().db.dataSource.logger;
    const original = logger.logQuery.bind(logger);
    jest.spyOn(logger, 'logQuery').mockImplementation((sql, parameters, runner) => {
      seen.push(sql);
      return original(sql, parameters, runner);
    });
    const t = tag();
    const { customer, userErrors } = await add(msp.key, { adminEmail: `reread-${t}@example.com`, organizationName: `Reread ${t}` });
    jest.restoreAllMocks();
    expect(userErrors).toEqual([]);
    // The customer answered is the row stored, id included.
    expect((await api().ok(msp.key, `query($id: ID!) { node(id: $id) { id ... on CustomerAccount { organizationName } } }`, { id: customer.id })).node).toEqual({
      id: customer.id,
      organizationName: `Reread ${t}`,
    });
    const onAccounts = seen.filter((sql) => /(FROM|INTO|UPDATE) [`"]accounts[`"]/.test(sql)).map((sql) => sql.split(' ').slice(0, 2).join(' '));
    // The insert alone: its unique indexes are the checks (none before it), and nothing after it
    // (TypeORM's re-read is off).
    expect(onAccounts).toEqual([expect.stringMatching(/^INSERT INTO/)]);
  });

  /** Everything addCustomer could write: row counts and every rollup value (its lock counter included). */
  const snapshot = async () => ({
    accounts: await api().rowCount('accounts'),
    idempotencyKeys: await api().rowCount('idempotency_keys'),
    rollups: JSON.parse(JSON.stringify(await api().db.dataSource.query('SELECT * FROM msp_rollups ORDER BY msp_id'))) as Array<Record<string, unknown>>,
  });
  /** The same without the rollups' lock counter, which a successful replay may bump. */
  const values = async () => {
    const { rollups, ...counts } = await snapshot();
    return { ...counts, rollups: rollups.map(({ version: _version, ...rest }) => rest) };
  };

  /** Adds and expects exactly one user error; returns it. */
  const refused = async (key: string, input: Input) => {
    const payload = await add(key, input);
    expect(payload.customer).toBeNull();
    expect(payload.userErrors).toHaveLength(1);
    return payload.userErrors[0] as { field: string[]; message: string; code: string };
  };

  describe('success', () => {
    it('returns the new active trial with the input normalized and the caller as its MSP', async () => {
      const msp = await api().makeMsp();
      const t = tag();
      const payload = await add(msp.key, {
        adminEmail: `  Jane.Doe+${t}@Acme-Dental.example \t`,
        organizationName: `  Acme Dental ${t}  `,
        externalId: ` crm-${t} `,
      });
      expect(payload.userErrors).toEqual([]);
      const customer = payload.customer;
      expect(customer).toMatchObject({
        organizationName: `Acme Dental ${t}`,
        adminEmail: `Jane.Doe+${t}@Acme-Dental.example`,
        adminEmailVerified: false,
        externalId: `crm-${t}`,
        subscriptionState: 'ACTIVE_TRIAL',
        plan: 'TRIAL',
        trialEndsAt: new Date(START.getTime() + 14 * DAY_MS).toISOString(),
        trialDaysRemaining: 14,
        monitoredUserLimit: null,
        userCount: 0,
        monitoredUserCount: 0,
        licensedSeats: null,
        seatOverage: null,
        createdAt: START.toISOString(),
        msp: { id: msp.id },
      });
      expect(customer.accountNumber).toMatch(/^\d{6,}$/);
      expect(customer.id).not.toContain(customer.accountNumber);

      const found = await api().ok(msp.key, `query($n: String!) { customer(accountNumber: $n) { id adminEmail } }`, { n: customer.accountNumber });
      expect(found.customer).toEqual({ id: customer.id, adminEmail: customer.adminEmail });
    });

    it('measures the trial from the clock at the moment of adding', async () => {
      const msp = await api().makeMsp();
      api().clock.advance(3 * DAY_MS + 1234);
      const t = tag();
      const { customer } = await add(msp.key, { adminEmail: `later-${t}@example.com`, organizationName: `Later ${t}` });
      expect(customer.trialEndsAt).toBe(new Date(START.getTime() + 17 * DAY_MS + 1234).toISOString());
      expect(customer.trialDaysRemaining).toBe(14);
    });

    it('shows at once in the customer lists, the counts and the totals', async () => {
      const msp = await api().makeMsp();
      await msp.addCustomer({ users: 2 });
      const before = (await api().ok(msp.key, DASHBOARD)).msp;
      expect(before.customerCounts).toEqual({ paid: 0, activeTrials: 1, expiredTrials: 0, total: 1 });

      const t = tag();
      const { customer } = await add(msp.key, { adminEmail: `new-${t}@example.com`, organizationName: `New ${t}` });
      const after = (await api().ok(msp.key, DASHBOARD)).msp;
      expect(after.customerCounts).toEqual({ paid: 0, activeTrials: 2, expiredTrials: 0, total: 2 });
      expect(after.billableMonitoredUsers).toBe(0);
      expect(after.activeTrialMonitoredUsers).toBe(2);
      expect(after.expiredTrialMonitoredUsers).toBe(0);
      expect(after.customers.totalCount).toBe(2);
      expect(after.customers.monitoredUserTotal).toBe(2);
      expect(after.customers.nodes).toContainEqual({ id: customer.id, organizationName: `New ${t}` });
      expect(after.activeTrials.totalCount).toBe(2);
      expect(after.activeTrials.nodes.map((n: { id: string }) => n.id)).toContain(customer.id);

      // Another MSP's dashboard does not move.
      const other = await api().makeMsp();
      expect((await api().ok(other.key, DASHBOARD)).msp.customerCounts.total).toBe(0);
    });

    it('accepts an email of exactly 254 characters and a name of exactly 100 after trimming', async () => {
      const msp = await api().makeMsp();
      const email = emailOfLength(254, 'a');
      const trimmed = `${tag()}-`.padEnd(100, 'N');
      const name = `  ${trimmed} `;
      expect(trimmed).toHaveLength(100);
      const payload = await add(msp.key, { adminEmail: email, organizationName: name });
      expect(payload.userErrors).toEqual([]);
      expect(payload.customer.adminEmail).toBe(email);
      expect(payload.customer.organizationName).toBe(trimmed);
    });
  });

  describe('characters beyond ASCII', () => {
    it('counts characters, not UTF-16 units, in the 100-character organization name', async () => {
      const msp = await api().makeMsp();
      const t = tag();
      const hundred = `${t} `.padEnd(100 - 20, 'x') + '\u{1F9B7}'.repeat(20);
      expect([...hundred]).toHaveLength(100);
      const accepted = await add(msp.key, { adminEmail: `tooth-${t}@example.com`, organizationName: hundred });
      expect(accepted.userErrors).toEqual([]);
      expect(accepted.customer.organizationName).toBe(hundred);
      const error = await refused(msp.key, { adminEmail: `tooth2-${t}@example.com`, organizationName: `${hundred}y` });
      expect(error.code).toBe('INVALID_ORGANIZATION_NAME');
    });

    it('accepts a 100-character name whose lower-case form is longer, and still compares it case-insensitively', async () => {
      const msp = await api().makeMsp();
      const t = tag();
      const name = `${t} `.padEnd(100, '\u0130');
      const first = await add(msp.key, { adminEmail: `dotted-${t}@example.com`, organizationName: name });
      expect(first.userErrors).toEqual([]);
      expect(first.customer.organizationName).toBe(name);
      const again = await refused(msp.key, { adminEmail: `dotted2-${t}@example.com`, organizationName: name.toUpperCase() });
      expect(again.code).toBe('ORGANIZATION_NAME_TAKEN');
    });

    it('accepts a valid address whose lower-case form is longer than the address', async () => {
      const msp = await api().makeMsp();
      const t = tag();
      const label = '\u0130'.repeat(60);
      const email = `${t}`.padEnd(64, 'a') + `@${label}.${label}.com`;
      const payload = await add(msp.key, { adminEmail: email, organizationName: `Dotted domain ${t}` });
      expect(payload.userErrors).toEqual([]);
      expect(payload.customer.adminEmail).toBe(email);
      const again = await refused(msp.key, { adminEmail: email.toUpperCase(), organizationName: `Dotted domain 2 ${t}` });
      expect(again.code).toBe('EMAIL_TAKEN');
    });

    it('treats the composed and decomposed spellings of an accented address or name as the same', async () => {
      const msp = await api().makeMsp();
      const t = tag();
      const composed = { adminEmail: `jos\u00e9-${t}@example.com`, organizationName: `Caf\u00e9 ${t}` };
      expect((await add(msp.key, composed)).userErrors).toEqual([]);
      const email = await refused(msp.key, { adminEmail: `jose\u0301-${t}@example.com`, organizationName: `Other ${t}` });
      expect(email.code).toBe('EMAIL_TAKEN');
      const name = await refused(msp.key, { adminEmail: `other-${t}@example.com`, organizationName: `CAFE\u0301 ${t}` });
      expect(name.code).toBe('ORGANIZATION_NAME_TAKEN');
      const check = await api().ok(msp.key, AVAILABILITY, { email: `JOSE\u0301-${t}@example.com` });
      expect(check.checkAdminEmailAvailability).toEqual({ available: false, reason: 'TAKEN' });
    });
  });

  describe('invalid input', () => {
    it.each([
      ['no at sign', 'not-an-email'],
      ['two at signs', 'a@@example.com'],
      ['no domain dot', 'someone@localhost'],
      ['the reserved .invalid domain of purge placeholders', 'purged-12345678@purged.INVALID'],
      ['blank', '   '],
      ['a control character', 'some\u0000one@example.com'],
    ])('refuses an email with %s: INVALID_EMAIL', async (_label, adminEmail) => {
      const msp = await api().makeMsp();
      const error = await refused(msp.key, { adminEmail, organizationName: `Org ${tag()}` });
      expect(error).toMatchObject({ code: 'INVALID_EMAIL', field: ['input', 'adminEmail'] });
      expect(error.message).not.toContain(adminEmail.trim() || '\u0000');
    });

    it('refuses an email longer than 254 characters: INVALID_EMAIL', async () => {
      const msp = await api().makeMsp();
      const error = await refused(msp.key, { adminEmail: emailOfLength(255, 'b'), organizationName: `Org ${tag()}` });
      expect(error).toMatchObject({ code: 'INVALID_EMAIL', field: ['input', 'adminEmail'] });
    });

    it.each([
      ['empty', ''],
      ['blank', ' \t '],
      ['over 100 characters after trimming', `  ${'x'.repeat(101)}  `],
      ['a newline', 'Acme\nDental'],
      ['a bell character', 'Acme\u0007Dental'],
      ['a DEL character', 'Acme\u007fDental'],
    ])('refuses an organization name that is %s: INVALID_ORGANIZATION_NAME', async (_label, organizationName) => {
      const msp = await api().makeMsp();
      const error = await refused(msp.key, { adminEmail: `org-${tag()}@example.com`, organizationName });
      expect(error).toMatchObject({ code: 'INVALID_ORGANIZATION_NAME', field: ['input', 'organizationName'] });
    });

    it.each([
      ['empty', ''],
      ['blank', '   '],
      ['over 100 characters', 'e'.repeat(101)],
      ['a control character', 'crm\u00011'],
    ])('refuses an external id that is %s: INVALID_EXTERNAL_ID', async (_label, externalId) => {
      const msp = await api().makeMsp();
      const t = tag();
      const error = await refused(msp.key, { adminEmail: `ext-${t}@example.com`, organizationName: `Org ${t}`, externalId });
      expect(error).toMatchObject({ code: 'INVALID_EXTERNAL_ID', field: ['input', 'externalId'] });
    });

    it.each([
      ['empty', ''],
      ['blank', '  '],
      ['over 100 characters', 'k'.repeat(101)],
      ['a control character', 'key\n1'],
    ])('refuses an idempotency key that is %s: INVALID_IDEMPOTENCY_KEY', async (_label, idempotencyKey) => {
      const msp = await api().makeMsp();
      const t = tag();
      const error = await refused(msp.key, { adminEmail: `idem-${t}@example.com`, organizationName: `Org ${t}`, idempotencyKey });
      expect(error).toMatchObject({ code: 'INVALID_IDEMPOTENCY_KEY', field: ['input', 'idempotencyKey'] });
    });

    it('reports every invalid field at once and writes nothing', async () => {
      const msp = await api().makeMsp();
      const before = await snapshot();
      const payload = await add(msp.key, { adminEmail: 'nope', organizationName: '  ', externalId: 'x'.repeat(101), idempotencyKey: '' });
      expect(payload.customer).toBeNull();
      expect(payload.userErrors.map((e: { code: string; field: string[] }) => [e.code, e.field]).sort()).toEqual(
        [
          ['INVALID_EMAIL', ['input', 'adminEmail']],
          ['INVALID_EXTERNAL_ID', ['input', 'externalId']],
          ['INVALID_IDEMPOTENCY_KEY', ['input', 'idempotencyKey']],
          ['INVALID_ORGANIZATION_NAME', ['input', 'organizationName']],
        ].sort(),
      );
      for (const error of payload.userErrors) expect(error.message.length).toBeGreaterThan(0);
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('uniqueness', () => {
    it('refuses an email already used by one of the MSP\'s customers, in another case and with spaces: EMAIL_TAKEN', async () => {
      const msp = await api().makeMsp();
      const t = tag();
      await add(msp.key, { adminEmail: `owner-${t}@example.com`, organizationName: `First ${t}` });
      const before = await snapshot();
      const error = await refused(msp.key, { adminEmail: `  OWNER-${t}@Example.COM `, organizationName: `Second ${t}` });
      expect(error).toMatchObject({ code: 'EMAIL_TAKEN', field: ['input', 'adminEmail'] });
      expect(await snapshot()).toEqual(before);
    });

    it('refuses an email held by another MSP\'s customer, an MSP admin or a standalone account, without saying who holds it', async () => {
      const holderMsp = await api().makeMsp({ name: `Holder Partners ${tag()}` });
      const holderCustomer = await holderMsp.addCustomer({ name: `Secret Clinic ${tag()}`, email: `clinic-${tag()}@example.com` });
      const adminEmail = `boss-${tag()}@msp.example`;
      const adminMsp = await api().makeMsp({ name: `Boss IT ${tag()}`, email: adminEmail });
      const soloEmail = `solo-${tag()}@shop.example`;
      const solo = await api().services.msps.signup(`Solo Shop ${tag()}`, soloEmail);
      if (!solo.ok) throw new Error(JSON.stringify(solo.errors));

      const holders = [
        { email: holderCustomer.entity.adminEmail, secrets: [holderMsp.entity.name, holderMsp.entity.accountNumber, holderCustomer.entity.name, holderCustomer.accountNumber] },
        { email: adminEmail, secrets: [adminMsp.entity.name, adminMsp.entity.accountNumber] },
        { email: soloEmail, secrets: [solo.value.name, solo.value.accountNumber] },
      ];
      const caller = await api().makeMsp();
      const before = await snapshot();
      const messages: string[] = [];
      for (const holder of holders) {
        const error = await refused(caller.key, { adminEmail: ` ${holder.email.toUpperCase()} `, organizationName: `Wants ${tag()}` });
        expect(error).toMatchObject({ code: 'EMAIL_TAKEN', field: ['input', 'adminEmail'] });
        for (const secret of holder.secrets) expect(error.message.toLowerCase()).not.toContain(secret.toLowerCase());
        expect(error.message).not.toMatch(/\d{6,}/);
        messages.push(error.message);
      }
      // The same words whoever holds it, so the answer tells nothing about the holder's kind.
      expect(new Set(messages).size).toBe(1);
      expect(await snapshot()).toEqual(before);
    });

    it('refuses an organization name the MSP already has, case-insensitively, while another MSP may use it', async () => {
      const msp = await api().makeMsp();
      const other = await api().makeMsp();
      const t = tag();
      await add(msp.key, { adminEmail: `a-${t}@example.com`, organizationName: `Acme Dental ${t}` });
      const before = await snapshot();
      const error = await refused(msp.key, { adminEmail: `b-${t}@example.com`, organizationName: `  ACME dental ${t.toUpperCase()} ` });
      expect(error).toMatchObject({ code: 'ORGANIZATION_NAME_TAKEN', field: ['input', 'organizationName'] });
      expect(await snapshot()).toEqual(before);

      const elsewhere = await add(other.key, { adminEmail: `c-${t}@example.com`, organizationName: `acme dental ${t}` });
      expect(elsewhere.userErrors).toEqual([]);
      expect(elsewhere.customer.organizationName).toBe(`acme dental ${t}`);
    });

    it('refuses an external id the MSP already has, while another MSP may use it', async () => {
      const msp = await api().makeMsp();
      const other = await api().makeMsp();
      const t = tag();
      await add(msp.key, { adminEmail: `a-${t}@example.com`, organizationName: `One ${t}`, externalId: `crm-${t}` });
      const before = await snapshot();
      const error = await refused(msp.key, { adminEmail: `b-${t}@example.com`, organizationName: `Two ${t}`, externalId: ` crm-${t} ` });
      expect(error).toMatchObject({ code: 'EXTERNAL_ID_TAKEN', field: ['input', 'externalId'] });
      expect(await snapshot()).toEqual(before);

      const elsewhere = await add(other.key, { adminEmail: `c-${t}@example.com`, organizationName: `Three ${t}`, externalId: `crm-${t}` });
      expect(elsewhere.userErrors).toEqual([]);
      expect(elsewhere.customer.externalId).toBe(`crm-${t}`);
    });

    it('reports every taken field at once and writes nothing', async () => {
      const msp = await api().makeMsp();
      const t = tag();
      const first = { adminEmail: `dup-${t}@example.com`, organizationName: `Dup ${t}`, externalId: `dup-${t}` };
      await add(msp.key, first);
      const before = await snapshot();
      const payload = await add(msp.key, first);
      expect(payload.customer).toBeNull();
      expect(payload.userErrors.map((e: { code: string }) => e.code).sort()).toEqual(['EMAIL_TAKEN', 'EXTERNAL_ID_TAKEN', 'ORGANIZATION_NAME_TAKEN']);
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('idempotency', () => {
    it('returns the first customer for a retry of the same input, also with the email in another case and spacing', async () => {
      const msp = await api().makeMsp();
      const t = tag();
      const input = { adminEmail: `retry-${t}@example.com`, organizationName: `Retry ${t}`, externalId: `ext-${t}`, idempotencyKey: `key-${t}` };
      const first = await add(msp.key, input);
      expect(first.userErrors).toEqual([]);
      const afterFirst = await values();

      api().clock.advance(DAY_MS - 1);
      const again = await add(msp.key, input);
      const respelled = await add(msp.key, { ...input, adminEmail: `  RETRY-${t}@Example.com ` });
      for (const payload of [again, respelled]) {
        expect(payload.userErrors).toEqual([]);
        expect(payload.customer.id).toBe(first.customer.id);
        expect(payload.customer.adminEmail).toBe(input.adminEmail);
      }
      expect(await values()).toEqual(afterFirst);
      expect((await api().ok(msp.key, DASHBOARD)).msp.customerCounts.total).toBe(1);
    });

    it('never hands back a customer support has removed or purged since: the retry is taken as new', async () => {
      const msp = await api().makeMsp();
      const staff = { keyId: 0, keyPrefix: 'test', role: ApiKeyRole.STAFF, mspId: null };
      const t = tag();
      const input = { adminEmail: `gone-${t}@example.com`, organizationName: `Gone ${t}`, idempotencyKey: `key-${t}` };
      const first = await add(msp.key, input);
      const removed = await api().services.staffOperations.removeCustomer(staff, { customerId: first.customer.id, reason: 'test' });
      expect(removed.ok).toBe(true);
      // The removed customer's email stays taken, so the retry is refused, and shows nothing of it.
      const afterRemoval = await add(msp.key, input);
      expect(afterRemoval.customer).toBeNull();
      expect(afterRemoval.userErrors).toEqual([expect.objectContaining({ code: 'EMAIL_TAKEN' })]);
      // Purged, the email is free: the same request adds a new customer, not the purged one.
      expect((await api().services.staffOperations.purgeCustomer(staff, { customerId: first.customer.id })).ok).toBe(true);
      const afterPurge = await add(msp.key, input);
      expect(afterPurge.userErrors).toEqual([]);
      expect(afterPurge.customer.id).not.toBe(first.customer.id);
      expect(afterPurge.customer).toMatchObject({ adminEmail: input.adminEmail, organizationName: input.organizationName });
    });

    it('refuses the same key with different input: IDEMPOTENCY_KEY_REUSED, nothing written', async () => {
      const msp = await api().makeMsp();
      const t = tag();
      const input = { adminEmail: `reuse-${t}@example.com`, organizationName: `Reuse ${t}`, idempotencyKey: `key-${t}` };
      await add(msp.key, input);
      const before = await snapshot();
      for (const changed of [
        { ...input, organizationName: `Other ${t}` },
        { ...input, adminEmail: `other-${t}@example.com` },
        { ...input, externalId: `ext-${t}` },
      ]) {
        const error = await refused(msp.key, changed);
        expect(error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: ['input', 'idempotencyKey'] });
      }
      expect(await snapshot()).toEqual(before);
    });

    it('scopes keys to the MSP: another MSP using the same key adds its own customer', async () => {
      const first = await api().makeMsp();
      const second = await api().makeMsp();
      const t = tag();
      const a = await add(first.key, { adminEmail: `a-${t}@example.com`, organizationName: `Shared ${t}`, idempotencyKey: `key-${t}` });
      const b = await add(second.key, { adminEmail: `b-${t}@example.com`, organizationName: `Shared ${t}`, idempotencyKey: `key-${t}` });
      expect(b.userErrors).toEqual([]);
      expect(b.customer.id).not.toBe(a.customer.id);
      expect(b.customer.msp.id).toBe(second.id);
      // Each MSP's retry still answers with its own customer.
      const retry = await add(first.key, { adminEmail: `a-${t}@example.com`, organizationName: `Shared ${t}`, idempotencyKey: `key-${t}` });
      expect(retry.customer.id).toBe(a.customer.id);
    });

    it('keeps a key for 24 hours; after that it can be used with new input', async () => {
      const msp = await api().makeMsp();
      const t = tag();
      const first = await add(msp.key, { adminEmail: `day1-${t}@example.com`, organizationName: `Day One ${t}`, idempotencyKey: `key-${t}` });
      const next = { adminEmail: `day2-${t}@example.com`, organizationName: `Day Two ${t}`, idempotencyKey: `key-${t}` };

      api().clock.set(new Date(START.getTime() + DAY_MS - 1));
      expect((await refused(msp.key, next)).code).toBe('IDEMPOTENCY_KEY_REUSED');

      api().clock.set(new Date(START.getTime() + DAY_MS));
      const second = await add(msp.key, next);
      expect(second.userErrors).toEqual([]);
      expect(second.customer.id).not.toBe(first.customer.id);
      expect((await add(msp.key, next)).customer.id).toBe(second.customer.id);
      const rows: Array<{ n: number | string }> = await api().db.dataSource.query('SELECT COUNT(*) AS n FROM idempotency_keys WHERE idem_key = ?', [`key-${t}`]);
      expect(Number(rows[0].n)).toBe(1);
      expect((await api().ok(msp.key, DASHBOARD)).msp.customerCounts.total).toBe(2);
    });
  });

  describe('concurrency', () => {
    it('twenty concurrent adds of one email in mixed case give one customer and nineteen EMAIL_TAKEN', async () => {
      const msp = await api().makeMsp();
      const t = tag();
      const before = await snapshot();
      const payloads = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          add(msp.key, { adminEmail: mixedCase(`race-${t}@example.com`, i), organizationName: `Race ${t} ${i}` }),
        ),
      );
      const created = payloads.filter((p) => p.customer !== null);
      expect(created).toHaveLength(1);
      expect(created[0].userErrors).toEqual([]);
      const taken = payloads.filter((p) => p.customer === null);
      expect(taken).toHaveLength(19);
      for (const p of taken) expect(p.userErrors).toEqual([expect.objectContaining({ code: 'EMAIL_TAKEN', field: ['input', 'adminEmail'] })]);
      expect(await api().rowCount('accounts')).toBe(before.accounts + 1);
      const dashboard = (await api().ok(msp.key, DASHBOARD)).msp;
      expect(dashboard.customerCounts).toEqual({ paid: 0, activeTrials: 1, expiredTrials: 0, total: 1 });
      expect(dashboard.customers.nodes).toEqual([{ id: created[0].customer.id, organizationName: created[0].customer.organizationName }]);
    });

    it('concurrent adds of one email by different MSPs give one customer and EMAIL_TAKEN for the rest', async () => {
      const msps: TestMsp[] = [];
      for (let i = 0; i < 8; i++) msps.push(await api().makeMsp());
      const t = tag();
      const before = await api().rowCount('accounts');
      const payloads = await Promise.all(
        msps.map((msp, i) => add(msp.key, { adminEmail: mixedCase(`across-${t}@example.com`, i), organizationName: `Across ${t}` })),
      );
      expect(payloads.filter((p) => p.customer !== null)).toHaveLength(1);
      const taken = payloads.filter((p) => p.customer === null);
      expect(taken).toHaveLength(7);
      for (const p of taken) expect(p.userErrors.map((e: { code: string }) => e.code)).toEqual(['EMAIL_TAKEN']);
      expect(await api().rowCount('accounts')).toBe(before + 1);
      const totals = await Promise.all(msps.map(async (msp) => (await api().ok(msp.key, DASHBOARD)).msp.customerCounts.total));
      expect(totals.reduce((a, b) => a + b, 0)).toBe(1);
    });

    it('twenty concurrent adds with one idempotency key and the same input give one customer, returned to all', async () => {
      const msp = await api().makeMsp();
      const t = tag();
      const before = await snapshot();
      const input = { adminEmail: `same-${t}@example.com`, organizationName: `Same ${t}`, idempotencyKey: `key-${t}` };
      const payloads = await Promise.all(Array.from({ length: 20 }, () => add(msp.key, input)));
      for (const p of payloads) expect(p.userErrors).toEqual([]);
      const ids = new Set(payloads.map((p) => p.customer.id));
      expect(ids.size).toBe(1);
      expect(await api().rowCount('accounts')).toBe(before.accounts + 1);
      expect(await api().rowCount('idempotency_keys')).toBe(before.idempotencyKeys + 1);
      expect((await api().ok(msp.key, DASHBOARD)).msp.customerCounts.total).toBe(1);
    });
  });

  describe('roles', () => {
    it.each([ApiKeyRole.MSP_READ, ApiKeyRole.STAFF, ApiKeyRole.APP])('refuses a %s key with FORBIDDEN and writes nothing', async (role) => {
      const msp = await api().makeMsp();
      const key = await api().makeKey(role, role === ApiKeyRole.MSP_READ ? msp : undefined);
      const before = await snapshot();
      const t = tag();
      const response = await api().gql(key, ADD_CUSTOMER, { input: { adminEmail: `role-${t}@example.com`, organizationName: `Role ${t}` } });
      expect(response.status).toBe(200);
      expect(response.body.data ?? null).toBeNull();
      expect(response.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      expect(await snapshot()).toEqual(before);
      const check = await api().ok(msp.key, AVAILABILITY, { email: `role-${t}@example.com` });
      expect(check.checkAdminEmailAvailability.available).toBe(true);
    });

    it('refuses a request without a key or with a bad key with 401 UNAUTHENTICATED', async () => {
      const before = await snapshot();
      for (const key of [null, 'cc_AAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB']) {
        const response = await api().gql(key, ADD_CUSTOMER, { input: { adminEmail: `anon-${tag()}@example.com`, organizationName: 'Anon' } });
        expect(response.status).toBe(401);
        expect(response.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      }
      expect(await snapshot()).toEqual(before);
    });
  });
});

describeEachEngine('checkAdminEmailAvailability', (api) => {
  const check = async (key: string, email: string) => (await api().ok(key, AVAILABILITY, { email })).checkAdminEmailAvailability;

  it('says a fresh address is available, and TAKEN once a customer uses it, in any case', async () => {
    const msp = await api().makeMsp();
    const t = tag();
    expect(await check(msp.key, `fresh-${t}@example.com`)).toEqual({ available: true, reason: null });
    const payload = (await api().ok(msp.key, ADD_CUSTOMER, { input: { adminEmail: `fresh-${t}@example.com`, organizationName: `Fresh ${t}` } })).addCustomer;
    expect(payload.userErrors).toEqual([]);
    expect(await check(msp.key, ` FRESH-${t}@EXAMPLE.com `)).toEqual({ available: false, reason: 'TAKEN' });
    const other = await api().makeMsp();
    expect(await check(other.key, `Fresh-${t}@example.com`)).toEqual({ available: false, reason: 'TAKEN' });
  });

  it('says TAKEN for a standalone account\'s email and an MSP admin\'s email', async () => {
    const msp = await api().makeMsp();
    const soloEmail = `Solo-${tag()}@Shop.example`;
    const solo = await api().services.msps.signup(`Solo ${tag()}`, soloEmail);
    if (!solo.ok) throw new Error(JSON.stringify(solo.errors));
    const adminEmail = `admin-${tag()}@partner.example`;
    await api().makeMsp({ email: adminEmail });
    expect(await check(msp.key, soloEmail.toLowerCase())).toEqual({ available: false, reason: 'TAKEN' });
    expect(await check(msp.key, ` ${adminEmail.toUpperCase()}`)).toEqual({ available: false, reason: 'TAKEN' });
  });

  it.each([['not-an-email'], [''], ['   '], ['someone@localhost'], [emailOfLength(255, 'c')]])('says INVALID for %j', async (email) => {
    const msp = await api().makeMsp();
    expect(await check(msp.key, email)).toEqual({ available: false, reason: 'INVALID' });
  });

  it('answers staff keys', async () => {
    const msp = await api().makeMsp();
    await msp.addCustomer({ email: `staffcheck-${tag()}@example.com` });
    const staff = await api().makeKey(ApiKeyRole.STAFF);
    expect(await check(staff, msp.entity.adminEmail)).toEqual({ available: false, reason: 'TAKEN' });
    expect(await check(staff, `unused-${tag()}@example.com`)).toEqual({ available: true, reason: null });
  });

  it.each([ApiKeyRole.MSP_READ, ApiKeyRole.APP])('refuses a %s key with FORBIDDEN', async (role) => {
    const msp = await api().makeMsp();
    const key = await api().makeKey(role, role === ApiKeyRole.MSP_READ ? msp : undefined);
    const response = await api().gql(key, AVAILABILITY, { email: `x-${tag()}@example.com` });
    expect(response.status).toBe(200);
    expect(response.body.data ?? null).toBeNull();
    expect(response.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });
});

/** A syntactically valid address of exactly `length` characters (64-character local part, 63-character labels). */
function emailOfLength(length: number, letter: string): string {
  const local = `${letter}${tag()}`.padEnd(64, letter);
  const tld = '.com';
  const labels: string[] = [];
  let remaining = length - local.length - 1 - tld.length;
  while (remaining > 63) {
    const size = Math.min(63, remaining - 2);
    labels.push('d'.repeat(size));
    remaining -= size + 1;
  }
  labels.push('d'.repeat(remaining));
  const email = `${local}@${labels.join('.')}${tld}`;
  if (email.length !== length) throw new Error(`emailOfLength built ${email.length} characters, wanted ${length}`);
  return email;
}

/** Alternates letter case by position and `seed`, so each caller spells the same address differently. */
function mixedCase(email: string, seed: number): string {
  const spelled = [...email].map((c, i) => ((i + seed) % 3 === 0 ? c.toUpperCase() : c)).join('');
  return seed % 2 === 0 ? ` ${spelled} ` : spelled;
}
