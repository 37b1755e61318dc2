import { createHmac } from 'node:crypto';
import { ApiKeyRole } from '../src/entities';
import { DAY_MS } from '../src/services/clock';
import { toGlobalId } from '../src/services/global-id';
import { GqlResponse, START, TEST_SETTINGS, TestCustomer, TestMsp, describeEachEngine } from './support/harness';

const ACCESS = `mutation($input: AccessCustomerInput!) { accessCustomer(input: $input) {
  token expiresAt url userErrors { field message code } } }`;
const VERIFY = `query($token: String!) { verifyAccessToken(token: $token) {
  valid expiresAt
  customer { id accountNumber organizationName subscriptionState msp { accountNumber } }
  msp { id accountNumber name } } }`;
const VALID_ONLY = `query($token: String!) { verifyAccessToken(token: $token) { valid customer { id } msp { id } expiresAt } }`;

const GRANT_MS = 15 * 60 * 1000;
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const INVALID = { valid: false, customer: null, msp: null, expiresAt: null };

/** A token signed with `secret` over arbitrary claims, the way the server signs its own. */
function forge(claims: unknown, secret = TEST_SETTINGS.accessTokenSecret): string {
  const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  return `${payload}.${createHmac('sha256', secret).update(payload).digest('base64url')}`;
}

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'));

