import { Database } from '../database/data-source';
import { AccountEntity, AccountKind, ApiKeyRole, StoredPlan } from '../entities';
import { ApiKeyService, NewApiKey } from './api-key.service';
import { Clock, DAY_MS } from './clock';
import { CustomerService } from './customers/customer.service';
import { MonitoredUserService } from './customers/monitored-user.service';
import { MspService } from './msp.service';
import { Principal } from './principal';
import { RollupService } from './subscription/rollup.service';
import { subscriptionState } from './subscription/subscription-rule';
import { toGlobalId } from './global-id';

export const DEMO_MSP_EMAIL = 'admin@demo-msp.example';

interface DemoCustomer {
  name: string;
  email: string;
  users: number;
  state: 'PAID' | 'ACTIVE_TRIAL' | 'EXPIRED_TRIAL';
  seats?: number;
}

/** A small MSP with customers in every state, for the embedded sandbox and demos. */
const DEMO_CUSTOMERS: DemoCustomer[] = [
  { name: 'Acme, Inc', email: 'acme@demo-msp.example', users: 12, state: 'PAID', seats: 15 },
  { name: 'Globex Corporation', email: 'globex@demo-msp.example', users: 7, state: 'PAID', seats: 5 },
  { name: 'Initech', email: 'initech@demo-msp.example', users: 4, state: 'ACTIVE_TRIAL' },
  { name: 'Umbrella Health', email: 'umbrella@demo-msp.example', users: 2, state: 'ACTIVE_TRIAL' },
  { name: 'Hooli Labs', email: 'hooli@demo-msp.example', users: 6, state: 'EXPIRED_TRIAL' },
  { name: 'Stark Logistics', email: 'stark@demo-msp.example', users: 1, state: 'EXPIRED_TRIAL' },
];

export interface DemoSeed {
  msp: AccountEntity;
  /** Set when this call created the demo (the only time its first key's secret is known). */
  apiKey: NewApiKey | null;
}

/** Seeds the demo MSP through the same services the API uses. */
export class DemoService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly msps: MspService,
    private readonly customers: CustomerService,
    private readonly monitoredUsers: MonitoredUserService,
    private readonly rollups: RollupService,
    private readonly apiKeys: ApiKeyService,
  ) {}

  async find(): Promise<AccountEntity | null> {
    return this.db.manager.findOne(AccountEntity, { where: { adminEmailKey: DEMO_MSP_EMAIL, kind: AccountKind.MSP } });
  }

  /**
   * Creates the demo MSP and its customers, or completes a demo that an interrupted run left
   * half-made: every step is skipped when already done, so running it again is always safe.
   * When two processes seed at once, the one that loses the race for the MSP's email reuses it.
   */
  async seed(): Promise<DemoSeed> {
    let msp = await this.find();
    let apiKey: NewApiKey | null = null;
    if (!msp) {
      const created = await this.msps.createMsp('Demo MSP', DEMO_MSP_EMAIL);
      if (created.ok) ({ msp, apiKey } = created.value);
      else msp = await this.find();
      if (!msp) throw new Error(`demo MSP refused: ${created.ok ? '' : created.errors.map((e) => e.message).join('; ')}`);
    }
    const principal: Principal = { keyId: 0, keyPrefix: 'demo', role: ApiKeyRole.MSP_ADMIN, mspId: msp.id };
    for (const demo of DEMO_CUSTOMERS) {
      let customer = await this.db.manager.findOne(AccountEntity, { where: { adminEmailKey: demo.email, mspId: msp.id } });
      if (!customer) {
        const added = await this.customers.addCustomer(principal, { adminEmail: demo.email, organizationName: demo.name });
        if (!added.ok) throw new Error(`demo customer refused: ${added.errors.map((e) => e.message).join('; ')}`);
        customer = added.value;
      }
      const inState = demo.state === 'ACTIVE_TRIAL' || subscriptionState(customer, this.clock.now()) === demo.state;
      if (inState && customer.userCount >= demo.users) continue;
      // Users first: an expired trial would refuse all but 3 of them.
      const customerId = toGlobalId('CustomerAccount', customer.accountNumber);
      const slug = demo.name.split(/\W/)[0].toLowerCase();
      for (let i = 1; i <= demo.users; i++) {
        await this.monitoredUsers.register(principal, { customerId, identity: `${slug}\\user${i}`, displayName: `User ${i} of ${demo.name}` });
      }
      if (demo.state !== 'ACTIVE_TRIAL') await this.settle(customer.id, msp.id, demo);
    }
    return { msp, apiKey };
  }

  /** A fresh MSP_ADMIN key for the demo MSP (when the one on disk was lost). */
  async newKey(mspId: number): Promise<NewApiKey> {
    return this.db.transaction((manager) => this.apiKeys.create(manager, ApiKeyRole.MSP_ADMIN, mspId, 'Demo key'));
  }

  /** Moves a demo customer to its paid or expired state, keeping the rollup in step. */
  private async settle(customerId: number, mspId: number, demo: DemoCustomer): Promise<void> {
    await this.db.transaction(async (manager) => {
      const asOf = await this.rollups.lock(manager, mspId);
      const before = await manager.findOneByOrFail(AccountEntity, { id: customerId });
      const change =
        demo.state === 'PAID'
          ? { plan: StoredPlan.PAID, licensedSeats: demo.seats ?? demo.users }
          : { trialEndsAt: new Date(this.clock.now().getTime() - 3 * DAY_MS) };
      await manager.update(AccountEntity, { id: customerId }, change);
      await this.rollups.apply(manager, mspId, asOf, before, { ...before, ...change });
    });
  }
}
