import { randomUUID } from 'node:crypto';
import { FastifyInstance } from 'fastify';
import { ApiKeyRole } from '../src/entities';
import { buildApp } from '../src/http/app';
import { TestApi, TestMsp, describeEachEngine } from './support/harness';

const REDIS_URL = 'redis://127.0.0.1:6379';
const EMAIL_QUERY = `{ checkAdminEmailAvailability(email: "probe@example.com") { available } }`;
const ADD_CUSTOMER = `mutation($input: AddCustomerInput!) { addCustomer(input: $input) { customer { accountNumber } userErrors { code } } }`;
/** Costs 1 + 40 × 1 + 1 = 42. */
const PAGE_OF_40 = '{ msp { customers(first: 40) { nodes { id } } } }';

async function call(app: FastifyInstance, key: string, query: string, variables?: Record<string, unknown>) {
  const response = await app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    payload: JSON.stringify({ query, variables }),
  });
  return { status: response.statusCode, headers: response.headers, body: response.json() };
}

/** A second instance of the API on the same database (what a load balancer spreads requests over). */
function instance(api: TestApi, limits: Parameters<typeof buildApp>[0]['limits']): Promise<FastifyInstance> {
  return buildApp({ services: api.services, production: false, introspection: true, requestTimeoutMs: 10_000, bodyLimitBytes: 102_400, logger: false, limits });
}

