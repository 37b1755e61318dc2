import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { FastifyInstance, InjectOptions } from 'fastify';
import { EntityManager } from 'typeorm';
import { ApiKeyRole, IdempotencyKeyEntity } from '../src/entities';
import { buildApp } from '../src/http/app';
import { createLogger } from '../src/http/logger';
import { TestApi, TestMsp, describeEachEngine } from './support/harness';

const ADD_CUSTOMER = `mutation Add($input: AddCustomerInput!) { addCustomer(input: $input) { customer { accountNumber } userErrors { code } } }`;
const EMAIL_QUERY = `query Probe { checkAdminEmailAvailability(email: "probe@example.com") { available } }`;

/** What must never reach a client: stack frames, SQL, driver or engine wording, hosts and ports. */
const LEAKS = [
  /\bat .+:\d+:\d+/,
  /stack/i,
  /\b(SELECT|INSERT|UPDATE|DELETE)\b/,
  /sqlite|mysql|mariadb|typeorm|QueryFailed|constraint|duplicate/i,
  /\bER_[A-Z_]+|ECONNREFUSED|SQLITE_/,
  /127\.0\.0\.1|localhost|:3306\b/,
  /idempotency_keys|UQ_/,
];

function expectNoLeak(text: string) {
  for (const leak of LEAKS) expect(text).not.toMatch(leak);
}

