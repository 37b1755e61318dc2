import type { FastifyBaseLogger } from 'fastify';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { ApiKeyRole } from '../src/entities';
import { startWebhookWorker } from '../src/jobs/webhook-worker';
import { WebhookEventType } from '../src/services/webhooks/webhook-event-type';
import { Principal } from '../src/services/principal';
import { CLAIM_LEASE_MS } from '../src/services/webhooks/webhook-delivery.service';
import { DAY_MS } from '../src/services/clock';
import { describeEachEngine } from './support/harness';
import { CREATE_ENDPOINT, Receiver, settleDeliveries, verifyWith } from './support/webhooks';

const STAFF: Principal = { keyId: 0, keyPrefix: 'staff', role: ApiKeyRole.STAFF, mspId: null };
const BASE = 30_000;

describeEachEngine('webhooks', (api) => {
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await Receiver.start();
  });
  afterEach(async () => {
    await settleDeliveries(api().db);
    await receiver.close();
  });

  async function endpointFor(msp: { key: string }, events: string[], url = receiver.url) {
    const data = await api().ok(msp.key, CREATE_ENDPOINT, { input: { url, events } });
    expect(data.createWebhookEndpoint.userErrors).toEqual([]);
    return data.createWebhookEndpoint as { webhookEndpoint: { id: string }; secret: string };
  }

  test('an added customer arrives signed as Standard Webhooks says, verified with the standardwebhooks package', async () => {
    const msp = await api().makeMsp();
    const { secret } = await endpointFor(msp, ['CUSTOMER_CREATED']);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);
    const customer = await msp.addCustomer({ name: 'Signed Co' });
    await api().services.webhookDelivery.deliverDue();
    expect(receiver.received).toHaveLength(1);
    const [got] = receiver.received;
    const verified = verifyWith(secret, got, api().clock.now()) as any;
    expect(verified.type).toBe('customer.created');
    expect(verified.data.customer).toMatchObject({ id: customer.id, organizationName: 'Signed Co', state: 'ACTIVE_TRIAL' });
    expect(got.headers['webhook-id']).toBe(verified.id);
    expect(got.headers['webhook-timestamp']).toBe(String(Math.floor(api().clock.now().getTime() / 1000)));
    expect(() => verifyWith('whsec_' + Buffer.alloc(32, 1).toString('base64'), got, api().clock.now())).toThrow();
  });

  test('one event reaches every endpoint subscribed to its type, once each, and none that is not', async () => {
    const msp = await api().makeMsp();
    const other = await Receiver.start();
    const unsubscribed = await Receiver.start();
    try {
      await endpointFor(msp, ['CUSTOMER_CREATED']);
      await endpointFor(msp, ['CUSTOMER_CREATED', 'CUSTOMER_REMOVED'], other.url);
      await endpointFor(msp, ['MONITORED_USER_REGISTERED'], unsubscribed.url);
      const deliveries = await api().rowCount('webhook_deliveries');
      await msp.addCustomer();
      expect(await api().rowCount('webhook_deliveries')).toBe(deliveries + 2);
      await api().services.webhookDelivery.deliverDue();
      expect([receiver.received.length, other.received.length, unsubscribed.received.length]).toEqual([1, 1, 0]);
      expect(receiver.received[0].headers['webhook-id']).toBe(other.received[0].headers['webhook-id']);
    } finally {
      await settleDeliveries(api().db);
      await other.close();
      await unsubscribed.close();
    }
  });

  test('a receiver failing twice then succeeding gets the event once as a success, retried after 30 s then 60 s, same webhook-id', async () => {
    const msp = await api().makeMsp();
    const { webhookEndpoint } = await endpointFor(msp, ['CUSTOMER_CREATED']);
    receiver.answer(500, 503);
    await msp.addCustomer();
    const worker = api().services.webhookDelivery;
    expect(await worker.deliverDue()).toBe(1);
    api().clock.advance(BASE - 1);
    expect(await worker.deliverDue()).toBe(0);
    api().clock.advance(BASE * 0.1 + 2); // within the first delay plus its jitter (at most 10%)
    expect(await worker.deliverDue()).toBe(1);
    api().clock.advance(2 * BASE - 1);
    expect(await worker.deliverDue()).toBe(0);
    api().clock.advance(2 * BASE * 0.1 + 2);
    expect(await worker.deliverDue()).toBe(1);
    api().clock.advance(DAY_MS);
    expect(await worker.deliverDue()).toBe(0);
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    const data = await api().ok(
      msp.key,
      `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { deliveries { nodes { status attemptCount event { type } attempts { statusCode attemptedAt } } } } } }`,
      { id: webhookEndpoint.id },
    );
    const [delivery] = data.node.deliveries.nodes;
    expect(delivery).toMatchObject({ status: 'SUCCEEDED', attemptCount: 3, event: { type: 'CUSTOMER_CREATED' } });
    expect(delivery.attempts.map((a: any) => a.statusCode)).toEqual([500, 503, 200]);
    const times = delivery.attempts.map((a: any) => Date.parse(a.attemptedAt));
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(BASE);
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(2 * BASE);
  });

  test('a receiver that never answers 2xx is given up after 24 h and can be redelivered', async () => {
    const msp = await api().makeMsp();
    const { webhookEndpoint } = await endpointFor(msp, ['CUSTOMER_CREATED']);
    receiver.answer(...Array(30).fill(500));
    await msp.addCustomer();
    for (let i = 0; i < 40; i++) {
      await api().services.webhookDelivery.deliverDue();
      api().clock.advance(60 * 60 * 1000);
    }
    const attempts = receiver.received.length;
    expect(attempts).toBeGreaterThan(5);
    expect(attempts).toBeLessThan(20);
    const read = `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { deliveries(status: FAILED) { totalCount nodes { id status } } } } }`;
    const failed = (await api().ok(msp.key, read, { id: webhookEndpoint.id })).node.deliveries;
    expect(failed.totalCount).toBe(1);
    receiver.answer(); // 200 from now on
    receiver.received.length = 0;
    const redo = await api().ok(msp.key, `mutation($input: RedeliverWebhookInput!) { redeliverWebhook(input: $input) { delivery { status event { messageId } } userErrors { code } } }`, {
      input: { deliveryId: failed.nodes[0].id },
    });
    expect(redo.redeliverWebhook.delivery.status).toBe('PENDING');
    await api().services.webhookDelivery.deliverDue();
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0].headers['webhook-id']).toBe(redo.redeliverWebhook.delivery.event.messageId);
  });

  test('a mutation refused with user errors (rolled back) sends nothing', async () => {
    const msp = await api().makeMsp();
    await endpointFor(msp, ['CUSTOMER_CREATED', 'MONITORED_USER_REGISTERED']);
    await msp.addCustomer({ email: 'taken@rollback.example' });
    await api().services.webhookDelivery.deliverDue();
    receiver.received.length = 0;
    const events = await api().rowCount('webhook_events');
    const refused = await api().ok(msp.key, `mutation { addCustomer(input: { adminEmail: "taken@rollback.example", organizationName: "Other" }) { userErrors { code } } }`);
    expect(refused.addCustomer.userErrors).toEqual([{ code: 'EMAIL_TAKEN' }]);
    expect(await api().rowCount('webhook_events')).toBe(events);
    await api().services.webhookDelivery.deliverDue();
    expect(receiver.received).toHaveLength(0);
  });

  test('an event emitted in a transaction that then rolls back is neither stored nor sent', async () => {
    const msp = await api().makeMsp();
    await endpointFor(msp, ['CUSTOMER_CREATED']);
    const events = await api().rowCount('webhook_events');
    const deliveries = await api().rowCount('webhook_deliveries');
    await expect(
      api().db.transaction(async (manager) => {
        await api().services.webhookEvents.emit(manager, msp.entity.id, WebhookEventType.CUSTOMER_CREATED, { customer: null });
        throw new Error('the change fails after its event was written');
      }),
    ).rejects.toThrow('the change fails');
    expect(await api().rowCount('webhook_events')).toBe(events);
    expect(await api().rowCount('webhook_deliveries')).toBe(deliveries);
    await api().services.webhookDelivery.deliverDue();
    expect(receiver.received).toHaveLength(0);
  });

  test('a receiver that does not answer within 5 s is a failed attempt, retried later', async () => {
    const hanging = createServer(() => undefined); // never answers
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    try {
      const msp = await api().makeMsp();
      const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/hook`;
      const { webhookEndpoint } = await endpointFor(msp, ['CUSTOMER_CREATED'], url);
      await msp.addCustomer();
      const started = Date.now();
      expect(await api().services.webhookDelivery.deliverDue()).toBe(1);
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(4500);
      expect(took).toBeLessThan(15_000);
      const data = await api().ok(msp.key, `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { deliveries { nodes { status nextAttemptAt attempts { statusCode error } } } } } }`, {
        id: webhookEndpoint.id,
      });
      expect(data.node.deliveries.nodes[0]).toMatchObject({ status: 'PENDING', attempts: [{ statusCode: null, error: 'No response within 5 s.' }] });
    } finally {
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    }
  }, 30_000);

  test('the server\'s worker loop sends on its own and stops when told', async () => {
    const msp = await api().makeMsp();
    await endpointFor(msp, ['CUSTOMER_CREATED']);
    const log = { debug: () => undefined, error: () => undefined } as unknown as FastifyBaseLogger;
    const stop = startWebhookWorker(api().services, log, 20);
    try {
      await msp.addCustomer();
      for (let i = 0; i < 100 && receiver.received.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(receiver.received).toHaveLength(1);
    } finally {
      stop();
    }
    await api().services.webhookDelivery.idle();
    await msp.addCustomer();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.received).toHaveLength(1);
  });

  test('events fire on state changes only: re-registering a known monitored user emits nothing', async () => {
    const msp = await api().makeMsp();
    await endpointFor(msp, ['MONITORED_USER_REGISTERED', 'MONITORED_USER_REMOVED']);
    const customer = await msp.addCustomer();
    const userId = await customer.registerUser('alice');
    await customer.registerUser('ALICE');
    const removed = await api().services.monitoredUsers.remove(msp.principal, userId);
    expect(removed.ok).toBe(true);
    await api().services.webhookDelivery.deliverDue();
    expect(receiver.bodies().map((b) => b.type).sort()).toEqual(['monitored_user.registered', 'monitored_user.removed']);
    for (const body of receiver.bodies()) expect(body.data.monitoredUser).toMatchObject({ id: userId, identity: 'alice' });
  });

  test('staff changes and resolved support requests emit their events to subscribers only', async () => {
    const msp = await api().makeMsp();
    const { secret } = await endpointFor(msp, ['SUBSCRIPTION_UPGRADED', 'TRIAL_EXTENDED', 'CUSTOMER_REMOVED', 'SUPPORT_REQUEST_RESOLVED']);
    const a = await msp.addCustomer();
    const b = await msp.addCustomer();
    const c = await msp.addCustomer();
    await a.makePaid(5);
    const later = new Date(api().clock.now().getTime() + 30 * DAY_MS);
    expect((await api().services.staffOperations.setTrialEnd(STAFF, { customerId: b.id, trialEndsAt: later })).ok).toBe(true);
    const earlier = new Date(api().clock.now().getTime() + DAY_MS);
    expect((await api().services.staffOperations.setTrialEnd(STAFF, { customerId: b.id, trialEndsAt: earlier })).ok).toBe(true); // not an extension
    const filed = await api().services.supportRequests.requestTrialExtension(msp.principal, { customerId: c.id, days: 10 });
    if (!filed.ok) throw new Error('not filed');
    const { toGlobalId } = await import('../src/services/global-id');
    expect((await api().services.supportRequests.approve(STAFF, { id: toGlobalId('SupportRequest', filed.value.request.id) })).ok).toBe(true);
    expect((await api().services.staffOperations.removeCustomer(STAFF, { customerId: b.id })).ok).toBe(true);
    await api().services.webhookDelivery.deliverDue();
    // Deliveries are sent concurrently: arrival order is not promised (docs/webhooks.md).
    const types = receiver.bodies().map((x) => x.type);
    expect(types.sort()).toEqual(['customer.removed', 'subscription.upgraded', 'support_request.resolved', 'trial.extended', 'trial.extended']);
    const body = (type: string) => receiver.bodies().find((x) => x.type === type)!;
    expect(body('subscription.upgraded').data.customer).toMatchObject({ id: a.id, state: 'PAID', licensedSeats: 5 });
    expect(body('support_request.resolved').data.supportRequest).toMatchObject({ kind: 'TRIAL_EXTENSION', status: 'APPROVED' });
    expect(body('customer.removed').data.customer.id).toBe(b.id);
    const extended = receiver.bodies().filter((x) => x.type === 'trial.extended').map((x) => x.data.customer.id);
    expect(extended.sort()).toEqual([b.id, c.id].sort());
    for (const got of receiver.received) expect(verifyWith(secret, got, api().clock.now())).toBeTruthy();
  });

  test('rotating the secret: both signatures verify for 24 h, then only the new one', async () => {
    const msp = await api().makeMsp();
    const { webhookEndpoint, secret: old } = await endpointFor(msp, ['CUSTOMER_CREATED']);
    const rotated = await api().ok(msp.key, `mutation($input: WebhookEndpointIdInput!) { rotateWebhookSecret(input: $input) { secret webhookEndpoint { previousSecretExpiresAt } userErrors { code } } }`, {
      input: { id: webhookEndpoint.id },
    });
    const fresh = rotated.rotateWebhookSecret.secret as string;
    expect(fresh).not.toBe(old);
    await msp.addCustomer();
    await api().services.webhookDelivery.deliverDue();
    const during = receiver.received[0];
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifyWith(old, during, api().clock.now())).toBeTruthy();
    expect(verifyWith(fresh, during, api().clock.now())).toBeTruthy();
    api().clock.advance(DAY_MS + 1000);
    await msp.addCustomer();
    await api().services.webhookDelivery.deliverDue();
    const after = receiver.received[1];
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verifyWith(fresh, after, api().clock.now())).toBeTruthy();
    expect(() => verifyWith(old, after, api().clock.now())).toThrow();
  });

  test('redirects are not followed', async () => {
    const other = await Receiver.start();
    try {
      const msp = await api().makeMsp();
      const { webhookEndpoint } = await endpointFor(msp, ['CUSTOMER_CREATED']);
      receiver.answer({ status: 302, location: other.url }, { status: 307, location: other.url });
      await msp.addCustomer();
      await api().services.webhookDelivery.deliverDue();
      expect(other.received).toHaveLength(0);
      const data = await api().ok(msp.key, `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { deliveries { nodes { status attempts { statusCode error } } } } } }`, {
        id: webhookEndpoint.id,
      });
      expect(data.node.deliveries.nodes[0]).toEqual({ status: 'PENDING', attempts: [{ statusCode: 302, error: 'Redirect not followed.' }] });
    } finally {
      await other.close();
    }
  });

  test('roles and tenancy: MSP_READ reads but cannot manage; another MSP\'s endpoint answers NOT_FOUND', async () => {
    const msp = await api().makeMsp();
    const other = await api().makeMsp();
    const { webhookEndpoint } = await endpointFor(msp, ['CUSTOMER_CREATED']);
    const reader = await api().makeKey(ApiKeyRole.MSP_READ, msp);
    const listed = await api().ok(reader, `{ msp { webhookEndpoints { totalCount nodes { id url events } } } }`);
    expect(listed.msp.webhookEndpoints).toEqual({ totalCount: 1, nodes: [{ id: webhookEndpoint.id, url: receiver.url, events: ['CUSTOMER_CREATED'] }] });
    const denied = await api().gql(reader, CREATE_ENDPOINT, { input: { url: receiver.url, events: ['CUSTOMER_CREATED'] } });
    expect(denied.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    for (const mutation of ['deleteWebhookEndpoint', 'sendTestWebhook', 'rotateWebhookSecret']) {
      const data = await api().ok(other.key, `mutation($input: WebhookEndpointIdInput!) { ${mutation}(input: $input) { userErrors { code field } } }`, { input: { id: webhookEndpoint.id } });
      expect(data[mutation].userErrors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'id'] }]);
    }
    const update = await api().ok(other.key, `mutation($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) { userErrors { code } } }`, {
      input: { id: webhookEndpoint.id, events: ['TRIAL_EXPIRED'] },
    });
    expect(update.updateWebhookEndpoint.userErrors).toEqual([{ code: 'NOT_FOUND' }]);
    expect((await api().ok(other.key, `query($id: ID!) { node(id: $id) { id } }`, { id: webhookEndpoint.id })).node).toBeNull();
    const bad = await api().ok(msp.key, CREATE_ENDPOINT, { input: { url: 'ftp://example.com/x', events: [] } });
    expect(bad.createWebhookEndpoint.userErrors.map((e: any) => e.code).sort()).toEqual(['INVALID_EVENTS', 'INVALID_URL']);
    const audit = await api().ok(msp.key, `{ msp { auditEvents(action: WEBHOOK_ENDPOINT_CREATED) { totalCount nodes { target } } } }`);
    expect(audit.msp.auditEvents).toEqual({ totalCount: 1, nodes: [{ target: webhookEndpoint.id }] });
  });

  test('update, test event, delete', async () => {
    const msp = await api().makeMsp();
    const { webhookEndpoint, secret } = await endpointFor(msp, ['CUSTOMER_CREATED']);
    const updated = await api().ok(msp.key, `mutation($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) { webhookEndpoint { events } userErrors { code } } }`, {
      input: { id: webhookEndpoint.id, events: ['TRIAL_EXPIRED', 'TRIAL_EXPIRING'] },
    });
    expect(updated.updateWebhookEndpoint.webhookEndpoint.events).toEqual(['TRIAL_EXPIRED', 'TRIAL_EXPIRING']);
    await msp.addCustomer(); // no longer subscribed
    const sent = await api().ok(msp.key, `mutation($input: WebhookEndpointIdInput!) { sendTestWebhook(input: $input) { event { type messageId } userErrors { code } } }`, {
      input: { id: webhookEndpoint.id },
    });
    await api().services.webhookDelivery.deliverDue();
    expect(receiver.bodies().map((b) => b.type)).toEqual(['webhook.test']);
    expect(receiver.bodies()[0].id).toBe(sent.sendTestWebhook.event.messageId);
    expect(verifyWith(secret, receiver.received[0], api().clock.now())).toBeTruthy();
    const deleted = await api().ok(msp.key, `mutation($input: WebhookEndpointIdInput!) { deleteWebhookEndpoint(input: $input) { webhookEndpoint { id } userErrors { code } } }`, {
      input: { id: webhookEndpoint.id },
    });
    expect(deleted.deleteWebhookEndpoint.webhookEndpoint.id).toBe(webhookEndpoint.id);
    const listed = await api().ok(msp.key, `{ msp { webhookEndpoints { totalCount } } }`);
    expect(listed.msp.webhookEndpoints.totalCount).toBe(0);
  });

  test('Msp.events lists the last 30 days oldest first, by type, page by page, own MSP only', async () => {
    const msp = await api().makeMsp();
    const other = await api().makeMsp();
    await msp.addCustomer();
    const c = await msp.addCustomer();
    await c.registerUser('u1');
    await other.addCustomer();
    const all = await api().ok(msp.key, `{ msp { events(first: 2) { totalCount nodes { type } pageInfo { endCursor hasNextPage } } } }`);
    expect(all.msp.events.totalCount).toBe(3);
    expect(all.msp.events.nodes.map((n: any) => n.type)).toEqual(['CUSTOMER_CREATED', 'CUSTOMER_CREATED']);
    const rest = await api().ok(msp.key, `query($after: String) { msp { events(after: $after) { nodes { type data } } } }`, { after: all.msp.events.pageInfo.endCursor });
    expect(rest.msp.events.nodes.map((n: any) => n.type)).toEqual(['MONITORED_USER_REGISTERED']);
    expect(JSON.parse(rest.msp.events.nodes[0].data).monitoredUser.identity).toBe('u1');
    const typed = await api().ok(msp.key, `{ msp { events(types: [MONITORED_USER_REGISTERED]) { totalCount } } }`);
    expect(typed.msp.events.totalCount).toBe(1);
    api().clock.advance(31 * DAY_MS);
    expect((await api().ok(msp.key, `{ msp { events { totalCount } } }`)).msp.events.totalCount).toBe(0);
    expect(await api().services.webhookEvents.purgeExpired()).toBeGreaterThanOrEqual(4);
  });

  test('a claimed delivery whose sender died is sent again once its lease runs out', async () => {
    const msp = await api().makeMsp();
    await endpointFor(msp, ['CUSTOMER_CREATED']);
    await msp.addCustomer();
    // Claim as a sender would, then "crash" before posting.
    await (api().services.webhookDelivery as unknown as { claim(): Promise<unknown[]> }).claim();
    expect(await api().services.webhookDelivery.deliverDue()).toBe(0);
    api().clock.advance(CLAIM_LEASE_MS + 1);
    expect(await api().services.webhookDelivery.deliverDue()).toBe(1);
    expect(receiver.received).toHaveLength(1);
  });
});
