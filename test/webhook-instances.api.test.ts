import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKeyRole } from '../src/entities';
import { ManualClock } from '../src/services/clock';
import { ENGINES, freshDatabase } from './support/engines';
import { START } from './support/harness';
import { CREATE_ENDPOINT, Instance, Receiver, gqlOk, openInstance, verifyWith } from './support/webhooks';

/** A database two instances (or one, twice) can open: a temp SQLite file, or a fresh MariaDB database. */
async function sharedDatabase(engine: 'sqlite' | 'mysql') {
  if (engine === 'mysql') return freshDatabase('mysql');
  const dir = mkdtempSync(join(tmpdir(), 'cc-webhooks-'));
  return { url: undefined, sqliteFile: join(dir, 'db.sqlite'), drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

async function makeMsp(instance: Instance, n: number) {
  const created = await instance.services.msps.createMsp(`Shared MSP ${n}`, `admin${n}@shared${n}.example`);
  if (!created.ok) throw new Error(JSON.stringify(created.errors));
  const { msp, apiKey } = created.value;
  const principal = { keyId: apiKey.key.id, keyPrefix: apiKey.key.prefix, role: ApiKeyRole.MSP_ADMIN, mspId: msp.id };
  return { msp, key: apiKey.secret, principal };
}

describe.each(ENGINES)('webhooks across restarts and instances [%s]', (engine) => {
  let receiver: Receiver;
  let database: Awaited<ReturnType<typeof sharedDatabase>>;
  const open: Instance[] = [];
  const start = async (clock: ManualClock) => {
    const instance = await openInstance(database, clock);
    open.push(instance);
    return instance;
  };
  const stop = async (instance: Instance) => {
    open.splice(open.indexOf(instance), 1);
    await instance.close();
  };

  beforeEach(async () => {
    receiver = await Receiver.start();
    database = await sharedDatabase(engine);
  });
  afterEach(async () => {
    for (const instance of open.splice(0)) await instance.close();
    await receiver.close();
    await database.drop();
  });

  test('a restart in the middle loses nothing: queued and failed-once deliveries are sent by the reopened server', async () => {
    const clock = new ManualClock(START);
    const first = await start(clock);
    const { key, principal } = await makeMsp(first, 1);
    const created = await gqlOk(first.app, key, CREATE_ENDPOINT, { input: { url: receiver.url, events: ['CUSTOMER_CREATED'] } });
    const secret = created.createWebhookEndpoint.secret;
    receiver.answer(500);
    for (const name of ['One', 'Two']) {
      const added = await first.services.customers.addCustomer(principal, { organizationName: name, adminEmail: `${name}@restart.example` });
      expect(added.ok).toBe(true);
    }
    // One delivery is attempted (fails, so a retry is pending), the other claimed and never posted.
    const claimOne = first.services.webhookDelivery as unknown as { attempt(d: unknown): Promise<void>; claim(): Promise<unknown[]> };
    const claimed = await claimOne.claim();
    expect(claimed).toHaveLength(2);
    await claimOne.attempt(claimed[0]);
    expect(receiver.received).toHaveLength(1);
    await stop(first);

    const second = await start(clock);
    clock.advance(5 * 60 * 1000); // past the retry delay and the dead sender's claim lease
    expect(await second.services.webhookDelivery.deliverDue()).toBe(2);
    const names = receiver.bodies().map((b) => b.data.customer.organizationName);
    expect(names.sort()).toEqual(['One', 'One', 'Two'].sort());
    for (const got of receiver.received) expect(verifyWith(secret, got, clock.now())).toBeTruthy();
    expect(await second.services.webhookDelivery.deliverDue()).toBe(0);
  });

  // SQLite serves one process: better-sqlite3 waits for a lock synchronously, so a second
  // instance in this process would block the first; several instances means MariaDB.
  const onServerEngine = engine === 'mysql' ? test : test.skip;
  onServerEngine('two instances on one database send each event once, and the trial scheduler emits each notice once', async () => {
    const clock = new ManualClock(START);
    const a = await start(clock);
    const b = await start(clock);
    const { key, principal } = await makeMsp(a, 2);
    await gqlOk(a.app, key, CREATE_ENDPOINT, { input: { url: receiver.url, events: ['CUSTOMER_CREATED', 'TRIAL_EXPIRING', 'TRIAL_EXPIRED'] } });
    for (let i = 0; i < 30; i++) {
      const added = await (i % 2 ? a : b).services.customers.addCustomer(principal, { organizationName: `Twin ${i}`, adminEmail: `twin${i}@twins.example` });
      expect(added.ok).toBe(true);
    }
    const [sentA, sentB] = await Promise.all([a.services.webhookDelivery.deliverDue(), b.services.webhookDelivery.deliverDue()]);
    expect(sentA + sentB).toBe(30);
    clock.advance(12 * 24 * 60 * 60 * 1000); // each 14-day trial now ends within 3 days
    const [noticesA, noticesB] = await Promise.all([a.services.trialNotices.run(), b.services.trialNotices.run()]);
    expect(noticesA + noticesB).toBe(30);
    clock.advance(3 * 24 * 60 * 60 * 1000); // and now they have ended
    const [expiredA, expiredB] = await Promise.all([a.services.trialNotices.run(), b.services.trialNotices.run()]);
    expect(expiredA + expiredB).toBe(30);
    await Promise.all([a.services.webhookDelivery.deliverDue(), b.services.webhookDelivery.deliverDue()]);
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(ids).toHaveLength(90);
    expect(new Set(ids).size).toBe(90);
    const types = receiver.bodies().map((x) => x.type);
    expect(types.filter((t) => t === 'trial.expiring')).toHaveLength(30);
    expect(types.filter((t) => t === 'trial.expired')).toHaveLength(30);
  });
});