function json(key: string | null, body: unknown, headers: Record<string, string> = {}): InjectOptions {
  return {
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/** An instance of the API whose pino log lines land in `lines`. */
async function loggedApp(api: TestApi, lines: Array<Record<string, any>>, limits = {}): Promise<FastifyInstance> {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return buildApp({ services: api.services, production: true, introspection: true, requestTimeoutMs: 10_000, bodyLimitBytes: 102_400, logger: createLogger('info', sink), limits });
}

describeEachEngine('errors and logs', (api, engine) => {
  let msp: TestMsp;

  beforeAll(async () => {
    msp = await api().makeMsp();
  });

  afterEach(() => jest.restoreAllMocks());

  it("puts the request id in every error's extensions, however early the request is refused", async () => {
    const reader = await api().makeKey(ApiKeyRole.MSP_READ, msp);
    const app = await buildApp({ services: api().services, production: false, introspection: true, requestTimeoutMs: 10_000, bodyLimitBytes: 102_400, logger: false, limits: { rateLimitPoints: 5 } });
    try {
      const requests: Array<[string, InjectOptions]> = [
        ['UNAUTHENTICATED', json(null, { query: '{ msp { name } }' })],
        ['GRAPHQL_PARSE_FAILED', json(msp.key, { query: '{ msp {' })],
        ['GRAPHQL_VALIDATION_FAILED', json(msp.key, { query: '{ msp { nam } }' })],
        ['BAD_REQUEST', { method: 'GET', url: '/graphql?query=%7B__typename%7D', headers: { authorization: `Bearer ${msp.key}` } }],
        ['BAD_REQUEST', json(msp.key, [{ query: '{ __typename }' }, { query: '{ __typename }' }])],
        ['BAD_REQUEST', json(msp.key, '{not json')],
        ['QUERY_TOO_COMPLEX', json(msp.key, { query: '{ msp { customers(first: 100) { nodes { monitoredUsers(first: 100) { nodes { identity } } } } } }' })],
        ['BAD_USER_INPUT', json(msp.key, { query: '{ msp { customers(first: 0) { totalCount } } }' })],
        ['FORBIDDEN', json(reader, { query: ADD_CUSTOMER, variables: { input: { adminEmail: 'x@example.com', organizationName: 'X' } } })],
        ['PAYLOAD_TOO_LARGE', json(msp.key, { query: '{ __typename }', variables: { pad: 'x'.repeat(200_000) } })],
        ['BAD_REQUEST', { method: 'GET', url: '/nowhere' }],
        // The reader spent 3 of its 5 points on the FORBIDDEN above; this costs 4.
        ['RATE_LIMITED', json(reader, { query: '{ msp { customers(first: 2) { nodes { id } } } }' })],
      ];
      for (const [code, request] of requests) {
        const response = await app.inject({ ...request, headers: { ...request.headers, 'x-request-id': `early-${code}` } });
        const body = response.json();
        expect({ code, errors: body.errors.map((e: { extensions: Record<string, unknown> }) => [e.extensions.code, e.extensions.requestId]) }).toEqual({
          code,
          errors: [[code, `early-${code}`]],
        });
        expect(response.headers['x-request-id']).toBe(`early-${code}`);
      }
    } finally {
      await app.close();
    }
  });

  it('masks a duplicate key that slips past validation: 500 with the request id, nothing written, the driver error logged', async () => {
    const lines: Array<Record<string, any>> = [];
    const app = await loggedApp(api(), lines);
    try {
      const accounts = await api().rowCount('accounts');
      // A write the service did not check first hits a unique index inside addCustomer's transaction.
      jest.spyOn(api().services.audit, 'recordAll').mockImplementation(async (manager: EntityManager) => {
        const row = { mspId: msp.entity.id, key: 'dup-key', requestHash: 'h'.repeat(64), accountId: 1, createdAt: new Date() };
        await manager.insert(IdempotencyKeyEntity, row);
        await manager.insert(IdempotencyKeyEntity, row);
      });
      const response = await app.inject(json(msp.key, { query: ADD_CUSTOMER, variables: { input: { adminEmail: 'dup@example.com', organizationName: 'Dup' } } }, { 'x-request-id': 'dup-1' }));
      expect(response.statusCode).toBe(500);
      expect(response.json().errors).toEqual([{ message: 'Internal server error. Quote the request id to support.', path: ['addCustomer'], extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'dup-1' } }]);
      expectNoLeak(response.body);
      expect(await api().rowCount('accounts')).toBe(accounts);
      expect(await api().rowCount("idempotency_keys WHERE idem_key = 'dup-key'")).toBe(0);
      const logged = lines.find((l) => l.reqId === 'dup-1' && l.level === 50);
      expect(JSON.stringify(logged?.err)).toMatch(/UNIQUE|Duplicate/i);
    } finally {
      await app.close();
    }
  });

  it('masks a thrown bug (a TypeError in a service) and logs its stack under the request id', async () => {
    const lines: Array<Record<string, any>> = [];
    const app = await loggedApp(api(), lines);
    try {
      jest.spyOn(api().services.customers, 'emailAvailability').mockImplementation(async () => {
        const missing: any = undefined;
        return missing.available;
      });
      const response = await app.inject(json(msp.key, { query: EMAIL_QUERY }, { 'x-request-id': 'bug-1' }));
      expect(response.statusCode).toBe(500);
      expect(response.json().errors[0].extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: 'bug-1' });
      expectNoLeak(response.body);
      expect(response.body).not.toMatch(/TypeError|undefined/);
      expect(lines.find((l) => l.reqId === 'bug-1' && l.level === 50)?.err?.stack).toMatch(/TypeError/);
    } finally {
      await app.close();
    }
  });

  it('answers SERVICE_UNAVAILABLE with the request id and no host, port or driver text when the database is down', async () => {
    const down = await TestApi.start(engine);
    try {
      const key = (await down.makeMsp()).key;
      await down.db.close();
      for (const query of ['{ msp { name } }', EMAIL_QUERY]) {
        const response = await down.app.inject(json(key, { query }, { 'x-request-id': 'down-1' }));
        expect(response.statusCode).toBe(503);
        expect(response.json().errors[0].extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', requestId: 'down-1' });
        expectNoLeak(response.body);
      }
    } finally {
      await down.close().catch(() => undefined);
    }
  });

  it('logs one JSON line per request: request id, operation, key prefix (never the key), duration, status, cost', async () => {
    const lines: Array<Record<string, any>> = [];
    const app = await loggedApp(api(), lines);
    try {
      const prefix = msp.key.split('_')[1];
      await app.inject(json(msp.key, { query: EMAIL_QUERY }, { 'x-request-id': 'log-ok' }));
      await app.inject(json(null, { query: 'query Anonymous { msp { name } }' }, { 'x-request-id': 'log-401' }));
      await app.inject(json(msp.key, { query: '{ msp { customers(first: 0) { totalCount } } }' }, { 'x-request-id': 'log-400' }));
      await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'log-health' } });

      const of = (id: string) => lines.filter((l) => l.reqId === id);
      expect(of('log-ok')).toEqual([
        expect.objectContaining({ level: 30, msg: 'request completed', method: 'POST', url: '/graphql', operationName: 'Probe', keyPrefix: prefix, status: 200, cost: 1, durationMs: expect.any(Number) }),
      ]);
      expect(of('log-401')).toEqual([expect.objectContaining({ msg: 'request completed', operationName: 'Anonymous', keyPrefix: null, status: 401, cost: null })]);
      expect(of('log-400')).toEqual([expect.objectContaining({ msg: 'request completed', keyPrefix: prefix, status: 400, cost: null })]);
      expect(of('log-health')).toEqual([expect.objectContaining({ msg: 'request completed', url: '/healthz', status: 200 })]);
      const text = JSON.stringify(lines);
      expect(text).not.toContain(msp.key);
      expect(text).not.toContain(msp.key.split('_')[2]);
    } finally {
      await app.close();
    }
  });

  it('refuses a request with two Authorization headers with 401, even when both keys are valid', async () => {
    const app = await buildApp({ services: api().services, production: false, introspection: true, requestTimeoutMs: 10_000, bodyLimitBytes: 102_400, logger: false });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const port = (app.server.address() as { port: number }).port;
      const body = JSON.stringify({ query: '{ msp { name } }' });
      const raw = (authorizations: string[]) =>
        new Promise<string>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1', () => {
            const headers = [
              'POST /graphql HTTP/1.1',
              `Host: 127.0.0.1:${port}`,
              'Content-Type: application/json',
              ...authorizations.map((a) => `Authorization: ${a}`),
              `Content-Length: ${Buffer.byteLength(body)}`,
              'Connection: close',
            ];
            // Written, not ended: a half-closed socket may be dropped before the answer.
            socket.write(`${headers.join('\r\n')}\r\n\r\n${body}`);
          });
          let text = '';
          socket.on('data', (chunk) => (text += chunk));
          socket.on('end', () => resolve(text));
          socket.on('error', reject);
        });
      const other = await api().makeKey(ApiKeyRole.MSP_READ, msp);
      for (const pair of [[`Bearer ${msp.key}`, `Bearer ${other}`], [`Bearer ${msp.key}`, `Bearer ${msp.key}`], [`Bearer ${msp.key}`, 'Bearer cc_bad']]) {
        const answer = await raw(pair);
        expect(answer).toMatch(/^HTTP\/1\.1 401 /);
        expect(answer).toContain('"code":"UNAUTHENTICATED"');
        expect(answer).toContain('Send exactly one Authorization header.');
      }
      expect(await raw([`Bearer ${msp.key}`])).toMatch(/^HTTP\/1\.1 200 /);
    } finally {
      await app.close();
    }
  });
});
