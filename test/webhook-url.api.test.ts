import { checkUrlSyntax, isPublicAddress } from '../src/services/webhooks/webhook-url';
import { describeEachEngine, TestApi } from './support/harness';
import { ENGINES } from './support/engines';
import { CREATE_ENDPOINT, Receiver, settleDeliveries } from './support/webhooks';

test('a URL with invisible characters is refused: the URL parser would drop them from the host', () => {
  expect(checkUrlSyntax('https://ho\u200bok.example/', { allowInsecure: false })).toEqual({ ok: false, reason: expect.stringMatching(/invisible/) });
  expect(checkUrlSyntax('https://hook.example/\u202e', { allowInsecure: false }).ok).toBe(false);
  expect(checkUrlSyntax('https://hook.example/', { allowInsecure: false }).ok).toBe(true);
});

test('public and non-public addresses', () => {
  for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111']) expect(isPublicAddress(address)).toBe(true);
  for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '224.0.0.1', 'not-an-ip',
    // IPv6 forms that carry an IPv4 address (here loopback) or a deprecated local scope.
    '::127.0.0.1', '::ffff:0:7f00:1', '2002:7f00:1::', '64:ff9b:1::7f00:1', '2001::1', 'fec0::1']) {
    expect(isPublicAddress(address)).toBe(false);
  }
});

/** Production mode: ALLOW_INSECURE_WEBHOOKS off, and a DNS the test controls. */
describe.each(ENGINES)('webhook URLs in production mode [%s]', (engine) => {
  let api: TestApi;
  let receiver: Receiver;
  const dns = new Map<string, string[]>();
  beforeAll(async () => {
    api = await TestApi.start(engine, {
      production: true,
      settings: { allowInsecureWebhooks: false, webhookResolve: async (host) => dns.get(host) ?? Promise.reject(new Error('ENOTFOUND')) },
    });
    receiver = await Receiver.start();
  });
  afterEach(async () => {
    await settleDeliveries(api.db);
  });
  afterAll(async () => {
    await receiver.close();
    await api.close();
  });

  test('only https:// to public addresses is accepted; private, loopback and link-local are refused (INVALID_URL)', async () => {
    const msp = await api.makeMsp();
    dns.set('internal.example', ['10.0.0.5']);
    dns.set('mixed.example', ['93.184.216.34', '127.0.0.1']);
    dns.set('public.example', ['93.184.216.34']);
    for (const url of [
      receiver.url,
      'https://127.0.0.1/hook',
      'https://[::1]/hook',
      'https://10.0.0.1/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://internal.example/hook',
      'https://mixed.example/hook',
      'https://unknown.example/hook',
      'http://public.example/hook',
      'https://user:pass@public.example/hook',
    ]) {
      const data = await api.ok(msp.key, CREATE_ENDPOINT, { input: { url, events: ['CUSTOMER_CREATED'] } });
      expect([url, data.createWebhookEndpoint.userErrors.map((e: any) => e.code)]).toEqual([url, ['INVALID_URL']]);
    }
    const ok = await api.ok(msp.key, CREATE_ENDPOINT, { input: { url: 'https://public.example/hook', events: ['CUSTOMER_CREATED'] } });
    expect(ok.createWebhookEndpoint.userErrors).toEqual([]);
  });

  test('the address is checked again at every attempt: a host that now resolves to loopback is not called', async () => {
    const msp = await api.makeMsp();
    const port = new URL(receiver.url).port;
    dns.set('rebind.example', ['93.184.216.34']);
    const created = await api.ok(msp.key, CREATE_ENDPOINT, { input: { url: `https://rebind.example:${port}/hook`, events: ['CUSTOMER_CREATED'] } });
    expect(created.createWebhookEndpoint.userErrors).toEqual([]);
    dns.set('rebind.example', ['127.0.0.1']);
    await msp.addCustomer();
    expect(await api.services.webhookDelivery.deliverDue()).toBe(1);
    expect(receiver.received).toHaveLength(0);
    const data = await api.ok(msp.key, `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { deliveries { nodes { attempts { statusCode error } } } } } }`, {
      id: created.createWebhookEndpoint.webhookEndpoint.id,
    });
    expect(data.node.deliveries.nodes[0].attempts).toEqual([{ statusCode: null, error: expect.stringMatching(/^Refused: .*private, loopback/) }]);
  });
});

describeEachEngine('webhook URLs with ALLOW_INSECURE_WEBHOOKS', (api) => {
  test('http:// to loopback is accepted', async () => {
    const msp = await api().makeMsp();
    const data = await api().ok(msp.key, CREATE_ENDPOINT, { input: { url: 'http://localhost:9/hook', events: ['TRIAL_EXPIRED'] } });
    expect(data.createWebhookEndpoint.userErrors).toEqual([]);
  });
});