function expectForbidden(response: GqlResponse) {
  expect(response.status).toBe(200);
  expect(response.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
}

describeEachEngine('access without credentials', (api) => {
  let a: TestMsp;
  let b: TestMsp;
  let customer: TestCustomer;
  let readKey: string;
  let staffKey: string;
  let appKey: string;

  const auditRows = async (action: string) =>
    (await api().db.dataSource.query('SELECT * FROM audit_events WHERE action = ? ORDER BY id', [action])) as Array<Record<string, any>>;

  async function grant(msp: TestMsp, target: TestCustomer | string) {
    const data = await api().ok(msp.key, ACCESS, { input: { customerId: typeof target === 'string' ? target : target.id } });
    return data.accessCustomer as { token: string | null; expiresAt: string | null; url: string | null; userErrors: Array<{ field: string[]; code: string }> };
  }

  async function tokenFor(target: TestCustomer): Promise<string> {
    const result = await grant(target.msp, target);
    expect(result.userErrors).toEqual([]);
    return result.token as string;
  }

  const verify = async (token: string, key = appKey) => (await api().ok(key, VALID_ONLY, { token })).verifyAccessToken;

  beforeAll(async () => {
    api().clock.set(START);
    a = await api().makeMsp({ name: 'Access Alpha' });
    b = await api().makeMsp({ name: 'Access Bravo' });
    customer = await a.addCustomer({ name: 'Opened Ltd', users: 1 });
    readKey = await api().makeKey(ApiKeyRole.MSP_READ, a);
    staffKey = await api().makeKey(ApiKeyRole.STAFF);
    appKey = await api().makeKey(ApiKeyRole.APP);
  });

  beforeEach(() => api().clock.set(START));

  describe('accessCustomer', () => {
    it('grants exactly 15 minutes on one customer, with the app link', async () => {
      api().clock.advance(1234);
      const now = api().clock.now();
      const result = await grant(a, customer);
      expect(result.userErrors).toEqual([]);
      expect(result.token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
      expect(result.expiresAt).toBe(new Date(now.getTime() + GRANT_MS).toISOString());
      expect(result.url).toBe(`http://app.test/#/access?token=${encodeURIComponent(result.token as string)}`);
    });

    it('carries only public account numbers, the expiry and a nonce: no secret, no personal data', async () => {
      const token = await tokenFor(customer);
      const claims = claimsOf(token);
      expect(Object.keys(claims).sort()).toEqual(['c', 'e', 'm', 'n', 'v']);
      expect(claims).toMatchObject({ c: customer.accountNumber, m: a.entity.accountNumber, e: START.getTime() + GRANT_MS });
      for (const secret of [TEST_SETTINGS.accessTokenSecret, a.key.split('_')[2], customer.entity.adminEmail]) expect(token).not.toContain(secret);
    });

    it('issues a different token for every grant', async () => {
      const [first, second] = [await tokenFor(customer), await tokenFor(customer)];
      expect(first).not.toBe(second);
      expect((await verify(first)).valid).toBe(true);
      expect((await verify(second)).valid).toBe(true);
    });

    it('audits every grant with its target and expiry, never the token', async () => {
      const before = (await auditRows('ACCESS_GRANTED')).length;
      const token = await tokenFor(customer);
      const rows = await auditRows('ACCESS_GRANTED');
      expect(rows).toHaveLength(before + 1);
      const row = rows[rows.length - 1];
      expect(row).toMatchObject({ target: customer.id, actor_key_prefix: a.key.split('_')[1], actor_role: 'MSP_ADMIN', msp_id: a.entity.id });
      expect(JSON.parse(row.details)).toEqual({ expiresAt: new Date(START.getTime() + GRANT_MS).toISOString() });
      const everything = JSON.stringify(await api().db.dataSource.query('SELECT * FROM audit_events'));
      for (const part of token.split('.')) expect(everything).not.toContain(part);
    });

    it.each([
      ['MSP_READ', () => readKey],
      ['STAFF', () => staffKey],
      ['APP', () => appKey],
    ])('is refused to %s keys (FORBIDDEN), and nothing is granted', async (_role, key) => {
      const before = (await auditRows('ACCESS_GRANTED')).length;
      const response = await api().gql(key(), ACCESS, { input: { customerId: customer.id } });
      expectForbidden(response);
      expect(response.body.data).toBeNull();
      expect((await auditRows('ACCESS_GRANTED')).length).toBe(before);
    });

    it('answers 401 without a key', async () => {
      const response = await api().gql(null, ACCESS, { input: { customerId: customer.id } });
      expect(response.status).toBe(401);
      expect(response.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    });

    it("answers another MSP's customer exactly like a nonexistent one: NOT_FOUND, nothing granted or audited", async () => {
      const before = { grants: (await auditRows('ACCESS_GRANTED')).length, events: await api().rowCount('audit_events') };
      const foreign = await grant(b, customer);
      const missing = await grant(b, toGlobalId('CustomerAccount', '1234567'));
      expect(foreign).toEqual(missing);
      expect(foreign).toEqual({
        token: null,
        expiresAt: null,
        url: null,
        userErrors: [{ field: ['input', 'customerId'], message: expect.any(String), code: 'NOT_FOUND' }],
      });
      expect((await auditRows('ACCESS_GRANTED')).length).toBe(before.grants);
      expect(await api().rowCount('audit_events')).toBe(before.events);
    });

    it.each([
      ['a malformed id', () => 'not-an-id'],
      ['an MSP id', () => a.id],
      ['a monitored user id', () => toGlobalId('MonitoredUser', 1)],
    ])('answers NOT_FOUND for %s', async (_case, id) => {
      const result = await grant(a, id());
      expect(result).toMatchObject({ token: null, userErrors: [{ field: ['input', 'customerId'], code: 'NOT_FOUND' }] });
    });

    it('answers NOT_FOUND for a removed customer', async () => {
      const removed = await a.addCustomer({ name: 'Removed Before Grant' });
      await api().db.dataSource.query('UPDATE accounts SET removed_at = ?, name_key = NULL WHERE id = ?', ['2026-03-02 12:00:00.000', removed.entity.id]);
      const result = await grant(a, removed);
      expect(result).toMatchObject({ token: null, userErrors: [{ code: 'NOT_FOUND' }] });
    });
  });

  describe('verifyAccessToken', () => {
    it('tells the app which customer and MSP a token opens, and until when', async () => {
      const result = await grant(a, customer);
      for (const key of [appKey, staffKey]) {
        const data = await api().ok(key, VERIFY, { token: result.token });
        expect(data.verifyAccessToken).toEqual({
          valid: true,
          expiresAt: result.expiresAt,
          customer: {
            id: customer.id,
            accountNumber: customer.accountNumber,
            organizationName: 'Opened Ltd',
            subscriptionState: 'ACTIVE_TRIAL',
            msp: { accountNumber: a.entity.accountNumber },
          },
          msp: { id: a.id, accountNumber: a.entity.accountNumber, name: 'Access Alpha' },
        });
      }
    });

    it("gives an APP key (which has no MSP) the customer's own view: Freemium users as the MSP sees them", async () => {
      const freemium = await a.addCustomer({ name: 'Expired With Five', users: 5 });
      api().clock.advance(15 * DAY_MS);
      const token = await tokenFor(freemium);
      const query = `query($token: String!) { verifyAccessToken(token: $token) { valid customer {
        subscriptionState monitoredUserCount monitoredUsers { totalCount nodes { identity monitored } } } } }`;
      const asApp = await api().ok(appKey, query, { token });
      expect(asApp.verifyAccessToken.customer).toEqual({
        subscriptionState: 'EXPIRED_TRIAL',
        monitoredUserCount: 3,
        monitoredUsers: {
          totalCount: 5,
          nodes: [1, 2, 3, 4, 5].map((n) => ({ identity: `user${n}`, monitored: n <= 3 })),
        },
      });
    });

    it("does not open the MSP's customers, counts or totals to an APP key", async () => {
      await a.addCustomer({ name: 'Another Customer Of A', email: 'another-of-a@example.com' });
      const token = await tokenFor(customer);
      for (const field of [
        'customers { nodes { adminEmail } }',
        'customerCounts { total }',
        'billableMonitoredUsers',
        'activeTrialMonitoredUsers',
        'expiredTrialMonitoredUsers',
        'supportRequests { totalCount }',
      ]) {
        for (const path of [`msp { ${field} }`, `customer { msp { ${field} } }`]) {
          const response = await api().gql(appKey, `query($token: String!) { verifyAccessToken(token: $token) { valid ${path} } }`, { token });
          expect({ path, codes: response.body.errors?.map((e) => e.extensions?.code) }).toEqual({ path, codes: ['FORBIDDEN'] });
          expect(JSON.stringify(response.body)).not.toContain('another-of-a@example.com');
        }
      }
    });

    it("does not open the MSP's key list to an APP key", async () => {
      const token = await tokenFor(customer);
      const response = await api().gql(appKey, `query($token: String!) { verifyAccessToken(token: $token) { msp { apiKeys { totalCount } } } }`, { token });
      expect(response.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      expect(JSON.stringify(response.body)).not.toContain(a.key.split('_')[1]);
    });

    it.each([
      ['MSP_ADMIN', () => a.key],
      ['MSP_READ', () => readKey],
    ])('is refused to %s keys (FORBIDDEN)', async (_role, key) => {
      const token = await tokenFor(customer);
      const response = await api().gql(key(), VALID_ONLY, { token });
      expectForbidden(response);
      expect(response.body.data).toBeNull();
    });

    it('answers 401 without a key', async () => {
      const token = await tokenFor(customer);
      const response = await api().gql(null, VALID_ONLY, { token });
      expect(response.status).toBe(401);
    });

    it('refuses a token with any one character changed, even in bits base64url decoding ignores', async () => {
      const token = await tokenFor(customer);
      expect(await verify(token)).toMatchObject({ valid: true });
      for (let i = 0; i < token.length; i++) {
        // The neighbouring character (lowest bit flipped): in the signature's last character that
        // bit is padding, so only a check of the text as written can see the change.
        const replacement = token[i] === '.' ? '_' : BASE64URL[BASE64URL.indexOf(token[i]) ^ 1];
        const tampered = token.slice(0, i) + replacement + token.slice(i + 1);
        expect([i, await verify(tampered)]).toEqual([i, INVALID]);
      }
    });

    it('refuses truncated, extended, re-assembled and malformed tokens', async () => {
      const token = await tokenFor(customer);
      const other = await tokenFor(await a.addCustomer({ name: 'Other Opened' }));
      const [payload, signature] = token.split('.');
      const cases = [
        token.slice(0, -1),
        `${token}A`,
        `${token}.`,
        `${payload}.${other.split('.')[1]}`,
        `${other.split('.')[0]}.${signature}`,
        `${payload}${signature}`,
        ` ${token}`,
        '',
        '.',
        'a.b.c',
        'not a token',
        `${payload}.${signature}=`,
        'x'.repeat(5000),
      ];
      for (const tampered of cases) expect([tampered.slice(0, 40), await verify(tampered)]).toEqual([tampered.slice(0, 40), INVALID]);
    });

    it('refuses a token signed with another secret', async () => {
      const claims = claimsOf(await tokenFor(customer));
      expect(await verify(forge(claims))).toMatchObject({ valid: true });
      expect(await verify(forge(claims, 'another-access-token-secret-of-32-characters'))).toEqual(INVALID);
    });

    it('refuses a correctly signed token it could not have issued', async () => {
      const claims = claimsOf(await tokenFor(customer));
      for (const forged of [{ ...claims, v: 2 }, { ...claims, e: String(claims.e) }, { ...claims, c: undefined }, [claims], 'text', null]) {
        expect(await verify(forge(forged))).toEqual(INVALID);
      }
    });

    it('expires exactly 15 minutes after the grant (the end instant counts as expired)', async () => {
      const token = await tokenFor(customer);
      api().clock.set(new Date(START.getTime() + GRANT_MS - 1));
      expect(await verify(token)).toMatchObject({ valid: true, expiresAt: new Date(START.getTime() + GRANT_MS).toISOString() });
      api().clock.advance(1);
      expect(await verify(token)).toEqual(INVALID);
      api().clock.advance(DAY_MS);
      expect(await verify(token, staffKey)).toEqual(INVALID);
    });

    it('refuses a token for a customer removed since the grant', async () => {
      const gone = await a.addCustomer({ name: 'Removed After Grant' });
      const token = await tokenFor(gone);
      expect(await verify(token)).toMatchObject({ valid: true });
      await api().db.dataSource.query('UPDATE accounts SET removed_at = ?, name_key = NULL WHERE id = ?', ['2026-03-02 12:00:00.000', gone.entity.id]);
      expect(await verify(token)).toEqual(INVALID);
      expect(await verify(token, staffKey)).toEqual(INVALID);
    });

    it('refuses a token for a customer that has moved to another MSP', async () => {
      const moving = await a.addCustomer({ name: 'Moving Ltd' });
      const token = await tokenFor(moving);
      expect(await verify(token)).toMatchObject({ valid: true });
      await api().db.dataSource.query('UPDATE accounts SET msp_id = ? WHERE id = ?', [b.entity.id, moving.entity.id]);
      try {
        expect(await verify(token)).toEqual(INVALID);
      } finally {
        await api().db.dataSource.query('UPDATE accounts SET msp_id = ? WHERE id = ?', [a.entity.id, moving.entity.id]);
      }
    });

    it('refuses a signed claim naming an MSP account or an unknown account as the customer', async () => {
      const claims = claimsOf(await tokenFor(customer));
      expect(await verify(forge({ ...claims, c: a.entity.accountNumber }))).toEqual(INVALID);
      expect(await verify(forge({ ...claims, c: '1234567' }))).toEqual(INVALID);
    });
  });
});
