import { InjectOptions } from 'fastify';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createLogger } from '../src/http/logger';
import { buildApp } from '../src/http/app';
import { ApiKeyRole } from '../src/entities';
import { ENGINES } from './support/engines';
import { TestApi, TestMsp, describeEachEngine } from './support/harness';

/** DESIGN.md's closed list of top-level error codes. */
const CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'QUERY_TOO_COMPLEX',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'TIMEOUT',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
]);

const MSP_QUERY = `{ msp { name customerCounts { total } } }`;
/** A read whose resolver calls one service method directly, to make that method fail. */
const EMAIL_QUERY = `{ checkAdminEmailAvailability(email: "probe@example.com") { available } }`;
const ADD_CUSTOMER = `mutation($input: AddCustomerInput!) { addCustomer(input: $input) { customer { accountNumber } userErrors { code } } }`;

interface Raw {
  status: number;
  headers: Record<string, unknown>;
  text: string;
  json: () => any;
}

async function send(api: TestApi, options: InjectOptions): Promise<Raw> {
  const response = await api.app.inject(options);
  return { status: response.statusCode, headers: response.headers, text: response.body, json: () => response.json() };
}

/**
 * Asserts an error response: its status, a JSON body whose every error carries a code from the
 * closed list (the first one `code`), no data (or only nulls, for an error while executing), and the request id header.
 */
function expectError(response: Raw, status: number, code: string, data: 'absent' | 'nulls' = 'absent'): { message: string; extensions: Record<string, unknown> } {
  expect({ status: response.status, contentType: response.headers['content-type'] }).toEqual({ status, contentType: expect.stringMatching(/^application\/json/) });
  const body = response.json();
  expect(body.errors?.[0]?.extensions?.code).toBe(code);
  for (const error of body.errors) expect(CODES).toContain(error.extensions?.code);
  if (data === 'absent') expect(body).not.toHaveProperty('data');
  else {
    // An error while executing: `data` is there (null, or every field null), never left out.
    expect(body).toHaveProperty('data');
    for (const value of Object.values(body.data ?? {})) expect(value).toBeNull();
  }
  expect(response.headers['x-request-id']).toEqual(expect.any(String));
  return body.errors[0];
}

/** What must never reach a client: stack frames, SQL, driver or TypeORM wording. */
function expectNoLeak(text: string, ...secrets: string[]) {
  for (const leak of [/\bat .+:\d+:\d+/, /stack/i, /SELECT|INSERT|UPDATE|DROP/, /sqlite|mysql|mariadb|typeorm|QueryFailed/i, /\bER_[A-Z_]+/, ...secrets]) {
    expect(text).not.toMatch(leak);
  }
}

const graphqlPost = (key: string | null, body: unknown, headers: Record<string, string> = {}): InjectOptions => ({
  method: 'POST',
  url: '/graphql',
  headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
  payload: typeof body === 'string' ? body : JSON.stringify(body),
});

const graphqlGet = (key: string | null, params: Record<string, string>, headers: Record<string, string> = {}): InjectOptions => ({
  method: 'GET',
  url: `/graphql?${new URLSearchParams(params).toString()}`,
  headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
});

