import { spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import codegenConfig from '../examples/partner-client/codegen';
import { ApiError, CommandCenterClient, retryAfterMs } from '../examples/partner-client/src/client';
import { addCustomer, describeUserErrors, listAllCustomers } from '../examples/partner-client/src/customers';
import { main } from '../examples/partner-client/src/main';
import { createWebhookReceiver } from '../examples/partner-client/src/webhook-receiver';
import { SeenEvents, verifyWebhook, WebhookEvent } from '../examples/partner-client/src/webhooks';
import { ENGINES } from './support/engines';
import { TestApi } from './support/harness';

const ROOT = join(__dirname, '..');
const EXAMPLE = join(ROOT, 'examples', 'partner-client');
const GENERATED = join(EXAMPLE, 'src', 'gql');

/**
 * The example client is part of the build: its generated code must match the committed schema,
 * it must type-check, and it must work against a real server. A schema change that breaks
 * partners' code breaks this test.
 */
describe('partner client: generated code and type check', () => {
  it('the committed generated code is what GraphQL Code Generator makes from schema.graphql today', () => {
    // The generator runs in a plain Node process (it loads ES modules Jest cannot), with the
    // example's own config, and writes nothing: its output is compared with the committed files.
    const script = "const c=JSON.parse(require('fs').readFileSync(0,'utf8'));require('@graphql-codegen/cli').generate(c,false).then(f=>process.stdout.write(JSON.stringify(f.map(x=>({filename:x.filename,content:x.content})))),e=>{console.error(e);process.exit(1)})";
    const run = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, input: JSON.stringify({ ...codegenConfig, silent: true }), encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const files: Array<{ filename: string; content: string }> = JSON.parse(run.stdout);
    expect(files.map((file) => file.filename).sort()).toEqual(readdirSync(GENERATED).map((name) => join(GENERATED, name)).sort());
    for (const file of files) {
      const committed = readFileSync(file.filename, 'utf8');
      if (committed !== file.content) {
        throw new Error(`${file.filename} is stale: run \`npm run example:codegen\` and commit the result`);
      }
    }
  });

  it('the example type-checks against the generated types', () => {
    const run = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(EXAMPLE, 'tsconfig.json')], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('maps DateTime to string, as its @specifiedBy allows', () => {
    const generated = readFileSync(join(GENERATED, 'graphql.ts'), 'utf8');
    const resultTypes = generated.split('\n').filter((line) => /^export type \w+(Query|Mutation) = /.test(line));
    expect(resultTypes.length).toBeGreaterThanOrEqual(2);
    for (const type of resultTypes) expect(type).not.toMatch(/\b(any|unknown)\b/);
    expect(resultTypes.filter((type) => type.includes('trialEndsAt: string | null')).map((type) => type.split(' ')[2])).toEqual(['CustomersPageQuery', 'AddCustomerMutation']);
  });
});

/** A proxy in front of the API that answers the first `limited` requests with 429. */
async function rateLimitingProxy(target: string, limited: number, retryAfter: string): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server: Server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    requests++;
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (requests <= limited) {
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': retryAfter });
      response.end(JSON.stringify({ errors: [{ message: 'Rate limit exceeded: retry after the time in Retry-After.', extensions: { code: 'RATE_LIMITED' } }] }));
      return;
    }
    const forwarded = await fetch(target, { method: 'POST', headers: { 'content-type': String(request.headers['content-type']), authorization: String(request.headers.authorization) }, body: Buffer.concat(chunks) });
    response.writeHead(forwarded.status, { 'content-type': 'application/json' });
    response.end(await forwarded.text());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    requests: () => requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe.each(ENGINES)('partner client against a running server [%s]', (engine) => {
  let api: TestApi;
  let url: string;
  let key: string;
  beforeAll(async () => {
    api = await TestApi.start(engine);
    const demo = await api.services.demo.seed();
    if (!demo.apiKey) throw new Error('the demo was not created');
    key = demo.apiKey.secret;
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => api.close());

  it('lists every customer page by page, with the dashboard totals', async () => {
    const client = new CommandCenterClient({ url, apiKey: key });
    const listed = await listAllCustomers(client, { pageSize: 2 });
    const server = await api.ok(key, '{ msp { customers(first: 100, orderBy: {field: CREATED_AT, direction: ASC}) { nodes { id } } } }');
    expect(listed.customers.map((customer) => customer.id)).toEqual(server.msp.customers.nodes.map((node: { id: string }) => node.id));
    expect(listed.customers).toHaveLength(6);
    expect(listed.pages).toBe(3);
    expect(listed.mspName).toBe('Demo MSP');
    expect(listed.totals).toEqual({
      customerCounts: { paid: 2, activeTrials: 2, expiredTrials: 2, total: 6 },
      billableMonitoredUsers: 12 + 7,
      activeTrialMonitoredUsers: 4 + 2,
      expiredTrialMonitoredUsers: 3 + 1,
      totalCount: 6,
      monitoredUserTotal: 12 + 7 + 4 + 2 + 3 + 1,
    });
    const trials = await listAllCustomers(client, { pageSize: 1, state: 'EXPIRED_TRIAL' });
    expect(trials.customers.map((customer) => customer.organizationName).sort()).toEqual(['Hooli Labs', 'Stark Logistics']);
    expect(trials.totals.monitoredUserTotal).toBe(4);
    expect(typeof trials.customers[0].trialEndsAt).toBe('string');
  });

  it('adds a customer, and reports userErrors (nothing written) for an email already taken', async () => {
    // Its own MSP, so the demo's figures stay put for the other tests in any order.
    const msp = await api.makeMsp();
    await msp.addCustomer({ users: 2 });
    const client = new CommandCenterClient({ url, apiKey: msp.key });
    const added = await addCustomer(client, { adminEmail: `wayne-${engine}@partner.example`, organizationName: 'Wayne Enterprises', idempotencyKey: `wayne-${engine}` });
    if (!added.ok) throw new Error(JSON.stringify(added.errors));
    expect(added.customer.subscriptionState).toBe('ACTIVE_TRIAL');
    // The payload carries the MSP's counts, so a normalized cache updates its dashboard from it.
    expect(added.customer.msp.customerCounts).toEqual({ paid: 0, activeTrials: 2, expiredTrials: 0, total: 2 });
    expect(added.customer.msp.activeTrialMonitoredUsers).toBe(2);

    const retried = await addCustomer(client, { adminEmail: `wayne-${engine}@partner.example`, organizationName: 'Wayne Enterprises', idempotencyKey: `wayne-${engine}` });
    expect(retried.ok && retried.customer.id).toBe(added.customer.id);

    const taken = await addCustomer(client, { adminEmail: `WAYNE-${engine}@partner.example`, organizationName: 'Wayne Two' });
    expect(taken).toEqual({ ok: false, errors: [expect.objectContaining({ field: ['input', 'adminEmail'], code: 'EMAIL_TAKEN' })] });
    if (taken.ok) return;
    expect(describeUserErrors(taken.errors)).toEqual(['adminEmail: this email already has an account; use an alias you can receive mail at']);
    expect((await listAllCustomers(client)).totals.totalCount).toBe(2);
  });

  it('the example program prints the list, and exits 1 with the user errors when an add is refused', async () => {
    const lines: string[] = [];
    expect(await main({ API_URL: url, API_KEY: key, PAGE_SIZE: '4' }, (line) => lines.push(line))).toBe(0);
    expect(lines[0]).toMatch(/^Demo MSP: \d+ customers in 2 page\(s\)$/);
    expect(lines).toContainEqual(expect.stringMatching(/^\d{6,} +PAID +12 users  Acme, Inc$/));

    const refused: string[] = [];
    expect(await main({ API_URL: url, API_KEY: key, ADD_EMAIL: 'acme@demo-msp.example', ADD_NAME: 'Acme again' }, (line) => refused.push(line))).toBe(1);
    expect(refused).toEqual(['not added: adminEmail: this email already has an account; use an alias you can receive mail at']);
  });

  it('waits out RATE_LIMITED (429) for as long as Retry-After says, then retries', async () => {
    const proxy = await rateLimitingProxy(url, 2, '7');
    try {
      const waits: number[] = [];
      const client = new CommandCenterClient({ url: proxy.url, apiKey: key, sleep: async (ms) => void waits.push(ms) });
      const listed = await listAllCustomers(client, { pageSize: 100 });
      expect(listed.customers.length).toBeGreaterThanOrEqual(6);
      expect(waits).toEqual([7000, 7000]);
      expect(proxy.requests()).toBe(3);
    } finally {
      await proxy.close();
    }
  });

  it('gives up after its retries with an ApiError RATE_LIMITED; a bad key is UNAUTHENTICATED', async () => {
    const proxy = await rateLimitingProxy(url, 100, '1');
    try {
      const client = new CommandCenterClient({ url: proxy.url, apiKey: key, maxRateLimitRetries: 2, sleep: async () => undefined });
      await expect(listAllCustomers(client)).rejects.toMatchObject({ code: 'RATE_LIMITED', status: 429 });
      expect(proxy.requests()).toBe(3);
    } finally {
      await proxy.close();
    }
    const stranger = new CommandCenterClient({ url, apiKey: 'cc_AAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    const error = await listAllCustomers(stranger).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });
});

describe('partner client: Retry-After and webhook signatures', () => {
  it('reads Retry-After as seconds or an HTTP date; without one waits a second', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('Sun, 29 Nov 2026 12:00:10 GMT', Date.parse('2026-11-29T12:00:00Z'))).toBe(10_000);
    expect(retryAfterMs(null)).toBe(1000);
    expect(retryAfterMs('soon')).toBe(1000);
  });

  const secretBytes = randomBytes(24);
  const secret = `whsec_${secretBytes.toString('base64')}`;
  const body = JSON.stringify({ id: 'evt_1', type: 'customer.created', createdAt: '2026-11-29T12:00:00.000Z', data: { customer: { id: 'Q3VzdG9tZXJBY2NvdW50OjEyMzQ1Ng' } } });
  const now = () => Math.floor(Date.now() / 1000);
  /** The signature exactly as the Standard Webhooks specification (and our docs) describe it. */
  const signByHand = (id: string, timestamp: number, payload: string, key: Buffer = secretBytes) => `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${payload}`).digest('base64')}`;

  it('verifies a delivery signed by hand as the docs describe, and one signed by the library', () => {
    const timestamp = now();
    const event = verifyWebhook(secret, { 'webhook-id': 'msg_1', 'webhook-timestamp': String(timestamp), 'webhook-signature': signByHand('msg_1', timestamp, body) }, body);
    expect(event).toEqual(JSON.parse(body));
    const librarySigned = new Webhook(secret).sign('msg_2', new Date(timestamp * 1000), body);
    expect(librarySigned).toBe(signByHand('msg_2', timestamp, body));
    expect(verifyWebhook(secret, { 'webhook-id': 'msg_2', 'webhook-timestamp': String(timestamp), 'webhook-signature': librarySigned }, body).type).toBe('customer.created');
  });

  it('accepts a header with several signatures when one matches (secret rotation)', () => {
    const timestamp = now();
    const oldKey = randomBytes(24);
    const header = `${signByHand('msg_3', timestamp, body, oldKey)} ${signByHand('msg_3', timestamp, body)}`;
    expect(verifyWebhook(secret, { 'webhook-id': 'msg_3', 'webhook-timestamp': String(timestamp), 'webhook-signature': header }, body).id).toBe('evt_1');
  });

  it('refuses a changed body, another secret, another id and a stale timestamp', () => {
    const timestamp = now();
    const headers = { 'webhook-id': 'msg_4', 'webhook-timestamp': String(timestamp), 'webhook-signature': signByHand('msg_4', timestamp, body) };
    expect(() => verifyWebhook(secret, headers, body.replace('customer.created', 'customer.removed'))).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(`whsec_${randomBytes(24).toString('base64')}`, headers, body)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(secret, { ...headers, 'webhook-id': 'msg_5' }, body)).toThrow(WebhookVerificationError);
    const old = timestamp - 10 * 60;
    expect(() => verifyWebhook(secret, { 'webhook-id': 'msg_6', 'webhook-timestamp': String(old), 'webhook-signature': signByHand('msg_6', old, body) }, body)).toThrow(WebhookVerificationError);
  });

  it('drops a repeated delivery by its webhook-id', () => {
    const seen = new SeenEvents();
    expect([seen.firstTime('msg_1'), seen.firstTime('msg_1'), seen.firstTime('msg_2')]).toEqual([true, false, true]);
  });


  it('the example receiver handles a signed delivery once, refuses a bad signature, and asks for a retry when handling fails', async () => {
    const handled: WebhookEvent[] = [];
    let failNext = false;
    const receiver = createWebhookReceiver({
      secret,
      onEvent: (event) => {
        if (failNext) {
          failNext = false;
          throw new Error('downstream unavailable');
        }
        handled.push(event);
      },
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks`;
    const deliver = (id: string, payload: string, signature?: string) => {
      const timestamp = new Date();
      const headers = {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': signature ?? new Webhook(secret).sign(id, timestamp, payload),
      };
      return fetch(target, { method: 'POST', headers, body: payload }).then((response) => response.status);
    };
    try {
      expect(await deliver('msg_a', body)).toBe(204);
      expect(await deliver('msg_a', body)).toBe(204); // a retry of the same event
      expect(handled.map((event) => event.id)).toEqual(['evt_1']);
      expect(await deliver('msg_b', body, 'v1,' + Buffer.alloc(32).toString('base64'))).toBe(400);
      failNext = true;
      expect(await deliver('msg_c', body)).toBe(500);
      expect(await deliver('msg_c', body)).toBe(204);
      expect(handled).toHaveLength(2);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