describeEachEngine('rate limits per API key', (api) => {
  let a: TestMsp;
  let b: TestMsp;

  beforeAll(async () => {
    a = await api().makeMsp();
    b = await api().makeMsp();
  });

  afterEach(() => jest.restoreAllMocks());

  it("reports each executed request's cost and what is left of the budget", async () => {
    const app = await instance(api(), { rateLimitPoints: 2000, rateLimitWindowS: 20 });
    try {
      const started = Date.now();
      const first = await call(app, a.key, PAGE_OF_40);
      const second = await call(app, a.key, '{ msp { name } }');
      expect(first.body.extensions.cost).toEqual({
        requestedQueryCost: 42,
        throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1958, resetsAt: expect.any(String) },
      });
      expect(second.body.extensions.cost).toMatchObject({ requestedQueryCost: 1, throttleStatus: { currentlyAvailable: 1957 } });
      const resetsAt = Date.parse(first.body.extensions.cost.throttleStatus.resetsAt);
      expect(resetsAt).toBeGreaterThan(started);
      expect(resetsAt).toBeLessThanOrEqual(Date.now() + 20_000);
      // A mutation is charged too, and a request with errors that executed reports its cost.
      const added = await call(app, a.key, ADD_CUSTOMER, { input: { adminEmail: `cost-${randomUUID()}@example.com`, organizationName: `Cost ${randomUUID()}` } });
      expect(added.body.extensions.cost.requestedQueryCost).toBe(3); // payload 1 + customer 1 + userErrors 1
    } finally {
      await app.close();
    }
  });

  it('answers a spent budget with 429 RATE_LIMITED and Retry-After, executes nothing, and leaves other keys alone', async () => {
    const app = await instance(api(), { rateLimitPoints: 100, rateLimitWindowS: 20 });
    try {
      expect((await call(app, a.key, PAGE_OF_40)).status).toBe(200);
      expect((await call(app, a.key, PAGE_OF_40)).body.extensions.cost.throttleStatus.currentlyAvailable).toBe(16);
      const refused = await call(app, a.key, PAGE_OF_40);
      expect(refused.status).toBe(429);
      expect(refused.body).not.toHaveProperty('data');
      expect(refused.body.errors[0].extensions).toMatchObject({
        code: 'RATE_LIMITED',
        retryAfterSeconds: expect.any(Number),
        cost: { requestedQueryCost: 42, throttleStatus: { maximumAvailable: 100, currentlyAvailable: 16 } },
      });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(20);

      // Nothing executes: a mutation refused for budget writes nothing.
      const accounts = await api().rowCount('accounts');
      for (let i = 0; i < 16; i++) await call(app, a.key, '{ msp { name } }');
      const write = await call(app, a.key, ADD_CUSTOMER, { input: { adminEmail: `spent-${randomUUID()}@example.com`, organizationName: 'Spent' } });
      expect(write.status).toBe(429);
      expect(await api().rowCount('accounts')).toBe(accounts);

      // Another MSP's key, and another key of the same MSP, have their own budgets.
      const other = await call(app, b.key, PAGE_OF_40);
      expect(other.status).toBe(200);
      expect(other.body.extensions.cost.throttleStatus.currentlyAvailable).toBe(58);
      const sameMsp = await api().makeKey(ApiKeyRole.MSP_READ, a);
      expect((await call(app, sameMsp, PAGE_OF_40)).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it("refuses a query above the key's whole budget with QUERY_TOO_COMPLEX naming that limit", async () => {
    const app = await instance(api(), { rateLimitPoints: 30, rateLimitWindowS: 20 });
    try {
      const refused = await call(app, a.key, PAGE_OF_40);
      expect(refused.status).toBe(400);
      expect(refused.body.errors[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX', rule: 'cost', limit: 30, cost: 42 } });
      expect(refused.body.errors[0].message).toMatch(/whole budget of 30/);
      // Nothing was spent on it.
      expect((await call(app, a.key, '{ msp { name } }')).body.extensions.cost.throttleStatus.currentlyAvailable).toBe(29);
    } finally {
      await app.close();
    }
  });

  it('charges refused authorizations, and audits one refusal per key, field and window', async () => {
    const app = await instance(api(), { rateLimitPoints: 1000, rateLimitWindowS: 2 });
    try {
      const msp = await api().makeMsp();
      const reader = await api().makeKey(ApiKeyRole.MSP_READ, msp);
      const refusals = () => api().rowCount(`audit_events WHERE action = 'AUTHORIZATION_REFUSED' AND msp_id = ${msp.entity.id}`);
      const input = () => ({ input: { adminEmail: `refused-${randomUUID()}@example.com`, organizationName: 'Refused' } });
      const costs: number[] = [];
      for (let i = 0; i < 10; i++) {
        const refused = await call(app, reader, ADD_CUSTOMER, input());
        expect(refused.body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(['FORBIDDEN']);
        costs.push(refused.body.extensions.cost.throttleStatus.currentlyAvailable);
      }
      // Each refusal spent its cost (3) from the key's budget.
      expect(costs).toEqual(Array.from({ length: 10 }, (_, i) => 1000 - 3 * (i + 1)));
      expect(await refusals()).toBe(1);
      // Another refused field is its own row; another key's refusal too.
      await call(app, reader, '{ auditEvents(first: 1) { totalCount } }');
      await call(app, await api().makeKey(ApiKeyRole.MSP_READ, msp), ADD_CUSTOMER, input());
      expect(await refusals()).toBe(3);
      // The next window records the next refusal.
      await new Promise((resolve) => setTimeout(resolve, 2100));
      await call(app, reader, ADD_CUSTOMER, input());
      expect(await refusals()).toBe(4);
    } finally {
      await app.close();
    }
  });

  it('lets a key have MAX_IN_FLIGHT_PER_KEY requests executing at once; the next gets 429 at once, other keys are served', async () => {
    const app = await instance(api(), { maxInFlightPerKey: 2 });
    try {
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const real = api().services.customers.emailAvailability.bind(api().services.customers);
      jest.spyOn(api().services.customers, 'emailAvailability').mockImplementation(async (...args) => {
        await gate;
        return real(...args);
      });
      const held = [call(app, a.key, EMAIL_QUERY), call(app, a.key, EMAIL_QUERY)];
      await new Promise((resolve) => setTimeout(resolve, 100));
      const third = await call(app, a.key, EMAIL_QUERY);
      expect(third.status).toBe(429);
      expect(third.body.errors[0].extensions.code).toBe('RATE_LIMITED');
      expect(third.headers['retry-after']).toBe('1');
      expect((await call(app, b.key, '{ msp { name } }')).status).toBe(200);
      release();
      for (const response of await Promise.all(held)) expect(response.status).toBe(200);
      // The slots are free again.
      expect((await call(app, a.key, EMAIL_QUERY)).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('shares one budget between instances through REDIS_URL, and keeps one per instance without it', async () => {
    const redisKeyPrefix = `cc-test-${randomUUID()}`;
    const shared = { rateLimitPoints: 100, rateLimitWindowS: 20, redisUrl: REDIS_URL, redisKeyPrefix };
    const one = await instance(api(), shared);
    const two = await instance(api(), shared);
    const alone1 = await instance(api(), { rateLimitPoints: 100, rateLimitWindowS: 20 });
    const alone2 = await instance(api(), { rateLimitPoints: 100, rateLimitWindowS: 20 });
    try {
      expect((await call(one, a.key, PAGE_OF_40)).body.extensions.cost.throttleStatus.currentlyAvailable).toBe(58);
      expect((await call(two, a.key, PAGE_OF_40)).body.extensions.cost.throttleStatus.currentlyAvailable).toBe(16);
      expect((await call(one, a.key, PAGE_OF_40)).status).toBe(429);
      expect((await call(two, a.key, PAGE_OF_40)).status).toBe(429);
      // Another key is untouched on both.
      expect((await call(two, b.key, PAGE_OF_40)).body.extensions.cost.throttleStatus.currentlyAvailable).toBe(58);

      expect((await call(alone1, a.key, PAGE_OF_40)).body.extensions.cost.throttleStatus.currentlyAvailable).toBe(58);
      expect((await call(alone2, a.key, PAGE_OF_40)).body.extensions.cost.throttleStatus.currentlyAvailable).toBe(58);
    } finally {
      await Promise.all([one.close(), two.close(), alone1.close(), alone2.close()]);
    }
  });
});