describeEachEngine('HTTP contract', (api, engine) => {
  let msp: TestMsp;

  beforeAll(async () => {
    msp = await api().makeMsp();
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe('health routes', () => {
    it('GET /healthz answers 200 while the process lives', async () => {
      const response = await send(api(), { method: 'GET', url: '/healthz' });
      expect(response.status).toBe(200);
      expect(response.json()).toEqual({ status: 'ok' });
    });

    it('GET /readyz answers 200 ready while the database answers', async () => {
      const response = await send(api(), { method: 'GET', url: '/readyz' });
      expect(response.status).toBe(200);
      expect(response.json()).toEqual({ status: 'ready' });
    });

    it('answers 503 on /readyz and SERVICE_UNAVAILABLE on /graphql once the database is gone, with no driver text', async () => {
      const down = await TestApi.start(engine);
      try {
        const key = (await down.makeMsp()).key;
        // The database goes away after the key was checked, while the query runs.
        const emailAvailability = down.services.customers.emailAvailability.bind(down.services.customers);
        jest.spyOn(down.services.customers, 'emailAvailability').mockImplementation(async (...args) => {
          await down.db.close();
          return emailAvailability(...args);
        });
        const midway = await send(down, graphqlPost(key, { query: EMAIL_QUERY }));
        expect(expectError(midway, 503, 'SERVICE_UNAVAILABLE', 'nulls').extensions.requestId).toBe(midway.headers['x-request-id']);
        expectNoLeak(midway.text);
        expect(down.db.dataSource.isInitialized).toBe(false);

        const ready = await send(down, { method: 'GET', url: '/readyz' });
        expect(ready.status).toBe(503);
        expect(ready.json()).toEqual({ status: 'unavailable' });
        expect(ready.headers['x-request-id']).toEqual(expect.any(String));

        const mutation = { query: ADD_CUSTOMER, variables: { input: { adminEmail: 'down@example.com', organizationName: 'Down' } } };
        for (const request of [graphqlPost(key, { query: MSP_QUERY }), graphqlPost(key, mutation)]) {
          const response = await send(down, request);
          const error = expectError(response, 503, 'SERVICE_UNAVAILABLE');
          expect(error.extensions.requestId).toBe(response.headers['x-request-id']);
          expectNoLeak(response.text);
        }
        // Without a key there is nothing to check against the database: still 401.
        expectError(await send(down, graphqlPost(null, { query: MSP_QUERY })), 401, 'UNAUTHENTICATED');
        expect((await send(down, { method: 'GET', url: '/healthz' })).status).toBe(200);
      } finally {
        await down.close();
      }
    });
  });

  describe('request ids', () => {
    it('sets x-request-id on every response, fresh and distinct when none is given', async () => {
      const responses = [
        await send(api(), { method: 'GET', url: '/healthz' }),
        await send(api(), { method: 'GET', url: '/readyz' }),
        await send(api(), graphqlPost(msp.key, { query: MSP_QUERY })),
        await send(api(), graphqlPost(null, { query: MSP_QUERY })),
        await send(api(), graphqlPost(msp.key, '{not json')),
        await send(api(), { method: 'GET', url: '/nowhere' }),
      ];
      const ids = responses.map((r) => r.headers['x-request-id']);
      for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('echoes a valid incoming x-request-id, also in a masked error', async () => {
      const ok = await send(api(), graphqlPost(msp.key, { query: MSP_QUERY }, { 'x-request-id': 'client-req.42_A' }));
      expect(ok.headers['x-request-id']).toBe('client-req.42_A');
      const unauthenticated = await send(api(), graphqlPost(null, { query: MSP_QUERY }, { 'x-request-id': 'client-req-43' }));
      expect(unauthenticated.headers['x-request-id']).toBe('client-req-43');

      jest.spyOn(api().services.customers, 'emailAvailability').mockRejectedValue(new Error('boom'));
      const failed = await send(api(), graphqlPost(msp.key, { query: EMAIL_QUERY }, { 'x-request-id': 'client-req-44' }));
      expect(failed.headers['x-request-id']).toBe('client-req-44');
      expect(expectError(failed, 500, 'INTERNAL_SERVER_ERROR', 'nulls').extensions.requestId).toBe('client-req-44');
    });

    it('replaces an incoming x-request-id that is not a safe token', async () => {
      for (const given of ['has space', 'x'.repeat(65), 'new\\nline', '<script>']) {
        const response = await send(api(), { method: 'GET', url: '/healthz', headers: { 'x-request-id': given } });
        expect(response.headers['x-request-id']).not.toBe(given);
        expect(response.headers['x-request-id']).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
      }
    });
  });

  describe('malformed requests', () => {
    it('refuses a body that is not JSON: 400 BAD_REQUEST', async () => {
      const accounts = await api().rowCount('accounts');
      const response = await send(api(), graphqlPost(msp.key, '{"query": "mutation { addCustomer('));
      expectError(response, 400, 'BAD_REQUEST');
      expect(await api().rowCount('accounts')).toBe(accounts);
    });

    it('refuses a batched request (a JSON array): 400 BAD_REQUEST, nothing run', async () => {
      const accounts = await api().rowCount('accounts');
      const input = { adminEmail: 'batched@example.com', organizationName: 'Batched' };
      const response = await send(api(), graphqlPost(msp.key, [{ query: ADD_CUSTOMER, variables: { input } }, { query: MSP_QUERY }]));
      expectError(response, 400, 'BAD_REQUEST');
      expect(await api().rowCount('accounts')).toBe(accounts);
    });

    it('refuses a body without a query: 400 BAD_REQUEST', async () => {
      expectError(await send(api(), graphqlPost(msp.key, { variables: {} })), 400, 'BAD_REQUEST');
    });

    it('answers a parse error with 400 GRAPHQL_PARSE_FAILED', async () => {
      expectError(await send(api(), graphqlPost(msp.key, { query: '{ msp { name ' })), 400, 'GRAPHQL_PARSE_FAILED');
    });

    it('answers an unknown field with 400 GRAPHQL_VALIDATION_FAILED', async () => {
      const error = expectError(await send(api(), graphqlPost(msp.key, { query: '{ msp { nam } }' })), 400, 'GRAPHQL_VALIDATION_FAILED');
      expect(error.message).toContain('nam');
    });

    it('answers variables of the wrong type with 400 BAD_USER_INPUT', async () => {
      const query = 'query($first: Int) { msp { customers(first: $first) { totalCount } } }';
      const response = await send(api(), graphqlPost(msp.key, { query, variables: { first: 'x' } }));
      expectError(response, 400, 'BAD_USER_INPUT');
    });

    it('answers an unknown route with 404 and a pointer to the API', async () => {
      const error = expectError(await send(api(), { method: 'GET', url: '/graphq' }), 404, 'BAD_REQUEST');
      expect(error.message).toContain('/graphql');
    });

    it('refuses a simple (CSRF-able) POST such as text/plain: 400 BAD_REQUEST, nothing written', async () => {
      const accounts = await api().rowCount('accounts');
      const input = { adminEmail: 'csrf@example.com', organizationName: 'CSRF' };
      const response = await send(api(), graphqlPost(msp.key, { query: ADD_CUSTOMER, variables: { input } }, { 'content-type': 'text/plain' }));
      expect(response.status).toBe(400);
      expect(response.json().errors[0].extensions.code).toBe('BAD_REQUEST');
      expect(await api().rowCount('accounts')).toBe(accounts);
    });
  });

  describe('GraphQL over GET', () => {
    // What a client must send: Apollo's CSRF prevention refuses a GET that a browser could send
    // cross-site without a preflight. Any one of `apollo-require-preflight: true`,
    // `x-apollo-operation-name: <name>` or a non-simple `content-type` (application/json) lets
    // it through; the Authorization header alone does not.
    it('serves a query with a key and apollo-require-preflight', async () => {
      const response = await send(api(), graphqlGet(msp.key, { query: MSP_QUERY }, { 'apollo-require-preflight': 'true' }));
      expect(response.status).toBe(200);
      expect(response.json()).toEqual({
        data: { msp: { name: msp.entity.name, customerCounts: { total: 0 } } },
        extensions: { cost: { requestedQueryCost: 2, throttleStatus: expect.objectContaining({ maximumAvailable: expect.any(Number) }) } },
      });
    });

    it('serves a query with x-apollo-operation-name or content-type: application/json instead', async () => {
      const query = `query Dashboard ${MSP_QUERY}`;
      const alternatives: Array<Record<string, string>> = [{ 'x-apollo-operation-name': 'Dashboard' }, { 'content-type': 'application/json' }];
      for (const headers of alternatives) {
        const response = await send(api(), graphqlGet(msp.key, { query }, headers));
        expect(response.status).toBe(200);
        expect(response.json().data.msp.name).toBe(msp.entity.name);
      }
    });

    it('refuses a GET without a preflight header: 400 BAD_REQUEST (CSRF prevention)', async () => {
      expectError(await send(api(), graphqlGet(msp.key, { query: MSP_QUERY })), 400, 'BAD_REQUEST');
    });

    it('refuses a mutation over GET and writes nothing', async () => {
      const accounts = await api().rowCount('accounts');
      const input = { adminEmail: 'over-get@example.com', organizationName: 'Over GET' };
      const response = await send(
        api(),
        graphqlGet(msp.key, { query: ADD_CUSTOMER, variables: JSON.stringify({ input }) }, { 'apollo-require-preflight': 'true' }),
      );
      expectError(response, 405, 'BAD_REQUEST');
      expect(response.headers.allow).toBe('POST');
      expect(await api().rowCount('accounts')).toBe(accounts);
    });

    it('still requires a key over GET: 401 UNAUTHENTICATED', async () => {
      expectError(await send(api(), graphqlGet(null, { query: MSP_QUERY }, { 'apollo-require-preflight': 'true' })), 401, 'UNAUTHENTICATED');
    });
  });

  describe('unexpected errors', () => {
    it('masks a thrown error as INTERNAL_SERVER_ERROR (500) with the request id and nothing else', async () => {
      jest.spyOn(api().services.customers, 'emailAvailability').mockRejectedValue(new Error('secret SQL detail: SELECT admin_email FROM accounts'));
      const response = await send(api(), graphqlPost(msp.key, { query: EMAIL_QUERY }));
      const error = expectError(response, 500, 'INTERNAL_SERVER_ERROR', 'nulls');
      expect(Object.keys(error.extensions).sort()).toEqual(['code', 'requestId']);
      expect(error.extensions.requestId).toBe(response.headers['x-request-id']);
      expectNoLeak(response.text, 'secret SQL detail');
    });

    it('masks a real database error the same way: no SQL, no table, no driver message', async () => {
      jest
        .spyOn(api().services.customers, 'emailAvailability')
        .mockImplementation(() => api().db.dataSource.query('SELECT hidden_column FROM no_such_table_xyz'));
      const response = await send(api(), graphqlPost(msp.key, { query: EMAIL_QUERY }));
      const error = expectError(response, 500, 'INTERNAL_SERVER_ERROR', 'nulls');
      expect(error.extensions.requestId).toBe(response.headers['x-request-id']);
      expectNoLeak(response.text, 'no_such_table_xyz', 'hidden_column');
    });

    it('logs what it masks, with the request id the client was given', async () => {
      const lines: Array<Record<string, any>> = [];
      const sink = new Writable({
        write(chunk, _encoding, done) {
          lines.push(JSON.parse(String(chunk)));
          done();
        },
      });
      const logged = await buildApp({ services: api().services, production: true, introspection: false, requestTimeoutMs: 10_000, bodyLimitBytes: 1_048_576, logger: pino({ level: 'info' }, sink) });
      try {
        jest.spyOn(api().services.customers, 'emailAvailability').mockRejectedValue(new Error('secret SQL detail'));
        const response = await logged.inject(graphqlPost(msp.key, { query: EMAIL_QUERY }, { 'x-request-id': 'to-quote-1' }));
        expect(response.json().errors[0].extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: 'to-quote-1' });
        expect(lines).toContainEqual(expect.objectContaining({ reqId: 'to-quote-1', level: 50, err: expect.objectContaining({ message: 'secret SQL detail' }) }));
      } finally {
        await logged.close();
      }
    });

    it('logs requests by path only: no query string variables, no Authorization header', async () => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      });
      const logged = await buildApp({ services: api().services, production: true, introspection: false, requestTimeoutMs: 10_000, bodyLimitBytes: 1_048_576, logger: createLogger('info', sink) });
      try {
        const query = encodeURIComponent('query($t: String!) { checkAdminEmailAvailability(email: $t) { available } }');
        const variables = encodeURIComponent(JSON.stringify({ t: 'secret-in-the-url@example.com' }));
        const response = await logged.inject({
          method: 'GET',
          url: `/graphql?query=${query}&variables=${variables}`,
          headers: { authorization: `Bearer ${msp.key}`, 'apollo-require-preflight': 'true' },
        });
        expect(response.statusCode).toBe(200);
        const text = lines.join('');
        expect(text).toContain('"url":"/graphql"');
        expect(text).not.toContain('secret-in-the-url');
        expect(text).not.toContain(msp.key.split('_')[2]);
      } finally {
        await logged.close();
      }
    });

    it('masks an error while checking the key (before any resolver runs)', async () => {
      jest.spyOn(api().services.apiKeys, 'authenticate').mockRejectedValue(new Error('secret SQL detail in key lookup'));
      const response = await send(api(), graphqlPost(msp.key, { query: MSP_QUERY }));
      const error = expectError(response, 500, 'INTERNAL_SERVER_ERROR');
      expect(error.extensions.requestId).toBe(response.headers['x-request-id']);
      expectNoLeak(response.text, 'secret SQL detail', 'Context creation');
    });

    it('masks an error in a mutation, and the payload is not half-applied', async () => {
      const accounts = await api().rowCount('accounts');
      jest.spyOn(api().services.customers, 'addCustomer').mockRejectedValue(new Error('secret SQL detail'));
      const response = await send(api(), graphqlPost(msp.key, { query: ADD_CUSTOMER, variables: { input: { adminEmail: 'mask@example.com', organizationName: 'Mask' } } }));
      expectError(response, 500, 'INTERNAL_SERVER_ERROR', 'nulls');
      expectNoLeak(response.text, 'secret SQL detail');
      expect(await api().rowCount('accounts')).toBe(accounts);
    });

    it('keeps the data of fields that did resolve next to a masked error', async () => {
      jest.spyOn(api().services.customers, 'findByAccountNumbers').mockRejectedValue(new Error('secret SQL detail'));
      const response = await send(api(), graphqlPost(msp.key, { query: `{ msp { name } customer(accountNumber: "123456") { id } }` }));
      expect(response.status).toBe(500);
      const body = response.json();
      expect(body.data).toEqual({ msp: { name: msp.entity.name }, customer: null });
      expect(body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(['INTERNAL_SERVER_ERROR']);
      expectNoLeak(response.text, 'secret SQL detail');
    });
  });

  describe('timeouts', () => {
    it('answers 503 TIMEOUT when a request runs past REQUEST_TIMEOUT_MS', async () => {
      const slow = await TestApi.start(engine, { requestTimeoutMs: 150 });
      try {
        const key = await slow.makeKey(ApiKeyRole.STAFF);
        jest.spyOn(slow.services.msps, 'list').mockReturnValue(new Promise(() => undefined));
        const response = await send(slow, graphqlPost(key, { query: `{ msps { totalCount } }` }, { 'x-request-id': 'slow-1' }));
        const error = expectError(response, 503, 'TIMEOUT');
        expect(error.extensions.requestId).toBe('slow-1');
        expect(response.headers['x-request-id']).toBe('slow-1');
        // The instance keeps serving.
        expect((await send(slow, { method: 'GET', url: '/readyz' })).status).toBe(200);
      } finally {
        await slow.close();
      }
    });
  });
});

describe.each(ENGINES.filter((e) => e === 'sqlite'))('HTTP limits [%s]', (engine) => {
  let small: TestApi;
  let production: TestApi;

  beforeAll(async () => {
    small = await TestApi.start(engine, { bodyLimitBytes: 2048 });
    production = await TestApi.start(engine, { production: true });
  });

  afterAll(async () => {
    await small?.close();
    await production?.close();
  });

  it('refuses a body over the limit with 413 PAYLOAD_TOO_LARGE and writes nothing', async () => {
    const key = (await small.makeMsp()).key;
    const accounts = await small.rowCount('accounts');
    const input = { adminEmail: 'big@example.com', organizationName: 'Big', externalId: 'x'.repeat(3000) };
    const response = await send(small, graphqlPost(key, { query: ADD_CUSTOMER, variables: { input } }));
    expectError(response, 413, 'PAYLOAD_TOO_LARGE');
    expect(await small.rowCount('accounts')).toBe(accounts);
    // Under the limit, the same instance serves.
    expect((await send(small, graphqlPost(key, { query: MSP_QUERY }))).status).toBe(200);
  });

  it('in production, suggests no field names and shows no stack', async () => {
    const key = (await production.makeMsp()).key;
    const error = expectError(await send(production, graphqlPost(key, { query: '{ msp { nam } }' })), 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(error.message).not.toMatch(/Did you mean/);
    expect(error.message).not.toContain('"name"');

    jest.spyOn(production.services.customers, 'emailAvailability').mockRejectedValue(new Error('secret SQL detail'));
    try {
      const response = await send(production, graphqlPost(key, { query: EMAIL_QUERY }));
      expectError(response, 500, 'INTERNAL_SERVER_ERROR', 'nulls');
      expectNoLeak(response.text, 'secret SQL detail');
    } finally {
      jest.restoreAllMocks();
    }
  });
});
