import { Writable } from 'node:stream';
import pino from 'pino';
import { ApiKeyRole } from '../src/entities';
import { buildApp } from '../src/http/app';
import { toGlobalId } from '../src/services/global-id';
import { GqlResponse, START, TestMsp, describeEachEngine } from './support/harness';

const KEY = /^cc_([0-9A-Za-z]{8})_([0-9A-Za-z]{32})$/;
const FIELDS = 'id name role prefix createdAt lastUsedAt revokedAt';
const CREATE = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) {
  apiKey { ${FIELDS} } secret userErrors { field message code } } }`;
const REVOKE = `mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) {
  apiKey { ${FIELDS} } userErrors { field message code } } }`;
const LIST = `query($n: String, $first: Int, $after: String, $last: Int, $before: String) { msp(accountNumber: $n) {
  apiKeys(first: $first, after: $after, last: $last, before: $before) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { ${FIELDS} } } } } }`;
const WHO = '{ msp { accountNumber } }';

const prefixOf = (key: string) => key.split('_')[1];
const secretOf = (key: string) => key.split('_')[2];

interface ApiKeyView {
  id: string;
  name: string;
  role: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

function expectForbidden(response: GqlResponse) {
  expect(response.status).toBe(200);
  expect(response.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
}

describeEachEngine('API keys', (api) => {
  let a: TestMsp;
  let b: TestMsp;
  let readKey: string;
  let staffKey: string;
  let appKey: string;

  const auditCount = async (action: string) =>
    Number((await api().db.dataSource.query('SELECT COUNT(*) AS n FROM audit_events WHERE action = ?', [action]))[0].n);
  const revokedCount = async () => Number((await api().db.dataSource.query('SELECT COUNT(*) AS n FROM api_keys WHERE revoked_at IS NOT NULL'))[0].n);
  /** Global id of a key, looked up by its prefix (for keys made outside the API). */
  const idOf = async (key: string) =>
    toGlobalId('ApiKey', Number((await api().db.dataSource.query('SELECT id FROM api_keys WHERE prefix = ?', [prefixOf(key)]))[0].id));

  async function create(msp: TestMsp, input: { name: string; role: string }) {
    return (await api().ok(msp.key, CREATE, { input })).createApiKey as { apiKey: ApiKeyView | null; secret: string | null; userErrors: any[] };
  }

  async function createKey(msp: TestMsp, role = 'MSP_ADMIN', name = 'made through the API'): Promise<{ apiKey: ApiKeyView; secret: string }> {
    const result = await create(msp, { name, role });
    expect(result.userErrors).toEqual([]);
    return result as { apiKey: ApiKeyView; secret: string };
  }

  const revoke = async (key: string, id: string) => (await api().ok(key, REVOKE, { input: { id } })).revokeApiKey;

  async function list(key: string, variables: Record<string, unknown> = {}) {
    return (await api().ok(key, LIST, { first: 100, ...variables })).msp?.apiKeys as
      | { totalCount: number; pageInfo: any; edges: Array<{ cursor: string; node: ApiKeyView }> }
      | undefined;
  }

  beforeAll(async () => {
    api().clock.set(START);
    a = await api().makeMsp({ name: 'Keys Alpha' });
    b = await api().makeMsp({ name: 'Keys Bravo' });
    readKey = await api().makeKey(ApiKeyRole.MSP_READ, a);
    staffKey = await api().makeKey(ApiKeyRole.STAFF);
    appKey = await api().makeKey(ApiKeyRole.APP);
  });

  describe('createApiKey', () => {
    it('creates a working key and shows its full secret once', async () => {
      const before = await api().rowCount('api_keys');
      const result = await create(a, { name: '  Billing sync  ', role: 'MSP_READ' });
      expect(result.userErrors).toEqual([]);
      const secret = result.secret as string;
      const [, prefix] = KEY.exec(secret) ?? [];
      expect(result.apiKey).toEqual({
        id: expect.any(String),
        name: 'Billing sync',
        role: 'MSP_READ',
        prefix,
        createdAt: api().clock.now().toISOString(),
        lastUsedAt: null,
        revokedAt: null,
      });
      expect(await api().rowCount('api_keys')).toBe(before + 1);
      expect(await api().ok(secret, WHO)).toEqual({ msp: { accountNumber: a.entity.accountNumber } });
      // An MSP_READ key reads and may not write.
      expectForbidden(await api().gql(secret, CREATE, { input: { name: 'escalation', role: 'MSP_ADMIN' } }));
      // Listed afterwards without its secret.
      const listed = JSON.stringify(await list(a.key));
      expect(listed).toContain(prefix);
      expect(listed).not.toContain(secretOf(secret));
    });

    it('creates an MSP_ADMIN key that can manage keys itself', async () => {
      const { secret } = await createKey(a, 'MSP_ADMIN');
      const data = await api().ok(secret, CREATE, { input: { name: 'made by the new admin key', role: 'MSP_READ' } });
      expect(data.createApiKey.userErrors).toEqual([]);
      expect(data.createApiKey.secret).toMatch(KEY);
    });

    it('audits the creation with the prefix and role, never the secret', async () => {
      const before = await auditCount('API_KEY_CREATED');
      const { apiKey, secret } = await createKey(a, 'MSP_READ', 'audited key');
      expect(await auditCount('API_KEY_CREATED')).toBe(before + 1);
      const [row] = await api().db.dataSource.query("SELECT * FROM audit_events WHERE action = 'API_KEY_CREATED' AND target = ?", [apiKey.id]);
      expect(row).toMatchObject({ msp_id: a.entity.id, actor_key_prefix: prefixOf(a.key), actor_role: 'MSP_ADMIN' });
      expect(JSON.parse(row.details)).toMatchObject({ prefix: apiKey.prefix, role: 'MSP_READ' });
      const everything = JSON.stringify(await api().db.dataSource.query('SELECT * FROM audit_events'));
      expect(everything).not.toContain(secretOf(secret));
      expect(everything).not.toContain(secretOf(a.key));
    });

    it.each([
      ['empty', ''],
      ['blank', '   '],
      ['101 characters', 'k'.repeat(101)],
      ['a newline', 'two\nlines'],
      ['a control character', 'bell\u0007'],
    ])('refuses a name that is %s (INVALID_KEY_NAME) and writes nothing', async (_case, name) => {
      const [keys, audited] = [await api().rowCount('api_keys'), await auditCount('API_KEY_CREATED')];
      expect(await create(a, { name, role: 'MSP_READ' })).toEqual({
        apiKey: null,
        secret: null,
        userErrors: [{ field: ['input', 'name'], message: expect.any(String), code: 'INVALID_KEY_NAME' }],
      });
      expect([await api().rowCount('api_keys'), await auditCount('API_KEY_CREATED')]).toEqual([keys, audited]);
    });

    it('accepts a name of exactly 100 characters, counted as characters', async () => {
      const { apiKey } = await createKey(a, 'MSP_READ', '🔑'.repeat(100));
      expect([...apiKey.name]).toHaveLength(100);
    });

    it.each(['STAFF', 'APP'])('refuses the %s role (INVALID_ROLE) and writes nothing', async (role) => {
      const keys = await api().rowCount('api_keys');
      expect(await create(a, { name: 'escalation', role })).toEqual({
        apiKey: null,
        secret: null,
        userErrors: [{ field: ['input', 'role'], message: expect.any(String), code: 'INVALID_ROLE' }],
      });
      expect(await api().rowCount('api_keys')).toBe(keys);
    });

    it('reports a bad name and a bad role together', async () => {
      const result = await create(a, { name: '', role: 'STAFF' });
      expect(result.userErrors.map((e: { code: string }) => e.code).sort()).toEqual(['INVALID_KEY_NAME', 'INVALID_ROLE']);
    });

    it('refuses an oversized name with INVALID_KEY_NAME, whatever its length, and writes nothing', async () => {
      const keys = await api().rowCount('api_keys');
      const response = await api().gql(a.key, CREATE, { input: { name: 'x'.repeat(10_000), role: 'MSP_READ' } });
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data.createApiKey).toMatchObject({ secret: null, userErrors: [{ field: ['input', 'name'], code: 'INVALID_KEY_NAME' }] });
      expect(await api().rowCount('api_keys')).toBe(keys);
    });

    it.each([
      ['MSP_READ', () => readKey],
      ['STAFF', () => staffKey],
      ['APP', () => appKey],
    ])('is refused to %s keys (FORBIDDEN), and nothing is written', async (_role, key) => {
      const [keys, audited] = [await api().rowCount('api_keys'), await auditCount('API_KEY_CREATED')];
      const response = await api().gql(key(), CREATE, { input: { name: 'not allowed', role: 'MSP_READ' } });
      expectForbidden(response);
      expect(response.body.data).toBeNull();
      expect([await api().rowCount('api_keys'), await auditCount('API_KEY_CREATED')]).toEqual([keys, audited]);
    });
  });

  describe('Msp.apiKeys', () => {
    it("lists the MSP's keys newest first (ties by id), revoked ones included, and pages through them", async () => {
      const msp = await api().makeMsp({ name: 'Paged Keys' });
      api().clock.advance(1000);
      const made = [];
      for (let i = 0; i < 4; i++) made.push((await createKey(msp, 'MSP_READ', `key ${i}`)).apiKey);
      api().clock.advance(1000);
      const newest = (await createKey(msp, 'MSP_READ', 'newest')).apiKey;
      await revoke(msp.key, made[1].id);

      const all = await list(msp.key);
      expect(all?.totalCount).toBe(6);
      expect(all?.edges.map((e) => e.node.name)).toEqual(['newest', 'key 3', 'key 2', 'key 1', 'key 0', 'Initial admin key']);
      expect(all?.edges[3].node.revokedAt).toBe(api().clock.now().toISOString());

      const first = await list(msp.key, { first: 2 });
      expect(first?.edges.map((e) => e.node.id)).toEqual([newest.id, made[3].id]);
      expect(first?.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
      const second = await list(msp.key, { first: 3, after: first?.pageInfo.endCursor });
      expect(second?.edges.map((e) => e.node.id)).toEqual([made[2].id, made[1].id, made[0].id]);
      expect(second?.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
      const back = await list(msp.key, { first: null, last: 2, before: second?.pageInfo.startCursor });
      expect(back?.edges.map((e) => e.node.id)).toEqual([newest.id, made[3].id]);
      expect(second?.totalCount).toBe(6);
    });

    it('refuses a cursor from another list (BAD_USER_INPUT)', async () => {
      await a.addCustomer();
      const cursor = (await api().ok(a.key, '{ msp { customers(first: 1) { pageInfo { endCursor } } } }')).msp.customers.pageInfo.endCursor;
      expect(cursor).toEqual(expect.any(String));
      const response = await api().gql(a.key, LIST, { first: 1, after: cursor });
      expect(response.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('may be read by MSP_READ keys of the MSP and by staff, never with secrets', async () => {
      // Each list first records its caller's use (lastUsedAt), so all three then read the same rows.
      await Promise.all([list(a.key), list(readKey)]);
      const byAdmin = await list(a.key);
      const byReader = await list(readKey);
      const byStaff = await list(staffKey, { n: a.entity.accountNumber });
      expect(byReader).toEqual(byAdmin);
      expect(byStaff).toEqual(byAdmin);
      expect(byAdmin?.edges.map((e) => e.node.prefix)).toEqual(expect.arrayContaining([prefixOf(a.key), prefixOf(readKey)]));
      expect(JSON.stringify(byAdmin)).not.toContain(secretOf(a.key));
      expect(JSON.stringify(byAdmin)).not.toContain(secretOf(readKey));
    });

    it("never shows another MSP's keys", async () => {
      const own = await list(b.key);
      expect(own?.edges.map((e) => e.node.prefix)).toEqual([prefixOf(b.key)]);
      expect(await api().ok(b.key, LIST, { n: a.entity.accountNumber, first: 100 })).toEqual({ msp: null });
      expect(JSON.stringify(await api().gql(b.key, LIST, { n: a.entity.accountNumber }))).not.toContain(prefixOf(a.key));
    });
  });

  describe('revokeApiKey', () => {
    it('revokes a key: audited, listed as revoked, and answered 401 on its next request', async () => {
      const { apiKey, secret } = await createKey(a, 'MSP_READ', 'to revoke');
      expect((await api().gql(secret, WHO)).status).toBe(200);
      api().clock.advance(5_000);
      const audited = await auditCount('API_KEY_REVOKED');
      const result = await revoke(a.key, apiKey.id);
      expect(result).toEqual({ apiKey: { ...apiKey, lastUsedAt: expect.any(String), revokedAt: api().clock.now().toISOString() }, userErrors: [] });

      const refused = await api().gql(secret, WHO);
      expect(refused.status).toBe(401);
      expect(refused.body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      expect(JSON.stringify(refused.body)).not.toContain(secretOf(secret));

      expect(await auditCount('API_KEY_REVOKED')).toBe(audited + 1);
      const [row] = await api().db.dataSource.query("SELECT * FROM audit_events WHERE action = 'API_KEY_REVOKED' AND target = ?", [apiKey.id]);
      expect(row).toMatchObject({ msp_id: a.entity.id, actor_key_prefix: prefixOf(a.key), actor_role: 'MSP_ADMIN' });
      expect(JSON.parse(row.details)).toMatchObject({ prefix: apiKey.prefix, role: 'MSP_READ' });
      expect(row.details).not.toContain(secretOf(secret));
    });

    it('refuses to revoke a key twice (ALREADY_REVOKED) and audits only the first', async () => {
      const { apiKey } = await createKey(a, 'MSP_READ', 'twice');
      await revoke(a.key, apiKey.id);
      const audited = await auditCount('API_KEY_REVOKED');
      expect(await revoke(a.key, apiKey.id)).toEqual({
        apiKey: null,
        userErrors: [{ field: ['input', 'id'], message: expect.any(String), code: 'ALREADY_REVOKED' }],
      });
      expect(await auditCount('API_KEY_REVOKED')).toBe(audited);
    });

    it('lets a key revoke itself: this response succeeds, the next request gets 401', async () => {
      const { apiKey, secret } = await createKey(a, 'MSP_ADMIN', 'self-revoking');
      const result = await revoke(secret, apiKey.id);
      expect(result.userErrors).toEqual([]);
      expect(result.apiKey).toMatchObject({ id: apiKey.id, revokedAt: api().clock.now().toISOString() });
      expect((await api().gql(secret, WHO)).status).toBe(401);
      expect((await api().gql(secret, REVOKE, { input: { id: apiKey.id } })).status).toBe(401);
    });

    it("answers another MSP's key exactly like a nonexistent one (NOT_FOUND), and the key keeps working", async () => {
      const victim = await createKey(a, 'MSP_READ', 'victim');
      const [revoked, audited] = [await revokedCount(), await auditCount('API_KEY_REVOKED')];
      const foreign = await revoke(b.key, victim.apiKey.id);
      const missing = await revoke(b.key, toGlobalId('ApiKey', 999_999_999));
      expect(foreign).toEqual(missing);
      expect(foreign).toEqual({ apiKey: null, userErrors: [{ field: ['input', 'id'], message: expect.any(String), code: 'NOT_FOUND' }] });
      expect(await revoke(b.key, await idOf(a.key))).toEqual(missing);
      expect([await revokedCount(), await auditCount('API_KEY_REVOKED')]).toEqual([revoked, audited]);
      expect(await api().ok(victim.secret, WHO)).toEqual({ msp: { accountNumber: a.entity.accountNumber } });
      expect(await api().ok(a.key, WHO)).toEqual({ msp: { accountNumber: a.entity.accountNumber } });
    });

    it.each([
      ['a staff key', () => idOf(staffKey)],
      ['an app key', () => idOf(appKey)],
      ['a malformed id', async () => 'not-an-id'],
      ['a customer id', async () => toGlobalId('CustomerAccount', '12345678')],
    ])('answers NOT_FOUND for %s', async (_case, id) => {
      const revoked = await revokedCount();
      expect(await revoke(a.key, await id())).toEqual({ apiKey: null, userErrors: [{ field: ['input', 'id'], message: expect.any(String), code: 'NOT_FOUND' }] });
      expect(await revokedCount()).toBe(revoked);
      expect((await api().gql(staffKey, '{ __typename }')).status).toBe(200);
      expect((await api().gql(appKey, '{ __typename }')).status).toBe(200);
    });

    it.each([
      ['MSP_READ', () => readKey],
      ['STAFF', () => staffKey],
      ['APP', () => appKey],
    ])('is refused to %s keys (FORBIDDEN), and the key keeps working', async (_role, key) => {
      const victim = await createKey(a, 'MSP_READ', 'survivor');
      const [revoked, audited] = [await revokedCount(), await auditCount('API_KEY_REVOKED')];
      const response = await api().gql(key(), REVOKE, { input: { id: victim.apiKey.id } });
      expectForbidden(response);
      expect(response.body.data).toBeNull();
      expect([await revokedCount(), await auditCount('API_KEY_REVOKED')]).toEqual([revoked, audited]);
      expect((await api().gql(victim.secret, WHO)).status).toBe(200);
    });
  });

  describe('lastUsedAt', () => {
    it('is written at most once a minute per key', async () => {
      const { apiKey, secret } = await createKey(a, 'MSP_READ', 'usage');
      const lastUsed = async () => (await list(a.key))?.edges.find((e) => e.node.id === apiKey.id)?.node.lastUsedAt;
      expect(await lastUsed()).toBeNull();

      api().clock.advance(10_000);
      const t0 = api().clock.now().toISOString();
      await api().ok(secret, WHO);
      expect(await lastUsed()).toBe(t0);

      api().clock.advance(59_999);
      await api().ok(secret, WHO);
      expect(await lastUsed()).toBe(t0);

      api().clock.advance(1);
      const t1 = api().clock.now().toISOString();
      await api().ok(secret, WHO);
      expect(await lastUsed()).toBe(t1);

      api().clock.advance(30_000);
      await api().ok(secret, WHO);
      expect(await lastUsed()).toBe(t1);
    });
  });

  describe('secrets', () => {
    it('never writes a key secret to the log, only its prefix', async () => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      });
      const logged = await buildApp({
        services: api().services,
        production: false,
        introspection: true,
        requestTimeoutMs: 10_000,
        bodyLimitBytes: 1_048_576,
        logger: pino({ level: 'trace' }, sink),
      });
      const post = async (key: string | null, query: string, variables?: Record<string, unknown>) =>
        (
          await logged.inject({
            method: 'POST',
            url: '/graphql',
            headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
            payload: JSON.stringify({ query, variables }),
          })
        ).json();
      try {
        const created = (await post(a.key, CREATE, { input: { name: 'logged key', role: 'MSP_ADMIN' } })).data.createApiKey;
        const secret: string = created.secret;
        expect(secret).toMatch(KEY);
        expect((await post(secret, WHO)).data).toEqual({ msp: { accountNumber: a.entity.accountNumber } });
        await post(secret, '{ msp { nope } }');
        await post(`cc_${prefixOf(secret)}_${'Z'.repeat(32)}`, WHO);
        await post(secret, CREATE, { input: { name: 'bell\u0007', role: 'STAFF' } });
        await post(secret, REVOKE, { input: { id: created.apiKey.id } });
        const refused = await post(secret, WHO);
        expect(refused.errors[0].extensions.code).toBe('UNAUTHENTICATED');

        const log = lines.join('');
        expect(log).toContain(prefixOf(secret));
        for (const key of [secret, a.key]) expect(log).not.toContain(secretOf(key));
        const audit = JSON.stringify(await api().db.dataSource.query('SELECT * FROM audit_events'));
        expect(audit).toContain(prefixOf(secret));
        expect(audit).not.toContain(secretOf(secret));
      } finally {
        await logged.close();
      }
    });
  });
});
